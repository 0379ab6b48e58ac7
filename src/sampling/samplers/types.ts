import type { OptionSpec, OptionValues } from '../option-spec';
import type { Plan } from '../plan';
import type { PrepareHook } from '../prepare';
import type { ScheduleId } from '../schedules';

/** A sampler's option values by key (every option it declares, defaults filled in). */
export type SamplerOptions = OptionValues;

/**
 * One signature for every sampler (the k-diffusion sampling.py habit): a σ grid ending in 0 → a plan. `prepared` is
 * what the sampler's own `prepare` hook produced for this run (absent for samplers without one).
 */
export type BuildPlan = (sigmas: Float64Array, options: SamplerOptions, prepared?: unknown) => Plan;

/** How the page's picker groups the samplers. */
export type SamplerGroup = 'single-step ODE' | 'multistep ODE' | 'stochastic' | 'calibrated or learned';

export interface SamplerInfo {
  id: string;
  label: string;
  /** The name AUTOMATIC1111 / ComfyUI users type and A1111 writes into its PNG infotext ("DPM++ 2M", "Euler a");
   *  absent where A1111 has no such sampler. Our infotext writes it; the infotext, URL and X/Y grid read it. */
  a1111?: string;
  /** The picker's group. */
  group: SamplerGroup;
  /** The options this sampler reads, declared once: the API, page state, URL, infotext and controls derive from
   *  them (../option-spec.ts). */
  options: readonly OptionSpec[];
  /** Network evaluations for a given number of steps and option values (AMED's AFS saves one). */
  nfe: (steps: number, options?: SamplerOptions) => number;
  stochastic: boolean;
  citation: string;
  defaultSchedule: ScheduleId;
  /** Samplers that stop at σ_min without a final denoise (AMED, as in its official code) walk steps + 1
   *  timestamps ending at σ_min; the others walk steps intervals ending at σ = 0. */
  endsAtSigmaMin?: boolean;
  build: BuildPlan;
  /** Samplers that must prepare before they can build (AMED's calibration or learned predictor): what this returns
   *  goes to `build` and to the executor (../prepare.ts). */
  prepare?: PrepareHook;
  /** What the page calls the preparation while it runs, e.g. "AMED calibration". */
  preparing?: string;
}
