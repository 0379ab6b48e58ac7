/**
 * The shipped emoji world (public/models/emoji, tools/train/export.py --name emoji) in Chromium: the WGSL UNet against
 * its PyTorch float64 goldens at 32 and 64 px and with Skip-Tuning, then the public API as a user calls it: listed
 * from the world index with its nine categories and classifier, and a 64-px Upsample Guidance sample of the asked
 * shape. Bars as for Fashion-MNIST: ≤ 1e-5 of the output scale per network evaluation (f32 accumulation over
 * ≤ 96·9 terms per conv; the float64 goldens carry no f32 error of their own).
 */
import { describe, expect, it } from 'vitest';
import { loadGolden, relativeToScale } from '../reference/nn-golden';
import { useNnPage } from './nn-session';

const MODEL = '/models/emoji/';
const holder = useNnPage();
const golden = loadGolden('tests/fixtures/emoji-golden.json');

interface Request {
  x: number[];
  sigma: number[];
  labels: number[];
  size: number;
  keep: string[];
  model: string;
  skipTuning?: { bottom: number; top: number };
}
const unetDenoise = (
  request: Request,
): Promise<{ out: number[]; kept: Record<string, number[]>; info: { key: string } }> =>
  holder.session.page.evaluate((r) => (window as any).harness.unetDenoise(r), request);

describe('the emoji UNet in WGSL against PyTorch float64', () => {
  for (const name of ['unet_native', 'unet_2x', 'unet_native_skip_tuning']) {
    it(`${name}: D, v and the bottleneck`, async () => {
      const c = golden.cases.get(name)!;
      const size = c.arrays.get('z')!.shape[3];
      const taps = [...c.arrays.keys()].filter((k) => !['x', 'z', 'D'].includes(k));
      const skipTuning = (c as unknown as { skip_tuning?: { bottom: number; top: number } }).skip_tuning;
      const r = await unetDenoise({
        x: Array.from(c.arrays.get('x')!.data),
        sigma: c.sigma!,
        labels: c.labels!,
        size,
        keep: taps,
        model: MODEL,
        ...(skipTuning ? { skipTuning } : {}),
      });
      expect(r.out).toHaveLength(c.sigma!.length * 3 * size * size);
      for (const tap of taps) expect(relativeToScale(r.kept[tap], c.arrays.get(tap)!.data), tap).toBeLessThan(1e-5);
      expect(relativeToScale(r.out, c.arrays.get('D')!.data), 'D').toBeLessThan(1e-5);
      expect(r.info.key).toContain(golden.weightsSha256);
    });
  }
});

describe('the emoji world through the public API', () => {
  it('is listed with its categories and classifier; a 64-px Upsample Guidance sample has count × 3 × 64 × 64 values', async () => {
    const r = await holder.session.page.evaluate(async () => {
      const w = window as any;
      const sandbox = await w.harness.createSandbox({});
      const info = sandbox.worlds.find((x: any) => x.id === 'emoji');
      const out = await sandbox.sample({
        world: 'emoji',
        label: 3,
        size: 64,
        count: 2,
        steps: 1,
        sampler: 'euler',
        upsampleGuidance: { w: 1, eta: 0.6 },
      });
      const samples = Array.from(out.samples as Float32Array);
      const verdict = await sandbox.classify({ world: 'emoji', images: out.samples, count: 2 });
      return {
        label: info?.label,
        image: info?.image,
        length: samples.length,
        finite: samples.every(Number.isFinite),
        spread: Math.max(...samples) - Math.min(...samples),
        classes: verdict.classes,
        labels: Array.from(verdict.labels as Int32Array),
      };
    });
    expect(r.label).toBe('Emoji (Noto + Twemoji)');
    expect(r.image).toMatchObject({ channels: 3, size: 32 });
    expect(r.image.classes).toHaveLength(9);
    expect(r.image.classes[3]).toBe('Food & Drink');
    expect(r.length).toBe(2 * 3 * 64 * 64);
    expect(r.finite).toBe(true);
    // One Euler step from σ_max lands on the class mean: an image, not a constant.
    expect(r.spread).toBeGreaterThan(0.1);
    expect(r.classes).toEqual(r.image.classes);
    expect(r.labels).toHaveLength(2);
  });
});
