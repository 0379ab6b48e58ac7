/**
 * The whole WGSL UNet as a denoiser, in Chromium: against the PyTorch golden vectors (28 and 56, with intermediate
 * activations), against the float64 reference interpreter at 112, chunked batches, the null class, and no GPU
 * allocation in the steady state. The bar: max error ≤ 1e-3 of the output scale.
 */
import { describe, expect, it } from 'vitest';
import { loadGolden, loadModelFromDisk, relativeToScale } from '../reference/nn-golden';
import { runGraph } from '../reference/nn-ops';
import { useNnPage } from './nn-session';

const holder = useNnPage();
const golden = loadGolden();

interface DenoiseRequest {
  x: number[];
  sigma: number[];
  labels?: number[];
  size: number;
  keep?: string[];
  maxChunk?: number;
}
const unetDenoise = (
  request: DenoiseRequest,
): Promise<{
  out: number[];
  kept: Record<string, number[]>;
  info: { maxChunk: number; capacity: number; flopsPerSample: number };
}> => holder.session.page.evaluate((r) => (window as any).harness.unetDenoise(r), request);

describe('the WGSL UNet against PyTorch and float64', () => {
  it('unet_28 (3 samples: classes 3, 7 and the null class at σ = 0.05, 1, 20): D, v and every tapped activation', async () => {
    const c = golden.cases.get('unet_28')!;
    const taps = ['h.in', 'down.0.out', 'down.1.out', 'down.2.out', 'mid.out', 'up.0.out', 'up.1.out', 'up.2.out', 'v'];
    const r = await unetDenoise({
      x: Array.from(c.arrays.get('x')!.data),
      sigma: c.sigma!,
      labels: c.labels!,
      size: 28,
      keep: taps,
    });
    // f32 accumulation over ≤ 96·9 terms per conv through 15 convs, relative to each value's scale: ~1e-6 seen.
    for (const tap of taps) expect(relativeToScale(r.kept[tap], c.arrays.get(tap)!.data), tap).toBeLessThan(1e-5);
    expect(relativeToScale(r.out, c.arrays.get('D')!.data), 'D').toBeLessThan(1e-5);
  });

  it('unet_28 with the time features kept (so the conditioning chain runs unfused, after a separate EDM entry): the features and D', async () => {
    const c = golden.cases.get('unet_28')!;
    const r = await unetDenoise({
      x: Array.from(c.arrays.get('x')!.data),
      sigma: c.sigma!,
      labels: c.labels!,
      size: 28,
      keep: ['tf'],
    });
    expect(relativeToScale(r.kept.tf, c.arrays.get('time_features')!.data), 'time features').toBeLessThan(1e-5);
    expect(relativeToScale(r.out, c.arrays.get('D')!.data), 'D').toBeLessThan(1e-5);
  });

  it('unet_56 (the fully convolutional path at 2×): bottleneck, v and D', async () => {
    const c = golden.cases.get('unet_56')!;
    const r = await unetDenoise({
      x: Array.from(c.arrays.get('x')!.data),
      sigma: c.sigma!,
      labels: c.labels!,
      size: 56,
      keep: ['mid.out', 'v'],
    });
    expect(relativeToScale(r.kept['mid.out'], c.arrays.get('mid.out')!.data), 'mid.out').toBeLessThan(1e-5);
    expect(relativeToScale(r.kept.v, c.arrays.get('v')!.data), 'v').toBeLessThan(1e-5);
    expect(relativeToScale(r.out, c.arrays.get('D')!.data), 'D').toBeLessThan(1e-5);
  });

  it('at 112 (4×) matches the float64 interpreter of the manifest graph', async () => {
    const model = loadModelFromDisk();
    const size = 112;
    const base = golden.cases.get('unet_28')!.arrays.get('x')!.data; // the first test image (class 3) at σ = 0.05
    const x = Float32Array.from(
      { length: size * size },
      (_, i) => base[Math.floor(i / size / 4) * 28 + Math.floor((i % size) / 4)] + 0.3 * Math.sin(i),
    );
    const sigma = 1.5;
    const r = await unetDenoise({ x: Array.from(x), sigma: [sigma], labels: [3], size, keep: ['mid.out'] });
    const z = x.map((v) => v / (1 + sigma));
    const env = runGraph(model.manifest, model.tensors, z, [sigma], [3], size);
    const t = sigma / (1 + sigma);
    const d = env.get('v')!.data.map((v, i) => z[i] - t * v);
    expect(relativeToScale(r.kept['mid.out'], env.get('mid.out')!.data), 'mid.out').toBeLessThan(1e-5);
    expect(relativeToScale(r.out, d), 'D').toBeLessThan(1e-5);
  }, 600_000);

  it('a batch split into chunks, a sample alone, and the null class by omission give the same floats', async () => {
    const u = (i: number) => Math.sin(12.9898 * i) * 1.7;
    const count = 5;
    const x = Array.from({ length: count * 784 }, (_, i) => u(i));
    const sigma = [0.01, 0.3, 2, 9, 70];
    const labels = [0, 9, 10, 4, 10];
    const whole = await unetDenoise({ x, sigma, labels, size: 28 });
    expect(whole.info.capacity).toBe(count);
    // Chunks of 2, 2 and 1 inside one pass.
    const chunked = await unetDenoise({ x, sigma, labels, size: 28, maxChunk: 2 });
    expect(chunked.info.capacity).toBe(2);
    expect(chunked.out).toEqual(whole.out);
    const alone = await unetDenoise({ x: x.slice(3 * 784, 4 * 784), sigma: [sigma[3]], labels: [labels[3]], size: 28 });
    expect(alone.out).toEqual(whole.out.slice(3 * 784, 4 * 784));
    const unconditional = await unetDenoise({ x, sigma, size: 28 });
    const nullClass = await unetDenoise({ x, sigma, labels: new Array(count).fill(10), size: 28 });
    expect(unconditional.out).toEqual(nullClass.out);
    expect(unconditional.out).not.toEqual(whole.out);
  });

  it('allocates nothing per call once warm: plain, chunked, and under classifier-free guidance', async () => {
    for (const options of [
      { size: 28, count: 4 },
      { size: 28, count: 5, maxChunk: 2 },
      { size: 56, count: 2, cfg: 3 },
    ]) {
      const r = await holder.session.page.evaluate((o) => (window as any).harness.allocationsPerCall(o), options);
      expect(r, JSON.stringify(options)).toEqual({ buffers: 0, bindGroups: 0, chunks: 'maxChunk' in options ? 3 : 1 });
    }
  });
});
