// Sinusoidal time features of the network from σ (tools/train/model.py timestep_features), one invocation per
// (sample, k): features[n] = [cos a_0 … cos a_{half−1}, sin a_0 … sin a_{half−1}], in double-float
// (time-feature-math.wgsl, prepended). The UNet computes them inside embedding.wgsl; this kernel remains for a
// network whose time features are read by anything else, or kept (src/worlds/unet/graph.ts fuseEmbedding).
//
// Bindings: 0 params (uniform, with one = 1.0); 1 frequencies [half] vec2 (1000·f_k as f32 hi, lo); 2 sigma [batch];
// 3 features [batch, 2·half]. One invocation per (sample, k).

struct TimeFeaturesParams {
  half_dim: u32,
  invocations: u32,
  // Always 1.0 (see time-feature-math.wgsl).
  one: f32,
}

@group(0) @binding(0) var<uniform> params: TimeFeaturesParams;
@group(0) @binding(1) var<storage, read> frequencies: array<vec2f>;
@group(0) @binding(2) var<storage, read> sigma: array<f32>;
@group(0) @binding(3) var<storage, read_write> features: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= params.invocations) { return; }
  let half_dim = params.half_dim;
  let sample = i / half_dim;
  let k = i % half_dim;
  let cs = time_feature(rf_time(sigma[sample], params.one), frequencies[k]);
  features[sample * 2u * half_dim + k] = cs.x;
  features[sample * 2u * half_dim + half_dim + k] = cs.y;
}
