import { ADAMS_BASHFORTH } from '../adams-bashforth';
import { PlanBuilder } from '../plan';
import type { BuildPlan, SamplerInfo } from './types';

/** iPNDM: explicit Adams–Bashforth on d = (x − D)/σ with the order rising 1, 2, 3, 4 as history accumulates.
 *  x_{i+1} = x_i + h·Σ_j a_j·d_{i−j}. The derivatives rotate through four registers. */
export const buildIpndm: BuildPlan = (sigmas) => {
  const plan = new PlanBuilder(sigmas);
  const steps = sigmas.length - 1;
  const slot = (i: number) => `d${i % 4}`;
  for (let i = 0; i < steps; i++) {
    const [s, sNext] = [sigmas[i], sigmas[i + 1]];
    plan.denoise('x', s, 'D').record(i, 'x', 'D');
    plan.combine(slot(i), [['x', 1 / s], ['D', -1 / s]]);
    const weights = ADAMS_BASHFORTH[Math.min(i, 3)];
    const h = sNext - s;
    plan.combine('x', [['x', 1], ...weights.map((a, j): [string, number] => [slot(i - j), h * a])]);
  }
  return plan.record(steps, 'x', 'x').build();
};

export const IPNDM: SamplerInfo = {
  id: 'ipndm', label: 'iPNDM', options: [], nfe: (n) => n, stochastic: false, defaultSchedule: 'karras', build: buildIpndm,
  citation: 'Zhang & Chen 2023 (DEIS), improved PNDM; zju-pi/diff-sampler',
};
