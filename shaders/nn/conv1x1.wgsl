// 1×1 convolution (a ResBlock's skip projection when its widths differ), as PyTorch's Conv2d with k = 1:
//   out[n,o,p] = bias[o] + Σ_c W[o,c]·in[n,c,p] over the flattened plane p = y·W + x.
// The input may be a channel concatenation read in place, as in group-norm-silu.wgsl: channels c < first_channels
// from `first` (at half resolution, read at (⌊y/2⌋, ⌊x/2⌋), when first_upsampled), the rest from `second` times
// second_scale (Skip-Tuning's ρ_j, Ma et al. 2024, §3; at 1 the skip is used as read, so ρ = 1 is bit-identical
// to no tuning). Without a concat, first_channels = cin and `second` is never read.
// Register blocking as in conv3x3.wgsl: one invocation computes 8 output channels × 4 consecutive pixels, so each
// input load feeds 8 multiply-adds (fma()) and each weight vec4 feeds 4.
// Bindings: 0 params (uniform); 1 first [batch, first_channels, plane or plane/4]; 2 second [batch, cin −
// first_channels, plane]; 3 weights [cin][cout_padded/4] vec4 (output channels innermost, zero-padded to a multiple
// of 8; src/worlds/unet/pack.ts); 4 bias [cout_padded/4] vec4; 5 output [batch, cout, plane].
// Invocation i → (sample, group of 8 channels, run of 4 pixels), the run fastest.

struct Conv1x1Params {
  cin: u32,
  cout: u32,
  plane: u32,
  runs: u32,
  channel_groups: u32,
  invocations: u32,
  first_channels: u32,
  first_upsampled: u32,
  width: u32,
  second_scale: f32,
}

@group(0) @binding(0) var<uniform> params: Conv1x1Params;
@group(0) @binding(1) var<storage, read> first: array<f32>;
@group(0) @binding(2) var<storage, read> second: array<f32>;
@group(0) @binding(3) var<storage, read> weights: array<vec4f>;
@group(0) @binding(4) var<storage, read> bias: array<vec4f>;
@group(0) @binding(5) var<storage, read_write> output: array<f32>;

// 4 pixels × 8 output channels (lo = channels 0–3, hi = 4–7).
struct Tile {
  p0l: vec4f, p0h: vec4f,
  p1l: vec4f, p1h: vec4f,
  p2l: vec4f, p2h: vec4f,
  p3l: vec4f, p3h: vec4f,
}

// Adds one input channel's 4 pixel values r times its weights (wl, wh) to the tile.
fn accumulate(t: Tile, r: vec4f, wl: vec4f, wh: vec4f) -> Tile {
  return Tile(
    fma(wl, vec4f(r.x), t.p0l), fma(wh, vec4f(r.x), t.p0h),
    fma(wl, vec4f(r.y), t.p1l), fma(wh, vec4f(r.y), t.p1h),
    fma(wl, vec4f(r.z), t.p2l), fma(wh, vec4f(r.z), t.p2h),
    fma(wl, vec4f(r.w), t.p3l), fma(wh, vec4f(r.w), t.p3h),
  );
}

fn store(sample: u32, channel0: u32, p: u32, lo: vec4f, hi: vec4f) {
  if (p >= params.plane) { return; }
  for (var k = 0u; k < 8u; k++) {
    let o = channel0 + k;
    if (o >= params.cout) { return; }
    output[(sample * params.cout + o) * params.plane + p] = select(hi[k & 3u], lo[k & 3u], k < 4u);
  }
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= params.invocations) { return; }
  let run = i % params.runs;
  let group = (i / params.runs) % params.channel_groups;
  let sample = i / (params.runs * params.channel_groups);
  let p0 = run * 4u;
  // Pixels past the plane read a clamped address and are masked to 0 (and never stored).
  let last = params.plane - 1u;
  let pixels = vec4u(p0, p0 + 1u, p0 + 2u, p0 + 3u);
  let pa = min(pixels, vec4u(last));
  let mask = select(vec4f(0.0), vec4f(1.0), pixels <= vec4u(last));
  // Where the first source is read: the same positions, or their parents at half resolution.
  var first_plane = params.plane;
  var fa = pa;
  if (params.first_upsampled != 0u) {
    let y = pa / vec4u(params.width);
    let x = pa - y * params.width;
    first_plane = params.plane / 4u;
    fa = (y / 2u) * (params.width / 2u) + x / 2u;
  }
  let quads = params.channel_groups * 2u;
  var t = Tile(vec4f(0.0), vec4f(0.0), vec4f(0.0), vec4f(0.0), vec4f(0.0), vec4f(0.0), vec4f(0.0), vec4f(0.0));
  for (var c = 0u; c < params.first_channels; c++) {
    let base = (sample * params.first_channels + c) * first_plane;
    let r = vec4f(first[base + fa.x], first[base + fa.y], first[base + fa.z], first[base + fa.w]) * mask;
    t = accumulate(t, r, weights[c * quads + group * 2u], weights[c * quads + group * 2u + 1u]);
  }
  let second_channels = params.cin - params.first_channels;
  let scale = params.second_scale;
  for (var c = 0u; c < second_channels; c++) {
    let base = (sample * second_channels + c) * params.plane;
    let loaded = vec4f(second[base + pa.x], second[base + pa.y], second[base + pa.z], second[base + pa.w]);
    let r = select(scale * loaded, loaded, scale == 1.0) * mask;
    let wc = (params.first_channels + c) * quads + group * 2u;
    t = accumulate(t, r, weights[wc], weights[wc + 1u]);
  }
  let bl = bias[group * 2u];
  let bh = bias[group * 2u + 1u];
  let channel0 = group * 8u;
  store(sample, channel0, p0, t.p0l + bl, t.p0h + bh);
  store(sample, channel0, p0 + 1u, t.p1l + bl, t.p1h + bh);
  store(sample, channel0, p0 + 2u, t.p2l + bl, t.p2h + bh);
  store(sample, channel0, p0 + 3u, t.p3l + bl, t.p3h + bh);
}
