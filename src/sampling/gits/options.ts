/**
 * The GITS schedule's declared options (Chen et al., ICML 2024; zju-pi/diff-sampler gits-main sample.py flags
 * num_steps_tea, num_warmup, coeff, metric). Each appears as a control beside the schedule, in the URL and the
 * infotext, and is checked by the API against its range.
 */
import type { ChoiceOption, NumberOption, OptionValues } from '../option-spec';
import { GITS_METRICS, type GitsMetric } from './cost';

const FINE_POINTS_OPTION: NumberOption = {
  key: 'gitsFinePoints',
  label: 'GITS fine grid',
  type: 'number',
  integer: true,
  min: 11,
  max: 201,
  step: 1,
  default: 61,
  infotext: 'GITS fine grid',
  url: 'gf',
  description:
    'GITS: points of the fine Karras grid (shared ρ) the teacher walks and the search picks from; the paper uses 61 (num_steps_tea)',
};

const BATCH_OPTION: NumberOption = {
  key: 'gitsBatch',
  label: 'GITS batch',
  type: 'number',
  integer: true,
  min: 4,
  max: 1024,
  step: 4,
  // The reference warms up on 256 trajectories; on the 2D presets 64 chose the same grids within noise (measured in
  // bench/results/engine.md) and an image world's teacher costs a quarter as much.
  default: 64,
  infotext: 'GITS batch',
  url: 'gb',
  description: 'GITS: teacher trajectories the cost matrix averages over (the paper: 256, num_warmup)',
};

const COEFF_OPTION: NumberOption = {
  key: 'gitsCoeff',
  label: 'GITS coeff',
  type: 'number',
  min: 0.5,
  max: 2,
  step: 0.05,
  default: 1.15,
  infotext: 'GITS coeff',
  url: 'gc',
  description:
    'GITS: the search minimises Σ coeff^m·cost of step m, so above 1 later steps weigh more (the paper: 1.15)',
};

const METRIC_OPTION: ChoiceOption = {
  key: 'gitsMetric',
  label: 'GITS metric',
  type: 'choice',
  choices: [
    { value: 'dev', label: 'deviation' },
    { value: 'l2', label: 'L2' },
    { value: 'l1', label: 'L1' },
  ] satisfies ReadonlyArray<{ value: GitsMetric; label: string }>,
  default: 'dev',
  infotext: 'GITS metric',
  url: 'gm',
  description:
    "GITS: a step's cost; deviation from the trajectory's chord (the paper's default) or the L2/L1 distance to the teacher",
};

export const GITS_OPTIONS = [FINE_POINTS_OPTION, BATCH_OPTION, COEFF_OPTION, METRIC_OPTION] as const;

export interface GitsSettings {
  finePoints: number;
  batch: number;
  coeff: number;
  metric: GitsMetric;
}

/** The settings a run's schedule options give (defaults filled in). */
export function gitsSettings(values: OptionValues): GitsSettings {
  const metric = String(values.gitsMetric ?? METRIC_OPTION.default) as GitsMetric;
  return {
    finePoints: Number(values.gitsFinePoints ?? FINE_POINTS_OPTION.default),
    batch: Number(values.gitsBatch ?? BATCH_OPTION.default),
    coeff: Number(values.gitsCoeff ?? COEFF_OPTION.default),
    metric: GITS_METRICS.includes(metric) ? metric : 'dev',
  };
}
