/**
 * Upsample Guidance on the Fashion-MNIST network through the public API: the wrapped denoiser equals
 * D + w_σ·U[D(Px; σ/m) − P D] composed by hand from unguided `denoise` calls (at 56 and 112), CFG wraps each branch,
 * every sampler runs on it, and the NFE cost counts the guided low-resolution evaluations.
 */
import { describe, expect, it } from 'vitest';
import { averagePool, guided } from '../reference/upsample-guidance';
import { maxAbsDiff } from './gpu-session';
import { useNnPage } from './nn-session';

const holder = useNnPage();
const evaluate = <T>(fn: (sandbox: any, arg: any) => Promise<T>, arg?: unknown): Promise<T> =>
  holder.session.page.evaluate(
    async (source, arg) => {
      const w = window as any;
      w.sandboxForUg ??= await w.harness.createSandbox();
      return new Function('sandbox', 'arg', `return (${source})(sandbox, arg)`)(w.sandboxForUg, arg);
    },
    fn.toString(),
    arg,
  ) as Promise<T>;

const image = (seed: number, count: number, size: number) =>
  Array.from({ length: count * size * size }, (_, i) => Math.sin(seed * 3.3 + i * 0.37) * (1 + (i % 7) / 7));

describe('Upsample Guidance wraps the network', () => {
  for (const [size, m] of [
    [56, 2],
    [112, 4],
  ] as const) {
    it(`at ${size}×${size}: equals D + w·U[D(Px; σ/${m}) − P D] inside the η window and D outside`, async () => {
      const count = size === 56 ? 3 : 1;
      const sigma = size === 56 ? [0.4, 3, 30] : [12]; // τ = 0.29 (outside η = 0.6), 0.75 and 0.97 (inside)
      const x = image(size, count, size);
      const low = Array.from(averagePool(x, count, size, m));
      const r = await evaluate(
        async (sandbox, a) => {
          const args = { world: 'fmnist', label: 7 };
          const ug = await sandbox.denoise({
            ...args,
            size: a.size,
            x: new Float32Array(a.x),
            sigma: new Float32Array(a.sigma),
            upsampleGuidance: { w: 1.3, eta: 0.6 },
          });
          const high = await sandbox.denoise({
            ...args,
            size: a.size,
            x: new Float32Array(a.x),
            sigma: new Float32Array(a.sigma),
          });
          const lowD = await sandbox.denoise({
            ...args,
            x: new Float32Array(a.low),
            sigma: new Float32Array(a.sigma.map((s: number) => s / a.m)),
          });
          return [ug, high, lowD].map((v: Float32Array) => Array.from(v));
        },
        { size, m, x, low, sigma },
      );
      const [ug, high, lowD] = r;
      const expected = guided(high, lowD, sigma, count, size, m, 1.3, 0.6);
      // Both sides use the same f32 network outputs; only the pooling and the mix differ in rounding (|D| ≲ 2).
      expect(maxAbsDiff(ug, expected)).toBeLessThan(1e-5);
      // Guidance changed the in-window samples and left the out-of-window one alone.
      const moved = (n: number) =>
        maxAbsDiff(
          ug.slice(n * size * size, (n + 1) * size * size),
          high.slice(n * size * size, (n + 1) * size * size),
        );
      sigma.forEach((s, n) => (s / (1 + s) >= 0.4 ? expect(moved(n)).toBeGreaterThan(1e-3) : expect(moved(n)).toBe(0)));
    });
  }

  it('composes with CFG (each branch guided before the mix) and with every sampler; the cost counts the low branch', async () => {
    const r = await evaluate(async (sandbox) => {
      const x = new Float32Array(56 * 56).map((_, i) => Math.cos(i * 0.11));
      const base = { world: 'fmnist', size: 56, x, sigma: 5, upsampleGuidance: { w: 1, eta: 0.6 } };
      const cond = await sandbox.denoise({ ...base, label: 2 });
      const uncond = await sandbox.denoise(base);
      const mixed = await sandbox.denoise({ ...base, label: 2, cfg: 2.5 });
      let cfgDiff = 0;
      for (let i = 0; i < x.length; i++)
        cfgDiff = Math.max(cfgDiff, Math.abs(mixed[i] - (uncond[i] + 2.5 * (cond[i] - uncond[i]))));
      const runs = [];
      for (const s of sandbox.samplers) {
        const options = {
          world: 'fmnist',
          sampler: s.id,
          nfe: 3,
          size: 56,
          count: 1,
          seed: 4,
          label: 1,
          upsampleGuidance: { w: 1, eta: 0.6 },
        };
        if (s.id.startsWith('amed')) {
          // A live calibration of the 56×56 network takes minutes on SwiftShader; AMED composes with UG like any
          // plan, so install fixed (r, c) for its grid (3 timestamps of the time-uniform schedule ending at σ_min).
          const sigmas = Array.from(sandbox.sigmas({ schedule: 'time_uniform', steps: 3 }) as Float64Array).slice(0, 3);
          await sandbox.importAmedCalibration({
            format: 'diffusion-sandbox/amed-calibration@1',
            world: 'fmnist',
            variant: s.id === 'amed' ? 'solver' : 'ipndm',
            afs: true,
            sigmas,
            steps: [
              { r: 0.5, c: 1 },
              { r: 0.3, c: 1 },
            ],
            denoiser: { size: 56, cfg: 1, upsampleGuidance: { weight: 1, eta: 0.6 }, conditional: true },
          });
        }
        const out = await sandbox.sample(options);
        runs.push({
          id: s.id,
          length: out.samples.length,
          finite: out.samples.every(Number.isFinite),
          nfe: out.nfe,
          cost: out.cost,
          sigmas: Array.from(out.sigmas),
        });
      }
      return { cfgDiff, runs };
    });
    expect(r.cfgDiff).toBeLessThan(1e-5);
    for (const run of r.runs) {
      expect(run.length, run.id).toBe(56 * 56);
      expect(run.finite, run.id).toBe(true);
      const guidedEvals = run.cost - run.nfe;
      // Every guided evaluation adds 1/m² = 1/4; at least the first (σ_max = 80, τ = 0.99) is guided.
      expect(guidedEvals * 4, run.id).toBeGreaterThanOrEqual(1);
      expect(Number.isInteger(Math.round(guidedEvals * 4 * 1e9) / 1e9), run.id).toBe(true);
    }
  });

  it('rejects Upsample Guidance at the native size and out-of-range settings, naming the field', async () => {
    const messages = await evaluate(async (sandbox) => {
      const attempt = async (o: object) => {
        try {
          await sandbox.sample({ world: 'fmnist', sampler: 'euler', steps: 1, count: 1, ...o });
          return 'accepted';
        } catch (e) {
          return (e as Error).message;
        }
      };
      return [
        await attempt({ upsampleGuidance: { w: 1 } }),
        await attempt({ size: 56, upsampleGuidance: { w: 9 } }),
        await attempt({ size: 56, upsampleGuidance: { eta: 2 } }),
        await attempt({ world: 'gmm:ring8', upsampleGuidance: {} }),
      ];
    });
    expect(messages[0]).toMatch(/upsampleGuidance: needs an image world at a size above its native 28/);
    expect(messages[1]).toMatch(/upsampleGuidance.w: must be a number in \[0, 5\]/);
    expect(messages[2]).toMatch(/upsampleGuidance.eta: must be a number in \[0, 1\]/);
    expect(messages[3]).toMatch(/upsampleGuidance/);
  });
});
