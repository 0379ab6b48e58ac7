/**
 * The four base σ schedules as float64 pure functions (algorithms.md, "Schedules"), in a module of their own so the
 * GITS search (./gits/) can build its fine Karras grid without importing the schedule table that offers GITS. Each
 * returns N + 1 decreasing values, σ_0 = σ_max … σ_{N−1}, then σ_N = 0, so every schedule gives N sampler steps.
 */
import type { ScheduleOptions } from './schedule-options';

/** Fraction i/(N−1) of the way along an N-point grid; a 1-point grid sits at its start. */
export function fraction(i: number, n: number): number {
  return n === 1 ? 0 : i / (n - 1);
}

/** N points σ_0 … σ_{N−1}, then σ_N = 0 (the final step to the data). The points must strictly decrease: a steep
 *  schedule at many steps (polyexponential at large ρ) can round neighbours to the same float64, and a step of
 *  length h = 0 is a division by zero in every multistep sampler (UniPC, DEIS, DPM++ 2M), so it is refused here. */
export function withFinalZero(n: number, sigmaAt: (i: number) => number): Float64Array {
  const sigmas = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) sigmas[i] = sigmaAt(i);
  sigmas[n] = 0;
  for (let i = 1; i < n; i++) {
    if (!(sigmas[i] < sigmas[i - 1]))
      throw new RangeError(
        `steps: this schedule gives σ_${i - 1} = ${sigmas[i - 1]} and σ_${i} = ${sigmas[i]} at ${n} steps (σ must ` +
          `strictly decrease); use fewer steps, or a lower ρ`,
      );
  }
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
  // σ(t)² = exp(½β_d t² + β_min t) − 1 rises on [ε_s, 1] only while β_min + β_d ≥ 0, i.e. log(1 + σ_min²) ≤
  // ε_s(2 − ε_s)·log(1 + σ_max²); above that the fitted VP curve peaks inside the interval (and overflows).
  const limit = epsilonS * (2 - epsilonS) * logMax;
  if (logMin > limit) {
    const largest = Math.sqrt(Math.expm1(limit));
    throw new RangeError(
      `sigmaMin: the time-uniform schedule needs σ_min ≤ ${largest.toPrecision(3)} at σ_max ${sigmaMax}, got ${sigmaMin}`,
    );
  }
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
