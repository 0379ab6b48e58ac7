/** Sample-quality measures for the exact worlds (algorithms.md, "Quality measures per NFE"). */
import { hashKey, normalFromKey } from '../sampling/noise';

/** Root-mean-square distance per sample between two same-noise runs: sqrt(mean_i ‖a_i − b_i‖²). */
export function rmse(a: ArrayLike<number>, b: ArrayLike<number>, dim: number): number {
  if (a.length !== b.length) throw new RangeError(`rmse: lengths differ (${a.length} vs ${b.length})`);
  let total = 0;
  for (let i = 0; i < a.length; i++) total += (a[i] - b[i]) ** 2;
  return Math.sqrt((total / a.length) * dim);
}

export function mean(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i];
  return total / values.length;
}

const RNG_STREAM_PROJECTIONS = 3;

/** Sliced Wasserstein-2 between two equal-size point sets: the root mean over random unit directions of the
 *  squared W2 between the sorted 1D projections (Bonneel et al. 2015). Directions come from the seeded RNG. */
export function slicedW2(a: ArrayLike<number>, b: ArrayLike<number>, dim: number, projections = 128, seed = 0): number {
  const n = Math.min(a.length, b.length) / dim;
  const pa = new Float64Array(n);
  const pb = new Float64Array(n);
  let total = 0;
  for (let p = 0; p < projections; p++) {
    const direction = Array.from({ length: dim }, (_, e) => normalFromKey(hashKey(RNG_STREAM_PROJECTIONS, seed, p, e)));
    const norm = Math.hypot(...direction);
    for (let i = 0; i < n; i++) {
      let sa = 0;
      let sb = 0;
      for (let e = 0; e < dim; e++) {
        sa += (a[i * dim + e] * direction[e]) / norm;
        sb += (b[i * dim + e] * direction[e]) / norm;
      }
      pa[i] = sa;
      pb[i] = sb;
    }
    pa.sort();
    pb.sort();
    for (let i = 0; i < n; i++) total += (pa[i] - pb[i]) ** 2;
  }
  return Math.sqrt(total / (n * projections));
}
