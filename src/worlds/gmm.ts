/**
 * Isotropic 2D Gaussian mixtures, the worlds where every error is measured against the truth: the denoiser,
 * the log-density and the samples are all exact (docs/algorithms.md).
 */
import { hashKey, normalFromKey, pcgHash, signedUniform } from '../sampling/noise';
import type { CpuDenoiser } from '../sampling/denoiser';

export interface GmmSpec {
  type: 'gmm';
  means: number[][];
  stds: number[];
  weights: number[];
}

const RNG_STREAM_TARGET = 2;
const LOG_2PI = Math.log(2 * Math.PI);
export const MAX_COMPONENTS = 1024;

/** Checks a user mixture; the message names the field and the allowed range. */
export function validateGmm(spec: GmmSpec, field = 'world'): void {
  const { means, stds, weights } = spec;
  if (!Array.isArray(means) || !Array.isArray(stds) || !Array.isArray(weights)) {
    throw new RangeError(`${field}: means, stds and weights must be arrays`);
  }
  const k = means.length;
  if (k < 1 || k > MAX_COMPONENTS)
    throw new RangeError(`${field}.means: 1–${MAX_COMPONENTS} components allowed, got ${k}`);
  if (stds.length !== k || weights.length !== k) {
    throw new RangeError(
      `${field}: means, stds and weights must have matching lengths (got ${k}, ${stds.length}, ${weights.length})`,
    );
  }
  // Index loops, not forEach/every: those skip the holes of a sparse array, which would let one through.
  for (let i = 0; i < k; i++) {
    const m = means[i];
    if (!Array.isArray(m) || m.length !== 2 || !(finiteIn(m[0], 1e4) && finiteIn(m[1], 1e4))) {
      throw new RangeError(`${field}.means[${i}]: must be [x, y] with finite |values| ≤ 10000`);
    }
  }
  for (let i = 0; i < k; i++) {
    const s = stds[i];
    if (!(finiteIn(s, 1e3) && s > 0)) throw new RangeError(`${field}.stds[${i}]: std must be > 0 and ≤ 1000, got ${s}`);
  }
  let total = 0;
  for (let i = 0; i < k; i++) {
    const w = weights[i];
    if (!(finiteIn(w, Number.MAX_VALUE) && w >= 0))
      throw new RangeError(`${field}.weights[${i}]: weight must be ≥ 0, got ${w}`);
    total += w;
  }
  // Finite weights can still sum to Infinity, and then every normalised weight is 0 or NaN.
  if (!Number.isFinite(total)) throw new RangeError(`${field}.weights: the sum must be finite, got ${total}`);
  if (!(total > 0)) throw new RangeError(`${field}.weights: must have a positive sum`);
}

function finiteIn(v: unknown, maxAbs: number): v is number {
  return typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= maxAbs;
}

export function logWeights(spec: GmmSpec): Float64Array {
  const total = spec.weights.reduce((a, b) => a + b, 0);
  return Float64Array.from(spec.weights, (w) => Math.log(w / total));
}

/** Names a mixture by its parameters (the exact denoiser is a function of them alone). */
export function gmmKey(spec: GmmSpec): string {
  return `gmm:${JSON.stringify([spec.means, spec.stds, spec.weights])}`;
}

/** The exact D(x; σ) in float64, with log-sum-exp weights; one σ per sample. */
export function gmmDenoiser(spec: GmmSpec): CpuDenoiser {
  const logW = logWeights(spec);
  const k = spec.means.length;
  const logits = new Float64Array(k);
  const key = gmmKey(spec);
  return {
    dim: 2,
    key: () => key,
    denoise(x, sigma, out) {
      for (let i = 0; i < sigma.length; i++) {
        const [x0, x1] = [x[2 * i], x[2 * i + 1]];
        const s2 = sigma[i] * sigma[i];
        let max = -Infinity;
        for (let j = 0; j < k; j++) {
          const v = spec.stds[j] ** 2 + s2;
          const dx = x0 - spec.means[j][0];
          const dy = x1 - spec.means[j][1];
          logits[j] = logW[j] - (dx * dx + dy * dy) / (2 * v) - Math.log(v);
          max = Math.max(max, logits[j]);
        }
        let total = 0;
        let m0 = 0;
        let m1 = 0;
        for (let j = 0; j < k; j++) {
          const w = Math.exp(logits[j] - max);
          const c2 = spec.stds[j] ** 2;
          const v = c2 + s2;
          total += w;
          m0 += (w * (c2 * x0 + s2 * spec.means[j][0])) / v;
          m1 += (w * (c2 * x1 + s2 * spec.means[j][1])) / v;
        }
        out[2 * i] = m0 / total;
        out[2 * i + 1] = m1 / total;
      }
    },
  };
}

/** log p_σ(x) of the mixture convolved with N(0, σ² I) (σ = 0 is the target itself), per row of x. */
export function gmmLogDensity(spec: GmmSpec, x: ArrayLike<number>, count: number, sigma = 0): Float64Array {
  const logW = logWeights(spec);
  const result = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let max = -Infinity;
    const terms = spec.means.map((m, j) => {
      const v = spec.stds[j] ** 2 + sigma * sigma;
      const d2 = (x[2 * i] - m[0]) ** 2 + (x[2 * i + 1] - m[1]) ** 2;
      const t = logW[j] - d2 / (2 * v) - Math.log(v) - LOG_2PI;
      max = Math.max(max, t);
      return t;
    });
    result[i] = max + Math.log(terms.reduce((acc, t) => acc + Math.exp(t - max), 0));
  }
  return result;
}

/** Exact target samples: a component by its weight, then μ + s·N(0, I), from the counter-based RNG (stream 2). */
export function gmmSample(spec: GmmSpec, count: number, seed: number): Float64Array {
  const total = spec.weights.reduce((a, b) => a + b, 0);
  const out = new Float64Array(2 * count);
  for (let i = 0; i < count; i++) {
    const u = ((signedUniform(pcgHash(hashKey(RNG_STREAM_TARGET, seed, i, 2))) + 1) / 2) * total;
    let j = 0;
    for (let acc = spec.weights[0]; acc < u && j < spec.weights.length - 1; acc += spec.weights[++j]);
    for (let e = 0; e < 2; e++)
      out[2 * i + e] = spec.means[j][e] + spec.stds[j] * normalFromKey(hashKey(RNG_STREAM_TARGET, seed, i, e));
  }
  return out;
}
