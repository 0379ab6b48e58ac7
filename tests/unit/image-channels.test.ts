/** C channels on the CPU side: RGB grids (one plane per colour), per-channel bilinear upscaling and block means for the
 *  classifier, the C·side² dimension of an RGB world, and an RGB PNG; each against a float64 loop over NCHW indices. */
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { resolveClassifyOptions, toClassifierInput } from '../../src/api/classify';
import { resolveSampleOptions } from '../../src/api/options';
import { encodePng } from '../../src/export/png';
import { defaultState } from '../../src/state/params';
import { imageFrames, samplesImage } from '../../src/ui/view/image-frames';
import { grayLevel, mosaic, upscaleBilinear } from '../../src/ui/view/image-mosaic';
import { WorldRegistry } from '../../src/worlds/registry';
import { lcg } from '../reference/random-mixture';
import { shippedWorlds } from '../reference/shipped-worlds';

const u = lcg(7);
const random = (n: number) => Float32Array.from({ length: n }, () => 2.4 * u() - 1.2);

describe('RGB image grids', () => {
  it('3 channels are red, green and blue from their own planes, clamped to [−1, 1]; 1 channel stays grey', () => {
    const side = 3;
    const count = 2;
    const values = random(count * 3 * side * side);
    const image = mosaic({ values, count, side, channels: 3 }, { gap: 1 });
    expect([image.width, image.height]).toEqual([2 * side + 1, side]);
    for (let n = 0; n < count; n++)
      for (let y = 0; y < side; y++)
        for (let x = 0; x < side; x++) {
          const o = 4 * (y * image.width + n * (side + 1) + x);
          const rgb = [0, 1, 2].map((c) =>
            grayLevel(Math.min(1, Math.max(-1, values[((n * 3 + c) * side + y) * side + x]))),
          );
          expect(Array.from(image.data.slice(o, o + 4))).toEqual([...rgb, 255]);
        }
    expect(() => mosaic({ values, count, side, channels: 2 })).toThrow(
      /channels: must be 1 \(grey\) or 3 \(RGB\), got 2/,
    );
    expect(() => mosaic({ values: values.subarray(1), count, side, channels: 3 })).toThrow(/count × 3 × side² = 54/);
  });

  it('bilinear upscaling acts on each channel alone: the RGB result is the three grey results', () => {
    const side = 4;
    const values = random(2 * 3 * side * side);
    const rgb = upscaleBilinear({ values, count: 2, side, channels: 3 }, 2);
    const planes = upscaleBilinear({ values, count: 6, side }, 2);
    expect(rgb.channels).toBe(3);
    expect(rgb.values).toEqual(planes.values);
  });

  it('the scrubber and the exported grid draw RGB frames at full resolution', () => {
    const side = 2;
    const run = {
      samples: random(3 * side * side),
      trajectory: [random(12), random(12)],
      denoised: [random(12), random(12)],
      sigmas: [2, 0],
    };
    const [x, d] = imageFrames(run, 1, 0, 1, 3);
    expect([x.image.width, d.image.width]).toEqual([side, side]);
    expect(Array.from(d.image.data.slice(0, 3))).toEqual(
      [0, 1, 2].map((c) => grayLevel(run.denoised[0][c * side * side])),
    );
    const big = samplesImage(run, 1, 2, 3);
    expect([big.width, big.height]).toEqual([2 * side, 2 * side]);
  });

  it('an RGB PNG keeps the colours and drops only the alpha', () => {
    const image = mosaic({ values: random(3 * 16), count: 1, side: 4, channels: 3 });
    const png = decode(encodePng(image, defaultState(), 'Steps: 1', { rgb: true }));
    expect([png.channels, png.width, png.height]).toEqual([3, 4, 4]);
    expect(Array.from(png.data)).toEqual(Array.from(image.data).filter((_, i) => i % 4 !== 3));
  });
});

describe('RGB classifier input', () => {
  it('clamps, then averages m×m blocks of every channel plane: float64 block means over NCHW indices', () => {
    const [count, channels, native, m] = [2, 3, 4, 2];
    const side = native * m;
    const images = random(count * channels * side * side);
    expect(resolveClassifyOptions({ images, count }, native, 4 * native, channels)).toEqual({ images, count, side });
    expect(resolveClassifyOptions({ images }, native, 4 * native, channels)).toMatchObject({ count: 8, side: native });
    expect(() => resolveClassifyOptions({ images: images.subarray(5) }, native, 4 * native, channels)).toThrow(
      /multiple of 48 \(3×4×4 images\)/,
    );
    const got = toClassifierInput(images, count, side, native, channels);
    const clamp = (v: number) => Math.min(1, Math.max(-1, v));
    for (let n = 0; n < count; n++)
      for (let c = 0; c < channels; c++)
        for (let y = 0; y < native; y++)
          for (let x = 0; x < native; x++) {
            let sum = 0;
            for (let a = 0; a < m; a++)
              for (let b = 0; b < m; b++)
                sum += clamp(images[((n * channels + c) * side + y * m + a) * side + x * m + b]);
            // A mean of 4 float32 values in [−1, 1], stored as float32.
            expect(Math.abs(got[((n * channels + c) * native + y) * native + x] - sum / (m * m))).toBeLessThan(
              2 ** -23,
            );
          }
  });
});

describe('an RGB world from an index', () => {
  const registry = new WorldRegistry(shippedWorlds('tests/fixtures/models/index.json'));

  it('lists its picker facts and takes C·side² values per sample', () => {
    const info = registry.list().find((w) => w.id === 'tiny-rgb')!;
    expect(info).toMatchObject({
      kind: 'image',
      dim: 3 * 8 * 8,
      image: {
        size: 8,
        maxSize: 32,
        channels: 3,
        classes: ['red', 'green', 'blue'],
        nullClass: 3,
        classifier: 'tiny-rgb-classifier',
      },
    });
    const run = resolveSampleOptions(
      { world: 'tiny-rgb', sampler: 'euler', size: 16, label: 'mixed', count: 4 },
      registry,
    );
    expect([run.dim, run.size, Array.from(run.labels!)]).toEqual([3 * 16 * 16, 16, [0, 1, 2, 0]]);
    expect(() => resolveSampleOptions({ world: 'tiny-rgb', sampler: 'euler', size: 12 }, registry)).toThrow(
      /size: must be a multiple of 8 from 8 to 32, got 12/,
    );
  });
});
