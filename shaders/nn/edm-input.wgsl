// Entry of the EDM denoiser into the rectified-flow network (algorithms.md; Karras et al. 2022 form x = x0 + σ·ε):
//   z = x/(1+σ)   (the RF state z_t = (1−t)·x0 + t·ε with t = σ/(1+σ)),
// for the chunk of samples [first_sample, first_sample + batch) of the caller's buffers, and copies that chunk's σ
// and class labels into the network's own per-sample buffers. Samples past the caller's count (the round-up of the
// last chunk) get zeros, so they stay finite and are never written back.
// Bindings: 0 params (uniform); 1 x [count, dim]; 2 sigma [count] (its binding size defines count); 3 labels
// [count] u32; 4 z [batch, dim]; 5 sigma_out [batch]; 6 labels_out [batch]. One invocation per element of z.

struct EdmInputParams {
  first_sample: u32,
  dim: u32,
  invocations: u32,
}

@group(0) @binding(0) var<uniform> params: EdmInputParams;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> sigma: array<f32>;
@group(0) @binding(3) var<storage, read> labels: array<u32>;
@group(0) @binding(4) var<storage, read_write> z: array<f32>;
@group(0) @binding(5) var<storage, read_write> sigma_out: array<f32>;
@group(0) @binding(6) var<storage, read_write> labels_out: array<u32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= params.invocations) { return; }
  let sample = i / params.dim;
  let p = i % params.dim;
  let g = params.first_sample + sample;
  var s = 0.0;
  var label = 0u;
  var value = 0.0;
  if (g < arrayLength(&sigma)) {
    s = sigma[g];
    label = labels[g];
    value = x[g * params.dim + p] / (1.0 + s);
  }
  z[i] = value;
  if (p == 0u) {
    sigma_out[sample] = s;
    labels_out[sample] = label;
  }
}
