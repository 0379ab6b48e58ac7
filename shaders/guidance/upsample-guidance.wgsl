// Upsample Guidance (Hwang, Park & Jo 2024, "Upsample Guidance: Scale Up Diffusion Models without Training"), in the
// EDM/VE form of algorithms.md:  D̂(x; σ) = D(x; σ) + w_σ · U[ D(P x; σ/m) − P D(x; σ) ],
// with P the m×m average pool and U nearest upsampling. P ε has std 1/m, so the pooled image is a valid noisy
// image at σ/m and no power adjustment is needed. w_σ = w inside the first η fraction of diffusion (RF) time, i.e.
// while τ = σ/(1+σ) ≥ 1 − η, and 0 after.
// Images are count × C × size × size, channel-major per sample (NCHW): count·C planes of size², each pooled and
// guided on its own (P and U act per channel); the low resolution is size/m. Plane p belongs to sample p / C.
// Entry points:
//  - pool:        pooled = P image.          Bindings 0 params, 1 image (count·C·size²), 3 pooled (rw, count·C·(size/m)²).
//  - scale_sigma: σ_low = σ/m.               Bindings 0 params, 2 sigma (count), 4 sigma_low (rw, count).
//  - guide:       out = D + w_σ·U[D_low − P D]. Bindings 0 params, 2 sigma, 5 d_high (count·C·size²),
//                 6 d_low and 8 d_high_pooled (count·C·(size/m)²), 7 out (rw, count·C·size²).

struct GuidanceParams {
  size: u32,      // high-resolution side
  factor: u32,    // m
  weight: f32,    // w
  eta: f32,       // the guided fraction of diffusion time
  channels: u32,  // C, planes per sample
}

@group(0) @binding(0) var<uniform> params: GuidanceParams;
@group(0) @binding(1) var<storage, read> image: array<f32>;
@group(0) @binding(2) var<storage, read> sigma: array<f32>;
@group(0) @binding(3) var<storage, read_write> pooled: array<f32>;
@group(0) @binding(4) var<storage, read_write> sigma_low: array<f32>;
@group(0) @binding(5) var<storage, read> d_high: array<f32>;
@group(0) @binding(6) var<storage, read> d_low: array<f32>;
@group(0) @binding(7) var<storage, read_write> out: array<f32>;
@group(0) @binding(8) var<storage, read> d_high_pooled: array<f32>;

@compute @workgroup_size(64)
fn pool(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= arrayLength(&pooled)) { return; }
  let m = params.factor;
  let low = params.size / m;
  let plane = i / (low * low);
  let row = (i % (low * low)) / low;
  let col = i % low;
  let base = plane * params.size * params.size;
  var total = 0.0;
  for (var a = 0u; a < m; a++) {
    for (var b = 0u; b < m; b++) {
      total += image[base + (row * m + a) * params.size + col * m + b];
    }
  }
  pooled[i] = total / f32(m * m);
}

@compute @workgroup_size(64)
fn scale_sigma(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= arrayLength(&sigma_low)) { return; }
  sigma_low[i] = sigma[i] / f32(params.factor);
}

@compute @workgroup_size(64)
fn guide(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= arrayLength(&out)) { return; }
  let size = params.size;
  let low = size / params.factor;
  let plane = i / (size * size);
  let pixel = i % (size * size);
  let j = plane * low * low + ((pixel / size) / params.factor) * low + (pixel % size) / params.factor;
  let s = sigma[plane / params.channels];
  var correction = 0.0;
  if (s / (1.0 + s) >= 1.0 - params.eta) {
    correction = params.weight * (d_low[j] - d_high_pooled[j]);
  }
  out[i] = d_high[i] + correction;
}
