/**
 * GITS's cost matrix (Chen et al., ICML 2024, §4; zju-pi/diff-sampler gits-main/gits_utils.py `get_dp_list`): a
 * teacher — iPNDM (Adams–Bashforth warming up to order 4) on a fine grid of M points — gives each calibration
 * sample's trajectory X_0 … X_{M−1} and its directions d_i = (X_i − D(X_i; σ_i))/σ_i. cost[i][j] compares one Euler
 * step from the teacher's X_i straight to σ_j, x̂ = X_i + (σ_j − σ_i)·d_i, with the teacher's X_j, averaged over
 * the batch, by one of the reference's three metrics:
 *  - `dev` (its default): the mean distance of x̂ from the chord X_0 → X_{M−1} minus the teacher's mean distance at j.
 *    The paper's observation is that trajectories are nearly straight and boomerang-shaped, so the deviation from
 *    the chord measures how far a step leaves the trajectory's shape.
 *  - `l2`, `l1`: the mean L2 or L1 norm of x̂ − X_j.
 */
import { ADAMS_BASHFORTH } from '../adams-bashforth';
import type { CostMatrix } from './dp';

export type GitsMetric = 'dev' | 'l2' | 'l1';
export const GITS_METRICS: readonly GitsMetric[] = ['dev', 'l2', 'l1'];

/** D(x; σ) for the calibration batch (row-major count × dim) at one σ. */
type BatchDenoise = (x: Float64Array, sigma: number) => Promise<Float64Array>;

export interface CostOptions {
  /** The fine grid σ_0 > … > σ_{M−1} > 0 the teacher walks and the search chooses from. */
  fine: ArrayLike<number>;
  denoise: BatchDenoise;
  /** The calibration batch's standard-normal start z (x_0 = σ_0·z), count × dim. */
  noise: ArrayLike<number>;
  count: number;
  dim: number;
  metric: GitsMetric;
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

/** The teacher's highest Adams–Bashforth order (the reference's max_order for its iPNDM teacher). */
const TEACHER_ORDER = 4;
/** Share of the progress bar the teacher's network calls take; the cost matrix (CPU) takes the rest. */
const TEACHER_SHARE = 0.9;

/** The teacher's trajectory (M states) and its direction at every fine point but the last (M − 1). */
async function teacher(options: CostOptions): Promise<{ states: Float64Array[]; directions: Float64Array[] }> {
  const { fine, denoise, count, dim } = options;
  const n = count * dim;
  let x = Float64Array.from(options.noise, (z) => z * fine[0]);
  if (x.length !== n) throw new RangeError(`noise: must hold count × dim = ${n} values, got ${x.length}`);
  const states = [x];
  const directions: Float64Array[] = [];
  const steps = fine.length - 1;
  for (let i = 0; i < steps; i++) {
    if (options.signal?.aborted) throw new DOMException('GITS search cancelled', 'AbortError');
    const sigma = fine[i];
    const D = await denoise(x, sigma);
    const d = new Float64Array(n);
    for (let e = 0; e < n; e++) d[e] = (x[e] - D[e]) / sigma;
    directions.push(d);
    const weights = ADAMS_BASHFORTH[Math.min(i + 1, TEACHER_ORDER) - 1];
    const h = fine[i + 1] - sigma;
    const next = x.slice();
    weights.forEach((a, back) => {
      const past = directions[i - back];
      for (let e = 0; e < n; e++) next[e] += h * a * past[e];
    });
    states.push((x = next));
    options.onProgress?.((TEACHER_SHARE * (i + 1)) / steps);
  }
  return { states, directions };
}

/** Distance of each sample's point p from the line through a and b (all count × dim); cal_deviation's measure. */
function chordDistances(p: Float64Array, a: Float64Array, b: Float64Array, count: number, dim: number): Float64Array {
  const out = new Float64Array(count);
  for (let s = 0; s < count; s++) {
    const o = s * dim;
    let bb = 0;
    let pb = 0;
    for (let e = o; e < o + dim; e++) {
      const u = b[e] - a[e];
      bb += u * u;
      pb += (b[e] - p[e]) * u;
    }
    const along = bb > 0 ? pb / bb : 0;
    let perp = 0;
    for (let e = o; e < o + dim; e++) perp += (b[e] - p[e] - along * (b[e] - a[e])) ** 2;
    out[s] = Math.sqrt(perp);
  }
  return out;
}

const meanOf = (v: Float64Array) => v.reduce((a, b) => a + b, 0) / v.length;

/** The M × M cost matrix (entries with j ≤ i stay 0: the search only steps forward). */
export async function gitsCostMatrix(options: CostOptions): Promise<CostMatrix> {
  const { fine, count, dim, metric } = options;
  const size = fine.length;
  if (size < 2) throw new RangeError(`fine grid: needs at least 2 points, got ${size}`);
  const { states, directions } = await teacher(options);
  const values = new Float64Array(size * size);
  const [start, end] = [states[0], states[size - 1]];
  const teacherDeviation = states.map((x, j) =>
    j === size - 1 ? 0 : meanOf(chordDistances(x, start, end, count, dim)),
  );
  const step = new Float64Array(count * dim);
  for (let i = 0; i < size - 1; i++) {
    if (options.signal?.aborted) throw new DOMException('GITS search cancelled', 'AbortError');
    const [x, d] = [states[i], directions[i]];
    for (let j = i + 1; j < size; j++) {
      const h = fine[j] - fine[i];
      for (let e = 0; e < step.length; e++) step[e] = x[e] + h * d[e];
      let cost: number;
      if (metric === 'dev') {
        cost = meanOf(chordDistances(step, start, end, count, dim)) - teacherDeviation[j];
      } else {
        const target = states[j];
        let total = 0;
        for (let s = 0; s < count; s++) {
          let norm = 0;
          for (let e = s * dim; e < (s + 1) * dim; e++) {
            const diff = Math.abs(step[e] - target[e]);
            norm += metric === 'l1' ? diff : diff * diff;
          }
          total += metric === 'l1' ? norm : Math.sqrt(norm);
        }
        cost = total / count;
      }
      values[i * size + j] = cost;
    }
    options.onProgress?.(TEACHER_SHARE + ((1 - TEACHER_SHARE) * (i + 1)) / (size - 1));
  }
  if (!values.every(Number.isFinite)) throw new RangeError('GITS: the cost matrix is not finite for this denoiser');
  return { size, values };
}
