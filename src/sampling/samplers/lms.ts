import type { NumberOption } from '../option-spec';
import type { SamplerInfo } from './types';
import { PlanBuilder, type Plan } from '../plan';
import { checkRange } from './ancestral';

export interface LmsOptions {
  /** Number of derivatives the multistep formula uses, 1–4 (1 is Euler); the first steps warm up through lower orders. */
  order: number;
}

const LMS_DEFAULTS: LmsOptions = { order: 4 };

/**
 * ∫_{t_i}^{t_{i+1}} ℓ_j(τ) dτ for the Lagrange basis ℓ_j on the nodes t_i, t_{i−1}, …, t_{i−order+1} (ℓ_j is 1 at
 * t_{i−j}), exactly: with τ = t_i + h·v (h = t_{i+1} − t_i) and a_k = (t_{i−k} − t_i)/h, ℓ_j is the polynomial
 * Π_{k≠j} (v − a_k)/(a_j − a_k) in v; its monomial coefficients are multiplied out and integrated on [0, 1] term by term.
 * k-diffusion's linear_multistep_coeff computes the same integral by scipy quad (epsrel 1e-4).
 */
function lmsCoefficients(t: ArrayLike<number>, i: number, order: number): number[] {
  if (order - 1 > i) throw new RangeError(`lms: order ${order} too high for step ${i}`);
  const h = t[i + 1] - t[i];
  const a = Array.from({ length: order }, (_, k) => (t[i - k] - t[i]) / h);
  return a.map((aj, j) => {
    let poly = [1]; // coefficients of v^0, v^1, …
    let denom = 1;
    for (let k = 0; k < order; k++) {
      if (k === j) continue;
      const next = new Array<number>(poly.length + 1).fill(0);
      poly.forEach((c, m) => {
        next[m + 1] += c;
        next[m] -= a[k] * c;
      });
      poly = next;
      denom *= aj - a[k];
    }
    return (h * poly.reduce((sum, c, m) => sum + c / (m + 1), 0)) / denom;
  });
}

/**
 * Linear multistep (k-diffusion sample_lms; Adams–Bashforth in σ with variable steps): the derivative d = (x − D)/σ is
 * interpolated by the Lagrange polynomial through the last `order` values and integrated exactly over the step:
 *   x_{i+1} = x_i + Σ_j c_{ij}·d_{i−j},  c_{ij} = ∫_{σ_i}^{σ_{i+1}} ℓ_j(σ) dσ  (lmsCoefficients),
 * with the order min(i + 1, order). Every step uses the formula, the step to σ = 0 included. NFE = N.
 */
export function buildLms(sigmas: Float64Array, options: Partial<LmsOptions> = {}): Plan {
  const { order } = { ...LMS_DEFAULTS, ...options };
  checkRange('lms', 'order', order, 1, 4);
  if (!Number.isInteger(order)) throw new RangeError(`lms: order must be an integer, got ${order}`);
  const plan = new PlanBuilder(sigmas);
  const steps = sigmas.length - 1;
  const slot = (i: number) => `d${i % order}`;
  for (let i = 0; i < steps; i++) {
    const s = sigmas[i];
    plan.denoise('x', s, 'D').record(i, 'x', 'D');
    plan.combine(slot(i), [
      ['x', 1 / s],
      ['D', -1 / s],
    ]);
    const coefficients = lmsCoefficients(sigmas, i, Math.min(i + 1, order));
    plan.combine('x', [['x', 1], ...coefficients.map((c, j): [string, number] => [slot(i - j), c])]);
  }
  return plan.record(steps, 'x', 'x').build();
}

/** LMS's order under its own key: its range (1–4, default 4 as in k-diffusion) differs from UniPC's and DEIS's order. */
const LMS_ORDER_OPTION: NumberOption = {
  key: 'lmsOrder',
  label: 'LMS order',
  type: 'number',
  integer: true,
  min: 1,
  max: 4,
  step: 1,
  default: LMS_DEFAULTS.order,
  infotext: 'LMS order',
  url: 'lo',
  description: 'Derivatives the linear multistep formula uses (k-diffusion sample_lms order, default 4); 1 is Euler',
};

export const LMS: SamplerInfo = {
  id: 'lms',
  label: 'LMS',
  a1111: 'LMS',
  group: 'multistep ODE',
  options: [LMS_ORDER_OPTION],
  nfe: (n) => n,
  stochastic: false,
  defaultSchedule: 'karras',
  build: (sigmas, options) =>
    buildLms(sigmas, options.lmsOrder === undefined ? {} : { order: Number(options.lmsOrder) }),
  citation:
    'Linear multistep in σ, Lagrange coefficients integrated exactly (Karras et al. 2022 §3); k-diffusion sample_lms',
};
