import { describe, expect, it } from 'vitest';
import { runPlanCpu } from '../../src/sampling/run-cpu';
import { SAMPLERS, samplerById, stepsForNfe } from '../../src/sampling/samplers';
import { DEFAULT_SCHEDULE_OPTIONS as O, karras, logSnr } from '../../src/sampling/schedules';
import { brownianIncrement } from '../../src/sampling/noise';
import { gmmDenoiser, type GmmSpec } from '../../src/worlds/gmm';
import {
  dpmpp2mTextbook,
  eulerTextbook,
  gaussianExact,
  heunTextbook,
  ipndmTextbook,
  sdeTextbook,
} from '../reference/textbook-samplers';
import { randomMixture, randomNoise } from '../reference/random-mixture';

const COUNT = 64;
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
const rms = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Math.sqrt(Array.from(a).reduce((m, v, i) => m + (v - b[i]) ** 2, 0) / a.length);

function runPlan(id: string, spec: GmmSpec, sigmas: Float64Array, z: Float32Array, eta = 0, seed = 0) {
  return runPlanCpu(samplerById(id)!.build(sigmas, { eta }), gmmDenoiser(spec), { noise: z, count: z.length / 2, seed })
    .samples;
}

describe('sampler plans reproduce the published update rules (float64)', () => {
  const spec = randomMixture(7);
  const z = randomNoise(11, COUNT * 2);
  const den = gmmDenoiser(spec);
  const cases: Array<[string, (s: Float64Array) => Float64Array]> = [
    ['euler', (s) => eulerTextbook(den, s, z)],
    ['heun', (s) => heunTextbook(den, s, z)],
    ['dpmpp_2m', (s) => dpmpp2mTextbook(den, s, z)],
    ['ipndm', (s) => ipndmTextbook(den, s, z)],
  ];
  for (const [id, textbook] of cases) {
    it(`${id} matches the textbook loop on a random mixture`, () => {
      for (const n of [1, 2, 5, 13]) {
        const sigmas = karras(n, O);
        expect(maxAbsDiff(runPlan(id, spec, sigmas, z), textbook(sigmas))).toBeLessThan(1e-9);
      }
    });
  }

  it('ipndm with max_order 1–3 matches the textbook loop capped at that order; max_order 1 is Euler', () => {
    for (const maxOrder of [1, 2, 3]) {
      for (const n of [2, 6]) {
        const sigmas = karras(n, O);
        const plan = samplerById('ipndm')!.build(sigmas, { maxOrder });
        const out = runPlanCpu(plan, den, { noise: z, count: COUNT }).samples;
        expect(
          maxAbsDiff(out, ipndmTextbook(den, sigmas, z, maxOrder)),
          `max_order ${maxOrder}, ${n} steps`,
        ).toBeLessThan(1e-9);
        if (maxOrder === 1) expect(maxAbsDiff(out, eulerTextbook(den, sigmas, z))).toBeLessThan(1e-9);
      }
    }
    // Capping the order changes the answer once history would allow a higher one.
    const sigmas = karras(6, O);
    expect(maxAbsDiff(runPlan('ipndm', spec, sigmas, z), ipndmTextbook(den, sigmas, z, 2))).toBeGreaterThan(1e-6);
  });

  it('sde matches Euler–Maruyama with the Brownian-path increments, and η = 0 is Euler', () => {
    const sigmas = karras(12, O);
    for (const eta of [0.3, 1]) {
      const xi = (step: number) =>
        Array.from({ length: COUNT * 2 }, (_, k) =>
          brownianIncrement(sigmas[step] / 80, sigmas[step + 1] / 80, 5, Math.floor(k / 2), k % 2),
        );
      expect(maxAbsDiff(runPlan('sde', spec, sigmas, z, eta, 5), sdeTextbook(den, sigmas, z, eta, xi))).toBeLessThan(
        1e-9,
      );
    }
    expect(maxAbsDiff(runPlan('sde', spec, sigmas, z, 0), eulerTextbook(den, sigmas, z))).toBeLessThan(1e-9);
  });

  it('NFE formulas match the plans, and an NFE budget picks the most steps that fit', () => {
    // Samplers that prepare (AMED) need their parameters; tests/unit/amed.test.ts checks their NFE.
    for (const s of SAMPLERS.filter((s) => !s.prepare)) {
      for (const n of [1, 2, 9]) expect(s.build(karras(n, O), { eta: 0.5 }).nfe).toBe(s.nfe(n));
    }
    expect(stepsForNfe(samplerById('heun')!, 10)).toBe(5);
    expect(stepsForNfe(samplerById('euler')!, 10)).toBe(10);
    expect(stepsForNfe(samplerById('heun')!, 0)).toBe(0);
  });
});

describe('convergence orders on a Gaussian target with a known exact solution', () => {
  const mu = [1.5, -0.5];
  const spec: GmmSpec = { type: 'gmm', means: [mu], stds: [0.8], weights: [1] };
  const z = randomNoise(3, COUNT * 2);
  const exact = gaussianExact(mu, 0.8, 80, 0.002, z);
  // Measure the slope of log error against log steps on log-uniform grids (smooth in λ = −log σ).
  const slope = (id: string, ns: number[]) => {
    const errors = ns.map((n) => rms(runPlan(id, spec, logSnr(n, O), z), exact));
    const fit = ns.slice(1).map((n, i) => Math.log(errors[i] / errors[i + 1]) / Math.log(n / ns[i]));
    return fit[fit.length - 1];
  };
  it('Euler is first order', () => expect(slope('euler', [64, 128, 256])).toBeGreaterThan(0.85));
  it('Euler is not second order', () => expect(slope('euler', [64, 128, 256])).toBeLessThan(1.2));
  it('Heun is second order', () => expect(slope('heun', [32, 64, 128])).toBeGreaterThan(1.8));
  it('DPM++(2M) is second order', () => expect(slope('dpmpp_2m', [32, 64, 128])).toBeGreaterThan(1.8));
  // Fourth-order Adams–Bashforth, but its first (Euler) warm-up step leaves an O(h²) error: global order 2.
  it('iPNDM is second order (its Euler warm-up caps it)', () =>
    expect(slope('ipndm', [32, 64, 128])).toBeGreaterThan(1.8));
  it('iPNDM beats Heun at equal NFE', () => {
    const err = (id: string, n: number) => rms(runPlan(id, spec, logSnr(n, O), z), exact);
    expect(err('ipndm', 20)).toBeLessThan(err('heun', 10));
  });
});
