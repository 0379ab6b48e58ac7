import { describe, expect, it } from 'vitest';
import { brownianAt, brownianIncrement, hashKey, initialNoise, normalFromKey, pcgHash } from '../../src/sampling/noise';

describe('counter-based RNG (TypeScript side)', () => {
  it('pcgHash is the PCG-RXS-M-XS permutation in u32 arithmetic', () => {
    // Recompute with BigInt as an independent check of the Math.imul / >>> emulation.
    const big = (v: number) => {
      const m = 2n ** 32n;
      const state = (BigInt(v) * 747796405n + 2891336453n) % m;
      const word = (((state >> ((state >> 28n) + 4n)) ^ state) * 277803737n) % m;
      return Number((word >> 22n) ^ word);
    };
    for (const v of [0, 1, 2, 12345, 0x7fffffff, 0x80000000, 0xffffffff, 987654321]) expect(pcgHash(v)).toBe(big(v));
  });

  it('normals have mean 0 and variance 1', () => {
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const z = normalFromKey(hashKey(0, 42, i, 0));
      s += z;
      s2 += z * z;
    }
    expect(Math.abs(s / n)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(s2 / n - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
  });

  it('noise depends on (seed, sample, element), never on the batch', () => {
    const a = initialNoise(7, 10, 3);
    const b = initialNoise(7, 4, 3);
    expect(Array.from(b)).toEqual(Array.from(a.subarray(0, 12)));
    expect(initialNoise(8, 1, 3)[0]).not.toBe(a[0]);
  });

  it('Brownian path: Var W(u) = u and increments over disjoint intervals are uncorrelated', () => {
    const n = 4000;
    let varHalf = 0;
    let varQuarter = 0;
    let cov = 0;
    for (let i = 0; i < n; i++) {
      const w25 = brownianAt(0.25, 3, i, 0);
      const w50 = brownianAt(0.5, 3, i, 0);
      const w80 = brownianAt(0.8, 3, i, 0);
      varQuarter += w25 * w25;
      varHalf += w50 * w50;
      cov += (w50 - w25) * (w80 - w50);
    }
    expect(Math.abs(varQuarter / n - 0.25)).toBeLessThan(0.25 * 5 * Math.sqrt(2 / n));
    expect(Math.abs(varHalf / n - 0.5)).toBeLessThan(0.5 * 5 * Math.sqrt(2 / n));
    expect(Math.abs(cov / n)).toBeLessThan((5 * Math.sqrt(0.25 * 0.3)) / Math.sqrt(n));
  });

  it('Brownian increments over a refined grid sum to the coarse increment (same path for any step count)', () => {
    const grid = [1, 0.61, 0.3, 0.07, 0.0013];
    for (let sample = 0; sample < 20; sample++) {
      const coarse =
        brownianIncrement(grid[0], grid[4], 9, sample, 1) * Math.sqrt(Math.fround(grid[0]) - Math.fround(grid[4]));
      let fine = 0;
      for (let k = 0; k < 4; k++)
        fine +=
          brownianIncrement(grid[k], grid[k + 1], 9, sample, 1) *
          Math.sqrt(Math.fround(grid[k]) - Math.fround(grid[k + 1]));
      expect(Math.abs(fine - coarse)).toBeLessThan(1e-12);
    }
  });
});
