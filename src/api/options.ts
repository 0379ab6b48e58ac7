/** Turns public `sample` / `denoise` arguments into a checked, fully specified run (no GPU involved). */
import { samplerById, SAMPLER_OPTIONS, SAMPLERS, stepsForNfe, type SamplerInfo } from '../sampling/samplers';
import { resolveOptions, validateOption, type OptionValue } from '../sampling/option-spec';
import {
  DEFAULT_SCHEDULE_OPTIONS,
  SCHEDULE_OPTIONS,
  SCHEDULES,
  scheduleById,
  type ScheduleId,
  type ScheduleInfo,
} from '../sampling/schedules';
import type { WorldArg, WorldRegistry } from '../worlds/registry';
import type { World } from '../worlds/types';
import {
  describe,
  finiteArray,
  integerIn,
  numberIn,
  oneOf,
  optionalFunction,
  optionalSignal,
  requireObject,
} from './validate';
import {
  defaultCount,
  resolveCfg,
  resolveLabels,
  resolveSize,
  resolveSkipTuning,
  resolveUpsampleGuidance,
  type ImageOptions,
} from './image-options';
import type { SkipTuning } from '../worlds/unet/skip-tuning';

const MAX_STEPS = 1000;
const MAX_COUNT = 1 << 18;
/** σ_min's floor: far below any useful σ, far above float32's smallest normal (1.2e-38), so σ², log σ and the step
 *  ratios the plans compute stay finite. */
const MIN_SIGMA_MIN = 1e-5;
/** |z| bound of explicit noise: a standard normal never comes near it, and σ_max·z stays far below float max. */
const MAX_NOISE = 1e3;
/** |x| bound of denoise inputs: σ_max · MAX_NOISE, so any state a run can reach is accepted, and squares of
 *  differences stay far below float32's max (3.4e38). */
export const MAX_X = 1e6;

/** The arguments every run takes; a sampler's own options come beside them (SampleOptions). */
interface CoreSampleOptions extends ImageOptions {
  world: WorldArg;
  sampler: string;
  steps?: number;
  /** An NFE budget: the most steps whose NFE fits. */
  nfe?: number;
  schedule?: ScheduleId;
  sigmaMax?: number;
  sigmaMin?: number;
  rho?: number;
  seed?: number;
  count?: number;
  /** Standard-normal z, count × dim; the run starts at x = σ_max·z. */
  noise?: Float32Array;
  trajectory?: boolean;
  /** Cancels the run between GPU submissions (rejects with an AbortError). */
  signal?: AbortSignal;
  /** Progress of the run, 0–1; `phase` names a preparation before it (e.g. "AMED calibration"), absent for the run. */
  onProgress?: (fraction: number, phase?: string) => void;
}

/** Options declared by samplers on their registry entries (src/sampling/samplers/), e.g. the SDE's `eta`, ReFlow's
 *  `sigmaVar`, AMED's `afs` and AMED-Plugin's `base`, and by schedules on theirs (src/sampling/schedules.ts: vp's
 *  `vpBetaD`, beta's `betaAlpha`, GITS's `gitsMetric`, …); each is checked against its declaration. */
interface SamplerOptionArgs {
  readonly [option: string]: unknown;
}

export type SampleOptions = CoreSampleOptions & SamplerOptionArgs;
/** SampleOptions without some of the core arguments (Omit would drop every named key of the intersection). */
export type SampleOptionsWithout<K extends keyof CoreSampleOptions> = Omit<CoreSampleOptions, K> & SamplerOptionArgs;

export interface ResolvedSample {
  world: World;
  sampler: SamplerInfo;
  steps: number;
  schedule: ScheduleId;
  scheduleInfo: ScheduleInfo;
  /** The schedule's declared parameters, defaults filled in (vp's β_d, GITS's metric, …). */
  scheduleParams: Record<string, OptionValue>;
  /** The schedule's static grid; a schedule with a `prepare` hook (GITS) replaces it before the run. */
  sigmas: Float64Array;
  sigmaMax: number;
  sigmaMin: number;
  rho: number;
  /** The sampler's declared options, defaults filled in (η of the SDE, σ_var of ReFlow, AMED's AFS and base, …). */
  options: Record<string, OptionValue>;
  seed: number;
  count: number;
  noise?: Float32Array;
  trajectory: boolean;
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

const DEFAULT_COUNT = 1024;

/** The seed that asks for a fresh random one (A1111's −1); the result reports the seed it used. */
export const RANDOM_SEED = -1;

/** A fresh seed in 0 … 2³² − 1. */
export function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0];
}

export function resolveSampleOptions(options: SampleOptions, worlds: WorldRegistry): ResolvedSample {
  options = requireObject(options, 'options') as unknown as typeof options;
  const world = worlds.resolve(options.world);
  const samplerId = oneOf(
    options.sampler,
    'sampler',
    SAMPLERS.map((s) => s.id),
  );
  const sampler = samplerById(samplerId)!;
  if (options.steps !== undefined && options.nfe !== undefined)
    throw new RangeError('steps, nfe: give one of them, not both');
  // Every option some sampler declares is checked against its declaration, even where this sampler ignores it.
  for (const spec of [...SAMPLER_OPTIONS, ...SCHEDULE_OPTIONS]) validateOption(spec, options[spec.key]);
  const samplerOptions = resolveOptions(sampler.options, options);
  // The NFE can depend on options (AMED's AFS saves one evaluation).
  const nfeOf = (n: number) => sampler.nfe(n, samplerOptions);
  let steps: number;
  if (options.nfe !== undefined) {
    const budget = integerIn(options.nfe, 'nfe', 1, nfeOf(MAX_STEPS));
    steps = stepsForNfe(sampler, budget, samplerOptions);
    if (steps < 1) throw new RangeError(`nfe: ${sampler.label} needs at least ${nfeOf(1)} evaluations, got ${budget}`);
  } else {
    steps = integerIn(options.steps ?? 10, 'steps', 1, MAX_STEPS);
  }
  const schedule = oneOf(
    options.schedule ?? sampler.defaultSchedule,
    'schedule',
    SCHEDULES.map((s) => s.id),
  );
  const sigmaMax = numberIn(options.sigmaMax ?? DEFAULT_SCHEDULE_OPTIONS.sigmaMax, 'sigmaMax', 0, 1000, {
    exclusiveMin: true,
  });
  const sigmaMin = numberIn(options.sigmaMin ?? DEFAULT_SCHEDULE_OPTIONS.sigmaMin, 'sigmaMin', MIN_SIGMA_MIN, sigmaMax);
  if (sigmaMin >= sigmaMax) throw new RangeError(`sigmaMin: must be below sigmaMax (${sigmaMax}), got ${sigmaMin}`);
  const rho = numberIn(options.rho ?? DEFAULT_SCHEDULE_OPTIONS.rho, 'rho', 0.1, 100);
  const seed = options.seed === RANDOM_SEED ? randomSeed() : integerIn(options.seed ?? 0, 'seed', 0, 0xffffffff);
  const { size, dim } = resolveSize(world, options.size);
  if (options.noise !== undefined && !(options.noise instanceof Float32Array))
    throw new TypeError(`noise: must be a Float32Array of count × ${dim} values, got ${describe(options.noise)}`);
  // Without a count, the noise gives it: it must hold a whole, non-zero number of samples.
  if (options.count === undefined && options.noise && (options.noise.length === 0 || options.noise.length % dim))
    throw new RangeError(`noise: length must be a non-zero multiple of dim ${dim}, got ${options.noise.length}`);
  const count = integerIn(
    options.count ?? defaultCount(world, dim, options.noise, DEFAULT_COUNT),
    'count',
    1,
    MAX_COUNT,
  );
  const noise = options.noise === undefined ? undefined : finiteArray(options.noise, 'noise', count * dim, MAX_NOISE);
  if (options.trajectory !== undefined && typeof options.trajectory !== 'boolean')
    throw new TypeError(`trajectory: must be true or false, got ${typeof options.trajectory}`);
  optionalSignal(options.signal);
  optionalFunction(options.onProgress, 'onProgress');
  const labels = resolveLabels(world, options.label, count);
  const cfg = resolveCfg(world, options.cfg);
  const upsampleGuidance = resolveUpsampleGuidance(world, size, options.upsampleGuidance);
  const skipTuning = resolveSkipTuning(world, options.skipTuning);
  const scheduleInfo = scheduleById(schedule)!;
  const scheduleParams = resolveOptions(scheduleInfo.options, options);
  const build = (n: number) => scheduleInfo.build(n, { sigmaMax, sigmaMin, rho }, scheduleParams);
  // AMED walks steps + 1 timestamps ending at σ_min (no final denoise), the others steps intervals ending at 0.
  const sigmas = sampler.endsAtSigmaMin ? build(steps + 1).slice(0, steps + 1) : build(steps);
  return {
    world,
    sampler,
    steps,
    schedule,
    scheduleInfo,
    scheduleParams,
    sigmas,
    sigmaMax,
    sigmaMin,
    rho,
    options: samplerOptions,
    seed,
    count,
    noise,
    trajectory: options.trajectory === true,
    dim,
    size,
    labels,
    cfg,
    upsampleGuidance,
    ...(skipTuning ? { skipTuning } : {}),
  };
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
  options = requireObject(options, 'options') as unknown as typeof options;
  const world = worlds.resolve(options.world);
  const { size, dim } = resolveSize(world, options.size);
  if (!(options.x instanceof Float32Array) || options.x.length === 0 || options.x.length % dim !== 0) {
    throw new RangeError(`x: must be a non-empty Float32Array whose length is a multiple of dim ${dim}`);
  }
  const count = integerIn(options.x.length / dim, 'x.length / dim', 1, MAX_COUNT);
  const x = finiteArray(options.x, 'x', count * dim, MAX_X);
  let sigma: Float32Array;
  if (typeof options.sigma === 'number') {
    sigma = new Float32Array(count).fill(numberIn(options.sigma, 'sigma', 0, 1000, { exclusiveMin: true }));
  } else {
    sigma = finiteArray(options.sigma, 'sigma', count);
    sigma.forEach((s, i) => numberIn(s, `sigma[${i}]`, 0, 1000, { exclusiveMin: true }));
  }
  return {
    world,
    x,
    sigma,
    count,
    size,
    labels: resolveLabels(world, options.label, count),
    cfg: resolveCfg(world, options.cfg),
    upsampleGuidance: resolveUpsampleGuidance(world, size, options.upsampleGuidance),
    skipTuning: resolveSkipTuning(world, options.skipTuning),
  };
}
