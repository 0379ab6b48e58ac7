import type { ChoiceOption } from '../option-spec';
import { ETA_OPTION } from './sde';
import type { SamplerInfo } from './types';
import { PlanBuilder, type Plan } from '../plan';
import { brownianNoise, checkRange, S_NOISE_OPTION } from './ancestral';

type Dpmpp2mSdeSolverType = 'midpoint' | 'heun';

export interface Dpmpp2mSdeOptions {
  /** Noise strength, [0, 1]: 0 is the ODE (with 'midpoint', exactly ./dpmpp-2m.ts), 1 the SDE. */
  eta: number;
  /** Multiplies the added noise (k-diffusion s_noise), [0, 2]. */
  sNoise: number;
  /** How the second-order correction is weighted: 'midpoint' (k-diffusion's default) or 'heun'. */
  solverType: Dpmpp2mSdeSolverType;
}

const DPMPP_2M_SDE_DEFAULTS: Dpmpp2mSdeOptions = { eta: 1, sNoise: 1, solverType: 'midpoint' };

/**
 * DPM-Solver++(2M) SDE (Lu et al. 2022, SDE-DPM-Solver++(2M); k-diffusion sample_dpmpp_2m_sde). With λ = −log σ,
 * h = λ_{i+1} − λ_i, w = −expm1(−h − ηh), r = h_{i−1}/h:
 *   x_{i+1} = (σ_{i+1}/σ_i)·e^{−ηh}·x_i + w·D_i + c·(D_i − D_{i−1}) + s_noise·σ_{i+1}·√(−expm1(−2ηh))·ξ_i,
 * c = w/(2r) ('midpoint') or (w/(−h − ηh) + 1)/r ('heun'), c = 0 on the first step. The step to σ = 0 returns D_i.
 * NFE = N. At η = 0, 'midpoint' writes the same coefficients as DPM-Solver++(2M), so the plans agree bit for bit.
 */
export function buildDpmpp2mSde(sigmas: Float64Array, options: Partial<Dpmpp2mSdeOptions> = {}): Plan {
  const { eta, sNoise, solverType } = { ...DPMPP_2M_SDE_DEFAULTS, ...options };
  checkRange('dpmpp_2m_sde', 'eta', eta, 0, 1);
  checkRange('dpmpp_2m_sde', 'sNoise', sNoise, 0, 2);
  if (solverType !== 'midpoint' && solverType !== 'heun')
    throw new RangeError(`dpmpp_2m_sde: solverType must be 'midpoint' or 'heun', got ${String(solverType)}`);
  const plan = new PlanBuilder(sigmas);
  const steps = sigmas.length - 1;
  const lambda = (sigma: number) => -Math.log(sigma);
  for (let i = 0; i < steps; i++) {
    const [s, sNext] = [sigmas[i], sigmas[i + 1]];
    const current = i % 2 === 0 ? 'D0' : 'D1';
    const previous = i % 2 === 0 ? 'D1' : 'D0';
    plan.denoise('x', s, current).record(i, 'x', current);
    if (sNext === 0) {
      plan.combine('x', [[current, 1]]);
      continue;
    }
    const h = lambda(sNext) - lambda(s);
    const etaH = eta * h;
    const weight = -Math.expm1(-h - etaH);
    const xCoef = (sNext / s) * Math.exp(-etaH);
    const noise =
      eta > 0 ? brownianNoise(sNoise * sNext * Math.sqrt(-Math.expm1(-2 * etaH)), s, sNext, sigmas[0]) : undefined;
    if (i === 0) {
      plan.combine(
        'x',
        [
          ['x', xCoef],
          [current, weight],
        ],
        noise,
      );
      continue;
    }
    // r as ./dpmpp-2m.ts computes it, so that η = 0 reproduces its coefficients exactly.
    const r = (lambda(s) - lambda(sigmas[i - 1])) / h;
    if (solverType === 'midpoint') {
      plan.combine(
        'x',
        [
          ['x', xCoef],
          [current, weight * (1 + 1 / (2 * r))],
          [previous, -weight / (2 * r)],
        ],
        noise,
      );
    } else {
      const c = (weight / (-h - etaH) + 1) / r;
      plan.combine(
        'x',
        [
          ['x', xCoef],
          [current, weight + c],
          [previous, -c],
        ],
        noise,
      );
    }
  }
  return plan.record(steps, 'x', 'x').build();
}

/** How the second-order correction of DPM++(2M) SDE is formed (k-diffusion solver_type). */
const SOLVER_TYPE_OPTION: ChoiceOption = {
  key: 'solverType',
  label: 'Solver type',
  type: 'choice',
  choices: [
    { value: 'midpoint', label: 'Midpoint' },
    { value: 'heun', label: 'Heun' },
  ],
  default: DPMPP_2M_SDE_DEFAULTS.solverType,
  infotext: 'Solver type',
  url: 'st',
  description:
    'The second-order correction of DPM++(2M) SDE (k-diffusion solver_type; Lu et al. 2022): midpoint or Heun',
};

export const DPMPP_2M_SDE: SamplerInfo = {
  id: 'dpmpp_2m_sde',
  label: 'DPM++(2M) SDE',
  a1111: 'DPM++ 2M SDE',
  group: 'stochastic',
  options: [ETA_OPTION, S_NOISE_OPTION, SOLVER_TYPE_OPTION],
  nfe: (n) => n,
  stochastic: true,
  defaultSchedule: 'karras',
  build: (sigmas, options) => buildDpmpp2mSde(sigmas, options as Partial<Dpmpp2mSdeOptions>),
  citation: 'Lu et al. 2022, SDE-DPM-Solver++(2M); k-diffusion sample_dpmpp_2m_sde',
};
