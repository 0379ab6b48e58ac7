/**
 * The one hook for samplers that must prepare before they can build a plan (AMED's calibration or its learned
 * predictor; GITS's searched grid): the engine hands `prepare` the run and a few services, and passes what it returns
 * to the sampler's `build` and to the executor. The caller never needs to know which sampler it runs
 * (k-diffusion's habit); a sampler never needs to know which world it runs on.
 */
import type { AmedPredictorWeights } from './amed/predictor';
import type { PredictedStep } from './amed/predictor-gpu';
import type { DenoiseBatch } from './amed/calibrate';
import type { OptionValues } from './option-spec';
import type { Plan } from './plan';
import type { ScheduleOptions } from './schedule-options';

/** Everything besides the world that shapes a run's denoiser, as plain data (part of any cache key). */
export interface DenoiserFacts {
  /** Image worlds: the side the network runs at. */
  size?: number;
  cfg: number;
  upsampleGuidance?: { weight: number; eta: number };
  /** Skip-Tuning's skip factors (Ma et al. 2024), absent when off: the network itself changes. */
  skipTuning?: { bottom: number; top: number };
  /** The run is class-conditional; forward solves then give sample i class i mod the class count. */
  conditional: boolean;
}

/** What a sampler may read of a world's shipped model: files learned on it (AMED's predictors) and the network's
 *  identity, so a file learned on other weights is refused. */
export interface ShippedModel {
  /** The folder of learned AMED predictors the manifest names, or null. */
  amedPredictors: { folder: string } | null;
  /** The URL of a model folder the manifest names. */
  folderUrl(folder: string): string;
  /** The network's manifest: its name and the SHA-256 of its weights. */
  manifest(): Promise<{ name: string; sha256: string }>;
}

export interface PrepareContext {
  samplerId: string;
  /** The run's world id. */
  world: string;
  /** Image worlds: the native side. */
  nativeSize?: number;
  /** Elements per sample. */
  dim: number;
  sigmas: Float64Array;
  /** The schedule's id (a ScheduleId), its σ range and ρ, and its own declared parameters (GITS's search settings). */
  schedule: string;
  scheduleOptions: ScheduleOptions;
  scheduleParams: OptionValues;
  options: OptionValues;
  denoiser: DenoiserFacts;
  /** The run's denoiser's key() (src/sampling/denoiser.ts): what a memo of anything computed with it keys on. */
  denoiserKey: string;
  /** D(x; σ) for `count` float64 samples on the run's own denoiser: the forward solves a calibration needs. */
  denoise(x: Float64Array, sigma: number, count: number): Promise<Float64Array>;
  /** D(x; σ) of several batches of `count` samples, each at its own σ, in as few network calls as the submission
   *  budget allows (a point world: one dispatch); each batch's sample i has the class a solve's sample i has. */
  denoiseBatches(batches: readonly DenoiseBatch[], count: number): Promise<Float64Array[]>;
  /** Runs a plan on the run's own denoiser from x_0 = σ_0·noise (`count` samples) and returns x at each of its
   *  records: a teacher solve as one plan (one dispatch per submission on a point world). */
  solve(
    plan: Plan,
    noise: ArrayLike<number>,
    count: number,
    control: { signal?: AbortSignal; onProgress?: (fraction: number) => void },
  ): Promise<Float64Array[]>;
  /** The engine's memo: `compute` runs once per key for every run that asks (a failure is forgotten, so a later
   *  call retries). It reports to, and is stopped through, `work` rather than this run's own signal: other runs
   *  may be waiting for the same result. */
  memo<T>(key: string, compute: (work: SharedWork) => Promise<T>): Promise<T>;
  /** Image worlds: the shipped model behind the world (its manifest names what was learned on it). */
  model?: ShippedModel;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

/** What an executed run gives back besides the samples, for `Prepared.report`. */
interface ExecutedRun {
  nfe: number;
  /** Per-sample AMED parameters of plans with `predict` instructions, by step. */
  predicted?: Map<number, PredictedStep>;
}

/** What a plan's instructions need at run time besides the denoiser, handed to the executors as it is. */
export interface PlanRuntime {
  /** The learned AMED predictor, for plans with `predict` instructions. */
  predictor?: AmedPredictorWeights;
}

export interface Prepared {
  /** Handed to the sampler's `build` as its third argument. */
  plan: unknown;
  runtime?: PlanRuntime;
  /** Fields the sampler adds to the run's result (AMED: `amed`, which set its steps and how). */
  report?(run: ExecutedRun): Readonly<Record<string, unknown>>;
}

export type PrepareHook = (context: PrepareContext) => Promise<Prepared>;

/** What a schedule's preparation yields: the grid the run walks instead of the schedule's static one. */
interface PreparedGrid {
  sigmas: Float64Array;
  /** Fields the schedule adds to the run's result (GITS: `gits`, how the grid was searched). */
  report?(): Readonly<Record<string, unknown>>;
}

/** A schedule's preparation (GITS's search), given the same context as a sampler's. */
export type GridPrepareHook = (context: PrepareContext) => Promise<PreparedGrid>;

/** A memoised computation's progress and stop: every run waiting for it hears its progress, and it stops only once
 *  all of them have withdrawn (one panel stopped or changed must not stop another's identical calibration). */
export interface SharedWork {
  signal: AbortSignal;
  onProgress: (fraction: number) => void;
}

interface MemoEntry {
  promise: Promise<unknown>;
  controller: AbortController;
  /** Callers still waiting; a caller without a signal never withdraws. */
  waiting: number;
  listeners: Set<(fraction: number) => void>;
}

const cancelled = () => new DOMException('Cancelled: nothing waits for it any more', 'AbortError');

/** A memo for PrepareContext.memo: one computation per key, shared by its callers; a rejected one is dropped so the
 *  next call retries, and one whose callers all withdrew is aborted and dropped. */
export class PrepareMemo {
  private readonly entries = new Map<string, MemoEntry>();

  get<T>(
    key: string,
    compute: (work: SharedWork) => Promise<T>,
    caller: { signal?: AbortSignal; onProgress?: (fraction: number) => void } = {},
  ): Promise<T> {
    const { signal, onProgress } = caller;
    if (signal?.aborted) return Promise.reject(cancelled());
    let entry = this.entries.get(key);
    if (!entry) {
      const controller = new AbortController();
      const listeners = new Set<(fraction: number) => void>();
      const promise = compute({ signal: controller.signal, onProgress: (f) => listeners.forEach((l) => l(f)) });
      const created: MemoEntry = { promise, controller, waiting: 0, listeners };
      promise.catch(() => this.forget(key, created));
      this.entries.set(key, created);
      entry = created;
    }
    const shared = entry;
    shared.waiting++;
    if (onProgress) shared.listeners.add(onProgress);
    return new Promise<T>((resolve, reject) => {
      let active = true;
      const leave = () => {
        if (!active) return false;
        active = false;
        signal?.removeEventListener('abort', withdraw);
        if (onProgress) shared.listeners.delete(onProgress);
        shared.waiting--;
        return true;
      };
      const withdraw = () => {
        if (!leave()) return;
        // Not at once: a caller that withdraws because its request changed asks again in the same turn (a panel's
        // task aborts its last run, then starts the next), and minutes of a reflow must not be thrown away then.
        queueMicrotask(() => {
          if (shared.waiting > 0) return;
          shared.controller.abort(cancelled());
          this.forget(key, shared);
        });
        reject(cancelled());
      };
      signal?.addEventListener('abort', withdraw);
      shared.promise.then(
        (value) => leave() && resolve(value as T),
        (error) => leave() && reject(error),
      );
    });
  }

  /** Installs a value computed elsewhere (an imported calibration). */
  set<T>(key: string, value: T): void {
    this.entries.set(key, {
      promise: Promise.resolve(value),
      controller: new AbortController(),
      waiting: 0,
      listeners: new Set(),
    });
  }

  private forget(key: string, entry: MemoEntry): void {
    if (this.entries.get(key) === entry) this.entries.delete(key);
  }
}
