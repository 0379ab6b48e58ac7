/**
 * More σ schedules: k-diffusion's polyexponential and vp (its exponential is ./schedules.ts `logsnr`), and ComfyUI's
 * simple, beta and kl_optimal. Same contract as ./schedules.ts: float64 pure functions returning N + 1 decreasing
 * values σ_0 … σ_{N−1}, then σ_N = 0 (N sampler steps); where a schedule takes σ_max and σ_min, σ_0 = σ_max and
 * σ_{N−1} = σ_min, with the fraction i/(N−1) along the grid (and a 1-point grid at its start), as there.
 */
import { betaQuantile } from './beta-distribution';
import type { NumberOption, OptionValues } from './option-spec';
import type { ScheduleOptions } from './schedule-options';
import { fraction, withFinalZero } from './schedules-core';

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

// The ranges keep σ(1) = √(exp(½β_d + β_min) − 1) ≤ √(exp(13.5) − 1) ≈ 854, under the API's σ_max bound of 1000, and
// σ(ε_s) ≥ √(exp(β_min·ε_s) − 1) ≈ 1e−3, far above its σ_min floor of 1e−5.
const VP_BETA_D_OPTION: NumberOption = {
  key: 'vpBetaD',
  label: 'β_d',
  type: 'number',
  min: 1,
  max: 25,
  step: 0.1,
  default: VP_SCHEDULE_DEFAULTS.betaD,
  infotext: 'VP beta_d',
  url: 'vbd',
  description: 'VP schedule: the slope of β(t) = β_min + β_d·t (Song et al. 2021; k-diffusion get_sigmas_vp beta_d)',
};
const VP_BETA_MIN_OPTION: NumberOption = {
  key: 'vpBetaMin',
  label: 'β_min',
  type: 'number',
  min: 0.01,
  max: 1,
  step: 0.01,
  default: VP_SCHEDULE_DEFAULTS.betaMin,
  infotext: 'VP beta_min',
  url: 'vbm',
  description: 'VP schedule: β(0), the noise rate at t = 0 (Song et al. 2021; k-diffusion get_sigmas_vp beta_min)',
};
const VP_EPSILON_S_OPTION: NumberOption = {
  key: 'vpEpsilonS',
  label: 'ε_s',
  type: 'number',
  min: 1e-4,
  max: 0.1,
  step: 1e-4,
  default: VP_SCHEDULE_DEFAULTS.epsilonS,
  infotext: 'VP eps_s',
  url: 'ves',
  description: 'VP schedule: the last VP time, so σ_{N−1} = σ(ε_s) (Song et al. 2021; k-diffusion get_sigmas_vp eps_s)',
};
/** The vp schedule's declared parameters (shown with it, carried in the URL and infotext). */
export const VP_OPTIONS: readonly NumberOption[] = [VP_BETA_D_OPTION, VP_BETA_MIN_OPTION, VP_EPSILON_S_OPTION];

/** A declared number parameter's value, or its default. */
const param = (values: OptionValues, spec: NumberOption) => Number(values[spec.key] ?? spec.default);

export function vpParams(values: OptionValues): VpScheduleParams {
  return {
    betaD: param(values, VP_BETA_D_OPTION),
    betaMin: param(values, VP_BETA_MIN_OPTION),
    epsilonS: param(values, VP_EPSILON_S_OPTION),
  };
}

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

// Beta(α, β) below 1 puts steps at both ends, above 1 in the middle; 0.1–4 spans both without degenerate grids.
const BETA_ALPHA_OPTION: NumberOption = {
  key: 'betaAlpha',
  label: 'Beta α',
  type: 'number',
  min: 0.1,
  max: 4,
  step: 0.05,
  default: BETA_SCHEDULE_DEFAULTS.alpha,
  infotext: 'Beta alpha',
  url: 'ba',
  description:
    'Beta schedule: α of Beta(α, β); below 1 it spends more steps near σ_min (Lee et al. 2024; ComfyUI alpha)',
};
const BETA_BETA_OPTION: NumberOption = {
  key: 'betaBeta',
  label: 'Beta β',
  type: 'number',
  min: 0.1,
  max: 4,
  step: 0.05,
  default: BETA_SCHEDULE_DEFAULTS.beta,
  infotext: 'Beta beta',
  url: 'bb',
  description:
    'Beta schedule: β of Beta(α, β); below 1 it spends more steps near σ_max (Lee et al. 2024; ComfyUI beta)',
};
/** The beta schedule's declared parameters. */
export const BETA_OPTIONS: readonly NumberOption[] = [BETA_ALPHA_OPTION, BETA_BETA_OPTION];

export function betaParams(values: OptionValues): BetaScheduleParams {
  return { alpha: param(values, BETA_ALPHA_OPTION), beta: param(values, BETA_BETA_OPTION) };
}

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
