/**
 * Learned AMED predictors (Zhou et al. 2024 §3.2) for the worlds whose manifest names a predictor folder, loaded
 * once per engine. A run uses
 * one only where it was trained — AMED-Solver with AFS, the native size, CFG 1, no Upsample Guidance, the same
 * time_uniform grid, the same network weights; every other run falls back to the live calibration
 * (./calibrations.ts), and the result says which was used and why.
 */
import type { PrepareContext, ShippedModel } from '../prepare';
import type { AmedPredictorWeights } from './predictor';
import { loadPredictors, selectPredictor } from './predictor-manifest';
import type { AmedVariant } from './step';

export type PredictorChoice = { weights: AmedPredictorWeights } | { reason: string };

/** The predictor a run uses, or why it uses the calibration instead. */
export async function choosePredictor(
  context: PrepareContext,
  variant: AmedVariant,
  afs: boolean,
): Promise<PredictorChoice> {
  const { world, denoiser, model } = context;
  const folder = model?.amedPredictors?.folder;
  if (!model || !folder) return { reason: `no learned predictor for world ${world}` };
  if (variant !== 'solver') return { reason: 'the learned predictor is for AMED-Solver' };
  if (!afs) return { reason: 'the learned predictor was trained with AFS' };
  if (denoiser.size !== undefined && denoiser.size !== context.nativeSize)
    return { reason: `the learned predictor runs at ${context.nativeSize}×${context.nativeSize} only` };
  if (denoiser.cfg !== 1) return { reason: 'the learned predictor was trained at CFG 1' };
  if (denoiser.upsampleGuidance) return { reason: 'the learned predictor does not cover Upsample Guidance' };
  // Skip-Tuning changes the network (and its bottleneck, the predictor's input); it was trained without it.
  if (denoiser.skipTuning) return { reason: 'the learned predictor was trained without Skip-Tuning' };
  if (context.schedule !== 'time_uniform')
    return { reason: 'the learned predictor was trained on the time_uniform schedule' };
  let predictors: AmedPredictorWeights[] | string;
  try {
    // A load that fails is not memoised, so a later run retries it; a checksum mismatch is an answer, and is kept.
    const url = model.folderUrl(folder);
    predictors = await context.memo(`amed-predictors:${url}`, () => load(model, url));
  } catch (error) {
    return { reason: `the learned predictor did not load (${error instanceof Error ? error.message : String(error)})` };
  }
  if (typeof predictors === 'string') return { reason: predictors };
  const chosen = selectPredictor(predictors, context.sigmas, afs);
  return typeof chosen === 'string' ? { reason: chosen } : { weights: chosen };
}

async function load(model: ShippedModel, url: string): Promise<AmedPredictorWeights[] | string> {
  const [{ manifest, predictors }, network] = await Promise.all([loadPredictors(url), model.manifest()]);
  if (manifest.model_sha256 !== network.sha256) {
    const sha = String(manifest.model_sha256).slice(0, 12);
    return `the learned predictor was trained against other ${network.name} weights (SHA-256 ${sha}…)`;
  }
  return predictors;
}
