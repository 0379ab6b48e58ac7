import type { BooleanOption, ChoiceOption, NumberOption } from '../option-spec';
import type { SamplerInfo } from './types';
import { PlanBuilder, type Plan } from '../plan';
import { checkRange } from './ancestral';

type UniPcVariant = 'bh1' | 'bh2';

export interface UniPcOptions {
  /** Order of the predictor UniP, 1–3 (the corrector UniC raises it by one); the first steps warm up through 1, 2. */
  order: number;
  /** B(h) = h ('bh1', suggested for unconditional sampling) or expm1(h) ('bh2', diff-sampler's default). */
  variant: UniPcVariant;
  /** Lower the order over the last steps (order min(order, steps left)), as diff-sampler and DPM-Solver do. */
  lowerOrderFinal: boolean;
}

const UNIPC_DEFAULTS: UniPcOptions = { order: 3, variant: 'bh2', lowerOrderFinal: true };

/** Solves A·v = b (small, dense) by Gaussian elimination with partial pivoting. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row.slice(0, n), b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    [m[c], m[p]] = [m[p], m[c]];
    for (let r = c + 1; r < n; r++) {
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  const v = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let acc = m[r][n];
    for (let k = r + 1; k < n; k++) acc -= m[r][k] * v[k];
    v[r] = acc / m[r][r];
  }
  return v;
}

/** One UniPC step's coefficients as linear forms. `previous` lists σ of the stored data predictions, newest first
 *  (D_0 at σ_prev0, D_1, …); the step goes σ_prev0 → σ_t with the given order (≤ previous.length). */
interface UniPcStepCoefficients {
  /** x_pred = x·x + Σ_k prev[k]·D_k. */
  predictor: { x: number; prev: number[] };
  /** x_corr = x·x + Σ_k prev[k]·D_k + next·D(x_pred; σ_t). */
  corrector: { x: number; prev: number[]; next: number };
}

/** UniPC with data prediction (Zhao et al. 2023; zju-pi/diff-sampler solver_utils.unipc_update),
 *  in λ = −log σ: h = λ_t − λ_0, r_k = (λ_k − λ_0)/h, with φ's of hh = −h and B(h) per variant; the predictor's ρ solve
 *  R_{p−1}·ρ = b_{p−1} (ρ = ½ at order 2), the corrector's R_p·ρ = b_p (ρ = ½ at order 1), R_{ik} = r_k^{i−1}. */
function unipcCoefficients(
  previous: number[],
  sigmaT: number,
  order: number,
  variant: UniPcVariant,
): UniPcStepCoefficients {
  const lambda = (s: number) => -Math.log(s);
  const l0 = lambda(previous[0]);
  const h = lambda(sigmaT) - l0;
  const rks: number[] = [];
  for (let k = 1; k < order; k++) rks.push((lambda(previous[k]) - l0) / h);
  rks.push(1);
  const hh = -h;
  const hPhi1 = Math.expm1(hh);
  let hPhiK = hPhi1 / hh - 1;
  let factorial = 1;
  const bH = variant === 'bh1' ? hh : Math.expm1(hh);
  const R: number[][] = [];
  const b: number[] = [];
  for (let i = 1; i <= order; i++) {
    R.push(rks.map((r) => r ** (i - 1)));
    b.push((hPhiK * factorial) / bH);
    factorial *= i + 1;
    hPhiK = hPhiK / hh - 1 / factorial;
  }
  const xCoef = sigmaT / previous[0];
  // D1_k = (D_k − D_0)/r_k for k = 1 … order − 1: a term ρ·D1_k adds ρ/r_k to D_k and −ρ/r_k to D_0.
  const spread = (rhos: number[], scale: number) => {
    const prev = new Array<number>(order).fill(0);
    rhos.forEach((rho, k) => {
      prev[k + 1] += (scale * rho) / rks[k];
      prev[0] -= (scale * rho) / rks[k];
    });
    return prev;
  };
  const rhosP =
    order === 1
      ? []
      : order === 2
        ? [0.5]
        : solve(
            R.slice(0, -1).map((row) => row.slice(0, -1)),
            b.slice(0, -1),
          );
  const predPrev = spread(rhosP, -bH);
  predPrev[0] += -hPhi1;
  const rhosC = order === 1 ? [0.5] : solve(R, b);
  const corrPrev = spread(rhosC.slice(0, -1), -bH);
  const next = -bH * rhosC[order - 1];
  corrPrev[0] += -hPhi1 - next;
  return { predictor: { x: xCoef, prev: predPrev }, corrector: { x: xCoef, prev: corrPrev, next } };
}

/**
 * UniPC (Zhao et al., NeurIPS 2023, "UniPC: A Unified Predictor-Corrector Framework for Fast Sampling of Diffusion
 * Models"; zju-pi/diff-sampler unipc_sampler), data prediction, variants bh1/bh2. Each step σ_i → σ_{i+1}:
 *   UniP:  x̃ = (σ_{i+1}/σ_i)·x_i − expm1(−h)·D_i − B(h)·Σ_k ρ^p_k·D1_k,
 *   UniC:  x_{i+1} = (σ_{i+1}/σ_i)·x_i − expm1(−h)·D_i − B(h)·(Σ_k ρ^c_k·D1_k + ρ^c_p·(D(x̃; σ_{i+1}) − D_i)),
 * with D1_k = (D_{i−k} − D_i)/r_k, and D(x̃; σ_{i+1}) — evaluated at the predicted point — is the next step's D_{i+1}:
 * the corrector costs no extra evaluation. Our grids end σ_{N−1} = σ_min, then 0: the step into σ_min is not
 * corrected (diff-sampler skips UniC there too), and the step to 0 returns D(x_{N−1}; σ_min) (its denoise_to_zero).
 * One evaluation per timestamp: NFE = N. (diff-sampler also corrects the last step when N ≤ order, then needs one more
 * evaluation; here that step is never corrected, so the NFE stays N. Its dynamic thresholding of D, meant for pixels
 * in [−1, 1], is not applied.)
 */
export function buildUniPc(sigmas: Float64Array, options: Partial<UniPcOptions> = {}): Plan {
  const { order: maxOrder, variant, lowerOrderFinal } = { ...UNIPC_DEFAULTS, ...options };
  checkRange('unipc', 'order', maxOrder, 1, 3);
  if (!Number.isInteger(maxOrder)) throw new RangeError(`unipc: order must be an integer, got ${maxOrder}`);
  if (variant !== 'bh1' && variant !== 'bh2')
    throw new RangeError(`unipc: variant must be 'bh1' or 'bh2', got ${String(variant)}`);
  const steps = sigmas.length - 1;
  if (sigmas[steps] !== 0) throw new RangeError('unipc: the grid must end at σ = 0');
  const plan = new PlanBuilder(sigmas);
  const timestamps = steps; // σ_0 … σ_{N−1}
  const slot = (k: number) => `M${k % (maxOrder + 1)}`;
  plan.denoise('x', sigmas[0], slot(0)).record(0, 'x', slot(0));
  // Stored data predictions, newest first: [register, σ].
  let history: Array<[string, number]> = [[slot(0), sigmas[0]]];
  for (let i = 0; i + 1 < timestamps; i++) {
    const sigmaT = sigmas[i + 1];
    const order = i + 1 < maxOrder ? i + 1 : lowerOrderFinal ? Math.min(maxOrder, timestamps - i - 1) : maxOrder;
    const useCorrector = i + 1 < timestamps - 1;
    const used = history.slice(0, order);
    const c = unipcCoefficients(
      used.map(([, s]) => s),
      sigmaT,
      order,
      variant,
    );
    const target = useCorrector ? 'y' : 'x';
    plan.combine(target, [
      ['x', c.predictor.x],
      ...used.map(([reg], k): [string, number] => [reg, c.predictor.prev[k]]),
    ]);
    const fresh = slot(i + 1);
    plan.denoise(target, sigmaT, fresh);
    if (useCorrector) {
      plan.combine('x', [
        ['x', c.corrector.x],
        ...used.map(([reg], k): [string, number] => [reg, c.corrector.prev[k]]),
        [fresh, c.corrector.next],
      ]);
    }
    plan.record(i + 1, 'x', fresh);
    history = [[fresh, sigmaT] as [string, number], ...history].slice(0, maxOrder);
  }
  // The step σ_min → 0: the last evaluation, D(x_{N−1}; σ_min), is the sample.
  plan.combine('x', [[history[0][0], 1]]);
  return plan.record(steps, 'x', 'x').build();
}

/** The solver order of UniPC and DEIS (1–3; both papers' default 3), one declaration for both. */
export const ORDER_OPTION: NumberOption = {
  key: 'order',
  label: 'Order',
  type: 'number',
  integer: true,
  min: 1,
  max: 3,
  step: 1,
  default: UNIPC_DEFAULTS.order,
  infotext: 'Order',
  url: 'or',
  description: 'Solver order (UniPC: the predictor, the corrector adds one; DEIS: Adams–Bashforth); warms up from 1',
};

const VARIANT_OPTION: ChoiceOption = {
  key: 'variant',
  label: 'B(h)',
  type: 'choice',
  choices: [
    { value: 'bh1', label: 'bh1' },
    { value: 'bh2', label: 'bh2' },
  ],
  default: UNIPC_DEFAULTS.variant,
  infotext: 'UniPC variant',
  url: 'bh',
  description: 'UniPC B(h) (Zhao et al. 2023 §3.3): bh1 = h (suggested for unconditional), bh2 = e^h − 1',
};

const LOWER_ORDER_FINAL_OPTION: BooleanOption = {
  key: 'lowerOrderFinal',
  label: 'Lower order at the end',
  type: 'boolean',
  default: UNIPC_DEFAULTS.lowerOrderFinal,
  infotext: 'UniPC lower order final',
  url: 'lof',
  description: 'Lower the order over the last steps, as diff-sampler and DPM-Solver do (stabler at few steps)',
};

/** Default schedule logSNR, its paper's. On gmm:ring8 it wins there (bench/results/engine.md) and loses on Karras,
 *  whose small final steps waste UniPC's high order. */
export const UNIPC: SamplerInfo = {
  id: 'unipc',
  label: 'UniPC',
  a1111: 'UniPC',
  group: 'multistep ODE',
  options: [ORDER_OPTION, VARIANT_OPTION, LOWER_ORDER_FINAL_OPTION],
  nfe: (n) => n,
  stochastic: false,
  defaultSchedule: 'logsnr',
  build: (sigmas, options) => buildUniPc(sigmas, options as Partial<UniPcOptions>),
  citation:
    'Zhao et al. 2023, UniPC (UniP + UniC, data prediction); default logSNR: on gmm:ring8 it wins there, loses on Karras',
};
