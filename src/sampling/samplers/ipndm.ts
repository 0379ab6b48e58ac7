import { PlanBuilder } from '../plan';
import type { BuildPlan } from './types';

/** Adams–Bashforth weights for orders 1–4 (newest derivative first); iPNDM warms up through them
 *  (Zhang & Chen 2023, DEIS; zju-pi/diff-sampler solvers.py get_ipndm). */
export const ADAMS_BASHFORTH: readonly (readonly number[])[] = [
  [1],
  [3 / 2, -1 / 2],
  [23 / 12, -16 / 12, 5 / 12],
  [55 / 24, -59 / 24, 37 / 24, -9 / 24],
];

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
