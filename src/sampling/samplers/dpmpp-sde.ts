import type { NumberOption } from '../option-spec';
import { ETA_OPTION } from './sde';
import type { SamplerInfo } from './types';
import { PlanBuilder, type Plan } from '../plan';
import { ancestralStep, brownianNoise, checkRange, S_NOISE_OPTION } from './ancestral';

export interface DpmppSdeOptions {
  /** Noise strength of both substeps' ancestral splits, [0, 1]. */
  eta: number;
  /** Multiplies the added noise (k-diffusion s_noise), [0, 2]. */
  sNoise: number;
  /** Position of the intermediate point in λ = −log σ, (0, 1); ½ is k-diffusion's default. */
  r: number;
}

const DPMPP_SDE_DEFAULTS: DpmppSdeOptions = { eta: 1, sNoise: 1, r: 1 / 2 };

/**
 * DPM-Solver++ (stochastic), k-diffusion sample_dpmpp_sde: a two-stage SDE step in λ = −log σ (Lu et al. 2022,
 * SDE-DPM-Solver++ style). With h = λ_{i+1} − λ_i, the intermediate σ_s = exp(−(λ_i + r·h)) and fac = 1/(2r):
 *   stage 1: (σ_d, σ_u) = split(σ_i → σ_s); u = (σ_d/σ_i)·x_i − expm1(λ_i − λ(σ_d))·D_i + s_noise·σ_u·ξ(σ_i → σ_s);
 *   stage 2: (σ_d, σ_u) = split(σ_i → σ_{i+1}); D' = (1 − fac)·D_i + fac·D(u; σ_s);
 *            x_{i+1} = (σ_d/σ_i)·x_i − expm1(λ_i − λ(σ_d))·D' + s_noise·σ_u·ξ(σ_i → σ_{i+1}).
 * k-diffusion draws both increments from a Brownian tree (both start at σ_i, so they are correlated); here both come
 * from the run's Brownian path at u = σ/σ_0, the stage-1 one ending at the intermediate σ_s. The step to σ = 0 is
 * Euler (returns D_i). NFE = 2N − 1.
 */
export function buildDpmppSde(sigmas: Float64Array, options: Partial<DpmppSdeOptions> = {}): Plan {
  const { eta, sNoise, r } = { ...DPMPP_SDE_DEFAULTS, ...options };
  checkRange('dpmpp_sde', 'eta', eta, 0, 1);
  checkRange('dpmpp_sde', 'sNoise', sNoise, 0, 2);
  if (!(r > 0 && r < 1)) throw new RangeError(`dpmpp_sde: r must be in (0, 1), got ${r}`);
  const plan = new PlanBuilder(sigmas);
  const steps = sigmas.length - 1;
  const fac = 1 / (2 * r);
  for (let i = 0; i < steps; i++) {
    const [s, sNext] = [sigmas[i], sigmas[i + 1]];
    plan.denoise('x', s, 'D').record(i, 'x', 'D');
    if (sNext === 0) {
      plan.combine('x', [['D', 1]]);
      continue;
    }
    const lambda = -Math.log(s);
    const h = -Math.log(sNext) - lambda;
    const sigmaS = Math.exp(-(lambda + h * r));
    const first = ancestralStep(s, sigmaS, eta);
    const w1 = -Math.expm1(lambda + Math.log(first.sigmaDown));
    plan.combine(
      'u',
      [
        ['x', first.sigmaDown / s],
        ['D', w1],
      ],
      brownianNoise(sNoise * first.sigmaUp, s, sigmaS, sigmas[0]),
    );
    plan.denoise('u', sigmaS, 'Du');
    const second = ancestralStep(s, sNext, eta);
    const w2 = -Math.expm1(lambda + Math.log(second.sigmaDown));
    plan.combine(
      'x',
      [
        ['x', second.sigmaDown / s],
        ['D', w2 * (1 - fac)],
        ['Du', w2 * fac],
      ],
      brownianNoise(sNoise * second.sigmaUp, s, sNext, sigmas[0]),
    );
  }
  return plan.record(steps, 'x', 'x').build();
}

/** Where the intermediate point sits in λ = −log σ between the two evaluations of a step (k-diffusion's r). */
const R_OPTION: NumberOption = {
  key: 'r',
  label: 'r',
  type: 'number',
  min: 0.01,
  max: 0.99,
  step: 0.01,
  default: DPMPP_SDE_DEFAULTS.r,
  infotext: 'DPM++ SDE r',
  url: 'r',
  description:
    'Fraction of the step in λ = −log σ at which DPM++ SDE evaluates its midpoint (k-diffusion r, default ½)',
};

export const DPMPP_SDE: SamplerInfo = {
  id: 'dpmpp_sde',
  label: 'DPM++ SDE',
  a1111: 'DPM++ SDE',
  group: 'stochastic',
  options: [ETA_OPTION, S_NOISE_OPTION, R_OPTION],
  nfe: (n) => 2 * n - 1,
  stochastic: true,
  defaultSchedule: 'karras',
  build: (sigmas, options) => buildDpmppSde(sigmas, options as Partial<DpmppSdeOptions>),
  citation: 'Lu et al. 2022, DPM-Solver++ stochastic two-stage step; k-diffusion sample_dpmpp_sde',
};
