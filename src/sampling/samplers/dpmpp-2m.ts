import { PlanBuilder } from '../plan';
import type { BuildPlan, SamplerInfo } from './types';

/** DPM-Solver++(2M) (Lu et al. 2022, Alg. 2; k-diffusion sample_dpmpp_2m). With λ = −log σ and h = λ_{i+1} − λ_i:
 *  x_{i+1} = (σ_{i+1}/σ_i)·x_i − expm1(−h)·D̃, where D̃ = (1 + 1/2r)·D_i − (1/2r)·D_{i−1}, r = h_{i−1}/h,
 *  and D̃ = D_i on the first step and on the step to σ = 0 (which then returns D_i). */
export const buildDpmpp2m: BuildPlan = (sigmas) => {
  const plan = new PlanBuilder(sigmas);
  const steps = sigmas.length - 1;
  const lambda = (sigma: number) => -Math.log(sigma);
  for (let i = 0; i < steps; i++) {
    const [s, sNext] = [sigmas[i], sigmas[i + 1]];
    // Alternate two registers so D_{i−1} survives without a copy.
    const current = i % 2 === 0 ? 'D0' : 'D1';
    const previous = i % 2 === 0 ? 'D1' : 'D0';
    plan.denoise('x', s, current).record(i, 'x', current);
    if (sNext === 0) {
      plan.combine('x', [[current, 1]]);
      continue;
    }
    const h = lambda(sNext) - lambda(s);
    const weight = -Math.expm1(-h);
    if (i === 0) {
      plan.combine('x', [
        ['x', sNext / s],
        [current, weight],
      ]);
    } else {
      const r = (lambda(s) - lambda(sigmas[i - 1])) / h;
      plan.combine('x', [
        ['x', sNext / s],
        [current, weight * (1 + 1 / (2 * r))],
        [previous, -weight / (2 * r)],
      ]);
    }
  }
  return plan.record(steps, 'x', 'x').build();
};

export const DPMPP_2M: SamplerInfo = {
  id: 'dpmpp_2m',
  a1111: 'DPM++ 2M',
  group: 'multistep ODE',
  label: 'DPM++(2M)',
  options: [],
  nfe: (n) => n,
  stochastic: false,
  defaultSchedule: 'karras',
  build: buildDpmpp2m,
  citation: 'Lu et al. 2022, DPM-Solver++ Alg. 2 (multistep)',
};
