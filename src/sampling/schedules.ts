/**
 * σ schedules as float64 pure functions (algorithms.md, "Schedules"). Each returns N + 1 decreasing values,
 * σ_0 = σ_max … σ_{N−1}, then σ_N = 0, so every schedule gives N sampler steps.
 */

import type { OptionSpec, OptionValues } from './option-spec';
import type { ScheduleOptions } from './schedule-options';
import { karras, linearT, logSnr, timeUniform } from './schedules-core';
import {
  beta,
  BETA_OPTIONS,
  betaParams,
  klOptimal,
  polyexponential,
  simple,
  vp,
  VP_OPTIONS,
  vpParams,
} from './schedules-extra';
import { GITS_OPTIONS } from './gits/options';
import { prepareGitsGrid } from './gits/prepare';
import type { GridPrepareHook } from './prepare';

export { DEFAULT_SCHEDULE_OPTIONS, type ScheduleOptions } from './schedule-options';
export { karras, linearT, logSnr, timeUniform } from './schedules-core';

export type ScheduleId =
  | 'karras'
  | 'time_uniform'
  | 'logsnr'
  | 'linear_t'
  | 'polyexponential'
  | 'vp'
  | 'simple'
  | 'beta'
  | 'kl_optimal'
  | 'gits';

export interface ScheduleInfo {
  id: ScheduleId;
  label: string;
  /** Other names people type for it (A1111 / ComfyUI / k-diffusion), read by the infotext, URL and X/Y grid. */
  aliases?: readonly string[];
  citation: string;
  /** The schedule's own parameters, declared once (vp's β_d, β_min, ε_s; beta's α, β; GITS's search settings): the
   *  API, page state, URL, infotext and controls derive from them, as for sampler options (./option-spec.ts). */
  options: readonly OptionSpec[];
  /** The grid from the σ range and the schedule's own parameter values (absent ones take their defaults). */
  build: (steps: number, options: ScheduleOptions, params?: OptionValues) => Float64Array;
  /** Schedules searched on the run's own denoiser (GITS): the grid the run walks instead of `build`'s, computed
   *  through the prepare hook's services (./prepare.ts). `build` then gives the grid before the search. */
  prepare?: GridPrepareHook;
  /** What the page calls the search while it runs, e.g. "GITS search". */
  preparing?: string;
}

export const SCHEDULES: readonly ScheduleInfo[] = [
  { id: 'karras', label: 'Karras', citation: 'Karras et al. 2022, EDM eq. 5', options: [], build: karras },
  {
    id: 'time_uniform',
    label: 'Time uniform',
    citation: 'Zhou et al. 2024 (AMED), VP time-uniform',
    options: [],
    build: timeUniform,
  },
  {
    id: 'logsnr',
    label: 'LogSNR',
    // k-diffusion's get_sigmas_exponential is the same grid (uniform in log σ), A1111's "Exponential".
    aliases: ['Exponential'],
    citation: 'Lu et al. 2022 (DPM-Solver), uniform log σ (= k-diffusion exponential)',
    options: [],
    build: logSnr,
  },
  {
    id: 'linear_t',
    label: 'Linear t (RF)',
    citation: 'Liu et al. 2023 (Rectified Flow), uniform t',
    options: [],
    build: linearT,
  },
  {
    id: 'polyexponential',
    label: 'Polyexponential',
    citation: 'k-diffusion get_sigmas_polyexponential, polynomial in log σ with the shared ρ (ρ = 1 is LogSNR)',
    options: [],
    build: polyexponential,
  },
  {
    id: 'vp',
    label: 'VP',
    citation:
      'Song et al. 2021 VP SDE; k-diffusion get_sigmas_vp (its ends come from β_d, β_min, ε_s, not σ_max, σ_min)',
    options: VP_OPTIONS,
    build: (n, o, p = {}) => vp(n, o, vpParams(p)),
  },
  {
    id: 'simple',
    label: 'Simple',
    citation: 'ComfyUI simple: uniform in RF time t = σ/(1+σ)',
    options: [],
    build: simple,
  },
  {
    id: 'beta',
    label: 'Beta',
    citation: 'Lee et al. 2024, Beta sampling; ComfyUI beta: RF time at Beta(α, β) quantiles (default 0.6, 0.6)',
    options: BETA_OPTIONS,
    build: (n, o, p = {}) => beta(n, o, betaParams(p)),
  },
  {
    id: 'kl_optimal',
    label: 'KL Optimal',
    aliases: ['KL-optimal'],
    citation: 'Sabour et al. 2024 (Align Your Steps) KL-optimal, uniform in atan σ; ComfyUI kl_optimal',
    options: [],
    build: klOptimal,
  },
  {
    id: 'gits',
    label: 'GITS',
    citation:
      'Chen et al. 2024 (ICML), GITS: dynamic programming over a fine Karras grid from teacher trajectories; zju-pi/diff-sampler',
    options: GITS_OPTIONS,
    // Before the search (and wherever no denoiser is at hand, e.g. the σ chart of a panel that has not run), the
    // grid is the one the search picks from, Karras with the shared ρ.
    build: karras,
    prepare: prepareGitsGrid,
    preparing: 'GITS search',
  },
];

/** Every option any schedule declares, once each. */
export const SCHEDULE_OPTIONS: readonly OptionSpec[] = [...new Set(SCHEDULES.flatMap((s) => s.options))];

export function scheduleById(id: string): ScheduleInfo | undefined {
  return SCHEDULES.find((s) => s.id === id);
}
