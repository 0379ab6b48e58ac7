import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SCHEDULE_OPTIONS as O,
  karras,
  linearT,
  logSnr,
  timeUniform,
  SCHEDULES,
} from '../../src/sampling/schedules';

const close = (a: number, b: number, rel = 1e-12) =>
  expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(b)));

describe('schedules (algorithms.md formulas)', () => {
  it('karras: endpoints, final zero, and uniform spacing in σ^{1/ρ}', () => {
    const s = karras(10, O);
    expect(s.length).toBe(11);
    close(s[0], 80);
    close(s[9], 0.002);
    expect(s[10]).toBe(0);
    const roots = Array.from(s.subarray(0, 10), (v) => v ** (1 / 7));
    const gaps = roots.slice(1).map((r, i) => r - roots[i]);
    for (const g of gaps) close(g, gaps[0], 1e-9);
    close(karras(5, { ...O, rho: 3 })[2], ((80 ** (1 / 3) + 0.002 ** (1 / 3)) / 2) ** 3);
  });

  it('time_uniform refuses a σ_min whose fitted VP curve is not monotone, naming the bound; just below it, the grid falls', () => {
    // Monotone on [ε_s, 1] iff β_min + β_d ≥ 0, i.e. log(1 + σ_min²) ≤ ε_s(2 − ε_s)·log(1 + σ_max²).
    const largest = Math.sqrt(Math.expm1(1e-3 * (2 - 1e-3) * Math.log1p(80 * 80)));
    expect(() => timeUniform(8, { ...O, sigmaMin: 5 })).toThrow(
      /^sigmaMin: the time-uniform schedule needs σ_min ≤ 0\.133 at σ_max 80, got 5$/,
    );
    expect(() => timeUniform(8, { ...O, sigmaMin: largest * 1.01 })).toThrow(RangeError);
    const s = timeUniform(8, { ...O, sigmaMin: largest * 0.99 });
    for (let i = 1; i < 8; i++) expect(s[i]).toBeLessThan(s[i - 1]);
    close(s[7], largest * 0.99, 1e-9);
  });

  it('time_uniform: σ(1) = σ_max, σ(ε_s) = σ_min, and uniform VP time between', () => {
    const s = timeUniform(8, O);
    close(s[0], 80, 1e-10);
    close(s[7], 0.002, 1e-9);
    expect(s[8]).toBe(0);
    // Invert σ(t) = sqrt(exp(β_d t²/2 + β_min t) − 1) with the same β's: the t's must be equally spaced.
    const A = Math.log1p(80 * 80);
    const B = Math.log1p(0.002 * 0.002);
    const betaD = (2 * (B / 1e-3 - A)) / (1e-3 - 1);
    const betaMin = A - betaD / 2;
    const ts = Array.from(
      s.subarray(0, 8),
      (v) => (-betaMin + Math.sqrt(betaMin ** 2 + 2 * betaD * Math.log1p(v * v))) / betaD,
    );
    for (let i = 0; i < 8; i++) close(ts[i], 1 + (i / 7) * (1e-3 - 1), 1e-9);
  });

  it('logsnr: uniform in log σ', () => {
    const s = logSnr(6, O);
    const logs = Array.from(s.subarray(0, 6), Math.log);
    for (let i = 1; i < 6; i++) close(logs[i] - logs[i - 1], (Math.log(0.002) - Math.log(80)) / 5, 1e-12);
  });

  it('linear_t: uniform RF time t = σ/(1+σ) from t(σ_max) to exactly 0', () => {
    const s = linearT(4, O);
    expect(s.length).toBe(5);
    const ts = Array.from(s, (v) => v / (1 + v));
    for (let i = 0; i <= 4; i++) close(ts[i], (80 / 81) * (1 - i / 4), 1e-12);
    expect(s[4]).toBe(0);
  });

  it('every schedule is strictly decreasing and handles one step', () => {
    for (const sch of SCHEDULES) {
      for (const n of [1, 2, 7, 50]) {
        const s = sch.build(n, O);
        expect(s.length).toBe(n + 1);
        // vp takes its ends from (β_d, β_min, ε_s), as k-diffusion's get_sigmas_vp does, not from σ_max.
        if (sch.id !== 'vp') close(s[0], 80, 1e-9);
        for (let i = 1; i <= n; i++) expect(s[i]).toBeLessThan(s[i - 1]);
      }
    }
  });
});
