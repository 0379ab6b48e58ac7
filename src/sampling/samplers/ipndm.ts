import { ADAMS_BASHFORTH } from '../adams-bashforth';
import type { NumberOption } from '../option-spec';
import { PlanBuilder } from '../plan';
import type { BuildPlan, SamplerInfo } from './types';

/** The highest Adams–Bashforth order iPNDM warms up to (zju-pi/diff-sampler ipndm_sampler's max_order, default 4);
 *  1 is Euler. */
const MAX_ORDER_OPTION: NumberOption = {
  key: 'maxOrder',
  label: 'Max order',
  type: 'number',
  integer: true,
  min: 1,
  max: 4,
  step: 1,
  default: 4,
  infotext: 'iPNDM max order',
  url: 'ord',
  description: 'The highest Adams–Bashforth order iPNDM warms up to (zju-pi/diff-sampler max_order); 1 is Euler',
};

/** iPNDM: explicit Adams–Bashforth on d = (x − D)/σ with the order rising 1, 2, 3, 4 as history accumulates, capped
 *  at max_order. x_{i+1} = x_i + h·Σ_j a_j·d_{i−j}. The derivatives rotate through four registers. */
const buildIpndm: BuildPlan = (sigmas, options) => {
  const maxOrder = Number(options.maxOrder ?? MAX_ORDER_OPTION.default);
  const plan = new PlanBuilder(sigmas);
  const steps = sigmas.length - 1;
  const slot = (i: number) => `d${i % 4}`;
  for (let i = 0; i < steps; i++) {
    const [s, sNext] = [sigmas[i], sigmas[i + 1]];
    plan.denoise('x', s, 'D').record(i, 'x', 'D');
    plan.combine(slot(i), [
      ['x', 1 / s],
      ['D', -1 / s],
    ]);
    const weights = ADAMS_BASHFORTH[Math.min(i + 1, maxOrder) - 1];
    const h = sNext - s;
    plan.combine('x', [['x', 1], ...weights.map((a, j): [string, number] => [slot(i - j), h * a])]);
  }
  return plan.record(steps, 'x', 'x').build();
};

export const IPNDM: SamplerInfo = {
  id: 'ipndm',
  a1111: 'iPNDM',
  group: 'multistep ODE',
  label: 'iPNDM',
  options: [MAX_ORDER_OPTION],
  nfe: (n) => n,
  stochastic: false,
  defaultSchedule: 'karras',
  build: buildIpndm,
  citation: 'Zhang & Chen 2023 (DEIS), improved PNDM; zju-pi/diff-sampler',
};
