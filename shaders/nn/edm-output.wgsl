// Exit of the rectified-flow network into the EDM denoiser (algorithms.md): the network predicts v = ε − x0 at
// z = x/(1+σ), t = σ/(1+σ), and since z = (1−t)·x0 + t·ε = x0 + t·v,
//   D(x; σ) = z − t·v.
// Writes the chunk [first_sample, first_sample + batch) of the caller's output, skipping samples past its count.
// Bindings: 0 params (uniform); 1 z [batch, dim]; 2 v [batch, dim]; 3 sigma [batch]; 4 out [count, dim] (its binding
// size defines count). One invocation per element of z.

struct EdmOutputParams {
  first_sample: u32,
  dim: u32,
  invocations: u32,
}

@group(0) @binding(0) var<uniform> params: EdmOutputParams;
@group(0) @binding(1) var<storage, read> z: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read> sigma: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= params.invocations) { return; }
  let sample = i / params.dim;
  let target_index = (params.first_sample + sample) * params.dim + i % params.dim;
  if (target_index >= arrayLength(&out)) { return; }
  let s = sigma[sample];
  let t = s / (1.0 + s);
  out[target_index] = z[i] - t * v[i];
}
