import { PlanBuilder } from '../plan';
import type { NumberOption } from '../option-spec';
import type { BuildPlan, SamplerInfo } from './types';

/** η: 0 is the probability-flow ODE, 1 the reverse SDE (Song et al. 2021). The link format carries it as a panel's
 *  fourth part, so it has no URL key of its own. */
export const ETA_OPTION: NumberOption = {
  key: 'eta',
  label: 'η',
  type: 'number',
  min: 0,
  max: 1,
  step: 0.05,
  default: 1,
  infotext: 'Eta',
  description: 'Noise level η of the SDE family (Song et al. 2021): 0 is the probability-flow ODE, 1 the reverse SDE',
};

/** The η family dx = −(1+η²)/2·g²∇log p dt + η·g dw̄ (Song et al. 2021; η = 0 the ODE, η = 1 the reverse SDE),
 *  Euler–Maruyama for σ(t) = t:
 *  x_{i+1} = x_i + (1+η²)(σ_{i+1} − σ_i)·d_i + η·√(2σ_i(σ_i − σ_{i+1}))·ξ_i, the step to σ = 0 returning D.
 *  ξ_i is the increment of one Brownian path per sample indexed by u = σ/σ_0, so the path is independent of N. */
export const buildSde: BuildPlan = (sigmas, options) => {
  const eta = Number(options.eta ?? ETA_OPTION.default);
  const plan = new PlanBuilder(sigmas);
  const steps = sigmas.length - 1;
  const sigmaTop = sigmas[0];
  for (let i = 0; i < steps; i++) {
    const [s, sNext] = [sigmas[i], sigmas[i + 1]];
    plan.denoise('x', s, 'D').record(i, 'x', 'D');
    if (sNext === 0) {
      plan.combine('x', [['D', 1]]);
      continue;
    }
    const drift = ((1 + eta * eta) * (sNext - s)) / s;
    const noise =
      eta > 0 ? { scale: eta * Math.sqrt(2 * s * (s - sNext)), uFrom: s / sigmaTop, uTo: sNext / sigmaTop } : undefined;
    plan.combine(
      'x',
      [
        ['x', 1 + drift],
        ['D', -drift],
      ],
      noise,
    );
  }
  return plan.record(steps, 'x', 'x').build();
};

export const SDE: SamplerInfo = {
  id: 'sde',
  group: 'stochastic',
  label: 'η-SDE (Euler–Maruyama)',
  options: [ETA_OPTION],
  nfe: (n) => n,
  stochastic: true,
  defaultSchedule: 'karras',
  build: buildSde,
  citation: 'Song et al. 2021, reverse SDE; η interpolates to the ODE',
};
