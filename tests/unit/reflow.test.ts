import { describe, expect, it } from 'vitest';
import { straightness } from '../../src/metrics/straightness';
import { runPlanCpu } from '../../src/sampling/run-cpu';
import { samplerById } from '../../src/sampling/samplers';
import { DEFAULT_SCHEDULE_OPTIONS as O, linearT } from '../../src/sampling/schedules';
import { gmmDenoiser, type GmmSpec } from '../../src/worlds/gmm';
import { pairFlowDenoiser } from '../../src/worlds/pair-flow';
import { randomMixture, randomNoise } from '../reference/random-mixture';
import { eulerTextbook } from '../reference/textbook-samplers';

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('reflow sampler (RF Euler, optional RF-SDE)', () => {
  it('with σ_var = 0 it is EDM Euler on the same σ points (the RF/EDM equivalence)', () => {
    const spec = randomMixture(21, 5);
    const z = randomNoise(2, 100);
    for (const n of [1, 3, 10]) {
      const sigmas = linearT(n, O);
      const out = runPlanCpu(samplerById('reflow')!.build(sigmas, { eta: 0, sigmaVar: 0 }), gmmDenoiser(spec), {
        noise: z,
        count: 50,
      }).samples;
      expect(maxAbsDiff(out, eulerTextbook(gmmDenoiser(spec), sigmas, z))).toBeLessThan(1e-9);
    }
  });

  it('the RF-SDE preserves the marginals: on a Gaussian target the samples keep mean and variance', () => {
    const spec: GmmSpec = { type: 'gmm', means: [[1, -2]], stds: [0.5], weights: [1] };
    const count = 2000;
    const z = randomNoise(9, 2 * count);
    const out = runPlanCpu(samplerById('reflow')!.build(linearT(100, O), { eta: 0, sigmaVar: 1 }), gmmDenoiser(spec), {
      noise: z,
      count,
      seed: 3,
    }).samples;
    const mean = [0, 0];
    for (let i = 0; i < count; i++) for (let e = 0; e < 2; e++) mean[e] += out[2 * i + e] / count;
    let variance = 0;
    for (let i = 0; i < count; i++)
      for (let e = 0; e < 2; e++) variance += (out[2 * i + e] - mean[e]) ** 2 / (2 * count);
    expect(Math.abs(mean[0] - 1)).toBeLessThan(0.05);
    expect(Math.abs(mean[1] + 2)).toBeLessThan(0.05);
    expect(Math.abs(variance - 0.25)).toBeLessThan(0.03); // 5 standard errors of a 4000-value variance
    // …and the noise really is there: the SDE path differs from the ODE path from the same start.
    const ode = runPlanCpu(samplerById('reflow')!.build(linearT(100, O), { eta: 0, sigmaVar: 0 }), gmmDenoiser(spec), {
      noise: z,
      count,
      seed: 3,
    }).samples;
    expect(maxAbsDiff(out, ode)).toBeGreaterThan(0.1);
  }, 120_000);
});

describe('straightness and the pair-flow denoiser', () => {
  it('S is 0 on straight paths and positive on bent ones', () => {
    const sigmas = linearT(8, O);
    const tau = Array.from(sigmas, (s) => s / (1 + s));
    const straight = tau.map((t) => Float64Array.of((1 + t / (1 - t)) * (2 * t + 1), (1 + t / (1 - t)) * -t));
    expect(straightness(straight, sigmas, 2)).toBeLessThan(1e-20);
    const bent = tau.map((t) => Float64Array.of((1 + t / (1 - t)) * t * t, 0));
    expect(straightness(bent, sigmas, 2)).toBeGreaterThan(0.01);
  });

  it('with one pair the reflowed flow is exactly straight: D is that pair’s data point at every σ', () => {
    const den = pairFlowDenoiser({ noise: Float32Array.of(0.3, -1.2), data: Float32Array.of(2, 1) }, 0.05);
    const out = new Float64Array(4);
    den.denoise(Float64Array.of(5, 5, -3, 0.1), Float64Array.of(0.01, 40), out);
    expect(Array.from(out)).toEqual([2, 1, 2, 1]);
  });
});
