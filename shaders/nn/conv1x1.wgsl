// 1×1 convolution (a ResBlock's skip projection when its widths differ), as PyTorch's Conv2d with k = 1:
//   out[n,o,p] = bias[o] + Σ_c W[o,c]·in[n,c,p] over the flattened plane p = y·W + x.
// Register blocking as in conv3x3.wgsl: one invocation computes 8 output channels × 4 consecutive pixels, so each
// input load feeds 8 FMAs and each weight vec4 feeds 4.
// Bindings: 0 params (uniform); 1 input [batch, cin, plane]; 2 weights [cin][cout_padded/4] vec4 (output channels
// innermost, zero-padded to a multiple of 8; src/worlds/unet/pack.ts); 3 bias [cout_padded/4] vec4;
// 4 output [batch, cout, plane]. Invocation i → (sample, group of 8 channels, run of 4 pixels), the run fastest.

struct Conv1x1Params {
  cin: u32,
  cout: u32,
  plane: u32,
  runs: u32,
  channel_groups: u32,
  invocations: u32,
}

@group(0) @binding(0) var<uniform> params: Conv1x1Params;
@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read> weights: array<vec4f>;
@group(0) @binding(3) var<storage, read> bias: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> output: array<f32>;

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
  let pa = min(vec4u(p0, p0 + 1u, p0 + 2u, p0 + 3u), vec4u(last));
  let mask = select(vec4f(0.0), vec4f(1.0), vec4u(p0, p0 + 1u, p0 + 2u, p0 + 3u) <= vec4u(last));
  let quads = params.channel_groups * 2u;
  var a0l = vec4f(0.0); var a0h = vec4f(0.0);
  var a1l = vec4f(0.0); var a1h = vec4f(0.0);
  var a2l = vec4f(0.0); var a2h = vec4f(0.0);
  var a3l = vec4f(0.0); var a3h = vec4f(0.0);
  for (var c = 0u; c < params.cin; c++) {
    let base = (sample * params.cin + c) * params.plane;
    let r0 = input[base + pa.x] * mask.x;
    let r1 = input[base + pa.y] * mask.y;
    let r2 = input[base + pa.z] * mask.z;
    let r3 = input[base + pa.w] * mask.w;
    let wl = weights[c * quads + group * 2u];
    let wh = weights[c * quads + group * 2u + 1u];
    a0l += wl * r0; a0h += wh * r0;
    a1l += wl * r1; a1h += wh * r1;
    a2l += wl * r2; a2h += wh * r2;
    a3l += wl * r3; a3h += wh * r3;
  }
  let bl = bias[group * 2u];
  let bh = bias[group * 2u + 1u];
  let channel0 = group * 8u;
  store(sample, channel0, p0, a0l + bl, a0h + bh);
  store(sample, channel0, p0 + 1u, a1l + bl, a1h + bh);
  store(sample, channel0, p0 + 2u, a2l + bl, a2h + bh);
  store(sample, channel0, p0 + 3u, a3l + bl, a3h + bh);
}
