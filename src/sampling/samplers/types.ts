import type { AmedParams } from './amed';
import type { Plan } from '../plan';
import type { ScheduleId } from '../schedules';

export interface SamplerOptions {
  /** Noise level of the η-SDE family: 0 is the probability-flow ODE, 1 the reverse SDE. */
  eta: number;
  /** RF-SDE noise scale of the reflow sampler (0 = the ODE). */
  sigmaVar?: number;
  /** Calibrated AMED steps (amed and amed_plugin only). */
  amed?: AmedParams;
}

/** One signature for every sampler (the k-diffusion sampling.py habit): a σ grid ending in 0 → a plan. */
export type BuildPlan = (sigmas: Float64Array, options: SamplerOptions) => Plan;

export interface SamplerInfo {
  id: string;
  label: string;
  /** Network evaluations for a given number of steps. */
  nfe: (steps: number) => number;
  stochastic: boolean;
  citation: string;
  defaultSchedule: ScheduleId;
  /** Samplers that stop at σ_min without a final denoise (AMED, as in its official code) walk steps + 1
   *  timestamps ending at σ_min; the others walk steps intervals ending at σ = 0. */
  endsAtSigmaMin?: boolean;
  /** Needs per-world calibrated parameters before it can build a plan (AMED). */
  calibrated?: boolean;
  build: BuildPlan;
}
