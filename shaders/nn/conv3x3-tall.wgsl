// 3×3 convolution, stride 1, zero padding 1, with a taller register tile than conv3x3.wgsl: the same function and
// epilogue (bias, optional per-sample channel bias, optional residual, optional ReLU; see conv3x3.wgsl), computed
// by one invocation for 8 output channels × 4 rows × 7 adjacent pixels.
// Why: SwiftShader runs the shader on the CPU, where the 8 × 7 one-row tile is bound by loads (each input value fed
// ≤ 24 multiply-adds: 99 scalar loads per 1008 FLOP per input channel). Four rows share their 6 input rows, so
// each loaded value feeds up to 72 and the 9 weight pairs of a channel are loaded once for 4 rows instead of 1:
// 126 scalar loads per 4032 FLOP. The multiply-adds use fma() (one rounding per term instead of two). On a 1-channel input
// (the UNet's first conv) the loop body runs once and this tile was measured 2× slower than the one-row tile, so
// src/worlds/unet/network.ts keeps conv3x3.wgsl there (bench/results/kernels.md).
// Heights that are not a multiple of 4 mask the last block's extra rows; widths as in conv3x3.wgsl.
//
// Bindings as conv3x3.wgsl: 0 params (uniform); 1 input [batch, cin, height, width]; 2 weights
// [cin][3][3][cout_padded/4] vec4; 3 bias [cout_padded/4] vec4; 4 channel_bias [batch, channel_bias_stride];
// 5 residual [batch, cout, height, width]; 6 output [batch, cout, height, width].
// Invocation i → (sample, group of 8 channels, block of 4 rows, run of 7 pixels), the run index fastest.

struct Conv3x3Params {
  cin: u32,
  cout: u32,
  height: u32,
  width: u32,
  runs_per_row: u32,
  row_blocks: u32,
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

// One output row of the tile: 7 pixels × 8 channels (l = channels 0–3, h = 4–7). Named fields, not an array:
// SwiftShader keeps them in registers (private arrays were measured several times slower, see conv3x3.wgsl).
struct Row {
  p0l: vec4f, p0h: vec4f, p1l: vec4f, p1h: vec4f, p2l: vec4f, p2h: vec4f, p3l: vec4f, p3h: vec4f,
  p4l: vec4f, p4h: vec4f, p5l: vec4f, p5h: vec4f, p6l: vec4f, p6h: vec4f,
}

// The 9 input columns x0−1 … x0+7 of one input row, zero outside the image.
struct Cols {
  a: vec4f,
  b: vec4f,
  c: f32,
}

// The weights of one kernel row u for the 8 channels: taps v = 0, 1, 2.
struct Taps {
  l0: vec4f, h0: vec4f, l1: vec4f, h1: vec4f, l2: vec4f, h2: vec4f,
}

// Clamped column offsets and 0/1 masks of the 9 columns a run reads (the zero padding).
struct Columns {
  ca: vec4u,
  cb: vec4u,
  cc: u32,
  ma: vec4f,
  mb: vec4f,
  mc: f32,
}

fn load_row(plane_base: u32, y: i32, k: Columns) -> Cols {
  let h = i32(params.height);
  let mask = select(0.0, 1.0, y >= 0 && y < h);
  let rb = plane_base + u32(clamp(y, 0, h - 1)) * params.width;
  return Cols(
    vec4f(input[rb + k.ca.x], input[rb + k.ca.y], input[rb + k.ca.z], input[rb + k.ca.w]) * (k.ma * mask),
    vec4f(input[rb + k.cb.x], input[rb + k.cb.y], input[rb + k.cb.z], input[rb + k.cb.w]) * (k.mb * mask),
    input[rb + k.cc] * (k.mc * mask),
  );
}

fn load_taps(wi: u32, quads: u32) -> Taps {
  return Taps(
    weights[wi], weights[wi + 1u],
    weights[wi + quads], weights[wi + quads + 1u],
    weights[wi + 2u * quads], weights[wi + 2u * quads + 1u],
  );
}

// Adds one input row times one kernel row to one output row: out[x] += Σ_v w_v·in[x + v − 1].
fn accumulate(t: Row, r: Cols, w: Taps) -> Row {
  return Row(
    fma(w.l2, vec4f(r.a.z), fma(w.l1, vec4f(r.a.y), fma(w.l0, vec4f(r.a.x), t.p0l))),
    fma(w.h2, vec4f(r.a.z), fma(w.h1, vec4f(r.a.y), fma(w.h0, vec4f(r.a.x), t.p0h))),
    fma(w.l2, vec4f(r.a.w), fma(w.l1, vec4f(r.a.z), fma(w.l0, vec4f(r.a.y), t.p1l))),
    fma(w.h2, vec4f(r.a.w), fma(w.h1, vec4f(r.a.z), fma(w.h0, vec4f(r.a.y), t.p1h))),
    fma(w.l2, vec4f(r.b.x), fma(w.l1, vec4f(r.a.w), fma(w.l0, vec4f(r.a.z), t.p2l))),
    fma(w.h2, vec4f(r.b.x), fma(w.h1, vec4f(r.a.w), fma(w.h0, vec4f(r.a.z), t.p2h))),
    fma(w.l2, vec4f(r.b.y), fma(w.l1, vec4f(r.b.x), fma(w.l0, vec4f(r.a.w), t.p3l))),
    fma(w.h2, vec4f(r.b.y), fma(w.h1, vec4f(r.b.x), fma(w.h0, vec4f(r.a.w), t.p3h))),
    fma(w.l2, vec4f(r.b.z), fma(w.l1, vec4f(r.b.y), fma(w.l0, vec4f(r.b.x), t.p4l))),
    fma(w.h2, vec4f(r.b.z), fma(w.h1, vec4f(r.b.y), fma(w.h0, vec4f(r.b.x), t.p4h))),
    fma(w.l2, vec4f(r.b.w), fma(w.l1, vec4f(r.b.z), fma(w.l0, vec4f(r.b.y), t.p5l))),
    fma(w.h2, vec4f(r.b.w), fma(w.h1, vec4f(r.b.z), fma(w.h0, vec4f(r.b.y), t.p5h))),
    fma(w.l2, vec4f(r.c), fma(w.l1, vec4f(r.b.w), fma(w.l0, vec4f(r.b.z), t.p6l))),
    fma(w.h2, vec4f(r.c), fma(w.h1, vec4f(r.b.w), fma(w.h0, vec4f(r.b.z), t.p6h))),
  );
}

// Writes the 8 channels of one output pixel (inside the image), with the optional epilogue terms.
fn store(sample: u32, channel0: u32, row: u32, x: u32, lo: vec4f, hi: vec4f) {
  if (x >= params.width || row >= params.height) { return; }
  let plane = params.height * params.width;
  let pixel = row * params.width + x;
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

fn store_row(sample: u32, channel0: u32, row: u32, x0: u32, t: Row, bl: vec4f, bh: vec4f) {
  store(sample, channel0, row, x0, t.p0l + bl, t.p0h + bh);
  store(sample, channel0, row, x0 + 1u, t.p1l + bl, t.p1h + bh);
  store(sample, channel0, row, x0 + 2u, t.p2l + bl, t.p2h + bh);
  store(sample, channel0, row, x0 + 3u, t.p3l + bl, t.p3h + bh);
  store(sample, channel0, row, x0 + 4u, t.p4l + bl, t.p4h + bh);
  store(sample, channel0, row, x0 + 5u, t.p5l + bl, t.p5h + bh);
  store(sample, channel0, row, x0 + 6u, t.p6l + bl, t.p6h + bh);
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= params.invocations) { return; }
  let run = i % params.runs_per_row;
  let row_block = (i / params.runs_per_row) % params.row_blocks;
  let group = (i / (params.runs_per_row * params.row_blocks)) % params.channel_groups;
  let sample = i / (params.runs_per_row * params.row_blocks * params.channel_groups);
  let w = i32(params.width);
  let x0 = i32(run * 7u);
  let row0 = i32(row_block * 4u);

  let xa = vec4i(x0 - 1, x0, x0 + 1, x0 + 2);
  let xb = xa + 4;
  let xc = x0 + 7;
  let cols = Columns(
    vec4u(clamp(xa, vec4i(0), vec4i(w - 1))),
    vec4u(clamp(xb, vec4i(0), vec4i(w - 1))),
    u32(clamp(xc, 0, w - 1)),
    select(vec4f(0.0), vec4f(1.0), (xa >= vec4i(0)) & (xa < vec4i(w))),
    select(vec4f(0.0), vec4f(1.0), (xb >= vec4i(0)) & (xb < vec4i(w))),
    select(0.0, 1.0, xc < w),
  );

  let quads = params.channel_groups * 2u;  // vec4s per (c, u, v) in the weights
  let zero = vec4f(0.0);
  var t0 = Row(zero, zero, zero, zero, zero, zero, zero, zero, zero, zero, zero, zero, zero, zero);
  var t1 = t0;
  var t2 = t0;
  var t3 = t0;
  for (var c = 0u; c < params.cin; c++) {
    let plane_base = (sample * params.cin + c) * params.height * params.width;
    let wi = c * 9u * quads + group * 2u;
    let k0 = load_taps(wi, quads);
    let k1 = load_taps(wi + 3u * quads, quads);
    let k2 = load_taps(wi + 6u * quads, quads);
    // Input row row0 − 1 + j feeds output rows row0 + j − u for kernel rows u = 0, 1, 2.
    let r0 = load_row(plane_base, row0 - 1, cols);
    t0 = accumulate(t0, r0, k0);
    let r1 = load_row(plane_base, row0, cols);
    t0 = accumulate(t0, r1, k1);
    t1 = accumulate(t1, r1, k0);
    let r2 = load_row(plane_base, row0 + 1, cols);
    t0 = accumulate(t0, r2, k2);
    t1 = accumulate(t1, r2, k1);
    t2 = accumulate(t2, r2, k0);
    let r3 = load_row(plane_base, row0 + 2, cols);
    t1 = accumulate(t1, r3, k2);
    t2 = accumulate(t2, r3, k1);
    t3 = accumulate(t3, r3, k0);
    let r4 = load_row(plane_base, row0 + 3, cols);
    t2 = accumulate(t2, r4, k2);
    t3 = accumulate(t3, r4, k1);
    let r5 = load_row(plane_base, row0 + 4, cols);
    t3 = accumulate(t3, r5, k2);
  }
  let bl = bias[group * 2u];
  let bh = bias[group * 2u + 1u];
  let channel0 = group * 8u;
  let x = u32(x0);
  let row = u32(row0);
  store_row(sample, channel0, row, x, t0, bl, bh);
  store_row(sample, channel0, row + 1u, x, t1, bl, bh);
  store_row(sample, channel0, row + 2u, x, t2, bl, bh);
  store_row(sample, channel0, row + 3u, x, t3, bl, bh);
}
