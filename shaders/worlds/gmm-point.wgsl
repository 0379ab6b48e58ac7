// Exact denoiser of an isotropic 2D Gaussian mixture p = Σ_k π_k N(μ_k, s_k² I), for one point:
//   D(x; σ) = Σ_k w_k(x)·(s_k² x + σ² μ_k)/(s_k² + σ²),  w_k ∝ π_k N(x; μ_k, (s_k² + σ²) I)
// (the posterior mean of x0 under x = x0 + σε; Karras et al. 2022 App. B.3 use the same closed form).
// The weights go through an online log-sum-exp (weighted-mean.wgsl), so σ = 0.002 (weights spanning e^±10^6) and
// σ = 80 are both stable. Needs weighted-mean.wgsl.
// The point form of the world: shared by the standalone kernel (gmm-denoise.wgsl) and the fused plan executor
// (fused-point.wgsl), so both run the same arithmetic. Bindings: group 0, 1 components (read-only, K × Component).

struct Component {
  mean: vec2f,
  stdev: f32,
  log_weight: f32,  // log π_k, normalised
}

@group(0) @binding(1) var<storage, read> components: array<Component>;

fn denoise_point(point: vec2f, point_sigma: f32) -> vec2f {
  let s2 = point_sigma * point_sigma;
  var mean = weighted_mean_start();
  for (var k = 0u; k < arrayLength(&components); k++) {
    let c = components[k];
    let variance = c.stdev * c.stdev + s2;
    let delta = point - c.mean;
    // log π_k + log N(x; μ_k, v I) up to the shared −log 2π (d = 2, so −(d/2)·log v = −log v).
    let log_w = c.log_weight - dot(delta, delta) / (2.0 * variance) - log(variance);
    mean = weighted_mean_add(mean, log_w, (c.stdev * c.stdev * point + s2 * c.mean) / variance);
  }
  return weighted_mean_value(mean);
}
