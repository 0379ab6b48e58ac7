// Exact log-density of an isotropic 2D Gaussian mixture on a pixel grid, for the heatmap under the particles:
//   log p(x) = logsumexp_k [ log π_k − |x − μ_k|² / (2 s_k²) − log s_k² − log 2π ]
// (shaders/worlds/gmm-denoise.wgsl at σ = 0, with the normalising constant kept so the values are nats). The sum
// runs as an online log-sum-exp (a running max), so pixels far from every mode (exponents near −10⁶) stay finite.
// One invocation per pixel; pixel (i, j) sits at world point origin + (i + ½, j + ½)·texel (texel.y < 0: row 0 is
// the top of the view).
// Bindings: 0 params (uniform Params); 1 components (read-only, K × Component); 2 log_density (read_write,
// width × height f32, row-major from the top-left pixel).

struct Component {
  mean: vec2f,
  stdev: f32,
  log_weight: f32,  // log π_k, normalised
}

struct Params {
  origin: vec2f,
  texel: vec2f,
  width: u32,
  height: u32,
}

const LOG_2PI: f32 = 1.8378770664093453;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> components: array<Component>;
@group(0) @binding(2) var<storage, read_write> log_density: array<f32>;

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  if (gid.x >= params.width || gid.y >= params.height) { return; }
  let x = params.origin + (vec2f(gid.xy) + 0.5) * params.texel;
  var running_max = -3.0e38;
  var scaled_sum = 0.0;
  for (var k = 0u; k < arrayLength(&components); k++) {
    let c = components[k];
    let variance = c.stdev * c.stdev;
    let delta = x - c.mean;
    let term = c.log_weight - dot(delta, delta) / (2.0 * variance) - log(variance);
    if (term > running_max) {
      scaled_sum = scaled_sum * exp(running_max - term) + 1.0;
      running_max = term;
    } else {
      scaled_sum += exp(term - running_max);
    }
  }
  log_density[gid.y * params.width + gid.x] = running_max + log(scaled_sum) - LOG_2PI;
}
