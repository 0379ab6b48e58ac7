/**
 * Skip-Tuning (Ma et al., ICML 2024, §3) in WGSL: the tuned network against the PyTorch float64 golden with scaled
 * skips; ρ = 1 bit-identical to no Skip-Tuning; and through the public API on the RGB fixture world, the keys every
 * cache uses (networks, CFG/UG wrappers, references, AMED calibrations) tell ρ apart, with every branch of CFG and
 * Upsample Guidance on the tuned network. Bars as for the untuned network: ≤ 1e-5 of the output scale.
 */
import { describe, expect, it } from 'vitest';
import { loadGolden, loadModelFromDisk, relativeToScale } from '../reference/nn-golden';
import { maxAbsDiff } from './gpu-session';
import { useNnPage } from './nn-session';

const holder = useNnPage();
const golden = loadGolden();
const rgb = loadModelFromDisk('tests/fixtures/models/tiny-rgb');

interface Request {
  x: number[];
  sigma: number[];
  labels?: number[];
  size: number;
  keep?: string[];
  skipTuning?: { bottom: number; top: number };
}
const unetDenoise = (
  request: Request,
): Promise<{ out: number[]; kept: Record<string, number[]>; info: { key: string } }> =>
  holder.session.page.evaluate((r) => (window as any).harness.unetDenoise(r), request);

/** Runs `fn(sandbox, arg)` against a sandbox whose world index is the RGB fixture's (one per page). */
const onFixture = <T>(fn: (sandbox: any, arg: any) => Promise<T>, arg?: unknown): Promise<T> =>
  holder.session.page.evaluate(
    async (source, arg) => {
      const w = window as any;
      w.rgbSandbox ??= await w.harness.createSandbox({ modelsUrl: '/tests/fixtures/models/' });
      return new Function('sandbox', 'arg', `return (${source})(sandbox, arg)`)(w.rgbSandbox, arg);
    },
    fn.toString(),
    arg,
  ) as Promise<T>;

describe('Skip-Tuning in the WGSL UNet', () => {
  it('unet_28_skip_tuning (ρ_top 0.9, ρ_bottom 0.7): the deepest decoder block, v and D against PyTorch', async () => {
    const c = golden.cases.get('unet_28_skip_tuning')!;
    const skipTuning = (c as unknown as { skip_tuning: { bottom: number; top: number } }).skip_tuning;
    const r = await unetDenoise({
      x: Array.from(c.arrays.get('x')!.data),
      sigma: c.sigma!,
      labels: c.labels!,
      size: 28,
      keep: ['up.0.out', 'v'],
      skipTuning,
    });
    // The same f32 accumulation as the untuned network (nn-network.test.ts), plus one rounding per scaled skip.
    for (const tap of ['up.0.out', 'v'])
      expect(relativeToScale(r.kept[tap], c.arrays.get(tap)!.data), tap).toBeLessThan(1e-5);
    expect(relativeToScale(r.out, c.arrays.get('D')!.data), 'D').toBeLessThan(1e-5);
    expect(r.info.key).toBe(`unet:${golden.weightsSha256}:28:skip(0.9,0.7)`);
  });

  it('ρ = 1 is bit-identical to no Skip-Tuning, with the same key; ρ = 0.8 is another function with another key', async () => {
    const c = golden.cases.get('unet_28')!;
    const request = { x: Array.from(c.arrays.get('x')!.data), sigma: c.sigma!, labels: c.labels!, size: 28 };
    const plain = await unetDenoise(request);
    const one = await unetDenoise({ ...request, skipTuning: { bottom: 1, top: 1 } });
    const tuned = await unetDenoise({ ...request, skipTuning: { bottom: 0.8, top: 1 } });
    expect(one.out).toEqual(plain.out);
    expect(one.info.key).toBe(plain.info.key);
    expect(tuned.info.key).not.toBe(plain.info.key);
    expect(maxAbsDiff(tuned.out, plain.out)).toBeGreaterThan(1e-3);
  });
});

describe('Skip-Tuning through the API (RGB fixture world)', () => {
  it('denoise: ρ = 1 bit-identical to none; sample and reference keys tell ρ = 1 from 0.8', async () => {
    const r = await onFixture(async (sandbox) => {
      const x = Float32Array.from({ length: 2 * 3 * 64 }, (_, i) => Math.sin(0.7 * i) * 2);
      const base = { world: 'tiny-rgb', x, sigma: 1.5, label: 1 };
      const plain = await sandbox.denoise(base);
      const one = await sandbox.denoise({ ...base, skipTuning: { bottom: 1 } });
      const tuned = await sandbox.denoise({ ...base, skipTuning: { bottom: 0.8 } });
      const run = { world: 'tiny-rgb', sampler: 'euler', steps: 2, count: 2, seed: 5 };
      const keys = async (o: object) => [
        await sandbox.sampleKey({ ...run, ...o }),
        await sandbox.referenceKey({ ...run, ...o }),
      ];
      return {
        plain: Array.from(plain as Float32Array),
        one: Array.from(one as Float32Array),
        tuned: Array.from(tuned as Float32Array),
        none: await keys({}),
        atOne: await keys({ skipTuning: { bottom: 1, top: 1 } }),
        at08: await keys({ skipTuning: { bottom: 0.8 } }),
      };
    });
    expect(r.one).toEqual(r.plain);
    expect(maxAbsDiff(r.tuned, r.plain)).toBeGreaterThan(1e-4);
    expect(r.atOne).toEqual(r.none);
    expect(r.at08[0]).not.toBe(r.none[0]);
    expect(r.at08[1]).not.toBe(r.none[1]);
  });

  it('CFG and Upsample Guidance wrap the tuned network in every branch, keyed apart from the untuned wrappers', async () => {
    const r = await onFixture(async (sandbox) => {
      const world = sandbox.registry.resolve('tiny-rgb');
      const gpu = sandbox.gpu.resources;
      const get = (o: object) => sandbox.guided.denoiser(gpu, world, o);
      const ug = { weight: 1, eta: 0.6 };
      const tuned = await get({ size: 16, cfg: 2, upsampleGuidance: ug, skipTuning: { bottom: 0.8, top: 1 } });
      const plain = await get({ size: 16, cfg: 2, upsampleGuidance: ug });
      return { tuned: tuned.key(), plain: plain.key(), shared: tuned === plain };
    });
    const sha = rgb.manifest.sha256;
    expect(r.tuned).toBe(`cfg(2)[ug(2,1,0.6)[unet:${sha}:16:skip(1,0.8)|unet:${sha}:8:skip(1,0.8)]]`);
    expect(r.plain).toBe(`cfg(2)[ug(2,1,0.6)[unet:${sha}:16|unet:${sha}:8]]`);
    expect(r.shared).toBe(false);
  });

  it('AMED: a calibration made at ρ = 1 is not reused at 0.8; one made at 0.8 is', async () => {
    const r = await onFixture(async (sandbox) => {
      const run = { world: 'tiny-rgb', sampler: 'amed', nfe: 3, label: 'mixed' };
      const one = await sandbox.calibrateAmed(run);
      const tuned = await sandbox.calibrateAmed({ ...run, skipTuning: { bottom: 0.8 } });
      const again = await sandbox.calibrateAmed({ ...run, skipTuning: { bottom: 0.8, top: 1 } });
      const sampled = await sandbox.sample({ ...run, count: 2, skipTuning: { bottom: 0.8 } });
      return {
        reused: one === tuned,
        cached: tuned === again,
        denoisers: [one.denoiser, tuned.denoiser],
        steps: [one.steps, tuned.steps],
        amed: sampled.amed,
      };
    });
    expect(r.reused).toBe(false);
    expect(r.cached).toBe(true);
    expect(r.denoisers[0].skipTuning).toBeUndefined();
    expect(r.denoisers[1].skipTuning).toEqual({ bottom: 0.8, top: 1 });
    expect(r.amed.source).toBe('calibration');
    expect(r.amed.steps).toEqual(r.steps[1].map(({ r: rr, c }: { r: number; c: number }) => ({ r: rr, c })));
  }, 300_000);
});
