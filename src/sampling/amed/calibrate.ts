/**
 * Forward-only AMED calibration (ours; algorithms.md "Forward-only calibration"): no gradient through the network.
 * For each step n, starting from the teacher's state at t_n (each step restarts from the teacher, as in AMED's
 * training), search r ∈ (0, 1) on a grid then by golden section; for each r the update x' = base + c·direction is
 * linear in c, so the least-squares c against the teacher's x_{n+1} is closed-form. This is the time-only variant:
 * one (r_n, c_n) per step, shared by all samples. The teacher is Heun on a finer grid, solved as one plan
 * (./teacher.ts). Every evaluation that does not wait for another is asked for in the same call (all steps' d, a
 * step's whole grid, and the steps' golden-section rounds side by side, as only iPNDM's history ties a step to the
 * one before), so a GPU spends a dispatch per round of the search, not one per candidate.
 */
import type { Plan } from '../plan';
import type { AmedParams, AmedStepParams } from './params';
import { afsDirectionScale, amedStepForms, type AmedVariant, type Form } from './step';
import { teacherPlan } from './teacher';

/** One batch of the calibration's samples (row-major count × dim) to denoise at one σ. */
export interface DenoiseBatch {
  x: Float64Array;
  sigma: number;
}

export interface CalibrationOptions {
  variant: AmedVariant;
  afs: boolean;
  /** Student timestamps σ_0 > … > σ_N = σ_min. */
  sigmas: ArrayLike<number>;
  /** D(x; σ) of several batches, each at its own σ, in one call: the search asks for every candidate it can
   *  evaluate at once, which a GPU runs as one dispatch. */
  denoise: (batches: readonly DenoiseBatch[]) => Promise<Float64Array[]>;
  /** Runs a plan from x_0 = σ_0·noise on the same denoiser and returns x at each of its records (the teacher);
   *  `onProgress` hears the fraction of the plan's evaluations done, `signal` stops it. */
  solve: (
    plan: Plan,
    noise: ArrayLike<number>,
    control: { signal?: AbortSignal; onProgress?: (fraction: number) => void },
  ) => Promise<Float64Array[]>;
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
const PHI = (Math.sqrt(5) - 1) / 2;
/** Values (samples × dim, float64) a round of the search may hold per vector kind: steps searched side by side are
 *  grouped so a round of grids stays within it (2D: 256 steps of 512 points; a 28×28 image batch: 20). */
const ROUND_VALUES = 1 << 22;

const cancelled = () => new DOMException('AMED calibration cancelled', 'AbortError');

/** What one step's search reads: the teacher's state and target, the step's direction d, the iPNDM history. */
interface StepContext {
  t: number;
  tNext: number;
  target: Float64Array;
  vectors: Record<string, Float64Array>;
  historyLength: number;
}

interface Candidate {
  r: number;
  c: number;
  loss: number;
  ds: Float64Array;
}

export async function calibrateAmed(options: CalibrationOptions): Promise<CalibrationResult> {
  const { sigmas, variant } = options;
  const steps = sigmas.length - 1;
  const substeps = options.teacherSubsteps ?? 8;
  const evaluationsPerStep = GRID + GOLDEN_ITERATIONS + 1;
  // Progress and cancellation count every forward solve, the teacher's included: at 1,000 steps the teacher alone
  // is 16,000 of them, minutes on a slow adapter, and must be seen to move and be stoppable.
  const teacherEvaluations = 2 * substeps * steps;
  const first = options.afs ? 1 : 0;
  const total = teacherEvaluations + steps * evaluationsPerStep - first;
  let solved = 0;
  const report = () => options.onProgress?.(Math.min(1, solved / total));
  const denoise = async (batches: DenoiseBatch[]) => {
    if (options.signal?.aborted) throw cancelled();
    const D = await options.denoise(batches);
    solved += batches.length;
    report();
    return D;
  };
  if (options.signal?.aborted) throw cancelled();
  const teacher = await options.solve(teacherPlan(sigmas, substeps), options.noise, {
    signal: options.signal,
    onProgress: (fraction) => {
      solved = fraction * teacherEvaluations;
      report();
    },
  });
  solved = teacherEvaluations;
  if (teacher.length !== steps + 1) throw new Error(`calibrateAmed: the teacher gave ${teacher.length} states`);

  /** The steps' directions d = (x_n − D(x_n; t_n))/t_n (AFS: x_n/√(1+t_n²) at step 0): they read only the teacher,
   *  so a group's are one call. */
  const directionsOf = async (group: number[]) => {
    const evaluated = group.filter((n) => n >= first);
    const D = await denoise(evaluated.map((n) => ({ x: teacher[n], sigma: sigmas[n] })));
    return group.map((n) => {
      if (n < first) return teacher[n].map((v) => v * afsDirectionScale(sigmas[n]));
      const Dn = D[evaluated.indexOf(n)];
      return teacher[n].map((v, i) => (v - Dn[i]) / sigmas[n]);
    });
  };

  /** Evaluates candidate r's, each for its step, with one call for all of them. */
  const evaluate = async (requests: Array<{ step: StepContext; r: number }>): Promise<Candidate[]> => {
    const staged = requests.map(({ step, r }) => {
      const forms = amedStepForms(variant, step.t, step.tNext, r, step.historyLength);
      return { step, r, forms, y: combine(forms.y, step.vectors, step.target.length) };
    });
    const D = await denoise(staged.map(({ y, forms }) => ({ x: y, sigma: forms.s })));
    return staged.map(({ step, r, forms, y }, k) => fit(step, r, forms, y, D[k]));
  };

  // Steps depend on each other only through iPNDM's history (the chosen candidate's d_s); otherwise every step's
  // search runs in lockstep with the others' of its group, one call per round, exactly as it would alone.
  const perGroup = variant === 'ipndm' ? 1 : Math.max(1, Math.floor(ROUND_VALUES / (GRID * teacher[0].length)));
  const chosen: Candidate[] = [];
  let history: Float64Array[] = [];
  for (let start = 0; start < steps; start += perGroup) {
    const group = Array.from({ length: Math.min(perGroup, steps - start) }, (_, k) => start + k);
    const directions = await directionsOf(group);
    const contexts = group.map((n, k): StepContext => ({
      t: sigmas[n],
      tNext: sigmas[n + 1],
      target: teacher[n + 1],
      vectors: { x: teacher[n], d: directions[k], h1: history[0], h2: history[1], h3: history[2] },
      historyLength: history.length,
    }));
    for (const [k, best] of (await search(contexts, evaluate)).entries()) {
      chosen[group[k]] = best;
      if (variant === 'ipndm') history = [best.ds, directions[k], ...history].slice(0, 3);
    }
  }
  return {
    variant,
    afs: options.afs,
    steps: chosen.map(({ r, c }): AmedStepParams => ({ r, c })),
    losses: chosen.map(({ loss }) => Math.sqrt(loss)),
  };
}

/** The least-squares c of a candidate r and its loss: the update is linear in c, x' = base + c·direction, so
 *  min_c ‖base + c·direction − target‖² has c = ⟨target − base, direction⟩ / ⟨direction, direction⟩. */
function fit(
  step: StepContext,
  r: number,
  forms: ReturnType<typeof amedStepForms>,
  y: Float64Array,
  Dy: Float64Array,
): Candidate {
  const { target } = step;
  const length = target.length;
  const ds = y.map((v, i) => (v - Dy[i]) / forms.s);
  const all = { ...step.vectors, y, ds };
  const base = combine(forms.base, all, length);
  const direction = combine(forms.direction, all, length);
  let num = 0;
  let den = 0;
  for (let i = 0; i < length; i++) {
    num += (target[i] - base[i]) * direction[i];
    den += direction[i] * direction[i];
  }
  const c = Math.min(C_RANGE[1], Math.max(C_RANGE[0], den > 0 ? num / den : 1));
  let loss = 0;
  for (let i = 0; i < length; i++) loss += (base[i] + c * direction[i] - target[i]) ** 2;
  return { r, c, loss: loss / length, ds };
}

/** Each step's r: a coarse grid over all of (0, 1) (the best r of the first step can sit below 0.05, measured.md),
 *  then golden-section search around the grid's best; the steps advance together, one evaluation each per round. */
async function search(
  steps: StepContext[],
  evaluate: (requests: Array<{ step: StepContext; r: number }>) => Promise<Candidate[]>,
): Promise<Candidate[]> {
  const grid = await evaluate(
    steps.flatMap((step) => Array.from({ length: GRID }, (_, k) => ({ step, r: (k + 0.5) / GRID }))),
  );
  const brackets = steps.map((step, j) => {
    const best = grid.slice(j * GRID, (j + 1) * GRID).reduce((a, b) => (b.loss < a.loss ? b : a));
    return { step, best, lo: Math.max(1e-4, best.r - 1 / GRID), hi: Math.min(1 - 1e-4, best.r + 1 / GRID) };
  });
  const pair = await evaluate(
    brackets.flatMap(({ step, lo, hi }) => [
      { step, r: hi - PHI * (hi - lo) },
      { step, r: lo + PHI * (hi - lo) },
    ]),
  );
  const states = brackets.map((bracket, j) => ({ ...bracket, a: pair[2 * j], b: pair[2 * j + 1] }));
  for (let k = 2; k < GOLDEN_ITERATIONS; k++) {
    // Each bracket shrinks towards its better interior point, which becomes the other one; the freed one is new.
    const fresh = states.map((s) => {
      if (s.a.loss < s.b.loss) {
        s.hi = s.b.r;
        s.b = s.a;
        return 'a' as const;
      }
      s.lo = s.a.r;
      s.a = s.b;
      return 'b' as const;
    });
    const evaluated = await evaluate(
      states.map((s, j) => ({
        step: s.step,
        r: fresh[j] === 'a' ? s.hi - PHI * (s.hi - s.lo) : s.lo + PHI * (s.hi - s.lo),
      })),
    );
    states.forEach((s, j) => (s[fresh[j]] = evaluated[j]));
  }
  return states.map((s) => [s.best, s.a, s.b].reduce((p, q) => (q.loss < p.loss ? q : p)));
}

function combine(form: Form, vectors: Record<string, Float64Array>, length: number): Float64Array {
  const out = new Float64Array(length);
  for (const [name, coef] of form) {
    const v = vectors[name];
    for (let i = 0; i < length; i++) out[i] += coef * v[i];
  }
  return out;
}
