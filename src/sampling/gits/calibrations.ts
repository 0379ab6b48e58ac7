/**
 * GITS cost matrices per denoiser (Chen et al., ICML 2024): computed on first use with the run's own denoiser through
 * the prepare hook's services (./cost.ts), memoised by (denoiser key(), labels, fine grid, metric, batch) — so a
 * matrix made on one world is never used on another — and exportable/importable as JSON. The matrix does not depend
 * on the step count or on coeff, so one search serves every NFE: only the dynamic programme (./dp.ts) reruns.
 */
import { calibrationObject, isDecreasingSigmas, parseDenoiserFacts } from '../calibration-json';
import { initialNoise } from '../noise';
import type { DenoiserFacts, PrepareContext, PrepareMemo } from '../prepare';
import { karras } from '../schedules-core';
import { gitsCostMatrix, GITS_METRICS, type GitsMetric } from './cost';
import { gitsPath, type CostMatrix } from './dp';
import { gitsSettings } from './options';

const GITS_FORMAT = 'diffusion-sandbox/gits-calibration@1';
/** A seed of its own: searching on the evaluation noise would flatter the grid. */
const GITS_SEED = 0x6175;

/** An exported GITS search: the cost matrix for its denoiser, fine grid, metric and batch, plus the grid it gave for
 *  the run it was made for (readable; an import serves any step count and coeff from the matrix). */
export interface GitsCalibration {
  format: typeof GITS_FORMAT;
  world: string;
  denoiser: DenoiserFacts;
  /** The fine grid σ_0 = σ_max > … > σ_{M−1} = σ_min. */
  fine: number[];
  metric: GitsMetric;
  /** Teacher trajectories averaged over. */
  count: number;
  /** Upper triangle, row i: the cost of the step from fine point i to each j = i + 1 … M − 1. */
  cost: number[][];
  /** The run it was made for: its coeff, the chosen fine indices and σ grid (σ_N = 0 included where the sampler has
   *  a final step to 0). */
  coeff: number;
  indices: number[];
  sigmas: number[];
}

/** What a GITS run reports under `gits`. */
export interface GitsRunInfo {
  indices: number[];
  metric: GitsMetric;
  coeff: number;
  finePoints: number;
  batch: number;
  calibration: GitsCalibration;
  /** The imported search (importGitsCalibration) whose matrix gave this grid; absent when this sandbox searched. */
  imported?: GitsCalibration;
}

interface StoredMatrix {
  fine: number[];
  metric: GitsMetric;
  count: number;
  matrix: CostMatrix;
  /** Set when the matrix came from an import rather than a search. */
  imported?: GitsCalibration;
}

function memoKey(denoiserKey: string, conditional: boolean, fine: ArrayLike<number>, metric: string, count: number) {
  const grid = Array.from(fine, (s) => Math.fround(s));
  return JSON.stringify(['gits-cost', denoiserKey, conditional, metric, count, grid]);
}

/** The fine grid of a run: the reference's polynomial (Karras) grid of M points over the run's σ range. */
function fineGrid(context: PrepareContext, points: number): number[] {
  return Array.from(karras(points, context.scheduleOptions).subarray(0, points));
}

function costFor(context: PrepareContext): Promise<StoredMatrix> {
  const { finePoints, batch, metric } = gitsSettings(context.scheduleParams);
  const fine = fineGrid(context, finePoints);
  const key = memoKey(context.denoiserKey, context.denoiser.conditional, fine, metric, batch);
  // The memo's own signal and progress: the search is shared by every run that waits for it (../prepare.ts).
  return context.memo(key, async ({ signal, onProgress }) => ({
    fine,
    metric,
    count: batch,
    matrix: await gitsCostMatrix({
      fine,
      metric,
      count: batch,
      dim: context.dim,
      noise: initialNoise(GITS_SEED, batch, context.dim),
      denoise: (x, sigma) => context.denoise(x, sigma, batch),
      signal,
      onProgress,
    }),
  }));
}

/**
 * The GITS grid in place of the run's static one: as many points as it has from σ_max to σ_min (K = points − 1 DP
 * steps over the fine grid), then σ = 0 if it ends there (samplers with a final denoise; AMED stops at σ_min).
 */
function chooseGrid(
  stored: StoredMatrix,
  sigmas: Float64Array,
  coeff: number,
): { indices: number[]; sigmas: number[] } {
  const endsAtZero = sigmas[sigmas.length - 1] === 0;
  const points = sigmas.length - (endsAtZero ? 1 : 0);
  if (points > stored.fine.length)
    throw new RangeError(
      `steps: GITS picks at most gitsFinePoints = ${stored.fine.length} σ points, the run needs ${points}; raise gitsFinePoints or lower steps`,
    );
  const indices = points === 1 ? [0] : gitsPath(stored.matrix, points - 1, coeff);
  return { indices, sigmas: [...indices.map((i) => stored.fine[i]), ...(endsAtZero ? [0] : [])] };
}

function toCalibration(context: PrepareContext, stored: StoredMatrix, coeff: number): GitsCalibration {
  const { size, values } = stored.matrix;
  const cost = Array.from({ length: size - 1 }, (_, i) =>
    Array.from(values.subarray(i * size + i + 1, (i + 1) * size)),
  );
  return {
    format: GITS_FORMAT,
    world: context.world,
    denoiser: context.denoiser,
    fine: stored.fine,
    metric: stored.metric,
    count: stored.count,
    cost,
    coeff,
    ...chooseGrid(stored, context.sigmas, coeff),
  };
}

/** The GITS search of a run (the public calibrateGits): its cost matrix, computed on first request, and its grid. */
export async function gitsCalibrationFor(context: PrepareContext): Promise<GitsCalibration> {
  return toCalibration(context, await costFor(context), gitsSettings(context.scheduleParams).coeff);
}

/** The run's GITS grid and what it reports (the schedule's prepare hook). */
export async function prepareGits(context: PrepareContext): Promise<{ sigmas: Float64Array; report: GitsRunInfo }> {
  const settings = gitsSettings(context.scheduleParams);
  const stored = await costFor(context);
  const calibration = toCalibration(context, stored, settings.coeff);
  return {
    sigmas: Float64Array.from(calibration.sigmas),
    report: {
      indices: calibration.indices,
      ...settings,
      calibration,
      ...(stored.imported ? { imported: stored.imported } : {}),
    },
  };
}

/** An exported search's matrix in memo form. */
function storedOf(calibration: GitsCalibration): StoredMatrix {
  const size = calibration.fine.length;
  const values = new Float64Array(size * size);
  calibration.cost.forEach((row, i) => values.set(row, i * size + i + 1));
  return { fine: calibration.fine, metric: calibration.metric, count: calibration.count, matrix: { size, values } };
}

/** The grid an exported search gives a run whose static grid is `sigmas` (offline plan export, bench/quality). */
export function gitsGridOf(calibration: GitsCalibration, sigmas: Float64Array, coeff: number): number[] {
  return chooseGrid(storedOf(parseGitsCalibration(calibration)), sigmas, coeff).sigmas;
}

/** Validates an exported GITS search (JSON text or object) without installing it. */
export function parseGitsCalibration(input: unknown): GitsCalibration {
  const c = calibrationObject(input) as Partial<GitsCalibration>;
  if (c.format !== GITS_FORMAT) throw new RangeError(`calibration.format: must be "${GITS_FORMAT}"`);
  if (typeof c.world !== 'string') throw new RangeError('calibration.world: must be a world id');
  if (!GITS_METRICS.includes(c.metric as GitsMetric))
    throw new RangeError(`calibration.metric: must be one of ${GITS_METRICS.join(', ')}`);
  if (!isDecreasingSigmas(c.fine) || c.fine.length < 2 || c.fine.length > 201)
    throw new RangeError('calibration.fine: must be a decreasing list of 2–201 positive numbers');
  const size = c.fine.length;
  if (!(Number.isInteger(c.count) && c.count! >= 1))
    throw new RangeError('calibration.count: must be a positive integer');
  if (!Array.isArray(c.cost) || c.cost.length !== size - 1)
    throw new RangeError(`calibration.cost: must have fine.length − 1 = ${size - 1} rows`);
  c.cost.forEach((row, i) => {
    if (
      !Array.isArray(row) ||
      row.length !== size - 1 - i ||
      !row.every((v) => typeof v === 'number' && Number.isFinite(v))
    )
      throw new RangeError(`calibration.cost[${i}]: must hold ${size - 1 - i} finite numbers`);
  });
  const coeff = typeof c.coeff === 'number' && c.coeff >= 0.5 && c.coeff <= 2 ? c.coeff : 1.15;
  return {
    format: GITS_FORMAT,
    world: c.world,
    denoiser: parseDenoiserFacts(c.denoiser),
    fine: c.fine,
    metric: c.metric as GitsMetric,
    count: c.count!,
    cost: c.cost,
    coeff,
    indices: Array.isArray(c.indices) ? c.indices.filter(Number.isInteger) : [],
    sigmas: Array.isArray(c.sigmas) ? c.sigmas.filter(Number.isFinite) : [],
  };
}

/** Accepts an exported GITS search and installs its matrix, so the runs it was made for (same denoiser, fine grid,
 *  metric and batch) use it at any step count without searching again. */
export async function importGitsCalibration(
  memo: PrepareMemo,
  input: unknown,
  denoiserKey: (world: string, denoiser: DenoiserFacts) => Promise<string>,
): Promise<GitsCalibration> {
  const calibration = parseGitsCalibration(input);
  const key = await denoiserKey(calibration.world, calibration.denoiser);
  const { denoiser, fine, metric, count } = calibration;
  memo.set(memoKey(key, denoiser.conditional, fine, metric, count), {
    ...storedOf(calibration),
    imported: calibration,
  });
  return calibration;
}
