/**
 * The GITS schedule (Chen et al., ICML 2024) through the public API on the GPU: the search runs on the run's own GPU
 * denoiser, its grid then runs like any other plan — matching the float64 executor on that grid — and an exported
 * search imported into a fresh sandbox gives the same grid and samples without searching again.
 */
import { describe, expect, it } from 'vitest';
import { runPlanCpu } from '../../src/sampling/run-cpu';
import { samplerById } from '../../src/sampling/samplers';
import { gmmDenoiser } from '../../src/worlds/gmm';
import { randomMixture, randomNoise } from '../reference/random-mixture';
import { maxAbsDiff, useHarnessPage } from './gpu-session';

/* As for every sampler on a mixture (tests/gpu/samplers.test.ts): f32 differs from float64 by a few ulps at data
 * scale after the flow contracts the early errors; 2e-4 (≈ 1000ε at |x| ≤ 6) leaves room for a sample near a ridge.
 * The grid itself is the one the GPU search chose, handed to the float64 executor as it is. */
const TOLERANCE = 2e-4;
const COUNT = 64;
/** Small searches: SwiftShader runs every teacher step; 21 fine points, 16 trajectories. */
const SEARCH = { schedule: 'gits', gitsFinePoints: 21, gitsBatch: 16 };

describe('GITS through the API on the GPU', () => {
  const holder = useHarnessPage();

  it('searches on first use (progress phase "GITS search"), once per world and settings; plans match float64', async () => {
    const spec = randomMixture(31, 4);
    const z = randomNoise(8, COUNT * 2);
    const cases = [
      { sampler: 'euler', steps: 6, gitsMetric: 'l2' },
      { sampler: 'dpmpp_2m', steps: 5 },
      { sampler: 'amed', steps: 3 },
    ];
    // The search's progress phase, then a sampler's own: the matrix of DPM++(2M)'s search (deviation metric) serves
    // AMED on the same world, so AMED only calibrates, on the grid GITS chose.
    const phases = [['GITS search'], ['GITS search'], ['AMED calibration']];
    const runs = await holder.session.page.evaluate(
      async ({ cases, spec, noise, search }) => {
        const w = window as any;
        const sandbox = await w.harness.createSandbox();
        const out = [];
        for (const c of cases) {
          const phases = new Set<string>();
          const r = await sandbox.sample({
            world: spec,
            seed: 3,
            noise: new Float32Array(noise),
            ...search,
            ...c,
            onProgress: (_: number, phase?: string) => phase && phases.add(phase),
          });
          out.push({
            samples: Array.from(r.samples as Float32Array),
            sigmas: Array.from(r.sigmas as Float64Array),
            nfe: r.nfe,
            indices: r.gits?.indices,
            calibrationSigmas: r.gits?.calibration.sigmas,
            phases: [...phases],
          });
        }
        sandbox.destroy();
        return out;
      },
      { cases, spec, noise: Array.from(z), search: SEARCH },
    );
    for (const [k, c] of cases.entries()) {
      const run = runs[k];
      const entry = samplerById(c.sampler)!;
      const options = Object.fromEntries(entry.options.map((o) => [o.key, o.default]));
      expect(run.phases, c.sampler).toEqual(phases[k]);
      expect(run.sigmas[0]).toBe(80);
      expect(run.sigmas).toEqual(run.calibrationSigmas);
      for (let i = 1; i < run.sigmas.length; i++) expect(run.sigmas[i]).toBeLessThan(run.sigmas[i - 1]);
      expect(run.nfe).toBe(entry.nfe(c.steps, options));
      if (entry.prepare) continue; // AMED's calibrated steps are checked against the CPU in tests/gpu/amed.test.ts
      const plan = entry.build(Float64Array.from(run.sigmas), options);
      const cpu = runPlanCpu(plan, gmmDenoiser(spec), { noise: z, count: COUNT, seed: 3 }).samples;
      expect(maxAbsDiff(run.samples, cpu), c.sampler).toBeLessThan(TOLERANCE);
    }
  });

  it('an exported search imported into a fresh sandbox gives the same grid and samples without searching', async () => {
    const r = await holder.session.page.evaluate(async (search) => {
      const h = (window as any).harness;
      const options = { world: 'gmm:moons', sampler: 'ipndm', steps: 7, count: 64, seed: 4, ...search };
      const phasesOf = async (sandbox: any, o: object) => {
        const phases = new Set<string>();
        const out = await sandbox.sample({ ...o, onProgress: (_: number, p?: string) => p && phases.add(p) });
        return { out, phases: [...phases] };
      };
      const first = await h.createSandbox();
      const calibration = JSON.stringify(await first.calibrateGits(options));
      const { out: a, phases: cached } = await phasesOf(first, options);
      first.destroy();
      const second = await h.createSandbox();
      await second.importGitsCalibration(calibration);
      const { out: b, phases: imported } = await phasesOf(second, options);
      // Another step count reuses the imported matrix too; another world does not.
      const { phases: otherSteps } = await phasesOf(second, { ...options, steps: 4 });
      const { phases: otherWorld } = await phasesOf(second, { ...options, world: 'gmm:ring8' });
      let bad = '';
      try {
        await second.importGitsCalibration({ ...JSON.parse(calibration), metric: 'cosine' });
      } catch (e) {
        bad = (e as Error).message;
      }
      second.destroy();
      return {
        same: a.samples.every((v: number, i: number) => v === b.samples[i]),
        grids: [Array.from(a.sigmas), Array.from(b.sigmas)],
        cached,
        imported,
        otherSteps,
        otherWorld,
        bad,
      };
    }, SEARCH);
    expect(r.grids[1]).toEqual(r.grids[0]);
    expect(r.same).toBe(true);
    expect(r.cached).toEqual([]);
    expect(r.imported).toEqual([]);
    expect(r.otherSteps).toEqual([]);
    expect(r.otherWorld).toEqual(['GITS search']);
    expect(r.bad).toMatch(/calibration.metric: must be one of dev, l2, l1/);
  });
});
