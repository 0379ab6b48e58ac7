// Exact denoiser of an isotropic 2D Gaussian mixture p = Σ_k π_k N(μ_k, s_k² I):
//   D(x; σ) = Σ_k w_k(x)·(s_k² x + σ² μ_k)/(s_k² + σ²),  w_k ∝ π_k N(x; μ_k, (s_k² + σ²) I)
// (the posterior mean of x0 under x = x0 + σε; Karras et al. 2022 App. B.3 use the same closed form).
// The weights go through an online log-sum-exp (weighted-mean.wgsl), so σ = 0.002 (weights spanning e^±10^6) and
// σ = 80 are both stable. One invocation per sample. Needs weighted-mean.wgsl.
// Bindings: 1 components (read-only, K × Component); 2 x (read-only, count × vec2f); 3 sigma (read-only, count f32,
// one σ per sample); 4 out (read_write, count × vec2f).

struct Component {
  mean: vec2f,
  stdev: f32,
  log_weight: f32,  // log π_k, normalised
}

@group(0) @binding(1) var<storage, read> components: array<Component>;
@group(0) @binding(2) var<storage, read> x: array<vec2f>;
@group(0) @binding(3) var<storage, read> sigma: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<vec2f>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= arrayLength(&sigma)) { return; }
  let xi = x[i];
  let s2 = sigma[i] * sigma[i];
  var mean = weighted_mean_start();
  for (var k = 0u; k < arrayLength(&components); k++) {
    let c = components[k];
    let variance = c.stdev * c.stdev + s2;
    let delta = xi - c.mean;
    // log π_k + log N(x; μ_k, v I) up to the shared −log 2π (d = 2, so −(d/2)·log v = −log v).
    let log_w = c.log_weight - dot(delta, delta) / (2.0 * variance) - log(variance);
    mean = weighted_mean_add(mean, log_w, (c.stdev * c.stdev * xi + s2 * c.mean) / variance);
  }
  out[i] = weighted_mean_value(mean);
}
