/** Turns public `sample` / `denoise` arguments into a checked, fully specified run (no GPU involved). */
import { samplerById, SAMPLERS, stepsForNfe, type SamplerInfo } from '../sampling/samplers';
import { DEFAULT_SCHEDULE_OPTIONS, SCHEDULES, scheduleById, type ScheduleId } from '../sampling/schedules';
import type { WorldArg, WorldRegistry } from '../worlds/registry';
import type { World } from '../worlds/types';
import { amedNfe, type AmedVariant } from '../sampling/amed/step';
import { finiteArray, integerIn, numberIn, oneOf } from './validate';
import { defaultCount, resolveCfg, resolveLabels, resolveSize, resolveSkipTuning, resolveUpsampleGuidance, type ImageOptions } from './image-options';
import type { SkipTuning } from '../worlds/unet/skip-tuning';

const MAX_STEPS = 1000;
const MAX_COUNT = 1 << 18;

export interface SampleOptions extends ImageOptions {
  world: WorldArg;
  sampler: string;
  steps?: number;
  /** An NFE budget: the most steps whose NFE fits. */
  nfe?: number;
  schedule?: ScheduleId;
  sigmaMax?: number;
  sigmaMin?: number;
  rho?: number;
  eta?: number;
  seed?: number;
  count?: number;
  /** Standard-normal z, count × dim; the run starts at x = σ_max·z. */
  noise?: Float32Array;
  trajectory?: boolean;
  /** Cancels the run between GPU submissions (rejects with an AbortError). */
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
  /** ReFlow sampler only: RF-SDE noise scale σ_var (0 = ODE). */
  sigmaVar?: number;
  /** AMED-Plugin's base solver (default iPNDM, the paper's best). */
  base?: AmedBase;
  /** AMED's analytical first step (default on). */
  afs?: boolean;
}

export type AmedBase = 'ipndm' | 'euler' | 'dpm2';
export const AMED_BASES: readonly AmedBase[] = ['ipndm', 'euler', 'dpm2'];

export interface ResolvedSample {
  world: World;
  sampler: SamplerInfo;
  steps: number;
  schedule: ScheduleId;
  sigmas: Float64Array;
  sigmaMax: number;
  sigmaMin: number;
  rho: number;
  eta: number;
  seed: number;
  count: number;
  noise?: Float32Array;
  trajectory: boolean;
  /** AMED only: which step rule, and whether the first step is analytical. */
  amedVariant?: AmedVariant;
  afs: boolean;
  sigmaVar: number;
  /** Elements per sample (world.dim, or size² for an image world at another size). */
  dim: number;
  /** Image worlds: the side, one label per sample (absent: the null class) and the CFG scale (1 otherwise). */
  size?: number;
  labels?: Uint32Array;
  cfg: number;
  /** Image worlds above the native size: Upsample Guidance settings, when asked for. */
  upsampleGuidance?: { weight: number; eta: number };
  /** Image worlds: Skip-Tuning's ρ, absent when off. */
  skipTuning?: SkipTuning;
}

export const DEFAULT_ETA = 1;
const DEFAULT_COUNT = 1024;

export function resolveSampleOptions(options: SampleOptions, worlds: WorldRegistry): ResolvedSample {
  if (!options || typeof options !== 'object') throw new TypeError('sample: options must be an object');
  const world = worlds.resolve(options.world);
  const samplerId = oneOf(options.sampler, 'sampler', SAMPLERS.map((s) => s.id));
  const sampler = samplerById(samplerId)!;
  if (options.steps !== undefined && options.nfe !== undefined) throw new RangeError('steps, nfe: give one of them, not both');
  if (options.afs !== undefined && typeof options.afs !== 'boolean') throw new TypeError('afs: must be true or false');
  const afs = options.afs ?? true;
  const amedVariant = sampler.id === 'amed' ? 'solver' : sampler.id === 'amed_plugin' ? oneOf(options.base ?? 'ipndm', 'base', AMED_BASES) : undefined;
  // AMED's NFE depends on AFS; every other sampler's on its registered formula.
  const nfeOf = (n: number) => (amedVariant ? amedNfe(n, afs) : sampler.nfe(n));
  let steps: number;
  if (options.nfe !== undefined) {
    const budget = integerIn(options.nfe, 'nfe', 1, nfeOf(MAX_STEPS));
    steps = stepsForNfe({ ...sampler, nfe: nfeOf }, budget);
    if (steps < 1) throw new RangeError(`nfe: ${sampler.label} needs at least ${nfeOf(1)} evaluations, got ${budget}`);
  } else {
    steps = integerIn(options.steps ?? 10, 'steps', 1, MAX_STEPS);
  }
  const schedule = oneOf(options.schedule ?? sampler.defaultSchedule, 'schedule', SCHEDULES.map((s) => s.id));
  const sigmaMax = numberIn(options.sigmaMax ?? DEFAULT_SCHEDULE_OPTIONS.sigmaMax, 'sigmaMax', 0, 1000, { exclusiveMin: true });
  const sigmaMin = numberIn(options.sigmaMin ?? DEFAULT_SCHEDULE_OPTIONS.sigmaMin, 'sigmaMin', 0, sigmaMax, { exclusiveMin: true });
  if (sigmaMin >= sigmaMax) throw new RangeError(`sigmaMin: must be below sigmaMax (${sigmaMax}), got ${sigmaMin}`);
  const rho = numberIn(options.rho ?? DEFAULT_SCHEDULE_OPTIONS.rho, 'rho', 0.1, 100);
  const sigmaVar = numberIn(options.sigmaVar ?? 0, 'sigmaVar', 0, 2);
  const eta = numberIn(options.eta ?? (sampler.stochastic ? DEFAULT_ETA : 0), 'eta', 0, 1);
  const seed = integerIn(options.seed ?? 0, 'seed', 0, 0xffffffff);
  const { size, dim } = resolveSize(world, options.size);
  const count = integerIn(options.count ?? defaultCount(world, dim, options.noise, DEFAULT_COUNT), 'count', 1, MAX_COUNT);
  const noise = options.noise === undefined ? undefined : finiteArray(options.noise, 'noise', count * dim);
  const labels = resolveLabels(world, options.label, count);
  const cfg = resolveCfg(world, options.cfg);
  const upsampleGuidance = resolveUpsampleGuidance(world, size, options.upsampleGuidance);
  const skipTuning = resolveSkipTuning(world, options.skipTuning);
  const build = scheduleById(schedule)!.build;
  // AMED walks steps + 1 timestamps ending at σ_min (no final denoise), the others steps intervals ending at 0.
  const sigmas = sampler.endsAtSigmaMin ? build(steps + 1, { sigmaMax, sigmaMin, rho }).slice(0, steps + 1) : build(steps, { sigmaMax, sigmaMin, rho });
  return { world, sampler, steps, schedule, sigmas, sigmaMax, sigmaMin, rho, eta, seed, count, noise, trajectory: options.trajectory === true, amedVariant, afs, sigmaVar, dim, size, labels, cfg, upsampleGuidance, ...(skipTuning ? { skipTuning } : {}) };
}

export interface DenoiseOptions extends ImageOptions {
  world: WorldArg;
  x: Float32Array;
  sigma: number | Float32Array;
}

export interface ResolvedDenoise {
  world: World;
  x: Float32Array;
  sigma: Float32Array;
  count: number;
  size?: number;
  labels?: Uint32Array;
  cfg: number;
  upsampleGuidance?: { weight: number; eta: number };
  skipTuning?: SkipTuning;
}

export function resolveDenoiseOptions(options: DenoiseOptions, worlds: WorldRegistry): ResolvedDenoise {
  if (!options || typeof options !== 'object') throw new TypeError('denoise: options must be an object');
  const world = worlds.resolve(options.world);
  const { size, dim } = resolveSize(world, options.size);
  if (!(options.x instanceof Float32Array) || options.x.length === 0 || options.x.length % dim !== 0) {
    throw new RangeError(`x: must be a non-empty Float32Array whose length is a multiple of dim ${dim}`);
  }
  const count = integerIn(options.x.length / dim, 'x.length / dim', 1, MAX_COUNT);
  const x = finiteArray(options.x, 'x', count * dim);
  let sigma: Float32Array;
  if (typeof options.sigma === 'number') {
    sigma = new Float32Array(count).fill(numberIn(options.sigma, 'sigma', 0, 1000, { exclusiveMin: true }));
  } else {
    sigma = finiteArray(options.sigma, 'sigma', count);
    sigma.forEach((s, i) => numberIn(s, `sigma[${i}]`, 0, 1000, { exclusiveMin: true }));
  }
  return { world, x, sigma, count, size, labels: resolveLabels(world, options.label, count), cfg: resolveCfg(world, options.cfg), upsampleGuidance: resolveUpsampleGuidance(world, size, options.upsampleGuidance), skipTuning: resolveSkipTuning(world, options.skipTuning) };
}
