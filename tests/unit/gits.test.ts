/** The GITS schedule (Chen et al., ICML 2024; zju-pi/diff-sampler gits-main): its dynamic programme against an
 *  exhaustive search, its grids, its cost-matrix memo, its JSON round trip and its measured effect on 2D worlds. */
import { describe, expect, it } from 'vitest';
import { resolveSampleOptions } from '../../src/api/options';
import { rmse } from '../../src/metrics/distances';
import { buildReferencePlan } from '../../src/metrics/reference';
import { gitsCostMatrix } from '../../src/sampling/gits/cost';
import {
  gitsCalibrationFor,
  importGitsCalibration,
  parseGitsCalibration,
  type GitsRunInfo,
} from '../../src/sampling/gits/calibrations';
import { gitsPath } from '../../src/sampling/gits/dp';
import { initialNoise } from '../../src/sampling/noise';
import type { OptionValues } from '../../src/sampling/option-spec';
import { cpuPrepareServices } from '../reference/forward-solves';
import { PrepareMemo, type PrepareContext } from '../../src/sampling/prepare';
import { runPlanCpu } from '../../src/sampling/run-cpu';
import { samplerById } from '../../src/sampling/samplers';
import { DEFAULT_SCHEDULE_OPTIONS as O, karras, scheduleById } from '../../src/sampling/schedules';
import { gmmDenoiser } from '../../src/worlds/gmm';
import { GMM_PRESETS } from '../../src/worlds/gmm-presets';
import { WorldRegistry } from '../../src/worlds/registry';

const GITS = scheduleById('gits')!;

/** A deterministic uniform stream (mulberry32), so the random cost matrices are the same on every run. */
function uniforms(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every path 0 = p_0 < … < p_K = M − 1 and its cost Σ_m coeff^m·cost[p_m][p_{m+1}], written from the paper's
 *  objective without the recursion: the exhaustive answer the dynamic programme must match. */
function bruteForce(cost: Float64Array, size: number, steps: number, coeff: number): { path: number[]; total: number } {
  let best = { path: [] as number[], total: Infinity };
  const visit = (path: number[]) => {
    if (path.length === steps) {
      const full = [...path, size - 1];
      let total = 0;
      for (let m = 0; m < steps; m++) total += coeff ** m * cost[full[m] * size + full[m + 1]];
      if (total < best.total) best = { path: full, total };
      return;
    }
    const last = path[path.length - 1];
    // Leave room for the steps still to take.
    for (let next = last + 1; next <= size - 2 - (steps - path.length - 1); next++) visit([...path, next]);
  };
  visit([0]);
  return best;
}

const weighted = (cost: Float64Array, size: number, path: number[], coeff: number) =>
  path.slice(0, -1).reduce((sum, p, m) => sum + coeff ** m * cost[p * size + path[m + 1]], 0);

describe('the GITS dynamic programme', () => {
  it('finds the exhaustive optimum on random 12-point cost matrices (float64), for every K and several coeff', () => {
    const random = uniforms(12);
    for (let trial = 0; trial < 20; trial++) {
      const size = 12;
      const values = new Float64Array(size * size);
      // Some trials have negative costs, as the reference's deviation metric can give.
      const shift = trial % 4 === 0 ? -0.3 : 0;
      for (let i = 0; i < size; i++) for (let j = i + 1; j < size; j++) values[i * size + j] = random() + shift;
      for (const coeff of [0.8, 1, 1.15, 1.6]) {
        for (let steps = 1; steps <= size - 1; steps++) {
          const path = gitsPath({ size, values }, steps, coeff);
          const best = bruteForce(values, size, steps, coeff);
          expect(path).toHaveLength(steps + 1);
          expect(Math.abs(weighted(values, size, path, coeff) - best.total)).toBeLessThan(1e-12);
          expect(path).toEqual(best.path);
        }
      }
    }
  });

  it('refuses a step count the fine grid cannot hold, naming it', () => {
    const matrix = { size: 5, values: new Float64Array(25) };
    expect(() => gitsPath(matrix, 5, 1)).toThrow('steps: must be an integer in 1–4 for a fine grid of 5 points, got 5');
    expect(() => gitsPath(matrix, 0, 1)).toThrow(/steps: must be an integer in 1–4/);
  });
});

const spec = (id: string) => GMM_PRESETS.find((p) => p.id === id)!.spec();

/** A prepare context for `steps` of a sampler on a 2D preset's exact float64 denoiser, counting its forward solves. */
function context(
  world: string,
  steps: number,
  {
    params = {},
    memo = new PrepareMemo(),
    sampler = 'euler',
  }: { params?: OptionValues; memo?: PrepareMemo; sampler?: string } = {},
) {
  const den = gmmDenoiser(spec(world));
  const calls = { denoise: 0 };
  const entry = samplerById(sampler)!;
  const static_ = entry.endsAtSigmaMin ? karras(steps + 1, O).slice(0, steps + 1) : karras(steps, O);
  const ctx: PrepareContext = {
    samplerId: sampler,
    world,
    dim: 2,
    sigmas: static_,
    schedule: 'gits',
    scheduleOptions: O,
    scheduleParams: params,
    options: {},
    denoiser: { cfg: 1, conditional: false },
    denoiserKey: den.key(),
    ...cpuPrepareServices(den, () => calls.denoise++),
    // As the sandbox does: the run's own signal and progress join the shared search (read from the context the
    // hook is given, so a test may hand it another signal).
    memo(key, compute) {
      return memo.get(key, compute, { signal: this.signal, onProgress: this.onProgress });
    },
  };
  return { ctx, calls, memo };
}

describe('GITS grids through the schedule prepare hook', () => {
  it('start at σ_max, end at σ_min (then 0), decrease strictly, sit on the fine grid and keep the NFE', async () => {
    for (const [sampler, nfe] of [
      ['euler', 5],
      ['euler', 10],
      ['dpmpp_2m', 7],
      ['heun', 9],
      ['amed', 5],
    ] as const) {
      const entry = samplerById(sampler)!;
      const options = Object.fromEntries(entry.options.map((o) => [o.key, o.default]));
      const steps = (() => {
        let n = 0;
        while (entry.nfe(n + 1, options) <= nfe) n++;
        return n;
      })();
      const { ctx } = context('gmm:ring8', steps, { sampler, params: { gitsBatch: 16 } });
      const { sigmas, report } = await GITS.prepare!(ctx);
      const info = report!().gits as GitsRunInfo;
      const points = entry.endsAtSigmaMin ? steps + 1 : steps;
      expect(sigmas.length, sampler).toBe(ctx.sigmas.length);
      expect(sigmas[0]).toBe(O.sigmaMax);
      expect(Math.abs(sigmas[points - 1] - O.sigmaMin)).toBeLessThan(1e-15);
      if (!entry.endsAtSigmaMin) expect(sigmas[steps]).toBe(0);
      for (let i = 1; i < sigmas.length; i++) expect(sigmas[i]).toBeLessThan(sigmas[i - 1]);
      const fine = karras(61, O);
      expect(info.indices).toHaveLength(points);
      info.indices.forEach((f, i) => expect(sigmas[i]).toBe(fine[f]));
      const prepared = entry.prepare ? await entry.prepare({ ...ctx, sigmas, options }) : undefined;
      expect(entry.build(sigmas, options, prepared?.plan).nfe, sampler).toBe(entry.nfe(steps, options));
    }
  });

  it('one step is σ_max then 0; more steps than fine points are refused with the option to raise', async () => {
    const one = await GITS.prepare!(context('gmm:ring8', 1, { params: { gitsBatch: 8, gitsFinePoints: 11 } }).ctx);
    expect(Array.from(one.sigmas)).toEqual([O.sigmaMax, 0]);
    await expect(
      GITS.prepare!(context('gmm:ring8', 12, { params: { gitsBatch: 8, gitsFinePoints: 11 } }).ctx),
    ).rejects.toThrow('steps: GITS picks at most gitsFinePoints = 11 σ points, the run needs 12');
  });

  it('searches once per denoiser: another step count reuses the matrix, another world searches anew', async () => {
    const params = { gitsBatch: 16, gitsMetric: 'l2' };
    const first = context('gmm:ring8', 6, { params });
    await GITS.prepare!(first.ctx);
    // The teacher walks the 61-point fine grid: 60 forward solves.
    expect(first.calls.denoise).toBe(60);
    const again = context('gmm:ring8', 9, { params, memo: first.memo });
    await GITS.prepare!(again.ctx);
    expect(again.calls.denoise).toBe(0);
    const elsewhere = context('gmm:checkerboard', 6, { params, memo: first.memo });
    const other = await GITS.prepare!(elsewhere.ctx);
    expect(elsewhere.calls.denoise).toBe(60);
    const mine = await GITS.prepare!(context('gmm:checkerboard', 6, { params }).ctx);
    expect(Array.from(other.sigmas)).toEqual(Array.from(mine.sigmas));
    // Another metric or batch is another search.
    const metric = context('gmm:ring8', 6, { params: { ...params, gitsMetric: 'dev' }, memo: first.memo });
    await GITS.prepare!(metric.ctx);
    expect(metric.calls.denoise).toBe(60);
  });

  it('an exported search imported elsewhere serves every step count without a forward solve', async () => {
    const params = { gitsBatch: 16, gitsCoeff: 1.3 };
    const made = await gitsCalibrationFor(context('gmm:moons', 7, { params }).ctx);
    const memo = new PrepareMemo();
    const worlds: string[] = [];
    const imported = await importGitsCalibration(memo, JSON.stringify(made), async (world, facts) => {
      worlds.push(`${world} cfg ${facts.cfg}`);
      return gmmDenoiser(spec(world)).key();
    });
    expect(worlds).toEqual(['gmm:moons cfg 1']);
    expect(imported.sigmas).toEqual(made.sigmas);
    for (const steps of [4, 7, 12]) {
      const fresh = context('gmm:moons', steps, { params });
      const searched = await GITS.prepare!(fresh.ctx);
      const reused = context('gmm:moons', steps, { params, memo });
      const grid = await GITS.prepare!(reused.ctx);
      expect(reused.calls.denoise).toBe(0);
      expect(Array.from(grid.sigmas)).toEqual(Array.from(searched.sigmas));
      // The run says its grid came from this very import (the page reports it); a search says nothing of the kind.
      expect((grid.report!().gits as GitsRunInfo).imported).toBe(imported);
      expect((searched.report!().gits as GitsRunInfo).imported).toBeUndefined();
    }
    // Imported for moons, it is not used on ring8.
    const ring = context('gmm:ring8', 7, { params, memo });
    await GITS.prepare!(ring.ctx);
    expect(ring.calls.denoise).toBe(60);
  });

  it('an import installed while a search runs survives that search being stopped: the next run does not search', async () => {
    const params = { gitsBatch: 8 };
    const made = await gitsCalibrationFor(context('gmm:moons', 5, { params }).ctx);
    const memo = new PrepareMemo();
    const stop = new AbortController();
    const running = context('gmm:moons', 5, { params, memo });
    const search = GITS.prepare!({ ...running.ctx, signal: stop.signal });
    const imported = await importGitsCalibration(memo, made, async (world) => gmmDenoiser(spec(world)).key());
    // The page stops the search the import replaces; it had started (one forward solve at least), not finished.
    stop.abort();
    await expect(search).rejects.toThrow(/cancelled/i);
    expect(running.calls.denoise).toBeGreaterThan(0);
    expect(running.calls.denoise).toBeLessThan(60);
    const next = context('gmm:moons', 5, { params, memo });
    const grid = await GITS.prepare!(next.ctx);
    expect(next.calls.denoise).toBe(0);
    expect((grid.report!().gits as GitsRunInfo).imported).toBe(imported);
    expect(Array.from(grid.sigmas)).toEqual(made.sigmas);
  });

  it('an import names the bad field', () => {
    const good = {
      format: 'diffusion-sandbox/gits-calibration@1',
      world: 'gmm:ring8',
      metric: 'l2',
      count: 8,
      fine: [80, 1, 0.002],
      cost: [[1, 2], [3]],
    };
    expect(parseGitsCalibration(JSON.stringify(good)).cost).toEqual([[1, 2], [3]]);
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ format: 'x' }, 'calibration.format: must be "diffusion-sandbox/gits-calibration@1"'],
      [{ metric: 'cos' }, 'calibration.metric: must be one of dev, l2, l1'],
      [{ fine: [1, 80, 0.002] }, 'calibration.fine: must be a decreasing list'],
      [{ count: 0 }, 'calibration.count: must be a positive integer'],
      [{ cost: [[1, 2]] }, 'calibration.cost: must have fine.length − 1 = 2 rows'],
      [{ cost: [[1, null], [3]] }, 'calibration.cost[0]: must hold 2 finite numbers'],
      [{ denoiser: { cfg: 'x' } }, 'calibration.denoiser: must be'],
    ];
    for (const [patch, message] of bad) expect(() => parseGitsCalibration({ ...good, ...patch })).toThrow(message);
    expect(() => parseGitsCalibration('{')).toThrow(/calibration: not valid JSON/);
  });
});

describe('the cost matrix', () => {
  it('l2: the mean distance of one Euler step from the teacher to the teacher, checked on a hand-made teacher', async () => {
    // D = 0 makes every direction x/σ, so Euler is exact along x = σ·z and every L2 cost is 0 up to rounding, while
    // the teacher's straight lines make every deviation 0 as well.
    const fine = karras(9, O).slice(0, 9);
    for (const metric of ['l2', 'dev'] as const) {
      const matrix = await gitsCostMatrix({
        fine,
        metric,
        count: 4,
        dim: 3,
        noise: initialNoise(5, 4, 3),
        denoise: async (x) => new Float64Array(x.length),
      });
      expect(matrix.values.every((v) => Math.abs(v) < 1e-12)).toBe(true);
    }
  });

  it('l2 grows with the jump on a curved flow: cost[0][j] increases in j', async () => {
    const den = gmmDenoiser(spec('gmm:ring8'));
    const fine = karras(21, O).slice(0, 21);
    const matrix = await gitsCostMatrix({
      fine,
      metric: 'l2',
      count: 32,
      dim: 2,
      noise: initialNoise(9, 32, 2),
      denoise: async (x, sigma) => {
        const out = new Float64Array(x.length);
        den.denoise(x, new Float64Array(32).fill(sigma), out);
        return out;
      },
    });
    const row = Array.from(matrix.values.subarray(1, 21));
    for (let j = 10; j < row.length; j++) expect(row[j]).toBeGreaterThan(row[j - 10]);
  });
});

describe('GITS on the 2D ring (RMSE to the RK4 reference, float64, 512 samples; bench/results/engine.md)', () => {
  const worlds = new WorldRegistry();
  const COUNT = 512;
  const z = initialNoise(3, COUNT, 2);
  const den = worlds.resolve('gmm:ring8').exact!.cpu;
  const reference = runPlanCpu(buildReferencePlan(O.sigmaMax, O.sigmaMin), den, { noise: z, count: COUNT }).samples;
  const euler = samplerById('euler')!;
  const error = (sigmas: Float64Array) =>
    rmse(runPlanCpu(euler.build(sigmas, {}), den, { noise: z, count: COUNT }).samples, reference, 2);

  it('Euler with GITS (L2 metric, the paper’s 256 trajectories) beats Euler on Karras at every NFE 5–10', async () => {
    const memo = new PrepareMemo();
    for (let nfe = 5; nfe <= 10; nfe++) {
      const { ctx } = context('gmm:ring8', nfe, { memo, params: { gitsMetric: 'l2', gitsBatch: 256 } });
      const gits = error((await GITS.prepare!(ctx)).sigmas);
      const onKarras = error(karras(nfe, O));
      expect(gits, `NFE ${nfe}`).toBeLessThan(0.9 * onKarras);
    }
  });
});

describe('schedule options are validated by the API against their declarations', () => {
  const worlds = new WorldRegistry();
  const sample = (o: Record<string, unknown>) => () =>
    resolveSampleOptions({ world: 'gmm:ring8', sampler: 'euler', ...o } as never, worlds);

  it('names the field and its range, even where the chosen schedule ignores it', () => {
    expect(sample({ schedule: 'vp', vpBetaD: 40 })).toThrow('vpBetaD: must be a number in [1, 25], got 40');
    expect(sample({ schedule: 'vp', vpBetaMin: 0 })).toThrow('vpBetaMin: must be a number in [0.01, 1], got 0');
    expect(sample({ vpEpsilonS: 'small' })).toThrow('vpEpsilonS: must be a number in [0.0001, 0.1], got "small"');
    expect(sample({ schedule: 'beta', betaAlpha: 0 })).toThrow('betaAlpha: must be a number in [0.1, 4], got 0');
    expect(sample({ betaBeta: Number.NaN })).toThrow(/betaBeta: must be a number in \[0.1, 4\]/);
    expect(sample({ schedule: 'gits', gitsMetric: 'cos' })).toThrow(
      'gitsMetric: must be one of dev, l2, l1, got "cos"',
    );
    expect(sample({ schedule: 'gits', gitsFinePoints: 10 })).toThrow('gitsFinePoints: must be an integer in 11–201');
    expect(sample({ schedule: 'gits', gitsBatch: 2000 })).toThrow('gitsBatch: must be an integer in 4–1024');
    expect(sample({ schedule: 'gits', gitsCoeff: 3 })).toThrow('gitsCoeff: must be a number in [0.5, 2], got 3');
  });

  it('vp and beta read their parameters: the grid follows k-diffusion get_sigmas_vp and the Beta quantiles', () => {
    const vp = resolveSampleOptions(
      { world: 'gmm:ring8', sampler: 'euler', schedule: 'vp', steps: 5, vpBetaD: 10, vpBetaMin: 0.5, vpEpsilonS: 0.01 },
      worlds,
    );
    const t = [1, 0.7525, 0.505, 0.2575, 0.01];
    t.forEach((ti, i) =>
      expect(Math.abs(vp.sigmas[i] / Math.sqrt(Math.expm1(5 * ti * ti + 0.5 * ti)) - 1)).toBeLessThan(1e-12),
    );
    expect(vp.scheduleParams).toEqual({ vpBetaD: 10, vpBetaMin: 0.5, vpEpsilonS: 0.01 });
    const grid = (o: Record<string, unknown>) =>
      Array.from(
        resolveSampleOptions({ world: 'gmm:ring8', sampler: 'euler', schedule: 'beta', steps: 9, ...o }, worlds).sigmas,
      );
    // Beta(1, 1) is uniform: RF time t = σ/(1+σ) evenly spaced from t(σ_max) to t(σ_min).
    const uniform = grid({ betaAlpha: 1, betaBeta: 1 });
    const [tMax, tMin] = [80 / 81, 0.002 / 1.002];
    uniform
      .slice(0, 9)
      .forEach((s, i) => expect(Math.abs(s / (1 + s) - (tMax + (i / 8) * (tMin - tMax)))).toBeLessThan(1e-12));
    // α below 1 crowds the steps towards σ_min: the middle step sits lower than under the defaults.
    expect(grid({ betaAlpha: 0.3 })[4]).toBeLessThan(grid({})[4]);
  });
});
