import { ETA_OPTION } from './sde';
import type { SamplerInfo } from './types';
import { PlanBuilder, type Plan } from '../plan';
import { ancestralStep, brownianNoise, checkRange, S_NOISE_OPTION } from './ancestral';

export interface EulerAncestralOptions {
  /** Ancestral noise strength, [0, 1]: 0 is Euler (the ODE), 1 the full ancestral (DDPM-like) step. */
  eta: number;
  /** Multiplies the added noise (k-diffusion s_noise), [0, 2]. */
  sNoise: number;
}

const EULER_ANCESTRAL_DEFAULTS: EulerAncestralOptions = { eta: 1, sNoise: 1 };

/**
 * Ancestral sampling with Euler steps (k-diffusion sample_euler_ancestral). Per step, split σ_{i+1} into (σ_down, σ_up)
 * (./ancestral.ts), take the Euler step to σ_down and add noise:
 *   x_{i+1} = (σ_down/σ_i)·x_i + (1 − σ_down/σ_i)·D_i + s_noise·σ_up·ξ_i   (ξ_i: Brownian increment σ_i → σ_{i+1}).
 * The step to σ = 0 returns D_i. NFE = N. With η = 0 the plan is identical to ./euler.ts.
 */
export function buildEulerAncestral(sigmas: Float64Array, options: Partial<EulerAncestralOptions> = {}): Plan {
  const { eta, sNoise } = { ...EULER_ANCESTRAL_DEFAULTS, ...options };
  checkRange('euler_ancestral', 'eta', eta, 0, 1);
  checkRange('euler_ancestral', 'sNoise', sNoise, 0, 2);
  const plan = new PlanBuilder(sigmas);
  const steps = sigmas.length - 1;
  for (let i = 0; i < steps; i++) {
    const [s, sNext] = [sigmas[i], sigmas[i + 1]];
    const { sigmaDown, sigmaUp } = ancestralStep(s, sNext, eta);
    const ratio = sigmaDown / s;
    plan.denoise('x', s, 'D').record(i, 'x', 'D');
    const noise = sNext > 0 ? brownianNoise(sNoise * sigmaUp, s, sNext, sigmas[0]) : undefined;
    plan.combine(
      'x',
      [
        ['x', ratio],
        ['D', 1 - ratio],
      ],
      noise,
    );
  }
  return plan.record(steps, 'x', 'x').build();
}

export const EULER_ANCESTRAL: SamplerInfo = {
  id: 'euler_ancestral',
  label: 'Euler ancestral',
  a1111: 'Euler a',
  group: 'stochastic',
  options: [ETA_OPTION, S_NOISE_OPTION],
  nfe: (n) => n,
  stochastic: true,
  defaultSchedule: 'karras',
  build: (sigmas, options) => buildEulerAncestral(sigmas, options as Partial<EulerAncestralOptions>),
  citation: 'Ho et al. 2020 ancestral sampling with Euler steps; k-diffusion sample_euler_ancestral',
};
