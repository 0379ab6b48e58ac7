import { ETA_OPTION } from './sde';
import type { SamplerInfo } from './types';
import type { Plan } from '../plan';
import { buildAncestral, S_NOISE_OPTION, type AncestralOptions } from './ancestral';
import { logMidpoint } from './dpm-2';

/**
 * Ancestral sampling with DPM-Solver-2 steps (k-diffusion sample_dpm_2_ancestral): split σ_{i+1} into (σ_down, σ_up),
 * take the DPM-Solver-2 step (./dpm-2.ts) from σ_i to σ_down with its midpoint σ_m = √(σ_i σ_down), then add
 * s_noise·σ_up·ξ_i (ξ_i: Brownian increment σ_i → σ_{i+1}). The step to σ = 0 is Euler (returns D_i). NFE = 2N − 1.
 * With η = 0 it is exactly ./dpm-2.ts.
 */
export function buildDpm2Ancestral(sigmas: Float64Array, options: Partial<AncestralOptions> = {}): Plan {
  return buildAncestral('dpm_2_ancestral', sigmas, options, (plan, s, sigmaDown, noise) => {
    const mid = logMidpoint(s, sigmaDown);
    const a = (mid - s) / s;
    plan.combine('y', [
      ['x', 1 + a],
      ['D', -a],
    ]);
    plan.denoise('y', mid, 'Dy');
    const b = (sigmaDown - s) / mid;
    plan.combine(
      'x',
      [
        ['x', 1],
        ['y', b],
        ['Dy', -b],
      ],
      noise,
    );
  });
}

export const DPM_2_ANCESTRAL: SamplerInfo = {
  id: 'dpm_2_ancestral',
  label: 'DPM-Solver-2 ancestral',
  a1111: 'DPM2 a',
  group: 'stochastic',
  options: [ETA_OPTION, S_NOISE_OPTION],
  nfe: (n) => 2 * n - 1,
  stochastic: true,
  defaultSchedule: 'karras',
  build: (sigmas, options) => buildDpm2Ancestral(sigmas, options as Partial<AncestralOptions>),
  citation: 'Lu et al. 2022 DPM-Solver-2 steps with ancestral noise; k-diffusion sample_dpm_2_ancestral',
};
