import { describe, expect, it } from 'vitest';
import { runPlanCpu } from '../../src/sampling/run-cpu';
import { karras } from '../../src/sampling/schedules';
import { brownianIncrement } from '../../src/sampling/noise';
import { buildSde } from '../../src/sampling/samplers/sde';
import { buildEulerAncestral } from '../../src/sampling/samplers/euler-ancestral';
import { gmmDenoiser } from '../../src/worlds/gmm';
import { randomMixture, randomNoise } from '../reference/random-mixture';
import { sdeTextbook } from '../reference/textbook-samplers';
import { eulerAncestralTextbook } from '../reference/textbook-catalogue';

/**
 * σ_max above 80: the Brownian path must be indexed by u = σ/σ_0 of the run's own grid. Indexed by σ/80 instead, u
 * clamps at 1 for every σ ≥ 80 and the early increments W(1) − W(1) vanish: those steps get no noise.
 */
describe('the Brownian path is indexed relative to the run’s σ_max (σ_max = 200)', () => {
  const spec = randomMixture(4);
  const den = gmmDenoiser(spec);
  const count = 32;
  const z = randomNoise(8, count * 2);
  const sigmas = karras(12, { sigmaMax: 200, sigmaMin: 0.002, rho: 7 });
  const seed = 6;
  const xiRelative = (top: number) => (step: number) =>
    Array.from({ length: count * 2 }, (_, k) =>
      brownianIncrement(
        Math.min(1, sigmas[step] / top),
        Math.min(1, sigmas[step + 1] / top),
        seed,
        Math.floor(k / 2),
        k % 2,
      ),
    );
  const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) =>
    Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

  it('the grid has steps above 80, and the σ/80 clamp would zero their noise', () => {
    expect(sigmas[1]).toBeGreaterThan(80);
    expect(xiRelative(80)(0).every((v) => Number.isNaN(v) || v === 0)).toBe(true);
    expect(xiRelative(200)(0).some((v) => Math.abs(v) > 0.5)).toBe(true);
  });

  it('sde (η-SDE) matches the textbook Euler–Maruyama loop with u = σ/200', () => {
    for (const eta of [0.5, 1]) {
      const plan = buildSde(sigmas, { eta });
      const got = runPlanCpu(plan, den, { noise: z, count, seed }).samples;
      expect(maxAbsDiff(got, sdeTextbook(den, sigmas, z, eta, xiRelative(200)))).toBeLessThan(1e-9);
      // Steps above 80 carry noise: the plan's first noisy combine starts at u = 1 and ends below 1.
      const first = plan.instrs.find((i) => i.op === 'combine' && i.noise);
      expect(first && first.op === 'combine' && first.noise && first.noise.uFrom === 1 && first.noise.uTo < 1).toBe(
        true,
      );
    }
  });

  it('euler_ancestral matches its textbook loop at σ_max = 200', () => {
    const st = { eta: 1, sNoise: 1, seed };
    const got = runPlanCpu(buildEulerAncestral(sigmas, st), den, { noise: z, count, seed }).samples;
    expect(maxAbsDiff(got, eulerAncestralTextbook(den, sigmas, z, st))).toBeLessThan(1e-12);
  });
});
