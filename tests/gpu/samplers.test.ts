import { describe, expect, it } from 'vitest';
import { buildReferencePlan } from '../../src/metrics/reference';
import { runPlanCpu } from '../../src/sampling/run-cpu';
import { samplerById } from '../../src/sampling/samplers';
import { karras, DEFAULT_SCHEDULE_OPTIONS as O, timeUniform } from '../../src/sampling/schedules';
import { gmmDenoiser, type GmmSpec } from '../../src/worlds/gmm';
import { dpmpp2mTextbook, eulerTextbook, heunTextbook, ipndmTextbook } from '../reference/textbook-samplers';
import { randomMixture, randomNoise } from '../reference/random-mixture';
import { maxAbsDiff, useHarnessPage } from './gpu-session';

const holder = useHarnessPage();
const COUNT = 128;

async function apiSample(options: Record<string, unknown>, noise: Float32Array) {
  return holder.session.page.evaluate(
    async (options, noise) => {
      const w = window as any;
      w.sandbox ??= await w.harness.createSandbox();
      const r = await w.sandbox.sample({ ...(options as object), noise: new Float32Array(noise) });
      return { samples: Array.from(r.samples as Float32Array), nfe: r.nfe as number };
    },
    options as never,
    Array.from(noise),
  );
}

/*
 * Tolerance: the exact mixture flow contracts errors made at large σ (x_N depends on x_i through a factor
 * ~s/σ_i), so the f32 result differs from float64 by about the rounding of the last few steps at data scale:
 * (a few ulps of |x| ≤ 6) × (the few late steps) ≈ 1e-5. We allow 2e-4 (≈ 1000ε at data scale) for samples that
 * sit near a ridge between modes, where the flow expands small differences.
 */
const TOLERANCE = 2e-4;

describe('every sampler on the GPU reproduces an independent float64 implementation', () => {
  const textbooks: Record<string, (s: GmmSpec, sig: Float64Array, z: Float32Array) => Float64Array> = {
    euler: (s, sig, z) => eulerTextbook(gmmDenoiser(s), sig, z),
    heun: (s, sig, z) => heunTextbook(gmmDenoiser(s), sig, z),
    dpmpp_2m: (s, sig, z) => dpmpp2mTextbook(gmmDenoiser(s), sig, z),
    ipndm: (s, sig, z) => ipndmTextbook(gmmDenoiser(s), sig, z),
  };
  for (const [sampler, textbook] of Object.entries(textbooks)) {
    it(`${sampler}: random mixtures, Karras and time-uniform grids`, async () => {
      for (const [seed, steps, schedule] of [
        [1, 5, 'karras'],
        [2, 12, 'time_uniform'],
        [3, 25, 'karras'],
      ] as const) {
        const spec = randomMixture(seed * 31, 4 + seed);
        const z = randomNoise(seed, COUNT * 2);
        const sigmas = (schedule === 'karras' ? karras : timeUniform)(steps, O);
        const gpu = await apiSample({ world: spec, sampler, steps, schedule, count: COUNT }, z);
        expect(gpu.nfe).toBe(samplerById(sampler)!.nfe(steps));
        const diff = maxAbsDiff(gpu.samples, textbook(spec, sigmas, z));
        expect(diff, `${sampler} seed ${seed} steps ${steps}`).toBeLessThan(TOLERANCE);
      }
    });
  }

  it('sde (η = 0.5 and 1) matches the float64 plan with the same Brownian path', async () => {
    const spec = randomMixture(91, 5);
    const z = randomNoise(8, COUNT * 2);
    for (const eta of [0.5, 1]) {
      const sigmas = karras(15, O);
      const gpu = await holder.session.page.evaluate(
        async (spec, eta, noise) => {
          const w = window as any;
          w.sandbox ??= await w.harness.createSandbox();
          const r = await w.sandbox.sample({
            world: spec,
            sampler: 'sde',
            steps: 15,
            eta,
            seed: 1234,
            noise: new Float32Array(noise),
          });
          return Array.from(r.samples as Float32Array);
        },
        spec,
        eta,
        Array.from(z),
      );
      const cpu = runPlanCpu(samplerById('sde')!.build(sigmas, { eta }), gmmDenoiser(spec), {
        noise: z,
        count: COUNT,
        seed: 1234,
      }).samples;
      expect(maxAbsDiff(gpu, cpu), `eta ${eta}`).toBeLessThan(TOLERANCE);
    }
  });

  it('the RK4 reference solve on the GPU matches float64 RK4', async () => {
    const spec = randomMixture(55, 6);
    const count = 32;
    const z = randomNoise(4, count * 2);
    const gpu = await holder.session.page.evaluate(
      async (spec, noise) => {
        const w = window as any;
        w.sandbox ??= await w.harness.createSandbox();
        return Array.from((await w.sandbox.reference({ world: spec, noise: new Float32Array(noise) })) as Float32Array);
      },
      spec,
      Array.from(z),
    );
    const cpu = runPlanCpu(buildReferencePlan(80, 0.002), gmmDenoiser(spec), { noise: z, count }).samples;
    expect(maxAbsDiff(gpu, cpu)).toBeLessThan(TOLERANCE);
  });
});

describe('buffer reuse', () => {
  it('repeated runs allocate no new GPU buffers (registers, σ table, params and readback come from the pool)', async () => {
    const counts = await holder.session.page.evaluate(async () => {
      const w = window as any;
      w.sandbox ??= await w.harness.createSandbox();
      const options = { world: 'gmm:spiral', sampler: 'dpmpp_2m', steps: 12, count: 500, seed: 3, trajectory: true };
      const first = await w.sandbox.sample(options);
      if (!(first.ms > 0 && Number.isFinite(first.ms)))
        throw new Error(`GPU time must be a positive number, got ${first.ms}`);
      const before = w.sandbox.gpu.resources.pool.allocatedCount;
      for (let i = 0; i < 5; i++) await w.sandbox.sample({ ...options, seed: i });
      return [before, w.sandbox.gpu.resources.pool.allocatedCount];
    });
    expect(counts[1]).toBe(counts[0]);
  });
});
