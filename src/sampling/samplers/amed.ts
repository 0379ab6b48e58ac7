import type { AmedParams, AmedStepParams } from '../amed/params';
import { prepareAmed } from '../amed/prepare';
import { afsDirectionScale, amedNfe, amedStepForms, type AmedVariant, type Form } from '../amed/step';
import type { BooleanOption, ChoiceOption } from '../option-spec';
import { PlanBuilder } from '../plan';
import { buildAmedPredictedPlan } from './amed-predicted';
import type { BuildPlan, SamplerInfo, SamplerOptions } from './types';

/** AMED's analytical first step (Zhou et al. 2024, §3.3): the first direction is x/√(1+t²), saving one evaluation. */
const AFS_OPTION: BooleanOption = {
  key: 'afs',
  label: 'AFS',
  type: 'boolean',
  default: true,
  infotext: 'AFS',
  url: 'afs',
  description:
    'Analytical first step: the first direction is x/√(1+σ²), saving one evaluation (Zhou et al. 2024, §3.3)',
};

/** The solver AMED-Plugin wraps (Zhou et al. 2024, Table 3); iPNDM is the paper's best. */
export const AMED_BASE_OPTION: ChoiceOption = {
  key: 'base',
  label: 'Base',
  type: 'choice',
  default: 'ipndm',
  infotext: 'AMED base',
  url: 'base',
  aliases: ['amedBase'],
  choices: [
    { value: 'ipndm', label: 'iPNDM' },
    { value: 'euler', label: 'Euler' },
    { value: 'dpm2', label: 'DPM-Solver-2' },
  ],
  description: 'The solver AMED-Plugin wraps with its mean-value step (Zhou et al. 2024, Table 3)',
};

export type { AmedParams } from '../amed/params';

/**
 * AMED-Solver and AMED-Plugin as a plan, from calibrated (r_n, c_n) (Zhou et al. 2024; zju-pi/diff-sampler
 * amed_sampler, euler/dpm_2/ipndm plugins). The grid is N + 1 timestamps ending at σ_min — as in the official
 * code, there is no final denoise to 0. Each step: d at x (AFS: x/√(1+t²) on the first), y at the mean-value time
 * s, one evaluation there, then x' = base + c·direction (see ../amed/step.ts).
 */
export function buildAmedPlan(sigmas: Float64Array, amed: AmedParams): ReturnType<BuildPlan> {
  const steps = sigmas.length - 1;
  if (amed.steps.length !== steps)
    throw new RangeError(`amed: ${amed.steps.length} calibrated steps for a grid of ${steps}`);
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
      plan.combine('D', [
        ['x', 1],
        [d, -t],
      ]); // the D implied by the analytical direction, for the step scrubber
    } else {
      plan.denoise('x', t, 'D');
      plan.combine(d, [
        ['x', 1 / t],
        ['D', -1 / t],
      ]);
    }
    plan.record(n, 'x', 'D');
    const forms = amedStepForms(amed.variant, t, tNext, r, history.length);
    const ds = freeRegister([...history, d]);
    const names: Record<string, string> = { x: 'x', y: 'y', d, ds, h1: history[0], h2: history[1], h3: history[2] };
    const bind = (form: Form): Array<[string, number]> => form.map(([name, coef]) => [names[name], coef]);
    plan.combine('y', bind(forms.y));
    plan.denoise('y', forms.s, 'Dy');
    plan.combine(ds, [
      ['y', 1 / forms.s],
      ['Dy', -1 / forms.s],
    ]);
    plan.combine('x', [
      ...bind(forms.base),
      ...bind(forms.direction).map(([name, coef]): [string, number] => [name, c * coef]),
    ]);
    if (amed.variant === 'ipndm') history = [ds, d, ...history].slice(0, 3);
  }
  return plan.record(steps, 'x', 'x').build();
}

/** What AMED's preparation yields: calibrated (r_n, c_n) shared by every sample, or per-sample (r, c) from the
 *  learned predictor at run time. */
type AmedPrepared = { source: 'calibration'; steps: AmedStepParams[] } | { source: 'predictor' };

/** Which step rule a sampler id and its options select. */
export function amedVariant(samplerId: string, options: SamplerOptions): AmedVariant {
  return samplerId === 'amed' ? 'solver' : (String(options.base ?? AMED_BASE_OPTION.default) as AmedVariant);
}

const afsOf = (options: SamplerOptions = {}) => Boolean(options.afs ?? AFS_OPTION.default);

function amedBuilder(samplerId: string): BuildPlan {
  return (sigmas, options, prepared) => {
    const p = prepared as AmedPrepared | undefined;
    if (!p) throw new Error(`${samplerId}: the plan needs calibrated steps (Sandbox.sample prepares them first)`);
    if (p.source === 'predictor') return buildAmedPredictedPlan(sigmas, afsOf(options));
    return buildAmedPlan(sigmas, { variant: amedVariant(samplerId, options), afs: afsOf(options), steps: p.steps });
  };
}

export const AMED: SamplerInfo = {
  id: 'amed',
  group: 'calibrated or learned',
  label: 'AMED-Solver',
  options: [AFS_OPTION],
  nfe: (n, o) => amedNfe(n, afsOf(o)),
  stochastic: false,
  defaultSchedule: 'time_uniform',
  build: amedBuilder('amed'),
  endsAtSigmaMin: true,
  prepare: prepareAmed((o) => amedVariant('amed', o), afsOf),
  preparing: 'AMED calibration',
  citation: 'Zhou et al. 2024 (CVPR), AMED-Solver with AFS; zju-pi/diff-sampler',
};

export const AMED_PLUGIN: SamplerInfo = {
  id: 'amed_plugin',
  group: 'calibrated or learned',
  label: 'AMED-Plugin',
  options: [AMED_BASE_OPTION, AFS_OPTION],
  nfe: (n, o) => amedNfe(n, afsOf(o)),
  stochastic: false,
  defaultSchedule: 'time_uniform',
  build: amedBuilder('amed_plugin'),
  endsAtSigmaMin: true,
  prepare: prepareAmed((o) => amedVariant('amed_plugin', o), afsOf),
  preparing: 'AMED calibration',
  citation: 'Zhou et al. 2024 (CVPR), AMED-Plugin on iPNDM / Euler / DPM-Solver-2',
};
