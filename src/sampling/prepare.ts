/**
 * The one hook for samplers that must prepare before they can build a plan (AMED's calibration or its learned
 * predictor; GITS's searched grid): the engine hands `prepare` the run and a few services, and passes what it returns
 * to the sampler's `build` and to the executor. The caller never needs to know which sampler it runs
 * (k-diffusion's habit); a sampler never needs to know which world it runs on.
 */
import type { AmedPredictorWeights } from './amed/predictor';
import type { PredictedStep } from './amed/predictor-gpu';
import type { OptionValues } from './option-spec';
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
  /** The engine's memo: `compute` runs once per key (a failure is forgotten, so a later call retries). */
  memo<T>(key: string, compute: () => Promise<T>): Promise<T>;
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

/** A memo for PrepareContext.memo: one promise per key; a rejected one is dropped so the next call retries. */
export class PrepareMemo {
  private readonly entries = new Map<string, Promise<unknown>>();

  get<T>(key: string, compute: () => Promise<T>): Promise<T> {
    let entry = this.entries.get(key) as Promise<T> | undefined;
    if (!entry) {
      const computing = compute();
      // Dropped only if it is still the entry: an import installed while it ran (a search stopped by the import
      // that replaces it) must survive the search's rejection.
      computing.catch(() => this.entries.get(key) === computing && this.entries.delete(key));
      this.entries.set(key, (entry = computing));
    }
    return entry;
  }

  /** Installs a value computed elsewhere (an imported calibration). */
  set<T>(key: string, value: T): void {
    this.entries.set(key, Promise.resolve(value));
  }
}
