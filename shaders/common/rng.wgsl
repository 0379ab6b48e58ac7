// Counter-based random numbers: every value is a pure function of its coordinates
// (stream, seed, sample, element, …), so a sample's noise never depends on the batch or grid cell that drew it
// (the NVlabs/edm generate.py habit). src/sampling/noise.ts mirrors this file operation by operation.
//
// - pcg_hash: the PCG-RXS-M-XS output permutation used as a hash (Jarzynski & Olano 2020, "Hash Functions for GPU
//   Rendering"). u32 arithmetic only, so the TypeScript mirror is bit-identical.
// - Gaussians: Marsaglia's polar method instead of Box–Muller, because WGSL cos/sin are only ~2^-11 accurate on
//   some adapters (SwiftShader); the polar method needs only sqrt and log, so GPU and CPU agree to a few ulps.
// No bindings: this file is prepended to kernels that need it.

const RNG_STREAM_INITIAL: u32 = 0u;   // z in x_0 = σ_max·z
const RNG_STREAM_BROWNIAN: u32 = 1u;  // nodes of the per-sample Brownian tree (SDE noise)

fn pcg_hash(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

// Hash of an ordered tuple: feed each coordinate through the permutation in turn.
fn hash_key(stream: u32, seed: u32, sample: u32, element: u32) -> u32 {
  return pcg_hash(pcg_hash(pcg_hash(pcg_hash(stream) + seed) + sample) + element);
}

// Uniform in (−1, 1) from the top 23 bits; exact in f32, so both sides agree bit for bit.
fn signed_uniform(h: u32) -> f32 {
  return (f32(h >> 9u) + 0.5) * (2.0 / 8388608.0) - 1.0;
}

// Standard normal for a key (Marsaglia polar method; attempt j hashes (key, j) so it stays counter-based).
fn normal_from_key(key: u32) -> f32 {
  for (var attempt = 0u; attempt < 64u; attempt++) {
    let h = pcg_hash(key + attempt * 2u);
    let u = signed_uniform(h);
    let v = signed_uniform(pcg_hash(h ^ 0x9e3779b9u));
    let s = u * u + v * v;
    if (s < 1.0 && s > 0.0) {
      return u * sqrt(-2.0 * log(s) / s);
    }
  }
  return 0.0;  // probability 0.2146^64: never reached in practice
}
