import { describe, expect, it } from 'vitest';
import { PlanBuilder } from '../../src/sampling/plan';
import { runPlanCpu } from '../../src/sampling/run-cpu';
import { initialNoise } from '../../src/sampling/noise';
import { gmmDenoiser } from '../../src/worlds/gmm';
import { pairFlowDenoiser } from '../../src/worlds/pair-flow';
import { lcg, randomMixture } from '../reference/random-mixture';
import { EPS32, maxAbsDiff, useHarnessPage } from './gpu-session';

const holder = useHarnessPage();

describe('WGSL kernels against float64 references', () => {
  it('gmm-denoise matches the exact float64 denoiser from σ = 0.002 to σ = 80', async () => {
    for (const seed of [1, 2, 3]) {
      const spec = randomMixture(seed, 3 + 9 * seed);
      const count = 512;
      const u = lcg(seed + 100);
      const sigmaLevels = [0.002, 0.05, 0.5, 2, 10, 80];
      const sigma = Float32Array.from({ length: count }, (_, i) => sigmaLevels[i % sigmaLevels.length]);
      // x near the data at small σ and at the σ scale at large σ, as a sampler visits them.
      const x = Float32Array.from({ length: 2 * count }, (_, k) => 8 * u() - 4 + sigma[k >> 1] * (2 * u() - 1));
      const gpu = await holder.session.page.evaluate(
        async (spec, x, sigma) => {
          const sandbox = await (window as any).harness.createSandbox();
          const out = await sandbox.denoise({ world: spec, x: new Float32Array(x), sigma: new Float32Array(sigma) });
          sandbox.destroy();
          return Array.from(out as Float32Array);
        },
        spec,
        Array.from(x),
        Array.from(sigma),
      );
      const exact = new Float64Array(2 * count);
      gmmDenoiser(spec).denoise(Float64Array.from(x), Float64Array.from(sigma), exact);
      // Error budget per sample: the logits −|x−μ|²/2v carry relative error ~4ε, so a weight ratio errs by
      // ~4ε·|logit| and D by that times the spread of the means (≤ 12 here); plus ~(K + 8)ε·|D| from the sums.
      for (let i = 0; i < count; i++) {
        const v = spec.stds.map((s) => s * s + sigma[i] ** 2);
        const maxLogit = Math.max(
          ...spec.means.map((m, k) => ((x[2 * i] - m[0]) ** 2 + (x[2 * i + 1] - m[1]) ** 2) / (2 * v[k])),
        );
        const bound = 8 * EPS32 * (1 + maxLogit) * 12 + (spec.means.length + 8) * EPS32 * 8;
        const err = Math.max(Math.abs(gpu[2 * i] - exact[2 * i]), Math.abs(gpu[2 * i + 1] - exact[2 * i + 1]));
        expect(err, `sample ${i}, σ ${sigma[i]}`).toBeLessThanOrEqual(bound);
      }
    }
  });

  it('pair-flow-denoise (reflowed worlds) matches its float64 kernel regression', async () => {
    const u = lcg(31);
    const pairs = 300;
    const noise = Float32Array.from({ length: 2 * pairs }, () => 4 * u() - 2);
    const data = Float32Array.from({ length: 2 * pairs }, () => 8 * u() - 4);
    const count = 256;
    const levels = [0.002, 0.1, 1, 10, 80];
    const sigma = Float32Array.from({ length: count }, (_, i) => levels[i % levels.length]);
    const x = Float32Array.from({ length: 2 * count }, (_, k) => (1 + sigma[k >> 1]) * (4 * u() - 2));
    const bandwidth = 0.1;
    const gpu = await holder.session.page.evaluate(
      async (noise, data, x, sigma, bandwidth) => {
        const h = (window as any).harness;
        const ctx = await h.GpuContext.create();
        const gpu = ctx.resources;
        const denoiser = await h.createPairFlowDenoiser(
          gpu,
          { noise: new Float32Array(noise), data: new Float32Array(data) },
          bandwidth,
        );
        const out = await h.withErrorScopes(gpu.device, () =>
          h.denoiseGpu(gpu, denoiser, new Float32Array(x), new Float32Array(sigma)),
        );
        ctx.dispose();
        return Array.from(out as Float32Array);
      },
      Array.from(noise),
      Array.from(data),
      Array.from(x),
      Array.from(sigma),
      bandwidth,
    );
    const exact = new Float64Array(2 * count);
    pairFlowDenoiser({ noise, data }, bandwidth).denoise(Float64Array.from(x), Float64Array.from(sigma), exact);
    // As for the mixture: the log-weights −‖Δ‖²/2h² carry ~4ε relative error, so weights err by ~4ε·|logit| and D
    // by that times the spread of the data points (≤ 12), plus the sums' (P + 8)ε at data scale.
    for (let i = 0; i < count; i++) {
      const tau = sigma[i] / (1 + sigma[i]);
      let maxLogit = 0;
      for (let j = 0; j < pairs; j++) {
        const d0 = x[2 * i] / (1 + sigma[i]) - ((1 - tau) * data[2 * j] + tau * noise[2 * j]);
        const d1 = x[2 * i + 1] / (1 + sigma[i]) - ((1 - tau) * data[2 * j + 1] + tau * noise[2 * j + 1]);
        maxLogit = Math.max(maxLogit, (d0 * d0 + d1 * d1) / (2 * bandwidth * bandwidth));
      }
      const bound = 8 * EPS32 * (1 + maxLogit) * 12 + (pairs + 8) * EPS32 * 4;
      const err = Math.max(Math.abs(gpu[2 * i] - exact[2 * i]), Math.abs(gpu[2 * i + 1] - exact[2 * i + 1]));
      expect(err, `sample ${i}, σ ${sigma[i]}`).toBeLessThanOrEqual(bound);
    }
  });

  it('combine (six inputs, self term and Brownian noise) and init-noise match the float64 executor', async () => {
    const u = lcg(77);
    const sigmas = Float64Array.of(80, 0);
    const b = new PlanBuilder(sigmas);
    const regs = ['a', 'b', 'c', 'd', 'e', 'f'];
    regs.forEach((r, k) =>
      b.combine(r, [['x', 2 * u() - 1], ...(k > 0 ? ([[regs[k - 1], 2 * u() - 1]] as Array<[string, number]>) : [])]),
    );
    b.combine('x', [['x', 0.7], ...regs.map((r): [string, number] => [r, 2 * u() - 1])], {
      scale: 1.3,
      uFrom: 0.8125,
      uTo: 0.0625,
    });
    const plan = b.build();
    const count = 300;
    const spec = randomMixture(4);
    const gpu = await holder.session.page.evaluate(
      async (plan, spec, count) => {
        const h = (window as any).harness;
        const ctx = await h.GpuContext.create();
        const gpu = ctx.resources;
        const denoiser = await h.createGmmDenoiser(gpu, spec);
        // combine.wgsl itself: by default this plan would run fused (fused.test.ts compares the two paths).
        const request = { plan: { ...plan, sigmas: new Float64Array(plan.sigmas) }, denoiser, count, seed: 21 };
        const run = () => h.runPlanGpu(gpu, { ...request, executor: 'per-instruction' });
        const out = await h.withErrorScopes(gpu.device, run);
        ctx.dispose();
        return Array.from(out.samples as Float32Array);
      },
      { ...plan, sigmas: Array.from(plan.sigmas) } as unknown as typeof plan,
      spec,
      count,
    );
    const cpu = runPlanCpu(plan, gmmDenoiser(spec), { noise: initialNoise(21, count, 2), count, seed: 21 }).samples;
    // Seven products summed in f32 over |values| ≲ 80·4 plus a Brownian term: ~16ε relative to the largest term.
    const scale = Math.max(...Array.from(cpu, Math.abs));
    const ratio = maxAbsDiff(gpu, cpu) / (EPS32 * scale);
    expect(ratio).toBeLessThan(16);
  });

  it('the initial noise drawn on the GPU equals the TypeScript mirror', async () => {
    const count = 257;
    const spec = randomMixture(5);
    const gpu = await holder.session.page.evaluate(
      async (spec, count) => {
        const sandbox = await (window as any).harness.createSandbox();
        // One Euler step to σ = 0 from σ_max = 1 is x_1 = D(x_0): instead read the trajectory's x_0 = σ_max·z.
        const r = await sandbox.sample({
          world: spec,
          sampler: 'euler',
          steps: 1,
          sigmaMax: 1,
          sigmaMin: 0.5,
          seed: 99,
          count,
          trajectory: true,
        });
        sandbox.destroy();
        return Array.from(r.trajectory[0] as Float32Array);
      },
      spec,
      count,
    );
    expect(maxAbsDiff(gpu, initialNoise(99, count, 2))).toBeLessThan(4 * EPS32 * 6);
  });
});
