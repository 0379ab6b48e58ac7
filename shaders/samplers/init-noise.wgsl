// The starting state x_0 = σ_0·z with z ~ N(0, I) drawn per (seed, sample, element) from the counter-based RNG, so a
// sample's noise never depends on batch size. Needs rng.wgsl. Mirrored by initialNoise() in src/sampling/noise.ts.
// Bindings: 0 params (uniform); 1 x (read_write, count·dim f32).

struct InitParams {
  sigma: f32,
  dim: u32,
  seed: u32,
  first_sample: u32,  // global index of this buffer's first sample (for split batches)
}

@group(0) @binding(0) var<uniform> params: InitParams;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= arrayLength(&x)) { return; }
  let sample = params.first_sample + i / params.dim;
  x[i] = params.sigma * normal_from_key(hash_key(RNG_STREAM_INITIAL, params.seed, sample, i % params.dim));
}
