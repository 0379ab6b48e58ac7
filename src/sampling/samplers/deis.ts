import { ORDER_OPTION } from './unipc';
import type { SamplerInfo } from './types';
import { PlanBuilder, type Plan } from '../plan';
import { checkRange } from './ancestral';

export interface DeisOptions {
  /** Adams–Bashforth order, 1–3 (1 is Euler); the first steps warm up through the lower orders. */
  order: number;
}

const DEIS_DEFAULTS: DeisOptions = { order: 3 };

/** The VP time of diff-sampler's DEIS (solver_utils.edm2t with its defaults): β_d, β_min fitted so that
 *  σ(1) = 80 and σ(ε_s = 1e−3) = 0.002 for σ(t) = √(exp(½β_d t² + β_min t) − 1). Fixed, whatever the run's σ range. */
const DEIS_TIME_MAP = (() => {
  const [sigmaMin, sigmaMax, epsilonS] = [0.002, 80, 1e-3];
  const betaD = (2 * (Math.log1p(sigmaMin * sigmaMin) / epsilonS - Math.log1p(sigmaMax * sigmaMax))) / (epsilonS - 1);
  const betaMin = Math.log1p(sigmaMax * sigmaMax) - 0.5 * betaD;
  return { betaD, betaMin };
})();

/** VP time t(σ) = (√(β_min² + 2β_d·log(1+σ²)) − β_min)/β_d (the inverse of σ(t)). */
function deisTime(sigma: number): number {
  const { betaD, betaMin } = DEIS_TIME_MAP;
  return (Math.sqrt(betaMin * betaMin + 2 * betaD * Math.log1p(sigma * sigma)) - betaMin) / betaD;
}

/** Gauss–Legendre nodes and weights on [−1, 1] (Newton on P_n from the Chebyshev guesses; Golub–Welsch accuracy). */
function gaussLegendre(n: number): { nodes: number[]; weights: number[] } {
  const nodes = new Array<number>(n);
  const weights = new Array<number>(n);
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp!: number;
    for (let iter = 0; iter < 100; iter++) {
      let [p1, p2] = [1, 0];
      for (let j = 1; j <= n; j++) [p1, p2] = [((2 * j - 1) * z * p1 - (j - 1) * p2) / j, p1];
      dp = (n * (z * p1 - p2)) / (z * z - 1);
      const dz = p1 / dp;
      z -= dz;
      if (Math.abs(dz) < 1e-16) break;
    }
    let [p1, p2] = [1, 0];
    for (let j = 1; j <= n; j++) [p1, p2] = [((2 * j - 1) * z * p1 - (j - 1) * p2) / j, p1];
    dp = (n * (z * p1 - p2)) / (z * z - 1);
    nodes[i] = -z;
    nodes[n - 1 - i] = z;
    weights[i] = weights[n - 1 - i] = 2 / ((1 - z * z) * dp * dp);
  }
  return { nodes, weights };
}

const GAUSS = gaussLegendre(20);

/**
 * DEIS tAB coefficients for the step σ_i → σ_{i+1}: C_j = ∫_{t_i}^{t_{i+1}} σ'(τ)·ℓ_j(τ) dτ, ℓ_j the Lagrange basis on the
 * VP times t_i, t_{i−1}, …, t_{i−order+1}. Written as ∫_{σ_i}^{σ_{i+1}} ℓ_j(t(σ)) dσ (the same integral, substituting
 * σ = σ(τ)), whose integrand is analytic for σ > 0 with its nearest singularities at σ = ±i·|β_min|/√(2β_d) ≈ ±8e−4·i;
 * so the interval is cut into panels at most a factor 2 wide in σ (each panel's width ≤ its distance from 0) and each
 * integrated by 20-point Gauss–Legendre: float64-exact in practice. (diff-sampler sums 10⁴ rectangles in τ.)
 */
function deisCoefficients(sigmas: ArrayLike<number>, i: number, order: number): number[] {
  const t = Array.from({ length: order }, (_, k) => deisTime(sigmas[i - k]));
  const [a, b] = [sigmas[i], sigmas[i + 1]];
  const out = new Array<number>(order).fill(0);
  const panels = Math.max(1, Math.ceil(Math.log2(Math.max(a, b) / Math.min(a, b))));
  const ratio = (b / a) ** (1 / panels);
  for (let p = 0; p < panels; p++) {
    const lo = a * ratio ** p;
    const hi = p === panels - 1 ? b : a * ratio ** (p + 1);
    const [center, half] = [0.5 * (lo + hi), 0.5 * (hi - lo)];
    GAUSS.nodes.forEach((node, q) => {
      const tau = deisTime(center + half * node);
      const w = half * GAUSS.weights[q];
      for (let j = 0; j < order; j++) {
        let l = 1;
        for (let k = 0; k < order; k++) if (k !== j) l *= (tau - t[k]) / (t[j] - t[k]);
        out[j] += w * l;
      }
    });
  }
  return out;
}

/**
 * DEIS with the time-based Adams–Bashforth tAB (Zhang & Chen, ICLR 2023, "Fast Sampling of Diffusion Models with
 * Exponential Integrator"; zju-pi/diff-sampler deis_sampler, deis_mode 'tab'). The derivative d = (x − D)/σ is
 * interpolated by a polynomial in the VP time t (DEIS_TIME_MAP) through the last `order` points and the ODE
 * dx/dσ = d integrated exactly against it:
 *   x_{i+1} = x_i + Σ_j C_{ij}·d_{i−j},   C_{ij} = ∫_{t_i}^{t_{i+1}} (dσ/dτ)·ℓ_j(τ) dτ   (deisCoefficients),
 * order min(i + 1, order) (order 1: Euler). The step to σ = 0 returns D (diff-sampler's denoise_to_zero). NFE = N.
 */
export function buildDeis(sigmas: Float64Array, options: Partial<DeisOptions> = {}): Plan {
  const { order } = { ...DEIS_DEFAULTS, ...options };
  checkRange('deis', 'order', order, 1, 3);
  if (!Number.isInteger(order)) throw new RangeError(`deis: order must be an integer, got ${order}`);
  const plan = new PlanBuilder(sigmas);
  const steps = sigmas.length - 1;
  const slot = (i: number) => `d${i % order}`;
  for (let i = 0; i < steps; i++) {
    const [s, sNext] = [sigmas[i], sigmas[i + 1]];
    plan.denoise('x', s, 'D').record(i, 'x', 'D');
    if (sNext === 0) {
      plan.combine('x', [['D', 1]]);
      continue;
    }
    plan.combine(slot(i), [
      ['x', 1 / s],
      ['D', -1 / s],
    ]);
    const current = Math.min(i + 1, order);
    const coefficients = current === 1 ? [sNext - s] : deisCoefficients(sigmas, i, current);
    plan.combine('x', [['x', 1], ...coefficients.map((c, j): [string, number] => [slot(i - j), c])]);
  }
  return plan.record(steps, 'x', 'x').build();
}

export const DEIS: SamplerInfo = {
  id: 'deis',
  label: 'DEIS (tAB)',
  a1111: 'DEIS',
  group: 'multistep ODE',
  options: [ORDER_OPTION],
  nfe: (n) => n,
  stochastic: false,
  defaultSchedule: 'karras',
  build: (sigmas, options) => buildDeis(sigmas, options as Partial<DeisOptions>),
  citation: 'Zhang & Chen 2023, DEIS time-based Adams–Bashforth; zju-pi/diff-sampler',
};
