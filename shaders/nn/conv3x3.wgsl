// 3×3 convolution, stride 1, zero padding 1: PyTorch's Conv2d cross-correlation on NCHW activations,
//   out[n,o,y,x] = bias[o] + Σ_{c,u,v} W[o,c,u,v]·in[n,c,y+u−1,x+v−1]  (+ channel_bias[n,o]) (+ residual[n,o,y,x]),
// then max(·, 0) when apply_relu ≠ 0.
// The two optional epilogue terms fuse a ResBlock's embedding projection (h + Linear(SiLU(emb)), added per sample
// and channel) and its residual connection, saving two passes over the activations. ReLU is fused for the same
// reason: every ReLU of the classifier follows a conv (or a linear layer), and as a kernel of its own it would read
// and write the whole activation again (plus a dispatch) for one max per value.
//
// Register blocking: one invocation computes 8 output channels × 7 adjacent pixels of one row. Each input value it
// loads feeds up to 24 FMAs and each weight vec4 feeds 28. SwiftShader is bound by memory operations, not FLOPs:
// on 32→32 channels at 28×28, batch 16, a development probe measured ~0.15 GFLOP/s for one output per invocation,
// ~0.35 for 4 channels per invocation, and 2–3.5 for this unrolled 8 × 7 tile (loops over private arrays instead of
// named registers fell back to ~0.4). The whole network's rate is in bench/results/model-speed.md. Our widths are
// 7·2^k (28/14/7 at the training size), so rows split into whole runs; other widths mask the tail.
// conv3x3-tall.wgsl computes 4 rows per invocation and serves every conv with more than one input channel; this
// one-row tile stays for 1-channel inputs (the UNet's first conv), where it is faster.
//
// Bindings: 0 params (uniform); 1 input [batch, cin, height, width]; 2 weights [cin][3][3][cout_padded/4] vec4
// (output channels innermost, zero-padded to a multiple of 8; packed by src/worlds/unet/pack.ts); 3 bias
// [cout_padded/4] vec4; 4 channel_bias [batch, channel_bias_stride] read at channel_bias_offset + o; 5 residual
// [batch, cout, height, width]; 6 output [batch, cout, height, width]. Unused optional inputs bind any buffer.
// Invocation i → (sample, group of 8 channels, row, run of 7 pixels), the run index fastest.

struct Conv3x3Params {
  cin: u32,
  cout: u32,
  height: u32,
  width: u32,
  runs_per_row: u32,
  channel_groups: u32,
  invocations: u32,
  channel_bias_stride: u32,
  channel_bias_offset: u32,
  has_channel_bias: u32,
  has_residual: u32,
  apply_relu: u32,
}

@group(0) @binding(0) var<uniform> params: Conv3x3Params;
@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read> weights: array<vec4f>;
@group(0) @binding(3) var<storage, read> bias: array<vec4f>;
@group(0) @binding(4) var<storage, read> channel_bias: array<f32>;
@group(0) @binding(5) var<storage, read> residual: array<f32>;
@group(0) @binding(6) var<storage, read_write> output: array<f32>;

// Writes the 8 channels of one output pixel (x < width), with the optional epilogue terms.
fn store(sample: u32, channel0: u32, row: u32, x: i32, lo: vec4f, hi: vec4f) {
  if (x >= i32(params.width)) { return; }
  let plane = params.height * params.width;
  let pixel = row * params.width + u32(x);
  for (var k = 0u; k < 8u; k++) {
    let o = channel0 + k;
    if (o >= params.cout) { return; }
    var value = select(hi[k & 3u], lo[k & 3u], k < 4u);
    if (params.has_channel_bias != 0u) {
      value += channel_bias[sample * params.channel_bias_stride + params.channel_bias_offset + o];
    }
    let index = (sample * params.cout + o) * plane + pixel;
    if (params.has_residual != 0u) { value += residual[index]; }
    if (params.apply_relu != 0u) { value = max(value, 0.0); }
    output[index] = value;
  }
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= params.invocations) { return; }
  let run = i % params.runs_per_row;
  let row = (i / params.runs_per_row) % params.height;
  let group = (i / (params.runs_per_row * params.height)) % params.channel_groups;
  let sample = i / (params.runs_per_row * params.height * params.channel_groups);
  let w = i32(params.width);
  let h = i32(params.height);
  let x0 = i32(run * 7u);

  // The 9 input columns x0−1 … x0+7 this run reads: clamped offsets and 0/1 masks for the zero padding.
  let xa = vec4i(x0 - 1, x0, x0 + 1, x0 + 2);
  let xb = xa + 4;
  let xc = x0 + 7;
  let ca = vec4u(clamp(xa, vec4i(0), vec4i(w - 1)));
  let cb = vec4u(clamp(xb, vec4i(0), vec4i(w - 1)));
  let cc = u32(clamp(xc, 0, w - 1));
  let ma = select(vec4f(0.0), vec4f(1.0), (xa >= vec4i(0)) & (xa < vec4i(w)));
  let mb = select(vec4f(0.0), vec4f(1.0), (xb >= vec4i(0)) & (xb < vec4i(w)));
  let mc = select(0.0, 1.0, xc < w);

  let quads = params.channel_groups * 2u;  // vec4s per (c, u, v) in the weights
  var a0l = vec4f(0.0); var a0h = vec4f(0.0);
  var a1l = vec4f(0.0); var a1h = vec4f(0.0);
  var a2l = vec4f(0.0); var a2h = vec4f(0.0);
  var a3l = vec4f(0.0); var a3h = vec4f(0.0);
  var a4l = vec4f(0.0); var a4h = vec4f(0.0);
  var a5l = vec4f(0.0); var a5h = vec4f(0.0);
  var a6l = vec4f(0.0); var a6h = vec4f(0.0);
  for (var c = 0u; c < params.cin; c++) {
    let plane_base = (sample * params.cin + c) * params.height * params.width;
    for (var u = 0u; u < 3u; u++) {
      let y = i32(row + u) - 1;
      let row_mask = select(0.0, 1.0, y >= 0 && y < h);
      let rb = plane_base + u32(clamp(y, 0, h - 1)) * params.width;
      let r0 = input[rb + ca.x] * (row_mask * ma.x);
      let r1 = input[rb + ca.y] * (row_mask * ma.y);
      let r2 = input[rb + ca.z] * (row_mask * ma.z);
      let r3 = input[rb + ca.w] * (row_mask * ma.w);
      let r4 = input[rb + cb.x] * (row_mask * mb.x);
      let r5 = input[rb + cb.y] * (row_mask * mb.y);
      let r6 = input[rb + cb.z] * (row_mask * mb.z);
      let r7 = input[rb + cb.w] * (row_mask * mb.w);
      let r8 = input[rb + cc] * (row_mask * mc);
      let wi = (c * 9u + u * 3u) * quads + group * 2u;
      let w0l = weights[wi];             let w0h = weights[wi + 1u];
      let w1l = weights[wi + quads];     let w1h = weights[wi + quads + 1u];
      let w2l = weights[wi + 2u * quads]; let w2h = weights[wi + 2u * quads + 1u];
      a0l += w0l * r0 + w1l * r1 + w2l * r2; a0h += w0h * r0 + w1h * r1 + w2h * r2;
      a1l += w0l * r1 + w1l * r2 + w2l * r3; a1h += w0h * r1 + w1h * r2 + w2h * r3;
      a2l += w0l * r2 + w1l * r3 + w2l * r4; a2h += w0h * r2 + w1h * r3 + w2h * r4;
      a3l += w0l * r3 + w1l * r4 + w2l * r5; a3h += w0h * r3 + w1h * r4 + w2h * r5;
      a4l += w0l * r4 + w1l * r5 + w2l * r6; a4h += w0h * r4 + w1h * r5 + w2h * r6;
      a5l += w0l * r5 + w1l * r6 + w2l * r7; a5h += w0h * r5 + w1h * r6 + w2h * r7;
      a6l += w0l * r6 + w1l * r7 + w2l * r8; a6h += w0h * r6 + w1h * r7 + w2h * r8;
    }
  }
  let bl = bias[group * 2u];
  let bh = bias[group * 2u + 1u];
  let channel0 = group * 8u;
  store(sample, channel0, row, x0, a0l + bl, a0h + bh);
  store(sample, channel0, row, x0 + 1, a1l + bl, a1h + bh);
  store(sample, channel0, row, x0 + 2, a2l + bl, a2h + bh);
  store(sample, channel0, row, x0 + 3, a3l + bl, a3h + bh);
  store(sample, channel0, row, x0 + 4, a4l + bl, a4h + bh);
  store(sample, channel0, row, x0 + 5, a5l + bl, a5h + bh);
  store(sample, channel0, row, x0 + 6, a6l + bl, a6h + bh);
}
