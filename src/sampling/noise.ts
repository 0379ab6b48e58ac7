/**
 * TypeScript twin of shaders/common/rng.wgsl and brownian.wgsl. The integer hash and the uniforms are
 * bit-identical to the GPU; Gaussians use the same polar-method draws and differ only by the last-ulp rounding of
 * the adapter's log/sqrt (tests/gpu/rng.test.ts measures it). Used for CPU references and for noise passed in by
 * callers.
 */

const RNG_STREAM_INITIAL = 0;
const RNG_STREAM_BROWNIAN = 1;
const f32 = Math.fround;

/** PCG-RXS-M-XS permutation as a hash (Jarzynski & Olano 2020), in exact u32 arithmetic. */
export function pcgHash(v: number): number {
  const state = (Math.imul(v >>> 0, 747796405) + 2891336453) >>> 0;
  const word = Math.imul(((state >>> ((state >>> 28) + 4)) ^ state) >>> 0, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

export function hashKey(stream: number, seed: number, sample: number, element: number): number {
  const h1 = (pcgHash(stream) + seed) >>> 0;
  const h2 = (pcgHash(h1) + sample) >>> 0;
  const h3 = (pcgHash(h2) + element) >>> 0;
  return pcgHash(h3);
}

/** Uniform in (−1, 1) from the top 23 bits; every value is an exact f32. */
export function signedUniform(h: number): number {
  return ((h >>> 9) + 0.5) * (2 / 8388608) - 1;
}

/** Standard normal for a key by Marsaglia's polar method, with f32 rounding at each step like the GPU. */
export function normalFromKey(key: number): number {
  for (let attempt = 0; attempt < 64; attempt++) {
    const h = pcgHash((key + attempt * 2) >>> 0);
    const u = signedUniform(h);
    const v = signedUniform(pcgHash((h ^ 0x9e3779b9) >>> 0));
    const s = f32(f32(u * u) + f32(v * v));
    if (s < 1 && s > 0) return f32(u * f32(Math.sqrt(f32(f32(-2 * f32(Math.log(s))) / s))));
  }
  return 0;
}

/** Initial noise z for sample `sample`, element `element` (x_0 = σ_max·z). */
function initialNormal(seed: number, sample: number, element: number): number {
  return normalFromKey(hashKey(RNG_STREAM_INITIAL, seed, sample, element));
}

/** count × dim standard normals, row-major, identical to what the GPU draws for the same seed. */
export function initialNoise(seed: number, count: number, dim: number): Float32Array {
  const z = new Float32Array(count * dim);
  for (let s = 0; s < count; s++) for (let e = 0; e < dim; e++) z[s * dim + e] = initialNormal(seed, s, e);
  return z;
}

/** W(u) of the per-sample Brownian path on [0, 1], by bridge bisection on the 32-bit fixed-point u (float64). */
export function brownianAt(u: number, seed: number, sample: number, element: number): number {
  const base = hashKey(RNG_STREAM_BROWNIAN, seed, sample, element);
  const wOne = normalFromKey(pcgHash((base ^ 0xffffffff) >>> 0));
  const uf = f32(u);
  if (uf >= 1) return wOne;
  if (uf <= 0) return 0;
  const k = Math.floor(uf * 4294967296) >>> 0;
  let wLeft = 0;
  let wRight = wOne;
  let midpointVariance = 0.25;
  let prefix = 0;
  for (let level = 0; level < 32; level++) {
    if ((k << level) >>> 0 === 0) break;
    const nodeKey = pcgHash((pcgHash((base + level) >>> 0) + prefix) >>> 0);
    const wMid = 0.5 * (wLeft + wRight) + Math.sqrt(midpointVariance) * normalFromKey(nodeKey);
    const bit = (k >>> (31 - level)) & 1;
    if (bit === 1) wLeft = wMid;
    else wRight = wMid;
    prefix = ((prefix << 1) | bit) >>> 0;
    midpointVariance *= 0.5;
  }
  return wLeft;
}

/** Standard normal increment (W(uFrom) − W(uTo)) / sqrt(uFrom − uTo), with u rounded to f32 as the GPU sees it. */
export function brownianIncrement(uFrom: number, uTo: number, seed: number, sample: number, element: number): number {
  const a = f32(uFrom);
  const b = f32(uTo);
  return (brownianAt(a, seed, sample, element) - brownianAt(b, seed, sample, element)) / Math.sqrt(a - b);
}
