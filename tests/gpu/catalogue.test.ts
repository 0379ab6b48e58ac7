/**
 * The catalogue samplers (k-diffusion's and diff-sampler's, registered with their options) through the public API on
 * the GPU: on a 2D mixture against the float64 executor on the same plan, noise and Brownian path, and once each on
 * the tiny RGB fixture world against the float64 executor over the CPU UNet.
 */
import { describe, expect, it } from 'vitest';
import { initialNoise } from '../../src/sampling/noise';
import type { OptionValue } from '../../src/sampling/option-spec';
import { runPlanCpu } from '../../src/sampling/run-cpu';
import { samplerById } from '../../src/sampling/samplers';
import { gmmDenoiser } from '../../src/worlds/gmm';
import { loadModelFromDisk, relativeToScale } from '../reference/nn-golden';
import { randomMixture, randomNoise } from '../reference/random-mixture';
import { unetCpuDenoiser } from '../reference/unet-cpu-denoiser';
import { maxAbsDiff, useHarnessPage } from './gpu-session';
import { useNnPage } from './nn-session';

/** Each new sampler with options away from their defaults where it has any, so the declared options reach the plan. */
const CASES: Array<[string, Record<string, OptionValue>]> = [
  ['dpm_2', {}],
  ['ddim', {}],
  ['lms', { lmsOrder: 3 }],
  ['unipc', { order: 3, variant: 'bh1', lowerOrderFinal: false }],
  ['unipc', { order: 2, variant: 'bh2' }],
  ['deis', { order: 2 }],
  ['euler_ancestral', { eta: 0.8, sNoise: 1.1 }],
  ['dpm_2_ancestral', {}],
  ['dpmpp_2s_ancestral', { eta: 0.6 }],
  ['dpmpp_sde', { r: 0.4 }],
  ['dpmpp_2m_sde', { solverType: 'heun' }],
  ['dpmpp_3m_sde', { eta: 0.7, sNoise: 0.9 }],
];

/*
 * Tolerance as for the other samplers (tests/gpu/samplers.test.ts): the mixture flow contracts errors made at large σ,
 * so f32 differs from float64 by a few ulps at data scale (|x| ≤ 6) over the last steps, ≈ 1e-5; 2e-4 (≈ 1000ε at
 * data scale) leaves room for samples near a ridge between modes. The stochastic samplers add noise through the same
 * counter-based Brownian path on both sides, so the bar is the same.
 */
const TOLERANCE = 2e-4;
const COUNT = 64;

describe('catalogue samplers through the API on a 2D world match the float64 executor', () => {
  const holder = useHarnessPage();
  it('every new sampler, with its declared options, on its default schedule', async () => {
    const spec = randomMixture(77, 5);
    const z = randomNoise(12, COUNT * 2);
    const seed = 4321;
    const runs = await holder.session.page.evaluate(
      async ({ cases, spec, noise, seed }) => {
        const w = window as any;
        w.sandbox ??= await w.harness.createSandbox();
        const out = [];
        for (const [sampler, options] of cases) {
          const r = await w.sandbox.sample({
            world: spec,
            sampler,
            steps: 8,
            seed,
            noise: new Float32Array(noise),
            ...options,
          });
          out.push({
            samples: Array.from(r.samples as Float32Array),
            sigmas: Array.from(r.sigmas as Float64Array),
            nfe: r.nfe,
          });
        }
        return out;
      },
      { cases: CASES, spec, noise: Array.from(z), seed },
    );
    for (const [k, [id, options]] of CASES.entries()) {
      const entry = samplerById(id)!;
      const resolved = Object.fromEntries(entry.options.map((o) => [o.key, options[o.key] ?? o.default]));
      const plan = entry.build(Float64Array.from(runs[k].sigmas), resolved);
      expect(runs[k].nfe, id).toBe(entry.nfe(8, resolved));
      const cpu = runPlanCpu(plan, gmmDenoiser(spec), { noise: z, count: COUNT, seed }).samples;
      expect(maxAbsDiff(runs[k].samples, cpu), `${id} ${JSON.stringify(options)}`).toBeLessThan(TOLERANCE);
    }
    // UniPC runs on its paper's logSNR grid by default.
    const logsnr = runs[CASES.findIndex(([id]) => id === 'unipc')].sigmas;
    expect(logsnr[1] / logsnr[0]).toBeCloseTo(logsnr[2] / logsnr[1], 10);
  });

  it('seed −1 draws a fresh seed and the result reports it', async () => {
    const seeds = await holder.session.page.evaluate(async () => {
      const w = window as any;
      w.sandbox ??= await w.harness.createSandbox();
      const run = (seed: number) =>
        w.sandbox.sample({ world: 'gmm:ring8', sampler: 'euler_ancestral', steps: 2, count: 4, seed });
      return [(await run(-1)).seed, (await run(-1)).seed, (await run(9)).seed];
    });
    expect(seeds[2]).toBe(9);
    for (const s of seeds.slice(0, 2)) expect(Number.isInteger(s) && s >= 0 && s <= 0xffffffff).toBe(true);
    expect(seeds[0]).not.toBe(seeds[1]);
  });
});

describe('catalogue samplers on the tiny RGB fixture world match the float64 executor over the CPU UNet', () => {
  const holder = useNnPage();
  const model = loadModelFromDisk('tests/fixtures/models/tiny-rgb');
  it('one run per new sampler (3 images of 8×8, 2 steps)', async () => {
    const [count, seed, steps, size] = [3, 6, 2, 8];
    const runs = await holder.session.page.evaluate(
      async ({ cases, count, seed, steps }) => {
        const w = window as any;
        w.rgbSandbox ??= await w.harness.createSandbox({ modelsUrl: '/tests/fixtures/models/' });
        const out = [];
        for (const [sampler, options] of cases) {
          const r = await w.rgbSandbox.sample({
            world: 'tiny-rgb',
            sampler,
            steps,
            count,
            seed,
            label: 'mixed',
            ...options,
          });
          out.push({ samples: Array.from(r.samples as Float32Array), sigmas: Array.from(r.sigmas as Float64Array) });
        }
        return out;
      },
      { cases: CASES, count, seed, steps },
    );
    const dim = 3 * size * size;
    for (const [k, [id, options]] of CASES.entries()) {
      const entry = samplerById(id)!;
      const resolved = Object.fromEntries(entry.options.map((o) => [o.key, options[o.key] ?? o.default]));
      const plan = entry.build(Float64Array.from(runs[k].sigmas), resolved);
      const cpu = runPlanCpu(plan, unetCpuDenoiser(model, [0, 1, 2], size), {
        noise: initialNoise(seed, count, dim),
        count,
        seed,
      });
      expect(runs[k].samples).toHaveLength(count * dim);
      // ≤ 3 network evaluations at ≤ 1e-5 of scale each (tests/gpu/nn-rgb-world.test.ts), through float64
      // coefficients: 1e-4. DPM2 ancestral at η = 1 is worse conditioned by construction: a step from σ_i landing on
      // σ_min puts σ_down ≈ σ_min²/σ_i (5e-8 here), and the midpoint derivative (x − D)/σ_mid is multiplied by
      // (σ_down − σ_i), i.e. an f32 rounding δ of x at the midpoint by √(σ_i/σ_down) ≈ 4e4; ε·|x| ≈ 1e-7 gives 4e-3
      // at worst, so its bar is 1e-3 of scale (measured 2e-4).
      const bar = id === 'dpm_2_ancestral' ? 1e-3 : 1e-4;
      expect(relativeToScale(runs[k].samples, cpu.samples), `${id} ${JSON.stringify(options)}`).toBeLessThan(bar);
    }
  });
});
