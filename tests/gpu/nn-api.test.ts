/**
 * The Fashion-MNIST world through the public API in Chromium: weights load with progress, classifier-free guidance
 * is D_∅ + s·(D_c − D_∅), a sample equals the sampler's steps composed by hand from `denoise`, every sampler of the
 * engine runs on the network, and sizes 56 work end to end.
 */
import { describe, expect, it } from 'vitest';
import { EPS32 } from './gpu-session';
import { sandboxEvaluator, useNnPage } from './nn-session';

const holder = useNnPage();
const evaluate = sandboxEvaluator(holder);

const image = (seed: number, count: number, size = 28) =>
  Array.from({ length: count * size * size }, (_, i) => Math.sin(seed * 7.1 + i * 0.61) * 1.2);

describe('world "fmnist" through the public API', () => {
  it('loads the weights once, reporting progress up to the manifest byte length', async () => {
    const r = await evaluate(async (sandbox) => {
      const seen: Array<[number, number]> = [];
      await sandbox.loadWorld('fmnist', { onProgress: (loaded: number, total: number) => seen.push([loaded, total]) });
      const manifest = await (await fetch('/models/fmnist/manifest.json')).json();
      return { seen, bytes: manifest.byte_length };
    });
    expect(r.seen.length).toBeGreaterThan(1);
    expect(r.seen[0]).toEqual([0, r.bytes]);
    expect(r.seen.at(-1)).toEqual([r.bytes, r.bytes]);
    expect(r.seen.every(([loaded], k) => k === 0 || loaded >= r.seen[k - 1][0])).toBe(true);
  });

  it('cfg = s gives D_∅ + s·(D_c − D_∅); s = 1 is the conditional denoiser and s = 0 the unconditional one', async () => {
    const x = image(1, 3);
    const sigma = [0.3, 2, 15];
    const r = await evaluate(
      async (sandbox, { x, sigma }) => {
        const d = (extra: object) =>
          sandbox
            .denoise({ world: 'fmnist', x: new Float32Array(x), sigma: new Float32Array(sigma), ...extra })
            .then((a: Float32Array) => Array.from(a));
        return {
          u: await d({}),
          c: await d({ label: 7 }),
          c1: await d({ label: 7, cfg: 1 }),
          g0: await d({ label: 7, cfg: 0 }),
          g3: await d({ label: 7, cfg: 3 }),
          unlabelled3: await d({ cfg: 3 }),
        };
      },
      { x, sigma },
    );
    expect(r.c1).toEqual(r.c);
    expect(r.g0).toEqual(r.u);
    expect(r.unlabelled3).toEqual(r.u);
    expect(r.c).not.toEqual(r.u);
    // combine.wgsl evaluates 3·D_c + (1 − 3)·D_∅ in f32: a few roundings of terms up to 3·|D|.
    r.g3.forEach((g: number, i: number) =>
      expect(Math.abs(g - (r.u[i] + 3 * (r.c[i] - r.u[i])))).toBeLessThanOrEqual(
        8 * EPS32 * (3 * Math.abs(r.c[i]) + 2 * Math.abs(r.u[i])),
      ),
    );
  });

  it('a 2-step Euler sample with a label and CFG equals the steps composed from denoise', async () => {
    const z = image(2, 2).map((v) => v / 1.2);
    const r = await evaluate(
      async (sandbox, { z }) => {
        const sigmas = Array.from(sandbox.sigmas({ schedule: 'karras', steps: 2 }) as Float64Array);
        const common = { world: 'fmnist', label: 'mixed', cfg: 2.5 };
        const sampled = await sandbox.sample({ ...common, sampler: 'euler', steps: 2, noise: new Float32Array(z) });
        const x0 = z.map((v: number) => Math.fround(sigmas[0] * v));
        const d0 = await sandbox.denoise({ ...common, x: new Float32Array(x0), sigma: sigmas[0] });
        const x1 = x0.map((v: number, i: number) => v + ((sigmas[1] - sigmas[0]) * (v - d0[i])) / sigmas[0]);
        const d1 = await sandbox.denoise({ ...common, x: new Float32Array(x1), sigma: sigmas[1] });
        return {
          sampled: Array.from(sampled.samples as Float32Array),
          manual: Array.from(d1 as Float32Array),
          nfe: sampled.nfe,
        };
      },
      { z },
    );
    expect(r.nfe).toBe(2);
    // The runs differ only in how the Euler update x1 is rounded (f32 combine vs float64 here), ~1e-7 of |x| ≤ 80·3;
    // the network maps that to a comparable change in D.
    const scale = Math.max(...r.manual.map(Math.abs));
    r.sampled.forEach((v, i) => expect(Math.abs(v - r.manual[i]), `pixel ${i}`).toBeLessThan(1e-4 * scale));
  });

  it('every sampler of the engine runs on the network (smallest NFE, 2 samples, classes 0 and 1), deterministically', async () => {
    const r = await evaluate(async (sandbox) => {
      const out: Record<string, { nfe: number; length: number; finite: boolean; again?: boolean }> = {};
      for (const s of sandbox.samplers) {
        const amed = s.id.startsWith('amed');
        if (amed) {
          // A fixed calibration (r = ½, c = 1: the midpoint rule) instead of the forward calibration, which takes
          // minutes on SwiftShader; the plan then runs on the network like any other.
          const sigmas = Array.from(sandbox.sigmas({ schedule: 'time_uniform', steps: 3 }) as Float64Array).slice(0, 3);
          const step = { r: 0.5, c: 1 };
          await sandbox.importAmedCalibration({
            format: 'diffusion-sandbox/amed-calibration@1',
            world: 'fmnist',
            denoiser: { size: 28, cfg: 1, conditional: true },
            variant: s.id === 'amed' ? 'solver' : 'ipndm',
            afs: true,
            sigmas,
            steps: [step, step],
          });
        }
        const options = { world: 'fmnist', sampler: s.id, steps: amed ? 2 : 1, count: 2, label: 'mixed', seed: 9 };
        const a = await sandbox.sample(options);
        const samples = a.samples as Float32Array;
        out[s.id] = { nfe: a.nfe, length: samples.length, finite: samples.every(Number.isFinite) };
        if (s.stochastic)
          out[s.id].again = (await sandbox.sample(options)).samples.every((v: number, i: number) => v === samples[i]);
      }
      return out;
    });
    expect(Object.keys(r)).toEqual(
      expect.arrayContaining(['euler', 'heun', 'dpmpp_2m', 'ipndm', 'sde', 'reflow', 'amed', 'amed_plugin']),
    );
    for (const [id, v] of Object.entries(r)) {
      expect(v.length, id).toBe(2 * 784);
      expect(v.finite, id).toBe(true);
      if (v.again !== undefined) expect(v.again, `${id} is reproducible from its seed`).toBe(true);
    }
  }, 300_000);

  it('size 56: samples are count × 56², and the sandbox surfaces a bad label as a RangeError', async () => {
    const r = await evaluate(async (sandbox) => {
      const a = await sandbox.sample({ world: 'fmnist', sampler: 'euler', steps: 1, count: 1, size: 56, label: 5 });
      let error = '';
      try {
        await sandbox.sample({ world: 'fmnist', sampler: 'euler', label: 12 });
      } catch (e) {
        error = `${(e as Error).name}: ${(e as Error).message}`;
      }
      return { length: (a.samples as Float32Array).length, error };
    });
    expect(r.length).toBe(56 * 56);
    expect(r.error).toBe("RangeError: label: must be an integer in 0–9 or 'mixed', got 12");
  });
});
