/**
 * σ schedules as float64 pure functions (algorithms.md, "Schedules"). Each returns N + 1 decreasing values,
 * σ_0 = σ_max … σ_{N−1}, then σ_N = 0, so every schedule gives N sampler steps.
 */

import type { ScheduleOptions } from './schedule-options';
import { beta, klOptimal, polyexponential, simple, vp } from './schedules-extra';

export { DEFAULT_SCHEDULE_OPTIONS, type ScheduleOptions } from './schedule-options';

export type ScheduleId =
  'karras' | 'time_uniform' | 'logsnr' | 'linear_t' | 'polyexponential' | 'vp' | 'simple' | 'beta' | 'kl_optimal';

export interface ScheduleInfo {
  id: ScheduleId;
  label: string;
  /** Other names people type for it (A1111 / ComfyUI / k-diffusion), read by the infotext, URL and X/Y grid. */
  aliases?: readonly string[];
  citation: string;
  build: (steps: number, options: ScheduleOptions) => Float64Array;
}

/** Fraction i/(N−1) of the way along an N-point grid; a 1-point grid sits at its start. */
function fraction(i: number, n: number): number {
  return n === 1 ? 0 : i / (n - 1);
}

function withFinalZero(n: number, sigmaAt: (i: number) => number): Float64Array {
  const sigmas = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) sigmas[i] = sigmaAt(i);
  sigmas[n] = 0;
  return sigmas;
}

/** Karras et al. 2022, eq. 5 (k-diffusion get_sigmas_karras): uniform in σ^{1/ρ}. */
export function karras(n: number, { sigmaMax, sigmaMin, rho }: ScheduleOptions): Float64Array {
  const a = sigmaMax ** (1 / rho);
  const b = sigmaMin ** (1 / rho);
  return withFinalZero(n, (i) => (a + fraction(i, n) * (b - a)) ** rho);
}

/** VP time uniform in [1, ε_s = 1e−3] with σ(t) = √(exp(½β_d t² + β_min t) − 1); β_d, β_min pin σ(1), σ(ε_s).
 *  The schedule AMED-Solver recommends (Zhou et al. 2024; zju-pi/diff-sampler get_schedule). */
export function timeUniform(n: number, { sigmaMax, sigmaMin }: ScheduleOptions): Float64Array {
  const epsilonS = 1e-3;
  const logMax = Math.log1p(sigmaMax * sigmaMax);
  const logMin = Math.log1p(sigmaMin * sigmaMin);
  const betaD = (2 * (logMin / epsilonS - logMax)) / (epsilonS - 1);
  const betaMin = logMax - 0.5 * betaD;
  return withFinalZero(n, (i) => {
    const t = 1 + fraction(i, n) * (epsilonS - 1);
    return Math.sqrt(Math.expm1(0.5 * betaD * t * t + betaMin * t));
  });
}

/** Uniform in log σ (equivalently in log-SNR), as in DPM-Solver's logSNR grid. */
export function logSnr(n: number, { sigmaMax, sigmaMin }: ScheduleOptions): Float64Array {
  const a = Math.log(sigmaMax);
  const b = Math.log(sigmaMin);
  return withFinalZero(n, (i) => Math.exp(a + fraction(i, n) * (b - a)));
}

/** Rectified-flow time t = σ/(1+σ) uniform from t(σ_max) down to 0, σ = t/(1−t) (Liu et al. 2023). The ReFlow grid:
 *  N equal steps in t, the last one landing on t = 0, so σ_min is not used. */
export function linearT(n: number, { sigmaMax }: ScheduleOptions): Float64Array {
  const tMax = sigmaMax / (1 + sigmaMax);
  const sigmas = new Float64Array(n + 1);
  for (let i = 0; i <= n; i++) {
    const t = tMax * (1 - i / n);
    sigmas[i] = t / (1 - t);
  }
  sigmas[n] = 0;
  return sigmas;
}

export const SCHEDULES: readonly ScheduleInfo[] = [
  { id: 'karras', label: 'Karras', citation: 'Karras et al. 2022, EDM eq. 5', build: karras },
  {
    id: 'time_uniform',
    label: 'Time uniform',
    citation: 'Zhou et al. 2024 (AMED), VP time-uniform',
    build: timeUniform,
  },
  {
    id: 'logsnr',
    label: 'LogSNR',
    // k-diffusion's get_sigmas_exponential is the same grid (uniform in log σ), A1111's "Exponential".
    aliases: ['Exponential'],
    citation: 'Lu et al. 2022 (DPM-Solver), uniform log σ (= k-diffusion exponential)',
    build: logSnr,
  },
  { id: 'linear_t', label: 'Linear t (RF)', citation: 'Liu et al. 2023 (Rectified Flow), uniform t', build: linearT },
  {
    id: 'polyexponential',
    label: 'Polyexponential',
    citation: 'k-diffusion get_sigmas_polyexponential, polynomial in log σ with the shared ρ (ρ = 1 is LogSNR)',
    build: polyexponential,
  },
  {
    id: 'vp',
    label: 'VP',
    citation:
      'Song et al. 2021 VP SDE; k-diffusion get_sigmas_vp (β_d 19.9, β_min 0.1, ε_s 1e−3; ignores σ_max, σ_min)',
    build: (n, o) => vp(n, o),
  },
  { id: 'simple', label: 'Simple', citation: 'ComfyUI simple: uniform in RF time t = σ/(1+σ)', build: simple },
  {
    id: 'beta',
    label: 'Beta',
    citation: 'Lee et al. 2024, Beta sampling; ComfyUI beta: RF time at Beta(0.6, 0.6) quantiles',
    build: (n, o) => beta(n, o),
  },
  {
    id: 'kl_optimal',
    label: 'KL Optimal',
    aliases: ['KL-optimal'],
    citation: 'Sabour et al. 2024 (Align Your Steps) KL-optimal, uniform in atan σ; ComfyUI kl_optimal',
    build: klOptimal,
  },
];

export function scheduleById(id: string): ScheduleInfo | undefined {
  return SCHEDULES.find((s) => s.id === id);
}
