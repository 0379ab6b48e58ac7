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
// Two entry points:
//  - `main`: the epilogue above.
//  - `main_projected`: the residual is a ResBlock's 1×1 skip projection (EDM's UNetBlock `skip`) of another input,
//    computed here for the tile's own pixels instead of by conv1x1.wgsl into a tensor this kernel would read back
//    (src/worlds/unet/graph.ts fuseProjections): out = conv3x3(input) + bias + (W_s·in_s + b_s). Its input may be a
//    folded concat, addressed as conv1x1.wgsl does (channels < first_channels from `residual`, at half resolution
//    when first_upsampled; the rest from `second` times second_scale, Skip-Tuning's ρ_j, Ma et al. 2024, §3, used
//    as read at 1). The projection sums in conv1x1.wgsl's order and is added as its stored value was, so the fused
//    kernel gives the same floats as the two kernels did. No channel bias and no ReLU here (bindings 4 and the
//    flags are unused).
//
// Bindings as conv3x3.wgsl: 0 params (uniform); 1 input [batch, cin, height, width]; 2 weights
// [cin][3][3][cout_padded/4] vec4; 3 bias [cout_padded/4] vec4; 4 channel_bias [batch, channel_bias_stride];
// 5 residual [batch, cout, height, width]; 6 output [batch, cout, height, width]. main_projected: 5 the
// projection's first input [batch, first_channels, height, width (or both halved)]; 7 second [batch, projection_cin
// − first_channels, height, width]; 8 projection weights [projection_cin][cout_padded/4] vec4; 9 projection bias
// [cout_padded/4] vec4.
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
  // main_projected only.
  projection_cin: u32,
  first_channels: u32,
  first_upsampled: u32,
  second_scale: f32,
}

@group(0) @binding(0) var<uniform> params: Conv3x3Params;
@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read> weights: array<vec4f>;
@group(0) @binding(3) var<storage, read> bias: array<vec4f>;
@group(0) @binding(4) var<storage, read> channel_bias: array<f32>;
@group(0) @binding(5) var<storage, read> residual: array<f32>;
@group(0) @binding(6) var<storage, read_write> output: array<f32>;
@group(0) @binding(7) var<storage, read> second: array<f32>;
@group(0) @binding(8) var<storage, read> projection_weights: array<vec4f>;
@group(0) @binding(9) var<storage, read> projection_bias: array<vec4f>;

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

// Where an invocation's tile lies, and the columns it reads.
struct Place {
  sample: u32,
  group: u32,
  row0: i32,
  x0: i32,
  cols: Columns,
}

// The tile's four output rows.
struct Tile {
  t0: Row,
  t1: Row,
  t2: Row,
  t3: Row,
}

fn place(i: u32) -> Place {
  let run = i % params.runs_per_row;
  let row_block = (i / params.runs_per_row) % params.row_blocks;
  let group = (i / (params.runs_per_row * params.row_blocks)) % params.channel_groups;
  let sample = i / (params.runs_per_row * params.row_blocks * params.channel_groups);
  let w = i32(params.width);
  let x0 = i32(run * 7u);
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
  return Place(sample, group, i32(row_block * 4u), x0, cols);
}

// The 3×3 sums of the tile, without the bias.
fn convolve(p: Place) -> Tile {
  let quads = params.channel_groups * 2u;  // vec4s per (c, u, v) in the weights
  let zero = vec4f(0.0);
  var t0 = Row(zero, zero, zero, zero, zero, zero, zero, zero, zero, zero, zero, zero, zero, zero);
  var t1 = t0;
  var t2 = t0;
  var t3 = t0;
  let row0 = p.row0;
  for (var c = 0u; c < params.cin; c++) {
    let plane_base = (p.sample * params.cin + c) * params.height * params.width;
    let wi = c * 9u * quads + p.group * 2u;
    let k0 = load_taps(wi, quads);
    let k1 = load_taps(wi + 3u * quads, quads);
    let k2 = load_taps(wi + 6u * quads, quads);
    // Input row row0 − 1 + j feeds output rows row0 + j − u for kernel rows u = 0, 1, 2.
    let r0 = load_row(plane_base, row0 - 1, p.cols);
    t0 = accumulate(t0, r0, k0);
    let r1 = load_row(plane_base, row0, p.cols);
    t0 = accumulate(t0, r1, k1);
    t1 = accumulate(t1, r1, k0);
    let r2 = load_row(plane_base, row0 + 1, p.cols);
    t0 = accumulate(t0, r2, k2);
    t1 = accumulate(t1, r2, k1);
    t2 = accumulate(t2, r2, k0);
    let r3 = load_row(plane_base, row0 + 2, p.cols);
    t1 = accumulate(t1, r3, k2);
    t2 = accumulate(t2, r3, k1);
    t3 = accumulate(t3, r3, k0);
    let r4 = load_row(plane_base, row0 + 3, p.cols);
    t2 = accumulate(t2, r4, k2);
    t3 = accumulate(t3, r4, k1);
    let r5 = load_row(plane_base, row0 + 4, p.cols);
    t3 = accumulate(t3, r5, k2);
  }
  return Tile(t0, t1, t2, t3);
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= params.invocations) { return; }
  let p = place(i);
  let t = convolve(p);
  let bl = bias[p.group * 2u];
  let bh = bias[p.group * 2u + 1u];
  let channel0 = p.group * 8u;
  let x = u32(p.x0);
  let row = u32(p.row0);
  store_row(p.sample, channel0, row, x, t.t0, bl, bh);
  store_row(p.sample, channel0, row + 1u, x, t.t1, bl, bh);
  store_row(p.sample, channel0, row + 2u, x, t.t2, bl, bh);
  store_row(p.sample, channel0, row + 3u, x, t.t3, bl, bh);
}

// Adds one input channel's values at the row's 7 pixels (a: pixels 0–3, b: 4–6) times its 1×1 weights.
fn accumulate_pixels(t: Row, a: vec4f, b: vec3f, wl: vec4f, wh: vec4f) -> Row {
  return Row(
    fma(wl, vec4f(a.x), t.p0l), fma(wh, vec4f(a.x), t.p0h),
    fma(wl, vec4f(a.y), t.p1l), fma(wh, vec4f(a.y), t.p1h),
    fma(wl, vec4f(a.z), t.p2l), fma(wh, vec4f(a.z), t.p2h),
    fma(wl, vec4f(a.w), t.p3l), fma(wh, vec4f(a.w), t.p3h),
    fma(wl, vec4f(b.x), t.p4l), fma(wh, vec4f(b.x), t.p4h),
    fma(wl, vec4f(b.y), t.p5l), fma(wh, vec4f(b.y), t.p5h),
    fma(wl, vec4f(b.z), t.p6l), fma(wh, vec4f(b.z), t.p6h),
  );
}

// The skip projection W_s·in_s + b_s at one output row of the tile (clamped rows and columns are never stored).
fn project_row(p: Place, row: u32) -> Row {
  let y = min(row, params.height - 1u);
  let xa = vec4u(p.cols.ca.y, p.cols.ca.z, p.cols.ca.w, p.cols.cb.x);
  let xb = vec3u(p.cols.cb.y, p.cols.cb.z, p.cols.cb.w);
  let plane = params.height * params.width;
  let pa = y * params.width + xa;
  let pb = y * params.width + xb;
  // Where the first source is read: the same pixels, or their parents at half resolution.
  var first_plane = plane;
  var fa = pa;
  var fb = pb;
  if (params.first_upsampled != 0u) {
    let half_width = params.width / 2u;
    first_plane = plane / 4u;
    fa = (y / 2u) * half_width + xa / 2u;
    fb = (y / 2u) * half_width + xb / 2u;
  }
  let quads = params.channel_groups * 2u;
  let zero = vec4f(0.0);
  var t = Row(zero, zero, zero, zero, zero, zero, zero, zero, zero, zero, zero, zero, zero, zero);
  for (var c = 0u; c < params.first_channels; c++) {
    let base = (p.sample * params.first_channels + c) * first_plane;
    let a = vec4f(residual[base + fa.x], residual[base + fa.y], residual[base + fa.z], residual[base + fa.w]);
    let b = vec3f(residual[base + fb.x], residual[base + fb.y], residual[base + fb.z]);
    let wc = c * quads + p.group * 2u;
    t = accumulate_pixels(t, a, b, projection_weights[wc], projection_weights[wc + 1u]);
  }
  let second_channels = params.projection_cin - params.first_channels;
  let scale = params.second_scale;
  for (var c = 0u; c < second_channels; c++) {
    let base = (p.sample * second_channels + c) * plane;
    let a = vec4f(second[base + pa.x], second[base + pa.y], second[base + pa.z], second[base + pa.w]);
    let b = vec3f(second[base + pb.x], second[base + pb.y], second[base + pb.z]);
    let wc = (params.first_channels + c) * quads + p.group * 2u;
    t = accumulate_pixels(
      t,
      select(scale * a, a, scale == 1.0),
      select(scale * b, b, scale == 1.0),
      projection_weights[wc],
      projection_weights[wc + 1u],
    );
  }
  let bl = projection_bias[p.group * 2u];
  let bh = projection_bias[p.group * 2u + 1u];
  return Row(
    t.p0l + bl, t.p0h + bh, t.p1l + bl, t.p1h + bh, t.p2l + bl, t.p2h + bh, t.p3l + bl, t.p3h + bh,
    t.p4l + bl, t.p4h + bh, t.p5l + bl, t.p5h + bh, t.p6l + bl, t.p6h + bh,
  );
}

// Writes the 8 channels of one output pixel: the 3×3 value plus the projection's.
fn store_projected(sample: u32, channel0: u32, row: u32, x: u32, lo: vec4f, hi: vec4f, plo: vec4f, phi: vec4f) {
  if (x >= params.width || row >= params.height) { return; }
  let plane = params.height * params.width;
  let pixel = row * params.width + x;
  for (var k = 0u; k < 8u; k++) {
    let o = channel0 + k;
    if (o >= params.cout) { return; }
    let value = select(hi[k & 3u], lo[k & 3u], k < 4u) + select(phi[k & 3u], plo[k & 3u], k < 4u);
    output[(sample * params.cout + o) * plane + pixel] = value;
  }
}

fn store_row_projected(p: Place, row: u32, t: Row, bl: vec4f, bh: vec4f) {
  if (row >= params.height) { return; }
  let q = project_row(p, row);
  let channel0 = p.group * 8u;
  let x0 = u32(p.x0);
  store_projected(p.sample, channel0, row, x0, t.p0l + bl, t.p0h + bh, q.p0l, q.p0h);
  store_projected(p.sample, channel0, row, x0 + 1u, t.p1l + bl, t.p1h + bh, q.p1l, q.p1h);
  store_projected(p.sample, channel0, row, x0 + 2u, t.p2l + bl, t.p2h + bh, q.p2l, q.p2h);
  store_projected(p.sample, channel0, row, x0 + 3u, t.p3l + bl, t.p3h + bh, q.p3l, q.p3h);
  store_projected(p.sample, channel0, row, x0 + 4u, t.p4l + bl, t.p4h + bh, q.p4l, q.p4h);
  store_projected(p.sample, channel0, row, x0 + 5u, t.p5l + bl, t.p5h + bh, q.p5l, q.p5h);
  store_projected(p.sample, channel0, row, x0 + 6u, t.p6l + bl, t.p6h + bh, q.p6l, q.p6h);
}

@compute @workgroup_size(64)
fn main_projected(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= params.invocations) { return; }
  let p = place(i);
  let t = convolve(p);
  let bl = bias[p.group * 2u];
  let bh = bias[p.group * 2u + 1u];
  let row = u32(p.row0);
  store_row_projected(p, row, t.t0, bl, bh);
  store_row_projected(p, row + 1u, t.t1, bl, bh);
  store_row_projected(p, row + 2u, t.t2, bl, bh);
  store_row_projected(p, row + 3u, t.t3, bl, bh);
}
