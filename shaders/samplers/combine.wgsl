// One sampler update: dst = c_0·dst + Σ_{k=1..num_inputs} c_k·input_k (+ noise_scale·ξ), elementwise.
// Every linear-multistep / Runge–Kutta stage of our samplers is one such combination with float64-computed
// coefficients (src/sampling/plan.ts); ξ is the per-sample Brownian increment between u_from > u_to
// (brownian.wgsl), present only for stochastic steps. Needs rng.wgsl and brownian.wgsl.
//
// Bindings: 0 params (uniform); 1 dst (read_write, count·dim f32, also the length of the update);
// 2–7 inputs (read-only, same length; unused ones are bound to any buffer and never read).
// Element i belongs to sample i / dim, coordinate i % dim, so the noise matches the CPU mirror.

struct CombineParams {
  coefs: array<vec4f, 2>,   // [0] multiplies dst itself, [1..6] the inputs
  num_inputs: u32,
  dim: u32,
  has_noise: u32,
  seed: u32,
  noise_scale: f32,
  u_from: f32,
  u_to: f32,
  uses_dst: u32,
}

@group(0) @binding(0) var<uniform> params: CombineParams;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<storage, read> input1: array<f32>;
@group(0) @binding(3) var<storage, read> input2: array<f32>;
@group(0) @binding(4) var<storage, read> input3: array<f32>;
@group(0) @binding(5) var<storage, read> input4: array<f32>;
@group(0) @binding(6) var<storage, read> input5: array<f32>;
@group(0) @binding(7) var<storage, read> input6: array<f32>;

fn coef(k: u32) -> f32 {
  return params.coefs[k / 4u][k % 4u];
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= arrayLength(&dst)) { return; }
  var acc = 0.0;
  // A zero coefficient must not read dst: a fresh register may hold stale values (or NaN after a diverged run).
  if (params.uses_dst != 0u) { acc = coef(0u) * dst[i]; }
  let n = params.num_inputs;
  if (n >= 1u) { acc += coef(1u) * input1[i]; }
  if (n >= 2u) { acc += coef(2u) * input2[i]; }
  if (n >= 3u) { acc += coef(3u) * input3[i]; }
  if (n >= 4u) { acc += coef(4u) * input4[i]; }
  if (n >= 5u) { acc += coef(5u) * input5[i]; }
  if (n >= 6u) { acc += coef(6u) * input6[i]; }
  if (params.has_noise != 0u) {
    acc += params.noise_scale * brownian_increment(params.u_from, params.u_to, params.seed, i / params.dim, i % params.dim);
  }
  dst[i] = acc;
}
