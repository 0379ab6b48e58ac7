import { AMED, AMED_PLUGIN } from './amed';
import { DEIS } from './deis';
import { DDIM, DPM_2 } from './dpm-2';
import { DPM_2_ANCESTRAL } from './dpm-2-ancestral';
import { DPMPP_2M } from './dpmpp-2m';
import { DPMPP_2M_SDE } from './dpmpp-2m-sde';
import { DPMPP_2S_ANCESTRAL } from './dpmpp-2s-ancestral';
import { DPMPP_3M_SDE } from './dpmpp-3m-sde';
import { DPMPP_SDE } from './dpmpp-sde';
import { EULER } from './euler';
import { EULER_ANCESTRAL } from './euler-ancestral';
import { HEUN } from './heun';
import { IPNDM } from './ipndm';
import { LMS } from './lms';
import { REFLOW } from './reflow';
import { SDE } from './sde';
import { UNIPC } from './unipc';
import type { OptionSpec } from '../option-spec';
import type { SamplerGroup, SamplerInfo, SamplerOptions } from './types';

export type { SamplerGroup, SamplerInfo, SamplerOptions } from './types';

/** Every sampler the sandbox offers. An entry here is a real, tested algorithm (tests/unit/samplers.test.ts). */
export const SAMPLERS: readonly SamplerInfo[] = [
  EULER,
  HEUN,
  DPMPP_2M,
  IPNDM,
  SDE,
  REFLOW,
  AMED,
  AMED_PLUGIN,
  DPM_2,
  DDIM,
  LMS,
  UNIPC,
  DEIS,
  EULER_ANCESTRAL,
  DPM_2_ANCESTRAL,
  DPMPP_2S_ANCESTRAL,
  DPMPP_SDE,
  DPMPP_2M_SDE,
  DPMPP_3M_SDE,
];

/** The picker's groups, in order. */
export const SAMPLER_GROUPS: readonly SamplerGroup[] = [
  'single-step ODE',
  'multistep ODE',
  'stochastic',
  'calibrated or learned',
];

export function samplerById(id: string): SamplerInfo | undefined {
  return SAMPLERS.find((s) => s.id === id);
}

/** Every option any sampler declares, once each (samplers may share one declaration, as AMED's two share AFS). */
export const SAMPLER_OPTIONS: readonly OptionSpec[] = [...new Set(SAMPLERS.flatMap((s) => s.options))];

/**
 * The most steps whose NFE fits in a budget (0 when even one step does not fit), for these option values: the one
 * function the engine and the page both use, since NFE can depend on options (AMED's AFS saves an evaluation).
 */
export function stepsForNfe(sampler: Pick<SamplerInfo, 'nfe'>, budget: number, options: SamplerOptions = {}): number {
  let steps = 0;
  while (steps < 1000 && sampler.nfe(steps + 1, options) <= budget) steps++;
  return steps;
}
