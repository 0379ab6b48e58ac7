import { PlanBuilder } from '../plan';
import type { BuildPlan, SamplerInfo } from './types';

/** Euler on the probability-flow ODE dx/dσ = (x − D)/σ (Karras et al. 2022, Alg. 2 without churn). The step to
 *  σ = 0 returns D. Written as x_{i+1} = (σ_{i+1}/σ_i)·x_i + (1 − σ_{i+1}/σ_i)·D_i. */
export const buildEuler: BuildPlan = (sigmas) => {
  const plan = new PlanBuilder(sigmas);
  const steps = sigmas.length - 1;
  for (let i = 0; i < steps; i++) {
    const ratio = sigmas[i + 1] / sigmas[i];
    plan.denoise('x', sigmas[i], 'D').record(i, 'x', 'D');
    plan.combine('x', [
      ['x', ratio],
      ['D', 1 - ratio],
    ]);
  }
  return plan.record(steps, 'x', 'x').build();
};

export const EULER: SamplerInfo = {
  id: 'euler',
  a1111: 'Euler',
  group: 'single-step ODE',
  label: 'Euler',
  options: [],
  nfe: (n) => n,
  stochastic: false,
  defaultSchedule: 'karras',
  build: buildEuler,
  citation: 'Karras et al. 2022, EDM Alg. 2 (no churn)',
};
