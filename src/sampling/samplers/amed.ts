import { afsDirectionScale, amedStepForms, type AmedVariant, type Form } from '../amed/step';
import { PlanBuilder } from '../plan';
import type { BuildPlan, SamplerOptions } from './types';

/** Per-step AMED parameters: the mean-value position r ∈ (0, 1) and the direction scale c. */
export interface AmedStepParams {
  r: number;
  c: number;
}

export interface AmedParams {
  variant: AmedVariant;
  afs: boolean;
  steps: AmedStepParams[];
}

/**
 * AMED-Solver and AMED-Plugin as a plan, from calibrated (r_n, c_n) (Zhou et al. 2024; zju-pi/diff-sampler
 * amed_sampler, euler/dpm_2/ipndm plugins). The grid is N + 1 timestamps ending at σ_min — as in the official
 * code, there is no final denoise to 0. Each step: d at x (AFS: x/√(1+t²) on the first), y at the mean-value time
 * s, one evaluation there, then x' = base + c·direction (see ../amed/step.ts).
 */
export function buildAmedPlan(sigmas: Float64Array, amed: AmedParams): ReturnType<BuildPlan> {
  const steps = sigmas.length - 1;
  if (amed.steps.length !== steps) throw new RangeError(`amed: ${amed.steps.length} calibrated steps for a grid of ${steps}`);
  const plan = new PlanBuilder(sigmas);
  const pool = ['g0', 'g1', 'g2', 'g3', 'g4', 'g5'];
  let history: string[] = [];
  const freeRegister = (taken: string[]) => pool.find((g) => !taken.includes(g))!;
  for (let n = 0; n < steps; n++) {
    const [t, tNext] = [sigmas[n], sigmas[n + 1]];
    const { r, c } = amed.steps[n];
    const d = freeRegister(history);
    if (amed.afs && n === 0) {
      plan.combine(d, [['x', afsDirectionScale(t)]]);
      plan.combine('D', [['x', 1], [d, -t]]); // the D implied by the analytical direction, for the step scrubber
    } else {
      plan.denoise('x', t, 'D');
      plan.combine(d, [['x', 1 / t], ['D', -1 / t]]);
    }
    plan.record(n, 'x', 'D');
    const forms = amedStepForms(amed.variant, t, tNext, r, history.length);
    const ds = freeRegister([...history, d]);
    const names: Record<string, string> = { x: 'x', y: 'y', d, ds, h1: history[0], h2: history[1], h3: history[2] };
    const bind = (form: Form): Array<[string, number]> => form.map(([name, coef]) => [names[name], coef]);
    plan.combine('y', bind(forms.y));
    plan.denoise('y', forms.s, 'Dy');
    plan.combine(ds, [['y', 1 / forms.s], ['Dy', -1 / forms.s]]);
    plan.combine('x', [...bind(forms.base), ...bind(forms.direction).map(([name, coef]): [string, number] => [name, c * coef])]);
    if (amed.variant === 'ipndm') history = [ds, d, ...history].slice(0, 3);
  }
  return plan.record(steps, 'x', 'x').build();
}

export const buildAmed: BuildPlan = (sigmas, options: SamplerOptions) => {
  if (!options.amed) throw new Error('amed: the plan needs calibrated steps (Sandbox.sample calibrates first)');
  return buildAmedPlan(sigmas, options.amed);
};
