/**
 * Shared pieces of the stochastic k-diffusion samplers: the ancestral split of a step, the Brownian-path coordinate
 * and the ancestral loop two-stage samplers share. Not a sampler itself.
 */
import type { NumberOption } from '../option-spec';
import { PlanBuilder, type BrownianNoise, type Plan } from '../plan';

/** k-diffusion's s_noise: multiplies the noise the stochastic samplers add (1 = the sampler as published; above 1
 *  compensates for detail lost to the denoiser, Karras et al. 2022 §4 S_noise). Shared by every sampler that reads it. */
export const S_NOISE_OPTION: NumberOption = {
  key: 'sNoise',
  label: 's_noise',
  type: 'number',
  min: 0,
  max: 2,
  step: 0.05,
  default: 1,
  infotext: 'S noise',
  url: 'sn',
  description:
    'Multiplies the added noise (k-diffusion s_noise; Karras et al. 2022 S_noise): 1 is the sampler as published',
};

/** k-diffusion get_ancestral_step: to go from σ_from to σ_to with ancestral noise of strength η, step the ODE down to
 *  σ_down and add noise of std σ_up, σ_down² + σ_up² = σ_to²:
 *  σ_up = min(σ_to, η·√(σ_to²(σ_from² − σ_to²)/σ_from²)),  σ_down = √(σ_to² − σ_up²). η = 0 gives (σ_to, 0) exactly. */
export function ancestralStep(sigmaFrom: number, sigmaTo: number, eta: number): { sigmaDown: number; sigmaUp: number } {
  if (eta === 0) return { sigmaDown: sigmaTo, sigmaUp: 0 };
  const sigmaUp = Math.min(
    sigmaTo,
    eta * Math.sqrt((sigmaTo * sigmaTo * (sigmaFrom * sigmaFrom - sigmaTo * sigmaTo)) / (sigmaFrom * sigmaFrom)),
  );
  return { sigmaDown: Math.sqrt(sigmaTo * sigmaTo - sigmaUp * sigmaUp), sigmaUp };
}

/** The plan's Brownian noise between σ_from > σ_to, times `scale`: the standard-normal increment of the per-sample
 *  path at u = σ/σ_0, with σ_0 = sigmas[0] of the run (so any σ_max works and the path is the same for every grid
 *  with that σ_max). The role of k-diffusion's noise_sampler(σ, σ_next); undefined when the scale is 0. */
export function brownianNoise(
  scale: number,
  sigmaFrom: number,
  sigmaTo: number,
  sigma0: number,
): BrownianNoise | undefined {
  return scale !== 0 ? { scale, uFrom: sigmaFrom / sigma0, uTo: sigmaTo / sigma0 } : undefined;
}

/** Throws unless lo ≤ value ≤ hi (the options' documented ranges). */
export function checkRange(sampler: string, key: string, value: number, lo: number, hi: number): void {
  if (!(Number.isFinite(value) && value >= lo && value <= hi))
    throw new RangeError(`${sampler}: ${key} must be in [${lo}, ${hi}], got ${value}`);
}

/** η and s_noise of the ancestral samplers (k-diffusion's defaults: 1 and 1). η ≤ 1: above it σ_down can reach 0
 *  early and the NFE would depend on the grid. */
export interface AncestralOptions {
  eta: number;
  sNoise: number;
}

/**
 * The loop of k-diffusion's two-stage *_ancestral samplers: at each σ_i, D_i = D(x_i; σ_i) into register D, split
 * σ_{i+1} into (σ_down, σ_up), then `step` takes the deterministic step σ_i → σ_down into x, adding `noise`
 * (s_noise·σ_up times the Brownian increment σ_i → σ_{i+1}) on its last combine. When σ_down = 0 the step returns D_i.
 */
export function buildAncestral(
  sampler: string,
  sigmas: Float64Array,
  options: Partial<AncestralOptions>,
  step: (plan: PlanBuilder, sigma: number, sigmaDown: number, noise: BrownianNoise | undefined) => void,
): Plan {
  const { eta, sNoise } = { eta: 1, sNoise: 1, ...options };
  checkRange(sampler, 'eta', eta, 0, 1);
  checkRange(sampler, 'sNoise', sNoise, 0, 2);
  const plan = new PlanBuilder(sigmas);
  const steps = sigmas.length - 1;
  for (let i = 0; i < steps; i++) {
    const [s, sNext] = [sigmas[i], sigmas[i + 1]];
    const { sigmaDown, sigmaUp } = ancestralStep(s, sNext, eta);
    plan.denoise('x', s, 'D').record(i, 'x', 'D');
    if (sigmaDown === 0) plan.combine('x', [['D', 1]]);
    else step(plan, s, sigmaDown, brownianNoise(sNoise * sigmaUp, s, sNext, sigmas[0]));
  }
  return plan.record(steps, 'x', 'x').build();
}
