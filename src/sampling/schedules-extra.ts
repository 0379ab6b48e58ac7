/**
 * More σ schedules: k-diffusion's polyexponential and vp (its exponential is ./schedules.ts `logsnr`), and ComfyUI's
 * simple, beta and kl_optimal. Same contract as ./schedules.ts: float64 pure functions returning N + 1 decreasing
 * values σ_0 … σ_{N−1}, then σ_N = 0 (N sampler steps); where a schedule takes σ_max and σ_min, σ_0 = σ_max and
 * σ_{N−1} = σ_min, with the fraction i/(N−1) along the grid (and a 1-point grid at its start), as there.
 */
import { betaQuantile } from './beta-distribution';
import type { ScheduleOptions } from './schedule-options';

function fraction(i: number, n: number): number {
  return n === 1 ? 0 : i / (n - 1);
}

function withFinalZero(n: number, sigmaAt: (i: number) => number): Float64Array {
  const sigmas = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) sigmas[i] = sigmaAt(i);
  sigmas[n] = 0;
  return sigmas;
}

/** k-diffusion get_sigmas_polyexponential ("polynomial in log σ"): with ramp_i = (1 − i/(N−1))^ρ,
 *  σ_i = exp(ramp_i·(log σ_max − log σ_min) + log σ_min). ρ = 1 is `exponential`; ρ > 1 spends more steps at low σ. */
export function polyexponential(n: number, { sigmaMax, sigmaMin, rho }: ScheduleOptions): Float64Array {
  if (!(rho > 0)) throw new RangeError(`polyexponential: rho must be > 0, got ${rho}`);
  const logMin = Math.log(sigmaMin);
  const span = Math.log(sigmaMax) - logMin;
  return withFinalZero(n, (i) => Math.exp((1 - fraction(i, n)) ** rho * span + logMin));
}

export interface VpScheduleParams {
  betaD: number;
  betaMin: number;
  epsilonS: number;
}

/** k-diffusion get_sigmas_vp defaults (Song et al. 2021's VP SDE: β(t) = β_min + β_d·t). */
export const VP_SCHEDULE_DEFAULTS: VpScheduleParams = { betaD: 19.9, betaMin: 0.1, epsilonS: 1e-3 };

/** k-diffusion get_sigmas_vp: VP time t = linspace(1, ε_s, N), σ(t) = √(exp(½β_d t² + β_min t) − 1), then 0.
 *  Its endpoints come from (β_d, β_min, ε_s), not from σ_max/σ_min: with the defaults σ_0 ≈ 152.0, σ_{N−1} ≈ 0.0100.
 *  (./schedules.ts `time_uniform` is the same curve with β_d, β_min fitted to σ_max and σ_min instead.) */
export function vp(
  n: number,
  _options?: ScheduleOptions,
  params: VpScheduleParams = VP_SCHEDULE_DEFAULTS,
): Float64Array {
  const { betaD, betaMin, epsilonS } = params;
  return withFinalZero(n, (i) => {
    const t = 1 + fraction(i, n) * (epsilonS - 1);
    return Math.sqrt(Math.expm1(0.5 * betaD * t * t + betaMin * t));
  });
}

/** σ of the rectified-flow time t = σ/(1+σ) (algorithms.md: z_t = x/(1+σ)), and back. */
const rfTime = (sigma: number) => sigma / (1 + sigma);
const sigmaOfRfTime = (t: number) => t / (1 - t);

/** ComfyUI's `simple`: steps evenly spaced in the model's own time, here the rectified-flow time t = σ/(1+σ):
 *  t_i from t(σ_max) to t(σ_min) uniformly, σ_i = t_i/(1 − t_i), then 0. (ComfyUI takes every (T/N)-th of the model's
 *  T discrete σs from the top, so its last point stops one spacing above σ_min; ours ends on σ_min like every grid
 *  here. Compare `linear_t`, which runs t down to 0 itself.) */
export function simple(n: number, { sigmaMax, sigmaMin }: ScheduleOptions): Float64Array {
  const [tMax, tMin] = [rfTime(sigmaMax), rfTime(sigmaMin)];
  return withFinalZero(n, (i) => sigmaOfRfTime(tMax + fraction(i, n) * (tMin - tMax)));
}

export interface BetaScheduleParams {
  alpha: number;
  beta: number;
}

/** ComfyUI beta_scheduler defaults (Lee et al. 2024, "Beta Sampling is All You Need"). */
export const BETA_SCHEDULE_DEFAULTS: BetaScheduleParams = { alpha: 0.6, beta: 0.6 };

/** ComfyUI's `beta`: model times at the quantiles of Beta(α, β) — dense at both ends for α, β < 1. With q_i the
 *  Beta quantile of 1 − i/(N−1), the rectified-flow time is t_i = t(σ_min) + q_i·(t(σ_max) − t(σ_min)), σ = t/(1−t),
 *  then 0. (ComfyUI: quantiles of linspace(1, 0, N, endpoint=False) rounded to its 1000 discrete timesteps, duplicates
 *  dropped; ours is the continuous form with both endpoints, so σ_0 = σ_max and σ_{N−1} = σ_min exactly.) */
export function beta(
  n: number,
  { sigmaMax, sigmaMin }: ScheduleOptions,
  params: BetaScheduleParams = BETA_SCHEDULE_DEFAULTS,
): Float64Array {
  const [tMax, tMin] = [rfTime(sigmaMax), rfTime(sigmaMin)];
  return withFinalZero(n, (i) => {
    const q = betaQuantile(1 - fraction(i, n), params.alpha, params.beta);
    return sigmaOfRfTime(tMin + q * (tMax - tMin));
  });
}

/** ComfyUI kl_optimal (Align Your Steps' KL-optimal schedule, Sabour et al. 2024, eq. 5):
 *  σ_i = tan((1 − i/(N−1))·atan σ_max + i/(N−1)·atan σ_min), then 0 — uniform in atan σ. */
export function klOptimal(n: number, { sigmaMax, sigmaMin }: ScheduleOptions): Float64Array {
  const [a, b] = [Math.atan(sigmaMax), Math.atan(sigmaMin)];
  return withFinalZero(n, (i) => {
    const f = fraction(i, n);
    return Math.tan((1 - f) * a + f * b);
  });
}
