/**
 * Learned AMED predictors (Zhou et al. 2024 §3.2) for the worlds whose manifest names a predictor folder: files
 * loaded once, uploaded once per device. A run uses one only where it was trained — AMED-Solver with AFS, the native size,
 * CFG 1, no Upsample Guidance, the same time_uniform grid, the same network weights; every other run falls back to
 * the live calibration (./amed-calibrations.ts), and the result says which was used and why.
 */
import type { GpuResources } from '../gpu/context';
import type { AmedPredictorWeights } from '../sampling/amed/predictor';
import { GpuAmedPredictor, type PredictedStep } from '../sampling/amed/predictor-gpu';
import { loadPredictors, selectPredictor } from '../sampling/amed/predictor-manifest';
import type { ImageModelSource } from '../worlds/types';
import type { ResolvedSample } from './options';

export interface AmedStepSummary {
  /** r and c of the step: the calibrated values, or the mean over the run's samples of the predicted ones. */
  r: number;
  c: number;
  /** Predictor runs: the standard deviation over samples. */
  rStd?: number;
  cStd?: number;
}

export interface AmedRunInfo {
  source: 'predictor' | 'calibration';
  nfe: number;
  /** Calibration runs: why no learned predictor applied. */
  reason?: string;
  steps: AmedStepSummary[];
}

type Choice = { weights: AmedPredictorWeights } | { reason: string };

export class AmedPredictors {
  private readonly files = new Map<string, Promise<AmedPredictorWeights[] | string>>();
  private readonly uploads = new WeakMap<GpuResources, Map<AmedPredictorWeights, Promise<GpuAmedPredictor>>>();

  /** The predictor a run uses, or why it uses the calibration instead. */
  async choose(run: ResolvedSample): Promise<Choice> {
    const model = run.world.model;
    const folder = model?.amedPredictors;
    if (!model || !folder) return { reason: `no learned predictor for world ${run.world.id}` };
    if (run.amedVariant !== 'solver') return { reason: 'the learned predictor is for AMED-Solver' };
    if (!run.afs) return { reason: 'the learned predictor was trained with AFS' };
    if (run.size !== undefined && run.size !== run.world.image?.size)
      return { reason: `the learned predictor runs at ${run.world.image?.size}×${run.world.image?.size} only` };
    if (run.cfg !== 1) return { reason: 'the learned predictor was trained at CFG 1' };
    if (run.upsampleGuidance) return { reason: 'the learned predictor does not cover Upsample Guidance' };
    // Skip-Tuning changes the network (and its bottleneck, the predictor's input); it was trained without it.
    if (run.skipTuning) return { reason: 'the learned predictor was trained without Skip-Tuning' };
    if (run.schedule !== 'time_uniform')
      return { reason: 'the learned predictor was trained on the time_uniform schedule' };
    const predictors = await this.load(model, folder.folder);
    if (typeof predictors === 'string') return { reason: predictors };
    const chosen = selectPredictor(predictors, run.sigmas, run.afs);
    return typeof chosen === 'string' ? { reason: chosen } : { weights: chosen };
  }

  /** The predictor's weights and kernels on a device (uploaded once). */
  onDevice(gpu: GpuResources, weights: AmedPredictorWeights): Promise<GpuAmedPredictor> {
    let perDevice = this.uploads.get(gpu);
    if (!perDevice) this.uploads.set(gpu, (perDevice = new Map()));
    let entry = perDevice.get(weights);
    if (!entry) {
      entry = GpuAmedPredictor.create(gpu, weights);
      entry.catch(() => perDevice.delete(weights));
      perDevice.set(weights, entry);
    }
    return entry;
  }

  /** Loads a world's predictors once; a load failure is a fallback reason, and is retried by a later run. */
  private load(model: ImageModelSource, folder: string): Promise<AmedPredictorWeights[] | string> {
    const url = model.folderUrl(folder);
    let entry = this.files.get(url);
    if (!entry) {
      entry = (async () => {
        try {
          const [{ manifest, predictors }, network] = await Promise.all([loadPredictors(url), model.manifest()]);
          if (manifest.model_sha256 !== network.sha256)
            return `the learned predictor was trained against other ${network.name} weights (SHA-256 ${String(manifest.model_sha256).slice(0, 12)}…)`;
          return predictors;
        } catch (error) {
          this.files.delete(url);
          return `the learned predictor did not load (${error instanceof Error ? error.message : String(error)})`;
        }
      })();
      this.files.set(url, entry);
    }
    return entry;
  }
}

/** Per-step mean and standard deviation over samples of the predicted r and c. */
export function summarisePredicted(steps: Map<number, PredictedStep>): AmedStepSummary[] {
  const stats = (a: Float32Array) => {
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    return { mean, std: Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length) };
  };
  return [...steps.keys()]
    .sort((a, b) => a - b)
    .map((n) => {
      const r = stats(steps.get(n)!.r);
      const c = stats(steps.get(n)!.c);
      return { r: r.mean, c: c.mean, rStd: r.std, cStd: c.std };
    });
}
