/**
 * Forward-only AMED calibration (ours; algorithms.md "Forward-only calibration"): no gradient through the network.
 * For each step n, starting from the teacher's state at t_n (each step restarts from the teacher, as in AMED's
 * training), search r ∈ (0, 1) on a grid then by golden section; for each r the update x' = base + c·direction is
 * linear in c, so the least-squares c against the teacher's x_{n+1} is closed-form. This is the time-only variant:
 * one (r_n, c_n) per step, shared by all samples. The teacher is Heun on a finer grid.
 */
import type { AmedParams, AmedStepParams } from './params';
import { afsDirectionScale, amedStepForms, type AmedVariant, type Form } from './step';

/** D(x; σ) for a batch (row-major count × dim) at one σ. */
type BatchDenoise = (x: Float64Array, sigma: number) => Promise<Float64Array>;

export interface CalibrationOptions {
  variant: AmedVariant;
  afs: boolean;
  /** Student timestamps σ_0 > … > σ_N = σ_min. */
  sigmas: ArrayLike<number>;
  denoise: BatchDenoise;
  /** Starting noise z (x_0 = σ_0·z) of the calibration batch. */
  noise: ArrayLike<number>;
  /** Teacher Heun sub-steps per student interval (log-uniform in σ). */
  teacherSubsteps?: number;
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

export interface CalibrationResult extends AmedParams {
  /** Per-step RMS distance to the teacher after the step, with the chosen (r, c). */
  losses: number[];
}

const GRID = 16;
const GOLDEN_ITERATIONS = 14;
/** c stays near 1, as the paper's head bounds it; a wide but finite box keeps a degenerate batch from blowing up. */
const C_RANGE: [number, number] = [0.5, 1.5];

export async function calibrateAmed(options: CalibrationOptions): Promise<CalibrationResult> {
  const { sigmas, variant } = options;
  const steps = sigmas.length - 1;
  const evaluationsPerStep = GRID + GOLDEN_ITERATIONS + 1;
  // Progress and cancellation count every forward solve, the teacher's included: at 1,000 steps the teacher alone
  // is 16,000 of them, minutes on a slow adapter, and must be seen to move and be stoppable.
  const total = steps * (2 * teacherSubsteps(options) + evaluationsPerStep);
  let solved = 0;
  const denoise: BatchDenoise = async (x, sigma) => {
    if (options.signal?.aborted) throw new DOMException('AMED calibration cancelled', 'AbortError');
    const D = await options.denoise(x, sigma);
    options.onProgress?.(Math.min(1, ++solved / total));
    return D;
  };
  const teacher = await teacherStates({ ...options, denoise });
  const result: AmedStepParams[] = [];
  const losses: number[] = [];
  let history: Float64Array[] = [];
  for (let n = 0; n < steps; n++) {
    const [t, tNext] = [sigmas[n], sigmas[n + 1]];
    const x = teacher[n];
    const target = teacher[n + 1];
    let d: Float64Array;
    if (options.afs && n === 0) {
      d = x.map((v) => v * afsDirectionScale(t));
    } else {
      const D = await denoise(x, t);
      d = x.map((v, i) => (v - D[i]) / t);
    }
    const vectors: Record<string, Float64Array> = { x, d, h1: history[0], h2: history[1], h3: history[2] };
    const evaluate = async (r: number) => {
      const forms = amedStepForms(variant, t, tNext, r, history.length);
      const y = combine(forms.y, vectors, x.length);
      const Dy = await denoise(y, forms.s);
      const ds = y.map((v, i) => (v - Dy[i]) / forms.s);
      const all = { ...vectors, y, ds };
      const base = combine(forms.base, all, x.length);
      const direction = combine(forms.direction, all, x.length);
      // min_c ‖base + c·direction − target‖²  ⇒  c = ⟨target − base, direction⟩ / ⟨direction, direction⟩.
      let num = 0;
      let den = 0;
      for (let i = 0; i < x.length; i++) {
        num += (target[i] - base[i]) * direction[i];
        den += direction[i] * direction[i];
      }
      const c = Math.min(C_RANGE[1], Math.max(C_RANGE[0], den > 0 ? num / den : 1));
      let loss = 0;
      for (let i = 0; i < x.length; i++) loss += (base[i] + c * direction[i] - target[i]) ** 2;
      return { r, c, loss: loss / x.length, ds };
    };
    // Coarse grid over all of (0, 1): the best r of the first step can sit below 0.05 (measured.md).
    const grid = [];
    for (let k = 0; k < GRID; k++) grid.push(await evaluate((k + 0.5) / GRID));
    const best = grid.reduce((a, b) => (b.loss < a.loss ? b : a));
    let lo = Math.max(1e-4, best.r - 1 / GRID);
    let hi = Math.min(1 - 1e-4, best.r + 1 / GRID);
    const phi = (Math.sqrt(5) - 1) / 2;
    let a = await evaluate(hi - phi * (hi - lo));
    let b = await evaluate(lo + phi * (hi - lo));
    for (let k = 2; k < GOLDEN_ITERATIONS; k++) {
      if (a.loss < b.loss) {
        hi = b.r;
        b = a;
        a = await evaluate(hi - phi * (hi - lo));
      } else {
        lo = a.r;
        a = b;
        b = await evaluate(lo + phi * (hi - lo));
      }
    }
    const chosen = [best, a, b].reduce((p, q) => (q.loss < p.loss ? q : p));
    result.push({ r: chosen.r, c: chosen.c });
    losses.push(Math.sqrt(chosen.loss));
    if (variant === 'ipndm') history = [chosen.ds, d, ...history].slice(0, 3);
  }
  return { variant, afs: options.afs, steps: result, losses };
}

function combine(form: Form, vectors: Record<string, Float64Array>, length: number): Float64Array {
  const out = new Float64Array(length);
  for (const [name, coef] of form) {
    const v = vectors[name];
    for (let i = 0; i < length; i++) out[i] += coef * v[i];
  }
  return out;
}

/** Heun (EDM Alg. 1) on `teacherSubsteps` log-uniform sub-steps per student interval; returns x at each σ_n. */
async function teacherStates(options: CalibrationOptions): Promise<Float64Array[]> {
  const { sigmas, denoise } = options;
  const substeps = teacherSubsteps(options);
  let x = Float64Array.from(options.noise, (v) => v * sigmas[0]);
  const states = [x];
  for (let n = 0; n + 1 < sigmas.length; n++) {
    const [a, b] = [Math.log(sigmas[n]), Math.log(sigmas[n + 1])];
    for (let k = 0; k < substeps; k++) {
      const t = Math.exp(a + ((b - a) * k) / substeps);
      const tNext = k + 1 === substeps ? sigmas[n + 1] : Math.exp(a + ((b - a) * (k + 1)) / substeps);
      const D = await denoise(x, t);
      const d = x.map((v, i) => (v - D[i]) / t);
      const xe = x.map((v, i) => v + (tNext - t) * d[i]);
      const De = await denoise(xe, tNext);
      x = x.map((v, i) => v + ((tNext - t) * (d[i] + (xe[i] - De[i]) / tNext)) / 2);
    }
    states.push(x);
  }
  return states;
}

const teacherSubsteps = (options: CalibrationOptions) => options.teacherSubsteps ?? 8;
