/** What an AMED run reports: which source set its steps (the learned predictor or the calibration) and the r, c. */
import type { AmedCalibration } from './calibrations';
import type { PredictedStep } from './predictor-gpu';

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
  /** Calibration runs: the calibration itself (its grid, losses and JSON form for export). */
  calibration?: AmedCalibration;
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
