import { PlanBuilder } from '../plan';
import type { NumberOption } from '../option-spec';
import type { BuildPlan, SamplerInfo } from './types';

/** σ_var of the marginal-preserving RF-SDE (Liu et al. 2023); 0 is the ODE. */
const SIGMA_VAR_OPTION: NumberOption = {
  key: 'sigmaVar',
  label: 'σ_var',
  type: 'number',
  min: 0,
  max: 2,
  step: 0.05,
  default: 0,
  infotext: 'Sigma var',
  url: 'sv',
  description: 'RF-SDE noise σ_var (Liu et al. 2023); 0 is the ODE',
};

/**
 * The ReFlow sampler: Euler in rectified-flow time τ = σ/(1+σ) on z = x/(1+σ), with velocity v = ε̂ − x̂0 = d − D
 * (Liu, Gong & Liu 2023, "Flow Straight and Fast"; gnobitab/RectifiedFlow sampling.py euler_sampler).
 * With σ_var > 0 it is the marginal-preserving RF-SDE with diffusion g(τ) = τ·σ_var (the official σ_t = (1 − t)σ_var
 * in their reversed time): dz = [v + ½g²·ε̂/τ] dτ + g dW̄, since ∇log p_τ(z) = −ε̂/τ. Euler–Maruyama per step:
 *   z' = z + (v + ½ τ σ_var² d)·Δτ + τ σ_var √|Δτ| ξ,   x' = (1 + σ')·z'.
 * With σ_var = 0 this is exactly EDM Euler on the same σ points (algorithms.md), written in RF form.
 * ξ is the per-sample Brownian path indexed by τ/τ_0.
 */
const buildReflow: BuildPlan = (sigmas, options) => {
  const sigmaVar = Number(options.sigmaVar ?? SIGMA_VAR_OPTION.default);
  const plan = new PlanBuilder(sigmas);
  const steps = sigmas.length - 1;
  const tau = (s: number) => s / (1 + s);
  const tau0 = tau(sigmas[0]);
  for (let i = 0; i < steps; i++) {
    const [s, sNext] = [sigmas[i], sigmas[i + 1]];
    const [t, tNext] = [tau(s), tau(sNext)];
    const dt = tNext - t;
    const k = 1 + 0.5 * t * sigmaVar * sigmaVar; // multiplies d in the drift
    const scale = 1 + sNext;
    plan.denoise('x', s, 'D').record(i, 'x', 'D');
    // z' = x/(1+σ) + [k·(x − D)/σ − D]·Δτ, then x' = (1+σ')·z'.
    const xCoef = scale * (1 / (1 + s) + (k * dt) / s);
    const dCoef = scale * (-(k * dt) / s - dt);
    const noise =
      sigmaVar > 0 ? { scale: scale * t * sigmaVar * Math.sqrt(-dt), uFrom: t / tau0, uTo: tNext / tau0 } : undefined;
    plan.combine(
      'x',
      [
        ['x', xCoef],
        ['D', dCoef],
      ],
      noise,
    );
  }
  return plan.record(steps, 'x', 'x').build();
};

export const REFLOW: SamplerInfo = {
  id: 'reflow',
  group: 'calibrated or learned',
  label: 'ReFlow (RF Euler)',
  options: [SIGMA_VAR_OPTION],
  nfe: (n) => n,
  stochastic: false,
  defaultSchedule: 'linear_t',
  build: buildReflow,
  citation: 'Liu, Gong & Liu 2023 (ICLR), Euler in rectified-flow time; optional RF-SDE σ_var',
};
