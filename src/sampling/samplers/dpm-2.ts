import { buildEuler } from './euler';
import type { SamplerInfo } from './types';
import { PlanBuilder, type Plan } from '../plan';

/** The midpoint in log σ: exp(lerp(log σ_a, log σ_b, ½)) = √(σ_a σ_b) (k-diffusion's sigma_mid). */
export function logMidpoint(a: number, b: number): number {
  const la = Math.log(a);
  return Math.exp(la + 0.5 * (Math.log(b) - la));
}

/**
 * DPM-Solver-2 (Lu et al. 2022, DPM-Solver Alg. 1 with r = ½) in k-diffusion's Karras form (sample_dpm_2, no churn):
 * with d = (x − D)/σ and the midpoint σ_m = exp(½(log σ_i + log σ_{i+1})),
 *   y = x_i + (σ_m − σ_i)·d_i,   x_{i+1} = x_i + (σ_{i+1} − σ_i)·(y − D(y; σ_m))/σ_m.
 * The step to σ = 0 is Euler (returns D_i). NFE = 2N − 1. Second order.
 */
export function buildDpm2(sigmas: Float64Array): Plan {
  const plan = new PlanBuilder(sigmas);
  const steps = sigmas.length - 1;
  for (let i = 0; i < steps; i++) {
    const [s, sNext] = [sigmas[i], sigmas[i + 1]];
    plan.denoise('x', s, 'D').record(i, 'x', 'D');
    if (sNext === 0) {
      plan.combine('x', [['D', 1]]);
      continue;
    }
    const mid = logMidpoint(s, sNext);
    const a = (mid - s) / s;
    plan.combine('y', [
      ['x', 1 + a],
      ['D', -a],
    ]);
    plan.denoise('y', mid, 'Dy');
    const b = (sNext - s) / mid;
    plan.combine('x', [
      ['x', 1],
      ['y', b],
      ['Dy', -b],
    ]);
  }
  return plan.record(steps, 'x', 'x').build();
}

export const DPM_2: SamplerInfo = {
  id: 'dpm_2',
  label: 'DPM-Solver-2',
  a1111: 'DPM2',
  group: 'single-step ODE',
  options: [],
  nfe: (n) => 2 * n - 1,
  stochastic: false,
  defaultSchedule: 'karras',
  build: (sigmas) => buildDpm2(sigmas),
  citation: 'Lu et al. 2022, DPM-Solver-2 (midpoint in log σ); k-diffusion sample_dpm_2',
};

/** DDIM (Song, Meng & Ermon 2021) in this σ-parametrisation (x = x₀ + σ·ε, no VP scaling) is exactly Euler on the
 *  probability-flow ODE when η = 0, and Euler ancestral when η > 0 (Karras et al. 2022, App. B.1; k-diffusion). This
 *  entry is that alias, so A1111's "DDIM" has a home; for η > 0 pick Euler ancestral. */
export const DDIM: SamplerInfo = {
  id: 'ddim',
  label: 'DDIM (= Euler)',
  a1111: 'DDIM',
  group: 'single-step ODE',
  options: [],
  nfe: (n) => n,
  stochastic: false,
  defaultSchedule: 'karras',
  build: buildEuler,
  citation:
    'Song, Meng & Ermon 2021, DDIM: with η = 0 it is Euler here (Karras et al. 2022 App. B.1); η > 0 is Euler ancestral',
};
