/**
 * The public Sandbox (the API the README documents): metadata lists, `denoise`, `sample`, plus the reference solve and
 * metrics the page uses. Every GPU request goes through GpuContext.run, so a lost device is recovered and the
 * request still completes; every GPU call sits inside error scopes, so a GPU error rejects the promise.
 */
import { GpuContext, type GpuResources } from '../gpu/context';
import type { AcquireOptions } from '../gpu/device';
import { withErrorScopes } from '../gpu/error-scope';
import { buildReferencePlan } from '../metrics/reference';
import { mean, rmse, slicedW2 } from '../metrics/distances';
import { denoiseGpu } from '../sampling/denoise-gpu';
import { denoiseBatchesGpu } from '../sampling/denoise-batches';
import type { GpuDenoiser } from '../sampling/denoiser';
import { runPlanGpu } from '../sampling/run-gpu';
import { fusedUnsupported } from '../sampling/run-fused';
import { runPlanOnHost } from '../sampling/run-host';
import type { Plan } from '../sampling/plan';
import { isGuided } from '../guidance/upsample';
import { GuidedDenoisers, type GuidanceOptions } from '../guidance/compose';
import { SAMPLERS, type SamplerGroup } from '../sampling/samplers';
import type { OptionSpec, OptionValue } from '../sampling/option-spec';
import { SCHEDULE_OPTIONS, SCHEDULES, type ScheduleId } from '../sampling/schedules';
import { WorldRegistry, type ImageWorldSource, type WorldArg } from '../worlds/registry';
import type { LoadProgress, World, WorldInfo } from '../worlds/types';
import type { GmmSpec } from '../worlds/gmm';
import {
  MAX_X,
  resolveDenoiseOptions,
  resolveSampleOptions,
  type DenoiseOptions,
  type ResolvedSample,
  type SampleOptions,
  type SampleOptionsWithout,
} from './options';
import { finiteArray, finiteResult, integerIn, oneOf, optionalFunction, requireObject, samplesArray } from './validate';
import { calibrationForRun, importCalibration, type AmedCalibration } from '../sampling/amed/calibrations';
import type { AmedRunInfo } from '../sampling/amed/run-info';
import {
  gitsCalibrationFor,
  importGitsCalibration,
  type GitsCalibration,
  type GitsRunInfo,
} from '../sampling/gits/calibrations';
import { PrepareMemo, type Prepared, type PrepareContext } from '../sampling/prepare';
import { reflow, type ReflowOptions, type ReflowResult } from './reflow';
import { referenceKey, sampleKey } from './run-key';
import {
  resolveClassifyOptions,
  toClassifierInput,
  verdicts,
  type ClassifyOptions,
  type ClassifyResult,
} from './classify';
import { imageClassifier, type ImageClassifier } from '../metrics/image-classifier';

export interface SampleResult {
  samples: Float32Array;
  nfe: number;
  /** GPU time of the run in milliseconds. */
  ms: number;
  /** x_0 … x_N, each count × dim (only with `trajectory: true`). */
  trajectory?: Float32Array[];
  /** D(x_i; σ_i) at each step, aligned with `trajectory` (the last entry is the sample itself). */
  denoised?: Float32Array[];
  /** The σ grid actually used, σ_0 … σ_N = 0. */
  sigmas: Float64Array;
  steps: number;
  /** The seed the run used (a fresh one when asked for seed −1). */
  seed: number;
  /** Network cost in full-size evaluations: `nfe`, plus 1/m² for every evaluation Upsample Guidance guides (its
   *  native-resolution branch). Equal to `nfe` without Upsample Guidance. */
  cost: number;
  /** AMED runs: whether the learned predictor (per-sample r, c; Zhou et al. 2024, §3.2) or the live calibration
   *  set the steps, and the per-step r and c (predictor: mean and standard deviation over the samples). */
  amed?: AmedRunInfo;
  /** GITS runs (Chen et al. 2024): the fine-grid points the search chose, its settings and the exportable search. */
  gits?: GitsRunInfo;
}

export interface SamplerMeta {
  id: string;
  label: string;
  /** The AUTOMATIC1111 / ComfyUI name, where A1111 has the sampler ("DPM++ 2M", "Euler a"). */
  a1111?: string;
  /** The picker's group: single-step ODE, multistep ODE, stochastic, calibrated or learned. */
  group: SamplerGroup;
  stochastic: boolean;
  citation: string;
  defaultSchedule: ScheduleId;
  /** The options it reads, as declared on its registry entry. */
  options: readonly OptionSpec[];
  /** Network evaluations for a number of steps and option values (absent values take their defaults). */
  nfe: (steps: number, options?: Readonly<Record<string, OptionValue>>) => number;
}

export interface Metrics {
  /** RMSE per sample to the reference solution from the same noise. */
  rmse?: number;
  /** Mean exact log-likelihood of the samples under the target (nats). */
  logLikelihood: number;
  /** Sliced W2 to fresh exact target samples. */
  slicedW2: number;
}

export type CreateSandboxOptions = AcquireOptions;

export class Sandbox {
  readonly samplers: readonly SamplerMeta[] = SAMPLERS.map(
    ({ id, label, a1111, group, stochastic, citation, defaultSchedule, options, nfe }) => ({
      id,
      label,
      ...(a1111 === undefined ? {} : { a1111 }),
      group,
      stochastic,
      citation,
      defaultSchedule,
      options,
      nfe,
    }),
  );
  readonly schedules = SCHEDULES.map(({ id, label, aliases, citation, options, preparing }) => ({
    id,
    label,
    ...(aliases === undefined ? {} : { aliases }),
    citation,
    /** Its own parameters, as declared (vp's β_d, β_min, ε_s; beta's α, β; GITS's search settings). */
    options,
    /** Searched on the run's denoiser before it runs (GITS): what the progress calls the search. */
    ...(preparing === undefined ? {} : { preparing }),
  }));
  private readonly registry: WorldRegistry;
  private readonly references = new Map<string, Promise<Float32Array>>();
  /** What samplers' prepare hooks computed (AMED calibrations, loaded predictors), for this sandbox's lifetime. */
  private readonly prepared = new PrepareMemo();
  private readonly guided = new GuidedDenoisers();
  /** Classifiers by model folder URL (worlds of one family share theirs). */
  private readonly classifiers = new Map<string, ImageClassifier>();

  /** `images`: the world index the image worlds come from (createSandbox loads public/models/index.json). */
  constructor(
    readonly gpu: GpuContext,
    images?: ImageWorldSource,
  ) {
    this.registry = new WorldRegistry(images);
  }

  get worlds(): WorldInfo[] {
    return this.registry.list();
  }

  /** Downloads a world's weights (image worlds) ahead of its first run, reporting bytes loaded and the total. */
  async loadWorld(world: WorldArg, progress?: LoadProgress): Promise<void> {
    const resolved = this.registry.resolve(world);
    if (progress !== undefined) optionalFunction(requireObject(progress, 'progress').onProgress, 'progress.onProgress');
    await resolved.load?.(progress);
  }

  /** Downloads the classifier a world's manifest names (default: the first listed world with one) ahead of the
   *  first `classify`, with progress. */
  async loadClassifier(options: LoadProgress & { world?: string } = {}): Promise<void> {
    optionalFunction(requireObject(options, 'options').onProgress, 'onProgress');
    await this.classifierOf(options.world).classifier.load(options);
  }

  /** A world's classifier's verdict on its images (its native side, or a multiple averaged down), in WGSL. */
  async classify(options: ClassifyOptions): Promise<ClassifyResult> {
    options = requireObject(options, 'options') as unknown as ClassifyOptions;
    const { world, classifier } = this.classifierOf(options.world);
    const { size, channels, classes } = await classifier.load();
    const { images, count, side } = resolveClassifyOptions(
      options,
      size,
      Math.max(size, world.image!.maxSize),
      channels,
    );
    const input = toClassifierInput(images, count, side, size, channels);
    const output = await this.gpu.run((gpu) =>
      withErrorScopes(gpu.device, async () => (await classifier.network(gpu)).run(input, count, options.signal)),
    );
    return verdicts(output, count, classes);
  }

  private classifierOf(worldArg: unknown): { world: World; classifier: ImageClassifier } {
    const world =
      worldArg === undefined
        ? this.registry.all().find((w) => w.image?.classifier)
        : this.registry.resolve(typeof worldArg === 'string' ? worldArg : String(worldArg).slice(0, 64));
    if (!world) throw new RangeError('world: no image world with a classifier is listed');
    const folder = world.image?.classifier;
    if (!folder || !world.model) throw new RangeError(`world: ${world.id} names no classifier`);
    const url = world.model.folderUrl(folder);
    let classifier = this.classifiers.get(url);
    if (!classifier) this.classifiers.set(url, (classifier = imageClassifier(url)));
    return { world, classifier };
  }

  /** The mixture of a 2D world (the page draws its exact density), or undefined for a world without one. */
  worldSpec(world: WorldArg): GmmSpec | undefined {
    return this.registry.resolve(world).spec;
  }

  /** D(x; σ) for a batch; σ is one number or one per sample. */
  async denoise(options: DenoiseOptions): Promise<Float32Array> {
    options = requireObject(options, 'options') as unknown as DenoiseOptions;
    const { world, x, sigma, size, labels, cfg, upsampleGuidance, skipTuning } = resolveDenoiseOptions(
      options,
      this.registry,
    );
    const D = await this.gpu.run((gpu) =>
      withErrorScopes(gpu.device, async () =>
        denoiseGpu(
          gpu,
          await this.guided.denoiser(gpu, world, { size, cfg, upsampleGuidance, skipTuning }),
          x,
          sigma,
          labels,
        ),
      ),
    );
    return finiteResult(D, 'denoise');
  }

  async sample(options: SampleOptions): Promise<SampleResult> {
    options = requireObject(options, 'options') as unknown as SampleOptions;
    const resolved = resolveSampleOptions(options, this.registry);
    // A schedule searched on the run's own denoiser (GITS) finds its grid first; then a sampler that must prepare
    // (AMED: its learned predictor or a calibration, cached) does so on that grid. Each reports progress under the
    // name it gives its preparation; then the plan runs like any other.
    const progress = (phase?: string) => options.onProgress && ((f: number) => options.onProgress!(f, phase));
    const { signal } = options;
    const schedulePrepare = resolved.scheduleInfo.prepare;
    const grid = schedulePrepare
      ? await schedulePrepare(
          await this.prepareContext(resolved, { signal, onProgress: progress(resolved.scheduleInfo.preparing) }),
        )
      : undefined;
    const run = grid ? { ...resolved, sigmas: grid.sigmas } : resolved;
    const prepared: Prepared | undefined = run.sampler.prepare
      ? await run.sampler.prepare(
          await this.prepareContext(run, { signal, onProgress: progress(run.sampler.preparing) }),
        )
      : undefined;
    const plan = run.sampler.build(run.sigmas, run.options, prepared?.plan);
    const result = await this.gpu.run((gpu) =>
      withErrorScopes(gpu.device, async () =>
        runPlanGpu(gpu, {
          plan,
          denoiser: await this.guided.denoiser(gpu, run.world, run),
          count: run.count,
          seed: run.seed,
          noise: run.noise,
          labels: run.labels,
          trajectory: run.trajectory,
          signal: options.signal,
          onProgress: options.onProgress && ((f) => options.onProgress!(f)),
          runtime: prepared?.runtime,
        }),
      ),
    );
    finiteResult(result.samples, 'samples');
    return {
      samples: result.samples,
      nfe: plan.nfe,
      ms: result.gpuMs,
      sigmas: run.sigmas,
      steps: run.steps,
      seed: run.seed,
      cost: upsampleGuidanceCost(plan, run),
      ...grid?.report?.(),
      ...prepared?.report?.({ nfe: plan.nfe, predicted: result.amed }),
      ...(result.trajectory ? { trajectory: result.trajectory, denoised: result.denoised } : {}),
    };
  }

  /** Forward-only AMED calibration for a world and NFE budget (or steps): per-step (r, c), JSON-exportable. */
  async calibrateAmed(
    options: SampleOptionsWithout<'sampler'> & { sampler?: 'amed' | 'amed_plugin' },
  ): Promise<AmedCalibration> {
    options = requireObject(options, 'options') as unknown as typeof options;
    const sampler = oneOf(options.sampler ?? 'amed', 'sampler', ['amed', 'amed_plugin']);
    const run = resolveSampleOptions({ ...options, sampler }, this.registry);
    return calibrationForRun(await this.prepareContext(run, options));
  }

  /** Installs a calibration exported by calibrateAmed (JSON text or object); later AMED runs on that grid and
   *  denoiser use it. Rejects with a message naming the field when the calibration is invalid. */
  async importAmedCalibration(calibration: unknown): Promise<AmedCalibration> {
    return importCalibration(this.prepared, calibration, (world, facts) => {
      const { size, cfg, upsampleGuidance, skipTuning } = facts;
      return this.denoiserKey(this.registry.resolve(world), { size, cfg, upsampleGuidance, skipTuning });
    });
  }

  /** The GITS search for a world, σ range and step count (schedule 'gits' is implied): the cost matrix from teacher
   *  trajectories on the world's own denoiser and the grid it gives, JSON-exportable. Cached like a run's search. */
  async calibrateGits(options: SampleOptionsWithout<'sampler'> & { sampler?: string }): Promise<GitsCalibration> {
    options = requireObject(options, 'options') as unknown as typeof options;
    if (options.schedule !== undefined && options.schedule !== 'gits')
      throw new RangeError(
        `schedule: calibrateGits searches the 'gits' schedule, got ${JSON.stringify(options.schedule)}`,
      );
    const run = resolveSampleOptions(
      { ...options, sampler: options.sampler ?? 'euler', schedule: 'gits' },
      this.registry,
    );
    return gitsCalibrationFor(await this.prepareContext(run, options));
  }

  /** Installs a GITS search exported by calibrateGits (JSON text or object); later 'gits' runs with its denoiser,
   *  σ range, fine grid, metric and batch use its cost matrix at any step count without searching again. Rejects
   *  with a message naming the field when it is invalid. */
  async importGitsCalibration(calibration: unknown): Promise<GitsCalibration> {
    return importGitsCalibration(this.prepared, calibration, (world, facts) => {
      const { size, cfg, upsampleGuidance, skipTuning } = facts;
      return this.denoiserKey(this.registry.resolve(world), { size, cfg, upsampleGuidance, skipTuning });
    });
  }

  /** What a sampler's prepare hook may use: the run, forward solves on its own denoiser, this sandbox's memo. */
  private async prepareContext(
    run: ResolvedSample,
    { signal, onProgress }: { signal?: AbortSignal; onProgress?: (fraction: number) => void },
  ): Promise<PrepareContext> {
    const classes = run.world.image?.classes.length ?? 1;
    const conditional = run.labels !== undefined;
    const { size, cfg, upsampleGuidance, skipTuning } = run;
    const denoiserKey = await this.denoiserKey(run.world, { size, cfg, upsampleGuidance, skipTuning });
    // Forward solves give sample i class i mod the class count, in every batch alike.
    const labelsOf = (count: number) =>
      conditional ? Uint32Array.from({ length: count }, (_, i) => i % classes) : undefined;
    const onNetwork = <T>(work: (gpu: GpuResources, network: GpuDenoiser) => Promise<T>) =>
      this.gpu.run(async (gpu) => {
        const network = await this.guided.denoiser(gpu, run.world, { size, cfg, upsampleGuidance, skipTuning });
        return withErrorScopes(gpu.device, () => work(gpu, network));
      });
    const denoise = async (x: Float64Array, sigma: number, count: number) => {
      const [D] = await onNetwork((gpu, network) =>
        denoiseBatchesGpu(gpu, network, [{ x, sigma }], count, labelsOf(count)),
      );
      return D;
    };
    return {
      denoiserKey,
      samplerId: run.sampler.id,
      world: run.world.id,
      nativeSize: run.world.image?.size,
      dim: run.dim,
      sigmas: run.sigmas,
      schedule: run.schedule,
      scheduleOptions: { sigmaMax: run.sigmaMax, sigmaMin: run.sigmaMin, rho: run.rho },
      scheduleParams: run.scheduleParams,
      options: run.options,
      denoiser: {
        ...(run.size ? { size: run.size } : {}),
        cfg: run.cfg,
        ...(run.upsampleGuidance ? { upsampleGuidance: run.upsampleGuidance } : {}),
        ...(skipTuning ? { skipTuning } : {}),
        conditional,
      },
      denoise,
      denoiseBatches: (batches, count) =>
        onNetwork((gpu, network) => denoiseBatchesGpu(gpu, network, batches, count, labelsOf(count))),
      solve: async (plan, noise, count, control) => {
        // On a point world the whole solve is one fused plan with its records on the device (a few bytes per step
        // and sample). Elsewhere it is one network call per evaluation either way, and the records of an image
        // teacher (every student step of every sample) could outgrow a GPU buffer, so the states stay on the host.
        const request = { plan, count, seed: 0, noise: Float32Array.from(noise), labels: labelsOf(count) };
        const fused = await onNetwork(async (gpu, network) => {
          if (fusedUnsupported(gpu.device, { ...request, denoiser: network, trajectory: true }) !== null) return null;
          return runPlanGpu(gpu, { ...request, denoiser: network, trajectory: true, executor: 'fused', ...control });
        });
        if (fused) return fused.trajectory!.map((x) => Float64Array.from(x));
        return runPlanOnHost(plan, noise, (x, sigma) => denoise(x, sigma, count), control);
      },
      memo: (key, compute) => this.prepared.get(key, compute, { signal, onProgress }),
      ...(run.world.model ? { model: run.world.model } : {}),
      signal,
      onProgress,
    };
  }

  /** Live ReFlow of a 2D world: pairs from its flow, a kernel-regression fit, a new world id usable in `sample`. */
  async reflow(options: ReflowOptions): Promise<ReflowResult> {
    return reflow(options, { registry: this.registry, gpu: this.gpu, sample: (o) => this.sample(o) });
  }

  /** The σ grid a schedule gives (for charts); σ_N = 0 is included. Takes the schedule's declared parameters
   *  (vp's `vpBetaD`, …). A searched schedule (GITS) gives the grid it searches from: its own grid needs a world. */
  sigmas(options: {
    schedule: ScheduleId;
    steps: number;
    sigmaMax?: number;
    sigmaMin?: number;
    rho?: number;
    readonly [param: string]: unknown;
  }): Float64Array {
    options = requireObject(options, 'options') as unknown as typeof options;
    const schedule = oneOf(
      options.schedule,
      'schedule',
      SCHEDULES.map((s) => s.id),
    );
    const steps = integerIn(options.steps, 'steps', 1, 1000);
    const params = Object.fromEntries(
      SCHEDULE_OPTIONS.filter((spec) => options[spec.key] !== undefined).map((spec) => [spec.key, options[spec.key]]),
    );
    // The same ranges as sample()'s, so a grid drawn here is one a run accepts.
    const run = resolveSampleOptions(
      { world: 'gmm:ring8', sampler: 'euler', steps, schedule, ...scheduleArgs(options), ...params },
      this.registry,
    );
    return finiteResult(run.sigmas, 'sigmas');
  }

  /** RK4 reference solve (REFERENCE_STEPS log-σ steps, metrics/reference.ts) from the same noise as `sample` with these options; cached by
   *  referenceKey. */
  async reference(options: ReferenceOptions): Promise<Float32Array> {
    options = requireObject(options, 'options') as unknown as typeof options;
    const run = resolveReference(options, this.registry);
    const key = referenceKey(await this.denoiserKey(run.world, referenceDenoiser(run)), run);
    let cached = this.references.get(key);
    if (!cached) {
      cached = this.solveReference(run, options.signal);
      cached.catch(() => this.references.delete(key));
      this.references.set(key, cached);
      if (this.references.size > 16) this.references.delete(this.references.keys().next().value!);
    }
    return cached;
  }

  /** Names the result of reference() with these options: its denoiser's key() plus the noise and σ range. */
  async referenceKey(options: ReferenceOptions): Promise<string> {
    options = requireObject(options, 'options') as unknown as typeof options;
    const run = resolveReference(options, this.registry);
    return referenceKey(await this.denoiserKey(run.world, referenceDenoiser(run)), run);
  }

  /** Names the result of sample() with these options: its denoiser's key() plus the noise and the plan. */
  async sampleKey(options: SampleOptions): Promise<string> {
    options = requireObject(options, 'options') as unknown as typeof options;
    const run = resolveSampleOptions(options, this.registry);
    const denoiser = {
      size: run.size,
      cfg: run.cfg,
      upsampleGuidance: run.upsampleGuidance,
      skipTuning: run.skipTuning,
    };
    return sampleKey(await this.denoiserKey(run.world, denoiser), run);
  }

  /** A world builds each denoiser once per device and keeps it, so the one the run will use is asked for its key. */
  private denoiserKey(world: World, options: GuidanceOptions): Promise<string> {
    return this.gpu.run(async (gpu) => (await this.guided.denoiser(gpu, world, options)).key());
  }

  private solveReference(run: ResolvedSample, signal?: AbortSignal): Promise<Float32Array> {
    const plan = buildReferencePlan(run.sigmaMax, run.sigmaMin);
    return this.gpu.run(async (gpu: GpuResources) => {
      const denoiser = await this.guided.denoiser(gpu, run.world, referenceDenoiser(run));
      const result = await withErrorScopes(gpu.device, () =>
        runPlanGpu(gpu, {
          plan,
          denoiser,
          count: run.count,
          seed: run.seed,
          noise: run.noise,
          labels: run.labels,
          signal,
        }),
      );
      return finiteResult(result.samples, 'reference');
    });
  }

  /** Exact samples of a 2D world's target (counter-based RNG, so a seed always gives the same set). */
  targetSamples(options: { world: WorldArg; count: number; seed?: number }): Float32Array {
    options = requireObject(options, 'options') as unknown as typeof options;
    const world = this.registry.resolve(options.world);
    if (!world.exact) throw new RangeError(`world: ${world.id} has no exact target samples; use a 2D mixture`);
    const count = integerIn(options.count, 'count', 1, 1 << 20);
    return Float32Array.from(world.exact.sampleTarget(count, integerIn(options.seed ?? 0, 'seed', 0, 0xffffffff)));
  }

  /** Exact-world metrics of a sample set: RMSE to a reference (if given), mean log-likelihood, sliced W2. */
  evaluate(options: { world: WorldArg; samples: Float32Array; reference?: Float32Array; seed?: number }): Metrics {
    options = requireObject(options, 'options') as unknown as typeof options;
    const world = this.registry.resolve(options.world);
    if (!world.exact) throw new RangeError(`world: ${world.id} has no exact density; metrics need a 2D mixture`);
    const samples = samplesArray(options.samples, 'samples', world.dim, MAX_X);
    const count = samples.length / world.dim;
    integerIn(count, 'samples.length / dim', 1, 1 << 20);
    const reference =
      options.reference === undefined ? undefined : finiteArray(options.reference, 'reference', samples.length, MAX_X);
    const seed = integerIn(options.seed ?? 0, 'seed', 0, 0xffffffff - 1);
    const target = world.exact.sampleTarget(count, seed + 1);
    const metrics: Metrics = {
      ...(reference ? { rmse: rmse(samples, reference, world.dim) } : {}),
      logLikelihood: mean(world.exact.logDensity(samples, count)),
      slicedW2: slicedW2(samples, target, world.dim),
    };
    for (const [key, value] of Object.entries(metrics))
      if (!Number.isFinite(value)) throw new RangeError(`${key}: the metric is not finite for these samples`);
    return metrics;
  }

  destroy(): void {
    this.gpu.dispose();
  }
}

type ReferenceOptions = SampleOptionsWithout<'sampler'> & { sampler?: string };

function resolveReference(options: ReferenceOptions, registry: WorldRegistry): ResolvedSample {
  return resolveSampleOptions({ ...options, sampler: options.sampler ?? 'euler', trajectory: false }, registry);
}

/** The reference solves the network unguided: Upsample Guidance is a sampling aid, not part of the target. Skip-Tuning
 *  changes the network itself, so the reference solves the tuned network's ODE. */
function referenceDenoiser(run: ResolvedSample): GuidanceOptions {
  return { size: run.size, cfg: run.cfg, skipTuning: run.skipTuning };
}

function upsampleGuidanceCost(plan: Plan, run: ResolvedSample): number {
  const ug = run.upsampleGuidance;
  if (!ug || !run.size || !run.world.image) return plan.nfe;
  const guided = plan.instrs.filter((i) => i.op === 'denoise' && isGuided(i.sigma, ug.eta)).length;
  return plan.nfe + guided / (run.size / run.world.image.size) ** 2;
}

/** The σ-range arguments that were given (an absent one takes sample()'s default). */
function scheduleArgs(o: { sigmaMax?: number; sigmaMin?: number; rho?: number }) {
  return Object.fromEntries(
    (['sigmaMax', 'sigmaMin', 'rho'] as const).filter((k) => o[k] !== undefined).map((k) => [k, o[k]]),
  );
}
