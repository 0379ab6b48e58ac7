// Denoiser of a reflowed 2D flow, by kernel regression over coupled pairs (ε_j, x0_j) (Liu et al. 2023, ReFlow:
// the new flow interpolates z_τ = (1 − τ)·x0 + τ·ε along each pair, so its velocity is E[ε − x0 | z_τ]).
// In the EDM form: z = x/(1+σ), τ = σ/(1+σ), and
//   D(x; σ) = Σ_j w_j x0_j / Σ_j w_j,   w_j = exp(−‖z − ((1−τ)x0_j + τε_j)‖² / 2h²)   (Nadaraya–Watson),
// with an online log-sum-exp over j (weighted-mean.wgsl) so tiny bandwidths stay finite. One invocation per sample.
// Bindings: 0 params (uniform: bandwidth h); 1 pairs (read-only, P × Pair); 2 x (count × vec2f); 3 sigma (count f32);
// 4 out (read_write, count × vec2f).

struct Pair {
  noise: vec2f,
  data: vec2f,
}

struct PairFlowParams {
  bandwidth: f32,
}

@group(0) @binding(0) var<uniform> params: PairFlowParams;
@group(0) @binding(1) var<storage, read> pairs: array<Pair>;
@group(0) @binding(2) var<storage, read> x: array<vec2f>;
@group(0) @binding(3) var<storage, read> sigma: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<vec2f>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= arrayLength(&sigma)) { return; }
  let s = sigma[i];
  let tau = s / (1.0 + s);
  let z = x[i] / (1.0 + s);
  let inv_two_h2 = 1.0 / (2.0 * params.bandwidth * params.bandwidth);
  var mean = weighted_mean_start();
  for (var j = 0u; j < arrayLength(&pairs); j++) {
    let p = pairs[j];
    let delta = z - ((1.0 - tau) * p.data + tau * p.noise);
    mean = weighted_mean_add(mean, -dot(delta, delta) * inv_two_h2, p.data);
  }
  out[i] = weighted_mean_value(mean);
}
