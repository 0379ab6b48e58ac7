import { PlanBuilder } from '../plan';
import type { BuildPlan, SamplerInfo } from './types';

/** Heun's 2nd-order method (Karras et al. 2022, Alg. 1, no churn): an Euler step to y, then the trapezoid
 *  x_{i+1} = x_i + h·(d_i + d'_i)/2, with h = σ_{i+1} − σ_i, d = (x − D)/σ; the step to σ = 0 stays Euler.
 *  Expanded into coefficients of x, D_i, y and D(y) so each stage is one combine. */
const buildHeun: BuildPlan = (sigmas) => {
  const plan = new PlanBuilder(sigmas);
  const steps = sigmas.length - 1;
  for (let i = 0; i < steps; i++) {
    const [s, sNext] = [sigmas[i], sigmas[i + 1]];
    const h = sNext - s;
    plan.denoise('x', s, 'D').record(i, 'x', 'D');
    if (sNext === 0) {
      plan.combine('x', [['D', 1]]);
      continue;
    }
    plan.combine('y', [
      ['x', 1 + h / s],
      ['D', -h / s],
    ]);
    plan.denoise('y', sNext, 'Dy');
    plan.combine('x', [
      ['x', 1 + h / (2 * s)],
      ['D', -h / (2 * s)],
      ['y', h / (2 * sNext)],
      ['Dy', -h / (2 * sNext)],
    ]);
  }
  return plan.record(steps, 'x', 'x').build();
};

export const HEUN: SamplerInfo = {
  id: 'heun',
  a1111: 'Heun',
  group: 'single-step ODE',
  label: 'Heun',
  options: [],
  nfe: (n) => 2 * n - 1,
  stochastic: false,
  defaultSchedule: 'karras',
  build: buildHeun,
  citation: 'Karras et al. 2022, EDM Alg. 1',
};
