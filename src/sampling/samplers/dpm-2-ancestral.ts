import { ETA_OPTION } from './sde';
import type { SamplerInfo } from './types';
import { PlanBuilder, type Plan } from '../plan';
import { ancestralStep, brownianNoise, checkRange, S_NOISE_OPTION } from './ancestral';
import { logMidpoint } from './dpm-2';

export interface Dpm2AncestralOptions {
  /** Ancestral noise strength, [0, 1] (above 1 σ_down can reach 0 early and the NFE would depend on the grid). */
  eta: number;
  /** Multiplies the added noise (k-diffusion s_noise), [0, 2]. */
  sNoise: number;
}

const DPM_2_ANCESTRAL_DEFAULTS: Dpm2AncestralOptions = { eta: 1, sNoise: 1 };

/**
 * Ancestral sampling with DPM-Solver-2 steps (k-diffusion sample_dpm_2_ancestral): split σ_{i+1} into (σ_down, σ_up),
 * take the DPM-Solver-2 step (./dpm-2.ts) from σ_i to σ_down with its midpoint σ_m = √(σ_i σ_down), then add
 * s_noise·σ_up·ξ_i (ξ_i: Brownian increment σ_i → σ_{i+1}). The step to σ = 0 is Euler (returns D_i). NFE = 2N − 1.
 * With η = 0 it is exactly ./dpm-2.ts.
 */
export function buildDpm2Ancestral(sigmas: Float64Array, options: Partial<Dpm2AncestralOptions> = {}): Plan {
  const { eta, sNoise } = { ...DPM_2_ANCESTRAL_DEFAULTS, ...options };
  checkRange('dpm_2_ancestral', 'eta', eta, 0, 1);
  checkRange('dpm_2_ancestral', 'sNoise', sNoise, 0, 2);
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
      brownianNoise(sNoise * sigmaUp, s, sNext, sigmas[0]),
    );
  }
  return plan.record(steps, 'x', 'x').build();
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
  build: (sigmas, options) => buildDpm2Ancestral(sigmas, options as Partial<Dpm2AncestralOptions>),
  citation: 'Lu et al. 2022 DPM-Solver-2 steps with ancestral noise; k-diffusion sample_dpm_2_ancestral',
};
