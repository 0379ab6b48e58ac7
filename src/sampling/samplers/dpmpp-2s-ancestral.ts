import { ETA_OPTION } from './sde';
import type { SamplerInfo } from './types';
import type { Plan } from '../plan';
import { buildAncestral, S_NOISE_OPTION, type AncestralOptions } from './ancestral';

/**
 * Ancestral sampling with DPM-Solver++(2S) steps (Lu et al. 2022, DPM-Solver++ Alg. 1 with r = ½; k-diffusion
 * sample_dpmpp_2s_ancestral). With λ = −log σ, split σ_{i+1} into (σ_down, σ_up), h = λ(σ_down) − λ_i, and
 * σ_s = exp(−(λ_i + h/2)):
 *   u = (σ_s/σ_i)·x_i − expm1(−h/2)·D_i,   x_{i+1} = (σ_down/σ_i)·x_i − expm1(−h)·D(u; σ_s) + s_noise·σ_up·ξ_i.
 * The step to σ = 0 is Euler (returns D_i). NFE = 2N − 1.
 */
export function buildDpmpp2sAncestral(sigmas: Float64Array, options: Partial<AncestralOptions> = {}): Plan {
  return buildAncestral('dpmpp_2s_ancestral', sigmas, options, (plan, s, sigmaDown, noise) => {
    const lambda = -Math.log(s);
    const h = -Math.log(sigmaDown) - lambda;
    const sigmaS = Math.exp(-(lambda + 0.5 * h));
    plan.combine('u', [
      ['x', sigmaS / s],
      ['D', -Math.expm1(-0.5 * h)],
    ]);
    plan.denoise('u', sigmaS, 'Du');
    plan.combine(
      'x',
      [
        ['x', sigmaDown / s],
        ['Du', -Math.expm1(-h)],
      ],
      noise,
    );
  });
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
  build: (sigmas, options) => buildDpmpp2sAncestral(sigmas, options as Partial<AncestralOptions>),
  citation: 'Lu et al. 2022, DPM-Solver++(2S) with ancestral noise; k-diffusion sample_dpmpp_2s_ancestral',
};
