/**
 * Cross-check against another engine: onnxruntime-web (WASM backend) runs the trainer's ONNX export of the same
 * network (bench/models/fmnist-unet.onnx) on the same random inputs as our WGSL network, at 28 and at 56.
 */
import { describe, expect, it } from 'vitest';
import { relativeToScale } from '../reference/nn-golden';
import { lcg } from '../reference/random-mixture';
import { useNnPage } from './nn-session';

const holder = useNnPage();

describe('the WGSL UNet against onnxruntime-web on the ONNX export', () => {
  it('D(x; σ) agrees at 28 (4 samples, classes and the null class) and at 56', async () => {
    for (const { size, count } of [
      { size: 28, count: 4 },
      { size: 56, count: 1 },
    ]) {
      const u = lcg(size);
      const sigma = Array.from({ length: count }, () => Math.fround(0.002 * (80 / 0.002) ** u()));
      const labels = Array.from({ length: count }, (_, i) => [8, 10, 0, 5][i]);
      const dim = size * size;
      const x = Array.from({ length: count * dim }, (_, i) =>
        Math.fround((2 * u() - 1) * (1 + sigma[Math.floor(i / dim)])),
      );
      const ours = await holder.session.page.evaluate(
        (x, sigma, labels, size) => (window as any).harness.unetDenoise({ x, sigma, labels, size }),
        x,
        sigma,
        labels,
        size,
      );
      const z = x.map((v, i) => Math.fround(v / (1 + sigma[Math.floor(i / dim)])));
      const t = sigma.map((s) => Math.fround(s / (1 + s)));
      const v: number[] = await holder.session.page.evaluate(
        (z, t, labels, size) => (window as any).harness.onnxVelocity({ z, t, labels, size }),
        z,
        t,
        labels,
        size,
      );
      const d = z.map((zi, i) => zi - t[Math.floor(i / dim)] * v[i]);
      // The export feeds t as float32 (one rounding, ~3e-8, moves the 1000·t features by ~3e-5 rad) and reduces the
      // feature arguments in float64 itself: the engines can differ by ~1e-5 of the output scale, not by 1e-3.
      const err = relativeToScale(ours.out, d);
      expect(err, `size ${size}`).toBeLessThan(1e-4);
    }
  }, 300_000);
});
