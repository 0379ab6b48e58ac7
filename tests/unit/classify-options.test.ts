/** `sandbox.classify` on the CPU side (src/api/classify.ts): image side from count, clamping then block means down
 *  to 28, and softmax/argmax of the logits. */
import { describe, expect, it } from 'vitest';
import { resolveClassifyOptions, toClassifierInput, verdicts } from '../../src/api/classify';

describe('classify arguments and verdicts', () => {
  it('infers the side from the count: 28 by default, 56 and 112 when the count says so', () => {
    expect(resolveClassifyOptions({ images: new Float32Array(2 * 784) }, 28, 112)).toMatchObject({
      count: 2,
      side: 28,
    });
    expect(resolveClassifyOptions({ images: new Float32Array(2 * 784), count: 2 }, 28, 112)).toMatchObject({
      count: 2,
      side: 28,
    });
    expect(resolveClassifyOptions({ images: new Float32Array(3136), count: 1 }, 28, 112)).toMatchObject({
      count: 1,
      side: 56,
    });
    expect(resolveClassifyOptions({ images: new Float32Array(3 * 112 * 112), count: 3 }, 28, 112)).toMatchObject({
      count: 3,
      side: 112,
    });
    expect(() => resolveClassifyOptions({ images: new Float32Array(140 * 140), count: 1 }, 28, 112)).toThrow(
      /side 28, 56, 84, 112 .* got 19600/,
    );
    expect(() => resolveClassifyOptions(undefined, 28, 112)).toThrow(
      'classify: needs an options object { images, count? }',
    );
  });

  it('clamps to [-1, 1], then averages m×m blocks: a 56-px image of 2×2 blocks becomes its 28-px original', () => {
    const side = 56;
    // Pixel (y, x) of the 56-px image: its block (y/2, x/2) has the values b − 0.3, b + 0.1, b + 0.1, b + 0.1 (mean b).
    const base = (i: number) => Math.sin(i) * 0.5;
    const big = Float32Array.from({ length: side * side }, (_, p) => {
      const [y, x] = [Math.floor(p / side), p % side];
      return base(Math.floor(y / 2) * 28 + Math.floor(x / 2)) + (y % 2 === 0 && x % 2 === 0 ? -0.3 : 0.1);
    });
    const small = toClassifierInput(big, 1, side, 28);
    small.forEach((v, i) => expect(v).toBeCloseTo(base(i), 6));
    // Out of range: 5 counts as 1, −7 as −1; a block {5, 5, −7, 0} averages to (1 + 1 − 1 + 0)/4.
    const wild = new Float32Array(side * side);
    wild.set([5, 5], 0);
    wild.set([-7, 0], side);
    expect(toClassifierInput(wild, 1, side, 28)[0]).toBe(0.25);
    expect(Array.from(toClassifierInput(Float32Array.from([3, -2, 0.5, -0.25]), 1, 2, 2))).toEqual([1, -1, 0.5, -0.25]);
  });

  it('argmax picks the first of tied logits; softmax sums to 1 and survives logits of 1000', () => {
    const logits = Float32Array.from([1, 3, 3, 0, 1000, 999, -1000, 0]);
    const r = verdicts({ logits, features: new Float32Array(0) }, 2, ['a', 'b', 'c', 'd']);
    expect(Array.from(r.labels)).toEqual([1, 0]);
    expect(r.classes).toEqual(['a', 'b', 'c', 'd']);
    const e = [Math.exp(-2), 1, 1, Math.exp(-3)];
    const total = e.reduce((a, b) => a + b);
    Array.from(r.probabilities.subarray(0, 4)).forEach((p, j) => expect(p).toBeCloseTo(e[j] / total, 7));
    expect(r.probabilities[4]).toBeCloseTo(1 / (1 + Math.exp(-1) + Math.exp(-1000)), 7);
    expect(r.probabilities[6]).toBe(0);
    expect(r.probabilities.subarray(4).reduce((a, b) => a + b)).toBeCloseTo(1, 6);
  });
});
