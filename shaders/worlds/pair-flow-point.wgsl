// Denoiser of a reflowed 2D flow, by kernel regression over coupled pairs (ε_j, x0_j), for one point (Liu et al.
// 2023, ReFlow: the new flow interpolates z_τ = (1 − τ)·x0 + τ·ε along each pair, so its velocity is E[ε − x0 | z_τ]).
// In the EDM form: z = x/(1+σ), τ = σ/(1+σ), and
//   D(x; σ) = Σ_j w_j x0_j / Σ_j w_j,   w_j = exp(−‖z − ((1−τ)x0_j + τε_j)‖² / 2h²)   (Nadaraya–Watson),
// with an online log-sum-exp over j (weighted-mean.wgsl) so tiny bandwidths stay finite. Needs weighted-mean.wgsl.
// The point form of the world: shared by the standalone kernel (pair-flow-denoise.wgsl) and the fused plan executor
// (fused-point.wgsl). Bindings: group 0, 0 params (uniform: bandwidth h); 1 pairs (read-only, P × Pair).

struct Pair {
  noise: vec2f,
  data: vec2f,
}

struct PairFlowParams {
  bandwidth: f32,
}

@group(0) @binding(0) var<uniform> params: PairFlowParams;
@group(0) @binding(1) var<storage, read> pairs: array<Pair>;

fn denoise_point(point: vec2f, point_sigma: f32) -> vec2f {
  let tau = point_sigma / (1.0 + point_sigma);
  let z = point / (1.0 + point_sigma);
  let inv_two_h2 = 1.0 / (2.0 * params.bandwidth * params.bandwidth);
  var mean = weighted_mean_start();
  for (var j = 0u; j < arrayLength(&pairs); j++) {
    let p = pairs[j];
    let delta = z - ((1.0 - tau) * p.data + tau * p.noise);
    mean = weighted_mean_add(mean, -dot(delta, delta) * inv_two_h2, p.data);
  }
  return weighted_mean_value(mean);
}
