import { ETA_OPTION } from './sde';
import type { SamplerInfo } from './types';
import { PlanBuilder, type Plan } from '../plan';
import { ancestralStep, brownianNoise, checkRange, S_NOISE_OPTION } from './ancestral';

export interface Dpmpp2sAncestralOptions {
  /** Ancestral noise strength, [0, 1] (η = 0: the deterministic DPM-Solver++(2S)). */
  eta: number;
  /** Multiplies the added noise (k-diffusion s_noise), [0, 2]. */
  sNoise: number;
}

const DPMPP_2S_ANCESTRAL_DEFAULTS: Dpmpp2sAncestralOptions = { eta: 1, sNoise: 1 };

/**
 * Ancestral sampling with DPM-Solver++(2S) steps (Lu et al. 2022, DPM-Solver++ Alg. 1 with r = ½; k-diffusion
 * sample_dpmpp_2s_ancestral). With λ = −log σ, split σ_{i+1} into (σ_down, σ_up), h = λ(σ_down) − λ_i, and
 * σ_s = exp(−(λ_i + h/2)):
 *   u = (σ_s/σ_i)·x_i − expm1(−h/2)·D_i,   x_{i+1} = (σ_down/σ_i)·x_i − expm1(−h)·D(u; σ_s) + s_noise·σ_up·ξ_i.
 * The step to σ = 0 is Euler (returns D_i). NFE = 2N − 1.
 */
export function buildDpmpp2sAncestral(sigmas: Float64Array, options: Partial<Dpmpp2sAncestralOptions> = {}): Plan {
  const { eta, sNoise } = { ...DPMPP_2S_ANCESTRAL_DEFAULTS, ...options };
  checkRange('dpmpp_2s_ancestral', 'eta', eta, 0, 1);
  checkRange('dpmpp_2s_ancestral', 'sNoise', sNoise, 0, 2);
  const plan = new PlanBuilder(sigmas);
  const steps = sigmas.length - 1;
  for (let i = 0; i < steps; i++) {
    const [s, sNext] = [sigmas[i], sigmas[i + 1]];
    const { sigmaDown, sigmaUp } = ancestralStep(s, sNext, eta);
    plan.denoise('x', s, 'D').record(i, 'x', 'D');
    if (sigmaDown === 0) {
      plan.combine('x', [['D', 1]]);
      continue;
    }
    const lambda = -Math.log(s);
    const h = -Math.log(sigmaDown) - lambda;
    const sigmaS = Math.exp(-(lambda + 0.5 * h));
    plan.combine('u', [
      ['x', sigmaS / s],
      ['D', -Math.expm1(-0.5 * h)],
    ]);
    plan.denoise('u', sigmaS, 'Du');
    const noise = sNext > 0 ? brownianNoise(sNoise * sigmaUp, s, sNext, sigmas[0]) : undefined;
    plan.combine(
      'x',
      [
        ['x', sigmaDown / s],
        ['Du', -Math.expm1(-h)],
      ],
      noise,
    );
  }
  return plan.record(steps, 'x', 'x').build();
}

export const DPMPP_2S_ANCESTRAL: SamplerInfo = {
  id: 'dpmpp_2s_ancestral',
  label: 'DPM++(2S) ancestral',
  a1111: 'DPM++ 2S a',
  group: 'stochastic',
  options: [ETA_OPTION, S_NOISE_OPTION],
  nfe: (n) => 2 * n - 1,
  stochastic: true,
  defaultSchedule: 'karras',
  build: (sigmas, options) => buildDpmpp2sAncestral(sigmas, options as Partial<Dpmpp2sAncestralOptions>),
  citation: 'Lu et al. 2022, DPM-Solver++(2S) with ancestral noise; k-diffusion sample_dpmpp_2s_ancestral',
};
