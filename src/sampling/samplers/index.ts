import { AMED, AMED_PLUGIN } from './amed';
import { DPMPP_2M } from './dpmpp-2m';
import { EULER } from './euler';
import { HEUN } from './heun';
import { IPNDM } from './ipndm';
import { REFLOW } from './reflow';
import { SDE } from './sde';
import type { OptionSpec } from '../option-spec';
import type { SamplerInfo, SamplerOptions } from './types';

export type { SamplerInfo, SamplerOptions } from './types';

/** Every sampler the sandbox offers. An entry here is a real, tested algorithm (tests/unit/samplers.test.ts). */
export const SAMPLERS: readonly SamplerInfo[] = [EULER, HEUN, DPMPP_2M, IPNDM, SDE, REFLOW, AMED, AMED_PLUGIN];

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
