/**
 * GITS's dynamic programme (Chen et al., ICML 2024, "On the Trajectory Regularity of ODE-based Diffusion Sampling",
 * §4; zju-pi/diff-sampler gits-main/gits_utils.py `dp`): choose K steps along a fine grid of M points, from point 0
 * to point M − 1, minimising Σ_m coeff^m · cost[p_m][p_{m+1}] over paths 0 = p_0 < p_1 < … < p_K = M − 1.
 * cost[i][j] is the local error of one step from fine point i to fine point j; coeff > 1 weighs later steps more,
 * as the paper's default 1.15 does. Exact: V_k(i) = min_{j} cost[i][j] + coeff·V_{k−1}(j), V_1(i) = cost[i][M − 1].
 */

/** A square cost matrix, row-major: cost[i·size + j] is the cost of the step from fine point i to fine point j. */
export interface CostMatrix {
  size: number;
  values: Float64Array;
}

/** The fine-grid indices of the best K-step path (K + 1 of them, 0 first, size − 1 last). Among equal costs the
 *  path with the smallest indices wins, as in the reference's forward search. */
export function gitsPath({ size, values }: CostMatrix, steps: number, coeff: number): number[] {
  if (!Number.isInteger(steps) || steps < 1 || steps > size - 1)
    throw new RangeError(`steps: must be an integer in 1–${size - 1} for a fine grid of ${size} points, got ${steps}`);
  const last = size - 1;
  const cost = (i: number, j: number) => values[i * size + j];
  // value[k][i]: the least weighted cost from point i to the last point in exactly k steps; next[k][i]: its first hop.
  const value: Float64Array[] = [new Float64Array(size).fill(Infinity)];
  const next: Int32Array[] = [new Int32Array(size).fill(-1)];
  value[1] = Float64Array.from({ length: size }, (_, i) => (i < last ? cost(i, last) : Infinity));
  next[1] = new Int32Array(size).fill(last);
  for (let k = 2; k <= steps; k++) {
    value[k] = new Float64Array(size).fill(Infinity);
    next[k] = new Int32Array(size).fill(-1);
    for (let i = 0; i < last; i++) {
      for (let j = i + 1; j < last; j++) {
        const v = cost(i, j) + coeff * value[k - 1][j];
        if (v < value[k][i]) {
          value[k][i] = v;
          next[k][i] = j;
        }
      }
    }
  }
  const path = [0];
  for (let k = steps; k >= 1; k--) path.push(next[k][path[path.length - 1]]);
  return path;
}
