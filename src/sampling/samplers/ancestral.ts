/**
 * Shared pieces of the stochastic k-diffusion samplers: the ancestral split of a step and the Brownian-path
 * coordinate. Not a sampler itself.
 */
import type { NumberOption } from '../option-spec';
import type { BrownianNoise } from '../plan';

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
