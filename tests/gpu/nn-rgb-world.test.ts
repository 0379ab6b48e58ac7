/**
 * The 3-channel test world end to end in Chromium (tests/fixtures/models, tools/train/make_test_world.py): the WGSL
 * UNet and classifier against their PyTorch float64 goldens, then the public API on a sandbox made from the fixture's
 * world index: a Heun run against the float64 executor on the same plan and noise, Upsample Guidance and CFG composed
 * per channel, and classify() with its per-channel block mean. Bars as for Fashion-MNIST: ≤ 1e-5 of the output scale
 * per network evaluation (f32 accumulation over ≤ 32·9 terms per conv).
 */
import { describe, expect, it } from 'vitest';
import { initialNoise } from '../../src/sampling/noise';
import { runPlanCpu } from '../../src/sampling/run-cpu';
import { samplerById } from '../../src/sampling/samplers';
import { loadGolden, loadModelFromDisk, relativeToScale } from '../reference/nn-golden';
import { unetCpuDenoiser } from '../reference/unet-cpu-denoiser';
import { averagePool, guided } from '../reference/upsample-guidance';
import { maxAbsDiff } from './gpu-session';
import { useNnPage } from './nn-session';

const MODEL = '/tests/fixtures/models/tiny-rgb/';
const holder = useNnPage();
const golden = loadGolden('tests/fixtures/tiny-rgb-golden.json');
const model = loadModelFromDisk('tests/fixtures/models/tiny-rgb');

/** Runs `fn(sandbox, arg)` against a sandbox whose world index is the fixture's (one per page). */
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

describe('the RGB test world in WGSL against PyTorch', () => {
  for (const name of ['unet_native', 'unet_2x']) {
    it(`${name}: D, v and the tapped activations`, async () => {
      const c = golden.cases.get(name)!;
      const size = c.arrays.get('z')!.shape[3];
      const taps = [...c.arrays.keys()].filter((k) => !['x', 'z', 'D', 'time_features'].includes(k));
      const r = await holder.session.page.evaluate((o) => (window as any).harness.unetDenoise(o), {
        x: Array.from(c.arrays.get('x')!.data),
        sigma: c.sigma!,
        labels: c.labels!,
        size,
        keep: taps,
        model: MODEL,
      });
      expect(r.out).toHaveLength(c.sigma!.length * 3 * size * size);
      for (const tap of taps) expect(relativeToScale(r.kept[tap], c.arrays.get(tap)!.data), tap).toBeLessThan(1e-5);
      expect(relativeToScale(r.out, c.arrays.get('D')!.data), 'D').toBeLessThan(1e-5);
    });
  }

  it('the 3-channel classifier: logits and features', async () => {
    const c = golden.cases.get('classifier')!;
    const r = await holder.session.page.evaluate((o) => (window as any).harness.classifierRun(o), {
      images: Array.from(c.arrays.get('image')!.data),
      model: '/tests/fixtures/models/tiny-rgb-classifier/',
    });
    expect(relativeToScale(r.logits, c.arrays.get('logits')!.data), 'logits').toBeLessThan(1e-5);
    expect(relativeToScale(r.features, c.arrays.get('features')!.data), 'features').toBeLessThan(1e-5);
  });
});

describe('the RGB test world through the public API', () => {
  it('is listed from the fixture index, and a Heun run matches the float64 executor on the same plan and noise', async () => {
    const [count, seed, steps, size] = [3, 5, 3, 8];
    const r = await onFixture(
      async (sandbox, a) => {
        const info = sandbox.worlds.find((w: any) => w.id === 'tiny-rgb');
        const out = await sandbox.sample({
          world: 'tiny-rgb',
          sampler: 'heun',
          steps: a.steps,
          count: a.count,
          seed: a.seed,
          label: 'mixed',
          schedule: 'karras',
        });
        return {
          info,
          samples: Array.from(out.samples as Float32Array),
          sigmas: Array.from(out.sigmas as Float64Array),
          nfe: out.nfe,
        };
      },
      { count, seed, steps },
    );
    expect(r.info).toMatchObject({
      kind: 'image',
      dim: 3 * size * size,
      image: { channels: 3, size, classes: ['red', 'green', 'blue'] },
    });
    const dim = 3 * size * size;
    const labels = [0, 1, 2];
    const plan = samplerById('heun')!.build(Float64Array.from(r.sigmas), { eta: 0 });
    const cpu = runPlanCpu(plan, unetCpuDenoiser(model, labels, size), {
      noise: initialNoise(seed, count, dim),
      count,
    });
    expect(r.samples).toHaveLength(count * dim);
    // 5 network evaluations at ≤ 1e-5 of scale each, through Heun's float64 coefficients.
    expect(relativeToScale(r.samples, cpu.samples)).toBeLessThan(1e-4);
  });

  it('Upsample Guidance at 16 and CFG compose per channel: D + w·U[D(Px; σ/2) − P D], then the CFG mix', async () => {
    const [size, m, count] = [16, 2, 2];
    const sigma = [0.3, 6]; // τ = 0.23 (outside η = 0.6) and 0.86 (inside)
    const x = Array.from({ length: count * 3 * size * size }, (_, i) => Math.sin(i * 0.37) * 1.3);
    const low = Array.from(averagePool(x, count * 3, size, m));
    const [ug, high, lowD, cond, uncond, mixed] = await onFixture(
      async (sandbox, a) => {
        const base = {
          world: 'tiny-rgb',
          size: a.size,
          x: new Float32Array(a.x),
          sigma: new Float32Array(a.sigma),
          upsampleGuidance: { w: 1.4, eta: 0.6 },
        };
        const outs = [
          await sandbox.denoise({ ...base, label: 2 }),
          await sandbox.denoise({ ...base, label: 2, upsampleGuidance: undefined }),
          await sandbox.denoise({
            world: 'tiny-rgb',
            label: 2,
            x: new Float32Array(a.low),
            sigma: new Float32Array(a.sigma.map((s: number) => s / a.m)),
          }),
          await sandbox.denoise({ ...base, label: 1 }),
          await sandbox.denoise(base),
          await sandbox.denoise({ ...base, label: 1, cfg: 2.5 }),
        ];
        return outs.map((v: Float32Array) => Array.from(v));
      },
      { size, m, x, low, sigma },
    );
    expect(maxAbsDiff(ug, guided(high, lowD, sigma, count, size, m, 1.4, 0.6, 3))).toBeLessThan(1e-5);
    const plane = 3 * size * size;
    expect(maxAbsDiff(ug.slice(0, plane), high.slice(0, plane))).toBe(0);
    expect(maxAbsDiff(ug.slice(plane), high.slice(plane))).toBeGreaterThan(1e-3);
    expect(
      maxAbsDiff(
        mixed,
        cond.map((c, i) => uncond[i] + 2.5 * (c - uncond[i])),
      ),
    ).toBeLessThan(1e-5);
  });

  it('wrappers compose above the world and are shared exactly when their keys agree', async () => {
    const r = await onFixture(async (sandbox) => {
      // The sandbox's own composer and registry (TypeScript-private, reachable at run time).
      const world = sandbox.registry.resolve('tiny-rgb');
      const gpu = sandbox.gpu.resources;
      const get = (o: object) => sandbox.guided.denoiser(gpu, world, o);
      const ug = { weight: 1, eta: 0.6 };
      const a = await get({ size: 16, cfg: 2, upsampleGuidance: ug });
      const again = await get({ size: 16, cfg: 2, upsampleGuidance: { ...ug } });
      const other = await get({ size: 16, cfg: 3, upsampleGuidance: ug });
      const plain = await get({ size: 16 });
      const base = await world.gpuDenoiser(gpu, 16);
      const native = await get({ upsampleGuidance: ug });
      return {
        key: a.key(),
        other: other.key(),
        same: a === again,
        differs: a !== other,
        plain: plain === base,
        native: native.key(),
        dims: [a.dim, native.dim],
      };
    });
    const sha = model.manifest.sha256;
    expect(r.key).toBe(`cfg(2)[ug(2,1,0.6)[unet:${sha}:16|unet:${sha}:8]]`);
    expect(r.other).toBe(`cfg(3)[ug(2,1,0.6)[unet:${sha}:16|unet:${sha}:8]]`);
    expect([r.same, r.differs, r.plain]).toEqual([true, true, true]);
    // At the native side Upsample Guidance has nothing to guide: the world's own network.
    expect(r.native).toBe(`unet:${sha}:8`);
    expect(r.dims).toEqual([3 * 16 * 16, 3 * 8 * 8]);
  });

  it("classify() judges with the world's own classifier, averaging each channel of a 2× image down to 8", async () => {
    const c = golden.cases.get('classifier')!;
    const images = Array.from(c.arrays.get('image')!.data);
    // Every pixel of each channel repeated 2×2: the block mean gives the native image back exactly.
    const big = Array.from({ length: images.length * 4 }, (_, i) => {
      const [p, y, xx] = [Math.floor(i / 256), Math.floor((i % 256) / 16), i % 16];
      return images[p * 64 + Math.floor(y / 2) * 8 + Math.floor(xx / 2)];
    });
    const r = await onFixture(
      async (sandbox, a) => {
        const native = await sandbox.classify({ images: new Float32Array(a.images), world: 'tiny-rgb' });
        const double = await sandbox.classify({ images: new Float32Array(a.big), count: 5, world: 'tiny-rgb' });
        return {
          classes: native.classes,
          native: Array.from(native.logits as Float32Array),
          double: Array.from(double.logits as Float32Array),
          labels: Array.from(native.labels as Int32Array),
        };
      },
      { images, big },
    );
    expect(r.classes).toEqual(['red', 'green', 'blue']);
    expect(relativeToScale(r.native, c.arrays.get('logits')!.data)).toBeLessThan(1e-5);
    expect(r.double).toEqual(r.native);
    expect(r.labels).toHaveLength(5);
  });
});
