import { buildAmed } from './amed';
import { buildDpmpp2m } from './dpmpp-2m';
import { buildEuler } from './euler';
import { buildHeun } from './heun';
import { buildIpndm } from './ipndm';
import { buildReflow } from './reflow';
import { buildSde } from './sde';
import type { SamplerInfo } from './types';

export type { BuildPlan, SamplerInfo, SamplerOptions } from './types';

/** Every sampler the sandbox offers. An entry here is a real, tested algorithm (tests/unit/samplers.test.ts). */
export const SAMPLERS: readonly SamplerInfo[] = [
  { id: 'euler', label: 'Euler', nfe: (n) => n, stochastic: false, defaultSchedule: 'karras', build: buildEuler,
    citation: 'Karras et al. 2022, EDM Alg. 2 (no churn)' },
  { id: 'heun', label: 'Heun', nfe: (n) => 2 * n - 1, stochastic: false, defaultSchedule: 'karras', build: buildHeun,
    citation: 'Karras et al. 2022, EDM Alg. 1' },
  { id: 'dpmpp_2m', label: 'DPM++(2M)', nfe: (n) => n, stochastic: false, defaultSchedule: 'karras', build: buildDpmpp2m,
    citation: 'Lu et al. 2022, DPM-Solver++ Alg. 2 (multistep)' },
  { id: 'ipndm', label: 'iPNDM', nfe: (n) => n, stochastic: false, defaultSchedule: 'karras', build: buildIpndm,
    citation: 'Zhang & Chen 2023 (DEIS), improved PNDM; zju-pi/diff-sampler' },
  { id: 'sde', label: 'η-SDE (Euler–Maruyama)', nfe: (n) => n, stochastic: true, defaultSchedule: 'karras', build: buildSde,
    citation: 'Song et al. 2021, reverse SDE; η interpolates to the ODE' },
  { id: 'reflow', label: 'ReFlow (RF Euler)', nfe: (n) => n, stochastic: false, defaultSchedule: 'linear_t', build: buildReflow,
    citation: 'Liu, Gong & Liu 2023 (ICLR), Euler in rectified-flow time; optional RF-SDE σ_var' },
  { id: 'amed', label: 'AMED-Solver', nfe: (n) => 2 * n - 1, stochastic: false, defaultSchedule: 'time_uniform', build: buildAmed,
    endsAtSigmaMin: true, calibrated: true, citation: 'Zhou et al. 2024 (CVPR), AMED-Solver with AFS; zju-pi/diff-sampler' },
  { id: 'amed_plugin', label: 'AMED-Plugin', nfe: (n) => 2 * n - 1, stochastic: false, defaultSchedule: 'time_uniform', build: buildAmed,
    endsAtSigmaMin: true, calibrated: true, citation: 'Zhou et al. 2024 (CVPR), AMED-Plugin on iPNDM / Euler / DPM-Solver-2' },
];

export function samplerById(id: string): SamplerInfo | undefined {
  return SAMPLERS.find((s) => s.id === id);
}

/** The most steps whose NFE fits in a budget (0 when even one step does not fit). */
export function stepsForNfe(sampler: SamplerInfo, budget: number): number {
  let steps = 0;
  while (steps < 1000 && sampler.nfe(steps + 1) <= budget) steps++;
  return steps;
}
