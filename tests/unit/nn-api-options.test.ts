/** The image-world arguments of the public API (label, cfg, size), resolved without a GPU: defaults, the per-sample
 *  labels, and errors that name the field and its allowed range. */
import { describe, expect, it } from 'vitest';
import { resolveDenoiseOptions, resolveSampleOptions } from '../../src/api/options';
import { WorldRegistry } from '../../src/worlds/registry';
import { shippedWorlds } from '../reference/shipped-worlds';

const worlds = new WorldRegistry(shippedWorlds());
const sample = (o: object) => resolveSampleOptions({ world: 'fmnist', sampler: 'euler', ...o }, worlds);

describe('fmnist options', () => {
  it('is listed as an image world with its classes and sizes', () => {
    const info = worlds.list().find((w) => w.id === 'fmnist')!;
    expect(info).toMatchObject({ kind: 'image', dim: 784, image: { size: 28, maxSize: 112, nullClass: 10 } });
    expect(info.image!.classes[7]).toBe('Sneaker');
    expect(worlds.list().find((w) => w.id === 'gmm:ring8')!.image).toBeUndefined();
  });

  it('defaults: a 4×4 grid at 28×28, unconditional, no guidance', () => {
    const r = sample({});
    expect([r.count, r.dim, r.size, r.labels, r.cfg]).toEqual([16, 784, 28, undefined, 1]);
  });

  it('label: one class for all, or "mixed" cycling through the ten; size sets dim; noise is count × size²', () => {
    expect(Array.from(sample({ label: 7, count: 3 }).labels!)).toEqual([7, 7, 7]);
    expect(Array.from(sample({ label: 'mixed', count: 12 }).labels!)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    const big = sample({ size: 56, noise: new Float32Array(2 * 56 * 56) });
    expect([big.count, big.dim, big.size]).toEqual([2, 3136, 56]);
    expect(sample({ size: 112, cfg: 7.5 }).cfg).toBe(7.5);
    const d = resolveDenoiseOptions(
      { world: 'fmnist', x: new Float32Array(2 * 3136), sigma: 1, size: 56, label: 2, cfg: 0 },
      worlds,
    );
    expect([d.count, d.size, Array.from(d.labels!), d.cfg]).toEqual([2, 56, [2, 2], 0]);
  });

  it('rejects bad values, naming the field and its range', () => {
    expect(() => sample({ label: 10 })).toThrow(/^label: must be an integer in 0–9 or 'mixed', got 10$/);
    expect(() => sample({ label: 2.5 })).toThrow(/^label: must be an integer in 0–9 or 'mixed', got 2\.5$/);
    expect(() => sample({ label: 'sneaker' })).toThrow(/^label: must be an integer in 0–9 or 'mixed', got "sneaker"$/);
    expect(() => sample({ cfg: 25 })).toThrow(/^cfg: must be a number in \[0, 20\], got 25$/);
    expect(() => sample({ cfg: Number.NaN })).toThrow(/^cfg: must be a number in \[0, 20\], got NaN$/);
    expect(() => sample({ size: 30 })).toThrow(/^size: must be a multiple of 28 from 28 to 112, got 30$/);
    expect(() => sample({ size: 140 })).toThrow(/^size: must be a multiple of 28 from 28 to 112, got 140$/);
    expect(() => sample({ size: 56, noise: new Float32Array(784) })).toThrow(
      /^noise: length must be a non-zero multiple of dim 3136, got 784$/,
    );
    expect(() => sample({ size: 56, count: 2, noise: new Float32Array(2 * 784) })).toThrow(
      /^noise: length must be 6272/,
    );
    expect(() =>
      resolveDenoiseOptions({ world: 'fmnist', x: new Float32Array(784), sigma: 1, size: 56 }, worlds),
    ).toThrow(/^x: must be a non-empty Float32Array whose length is a multiple of dim 3136$/);
    const ring = (o: object) => resolveSampleOptions({ world: 'gmm:ring8', sampler: 'euler', ...o }, worlds);
    expect(() => ring({ label: 1 })).toThrow(/^label: world gmm:ring8 has no classes$/);
    expect(() => ring({ cfg: 2 })).toThrow(/^cfg: world gmm:ring8 has no classes to guide$/);
    expect(() => ring({ size: 28 })).toThrow(/^size: world gmm:ring8 is not an image world$/);
    expect(ring({}).count).toBe(1024);
  });
});
