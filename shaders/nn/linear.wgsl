// Fully connected layer as PyTorch's Linear, out[n,o] = bias[o] + Σ_i W[o,i]·in[n,i], optionally followed by SiLU
// (x·sigmoid(x)), the activation of the time-embedding MLP, or by ReLU (max(x, 0)), the classifier's: fused rather
// than a kernel of its own, which would cost a dispatch and a pass over the values for one max each. Several Linear
// layers reading the same input are packed into one W with stacked rows (src/worlds/unet/pack.ts), so one dispatch
// computes every ResBlock's embedding projection.
// Bindings: 0 params (uniform); 1 input [batch, fin]; 2 weight [fout, fin] (row-major, layout OI); 3 bias [fout];
// 4 output [batch, fout]. One invocation per (sample, o).

struct LinearParams {
  fin: u32,
  fout: u32,
  invocations: u32,
  apply_silu: u32,
  apply_relu: u32,
}

@group(0) @binding(0) var<uniform> params: LinearParams;
@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> output: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= params.invocations) { return; }
  let o = i % params.fout;
  let sample = i / params.fout;
  var acc = 0.0;
  for (var k = 0u; k < params.fin; k++) {
    acc += weight[o * params.fin + k] * input[sample * params.fin + k];
  }
  acc += bias[o];
  // exp is capped so it never overflows to ∞ (WGSL may assume finite math); below −80 SiLU is 0 to f32 anyway.
  if (params.apply_silu != 0u) { acc = acc / (1.0 + exp(min(-acc, 80.0))); }
  if (params.apply_relu != 0u) { acc = max(acc, 0.0); }
  output[i] = acc;
}
