import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SCHEDULE_OPTIONS as O,
  logSnr,
  scheduleById,
  type ScheduleOptions,
} from '../../src/sampling/schedules';
import {
  beta,
  BETA_SCHEDULE_DEFAULTS,
  klOptimal,
  polyexponential,
  simple,
  vp,
  VP_SCHEDULE_DEFAULTS,
} from '../../src/sampling/schedules-extra';
import { betaCdf, betaQuantile, logGamma } from '../../src/sampling/beta-distribution';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
const opts: ScheduleOptions = { ...O, rho: 1 };
const builders: Array<[string, (n: number) => Float64Array, number, number]> = [
  ['logsnr (k-diffusion exponential)', (n) => logSnr(n, O), O.sigmaMax, O.sigmaMin],
  ['polyexponential ρ=2', (n) => polyexponential(n, { ...O, rho: 2 }), O.sigmaMax, O.sigmaMin],
  ['vp', (n) => vp(n), Math.sqrt(Math.expm1(0.5 * 19.9 + 0.1)), Math.sqrt(Math.expm1(0.5 * 19.9 * 1e-6 + 0.1 * 1e-3))],
  ['simple', (n) => simple(n, O), O.sigmaMax, O.sigmaMin],
  ['beta', (n) => beta(n, O), O.sigmaMax, O.sigmaMin],
  ['kl_optimal', (n) => klOptimal(n, O), O.sigmaMax, O.sigmaMin],
];

describe('new schedules: N + 1 values, σ_0 = top, σ_{N−1} = bottom, strictly decreasing, then 0', () => {
  for (const [name, build, top, bottom] of builders) {
    it(name, () => {
      for (const n of [1, 2, 7, 40]) {
        const s = build(n);
        expect(s.length).toBe(n + 1);
        expect(s[n]).toBe(0);
        expect(rel(s[0], top)).toBeLessThan(1e-13);
        if (n > 1) expect(rel(s[n - 1], bottom)).toBeLessThan(1e-12);
        for (let i = 0; i < n; i++) expect(s[i]).toBeGreaterThan(s[i + 1]);
      }
    });
  }
});

describe('closed forms', () => {
  it('k-diffusion exponential is the existing logsnr (registered as its alias) and is uniform in log σ', () => {
    expect(scheduleById('logsnr')!.aliases).toContain('Exponential');
    const s = logSnr(9, O);
    const step = Math.log(s[1] / s[0]);
    for (let i = 1; i < 8; i++) expect(rel(Math.log(s[i + 1] / s[i]), step)).toBeLessThan(1e-12);
  });
  it('polyexponential: ρ = 1 is exponential; log σ is (1 − i/(N−1))^ρ of the way up', () => {
    const a = polyexponential(9, opts);
    const b = logSnr(9, O);
    for (let i = 0; i < 9; i++) expect(rel(a[i], b[i])).toBeLessThan(1e-14);
    const s = polyexponential(5, { ...O, rho: 3 });
    const [lo, hi] = [Math.log(O.sigmaMin), Math.log(O.sigmaMax)];
    for (let i = 0; i < 5; i++)
      expect(Math.abs((Math.log(s[i]) - lo) / (hi - lo) - (1 - i / 4) ** 3)).toBeLessThan(1e-14);
  });
  it('vp: k-diffusion get_sigmas_vp with β_d = 19.9, β_min = 0.1, ε_s = 1e−3 (t uniform)', () => {
    expect(VP_SCHEDULE_DEFAULTS).toEqual({ betaD: 19.9, betaMin: 0.1, epsilonS: 1e-3 });
    const s = vp(4);
    [1, 1 - 0.999 / 3, 1 - (2 * 0.999) / 3, 1e-3].forEach((t, i) =>
      expect(rel(s[i], Math.sqrt(Math.exp((19.9 * t * t) / 2 + 0.1 * t) - 1))).toBeLessThan(1e-9),
    );
    expect(s[0]).toBeCloseTo(152.167, 3);
    expect(s[3]).toBeCloseTo(0.010486, 6);
  });
  it('simple: the rectified-flow time σ/(1+σ) is uniform', () => {
    const t = Array.from(simple(11, O).slice(0, 11), (s) => s / (1 + s));
    const step = t[1] - t[0];
    for (let i = 1; i < 10; i++) expect(Math.abs(t[i + 1] - t[i] - step)).toBeLessThan(1e-14);
  });
  it('beta: RF time at Beta(0.6, 0.6) quantiles — symmetric about the middle, denser at both ends; α = β = 1 is simple', () => {
    expect(BETA_SCHEDULE_DEFAULTS).toEqual({ alpha: 0.6, beta: 0.6 });
    const n = 9;
    const t = Array.from(beta(n, O).slice(0, n), (s) => s / (1 + s));
    const [tMax, tMin] = [t[0], t[n - 1]];
    for (let i = 0; i < n; i++) expect(Math.abs(t[i] - tMin - (tMax - t[n - 1 - i]))).toBeLessThan(1e-12);
    expect(Math.abs(t[4] - (tMax + tMin) / 2)).toBeLessThan(1e-12);
    expect(t[0] - t[1]).toBeLessThan(t[3] - t[4]);
    expect(t[7] - t[8]).toBeLessThan(t[4] - t[5]);
    // t_1 sits at the Beta(0.6, 0.6) quantile of 7/8 (scipy.stats.beta.ppf(0.875, 0.6, 0.6)) of the way up.
    expect(Math.abs((t[1] - tMin) / (tMax - tMin) - 0.942843636377586)).toBeLessThan(1e-12);
    const a = beta(7, O, { alpha: 1, beta: 1 });
    const b = simple(7, O);
    for (let i = 0; i < 7; i++) expect(rel(a[i], b[i])).toBeLessThan(1e-13);
  });
  it('kl_optimal: atan σ is uniform between atan σ_max and atan σ_min', () => {
    const s = klOptimal(8, O);
    const step = Math.atan(s[1]) - Math.atan(s[0]);
    for (let i = 1; i < 7; i++) expect(Math.abs(Math.atan(s[i + 1]) - Math.atan(s[i]) - step)).toBeLessThan(1e-14);
    expect(rel(step, (Math.atan(O.sigmaMin) - Math.atan(O.sigmaMax)) / 7)).toBeLessThan(1e-13);
  });
});

describe('Beta distribution in float64', () => {
  it('log Γ at known values', () => {
    expect(rel(logGamma(0.5), 0.5 * Math.log(Math.PI))).toBeLessThan(1e-14);
    expect(rel(logGamma(10), Math.log(362880))).toBeLessThan(1e-14);
    expect(rel(logGamma(0.6), Math.log(1.489192248812817))).toBeLessThan(1e-13); // Γ(0.6)
  });
  it('I_x(a, b) against scipy.special.betainc', () => {
    expect(rel(betaCdf(0.3, 0.6, 0.6), 0.35252651177214367)).toBeLessThan(1e-13);
    expect(rel(betaCdf(0.8, 2.5, 1.5), 0.7489717355832856)).toBeLessThan(1e-13);
  });
  it('quantiles against scipy.stats.beta.ppf', () => {
    const known: Array<[number, number, number, number]> = [
      [0.6, 0.6, 1e-6, 1.8558824624053043e-10],
      [0.6, 0.6, 0.01, 0.0008612388215429059],
      [0.6, 0.6, 0.1, 0.03958440558878085],
      [0.6, 0.6, 0.25, 0.17568037865269498],
      [0.6, 0.6, 0.5, 0.5],
      [0.6, 0.6, 0.7, 0.7659829961247643],
      [0.6, 0.6, 0.9, 0.9604155944112192],
      [0.6, 0.6, 0.999, 0.9999814412614826],
      [2, 5, 0.01, 0.026763191142755053],
      [2, 5, 0.5, 0.26444998329566005],
      [2, 5, 0.999, 0.818613866919134],
      [0.3, 3, 1e-6, 2.6173553603077512e-21],
      [0.3, 3, 0.5, 0.027070106423956266],
      [0.3, 3, 0.9, 0.2817633498138134],
    ];
    for (const [a, b, p, x] of known) expect(rel(betaQuantile(p, a, b), x)).toBeLessThan(1e-11);
  });
  it('quantiles against closed forms', () => {
    for (const p of [1e-9, 0.013, 0.25, 0.5, 0.77, 0.999999]) {
      expect(rel(betaQuantile(p, 1, 1), p)).toBeLessThan(1e-13);
      expect(rel(betaQuantile(p, 0.5, 0.5), Math.sin((Math.PI * p) / 2) ** 2)).toBeLessThan(1e-12); // arcsine law
      expect(rel(betaQuantile(p, 3, 1), p ** (1 / 3))).toBeLessThan(1e-13);
      expect(rel(betaQuantile(p, 1, 2.5), -Math.expm1(Math.log1p(-p) / 2.5))).toBeLessThan(1e-12);
      // Round trip: the quantile is exact to an ulp or two of x, so the CDF misses p by density × ulp (≤ 1e−12 here).
      expect(Math.abs(betaCdf(betaQuantile(p, 0.6, 0.6), 0.6, 0.6) - p)).toBeLessThan(1e-12);
    }
    expect(betaQuantile(0, 0.6, 0.6)).toBe(0);
    expect(betaQuantile(1, 0.6, 0.6)).toBe(1);
  });
});

describe('a schedule whose points round together', () => {
  it('polyexponential at ρ 12.3 and 182 steps repeats σ near σ_min in float64, and is refused naming steps', () => {
    const options = { sigmaMax: 781.54, sigmaMin: 0.05, rho: 12.34 };
    expect(() => polyexponential(182, options)).toThrow(/^steps: .*strictly decrease/);
    // The same shape at few steps keeps its points apart and is accepted.
    const sigmas = polyexponential(3, options);
    for (let i = 1; i < 3; i++) expect(sigmas[i]).toBeLessThan(sigmas[i - 1]);
  });
});
