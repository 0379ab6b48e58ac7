// GroupNorm (Wu & He 2018, as PyTorch's F.group_norm) fused with SiLU: per sample and group of C/G consecutive
// channels, mean μ and biased variance σ² over the group's (C/G)·H·W values, then
//   out[n,c,y,x] = SiLU((in − μ)/√(σ² + eps)·weight[c] + bias[c])      (SiLU only when apply_silu ≠ 0).
// Every GroupNorm of the UNet is followed by SiLU, so fusing saves a pass over the activations.
//
// Two entry points, so the common case pays nothing for the rare one:
//  - `main`: the input is one tensor [batch, channels, plane] in `first`.
//  - `main_concat`: the input is a channel concatenation read in place (src/worlds/unet/graph.ts foldConcats):
//    channels c < first_channels come from `first` (stored at half resolution and read at (⌊y/2⌋, ⌊x/2⌋) when
//    first_upsampled, the decoder's nearest 2× upsampling), the rest from `second` times second_scale
//    (Skip-Tuning's ρ_j, Ma et al. 2024, §3). At second_scale = 1 the skip is used as read, not multiplied, so
//    ρ = 1 is bit-identical to no tuning.
//
// One invocation per (sample, group), with no workgroup memory and no barrier: SwiftShader runs a shader with a
// barrier as coroutines, and the previous layout (a workgroup of 64 lanes per group, merged after a barrier) cost
// 5–18× more CPU than `main` and 1.6–3.6× more than `main_concat` at the network's shapes
// (bench/results/kernels.md). Four invocations per workgroup fill
// SwiftShader's 4-wide SIMD. On a discrete GPU this serial walk over a group leaves most of the chip idle; the
// sandbox is measured on SwiftShader.
//
// Numerics in two reads of the input: per channel, Σd and Σd² with d = x − K, K the channel's first value (the
// shifted-data algorithm, whose error grows with (K − μ)²/σ², not μ²/σ² as E[x²] − μ² does); the channels'
// (count, mean, M2) are merged with the pairwise update of Chan, Golub & LeVeque (1983):
// M2 = M2_a + M2_b + δ²·n_a·n_b/(n_a + n_b). So the rounding error grows with plane + C/G, not with (C/G)·plane.
// The second read normalises.
// Bindings: 0 params (uniform); 1 first [batch, first_channels, plane or plane/4]; 2 weight [channels];
// 3 bias [channels]; 4 output [batch, channels, plane]; 5 second [batch, channels − first_channels, plane]
// (main_concat only). Invocation w → (sample, group) = (w / groups, w % groups).

struct GroupNormParams {
  channels: u32,
  groups: u32,
  plane: u32,
  invocations: u32,
  eps: f32,
  apply_silu: u32,
  first_channels: u32,
  first_upsampled: u32,
  width: u32,
  second_scale: f32,
}

@group(0) @binding(0) var<uniform> params: GroupNormParams;
@group(0) @binding(1) var<storage, read> first: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> output: array<f32>;
@group(0) @binding(5) var<storage, read> second: array<f32>;

// Running (count, mean, M2) of the values seen so far.
struct Moments {
  count: f32,
  mean: f32,
  m2: f32,
}

// Chan, Golub & LeVeque's pairwise merge of a channel's moments (n values, shifted sums s1, s2 around K) into m.
fn merge_channel(m: Moments, n: f32, shift: f32, s1: f32, s2: f32) -> Moments {
  let mean = shift + s1 / n;
  let m2 = max(s2 - s1 * s1 / n, 0.0);
  let total = m.count + n;
  let delta = mean - m.mean;
  return Moments(total, m.mean + delta * (n / total), m.m2 + m2 + delta * delta * (m.count * n / total));
}

fn normalise(x: f32, mean: f32, scale: f32, shift: f32) -> f32 {
  let y = (x - mean) * scale + shift;
  if (params.apply_silu == 0u) { return y; }
  // exp is capped so it never overflows to ∞ (WGSL may assume finite math); below −80 SiLU is 0 to f32 anyway.
  return y / (1.0 + exp(min(-y, 80.0)));
}

@compute @workgroup_size(4)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let w = gid.x + gid.y * groups.x * 4u;
  if (w >= params.invocations) { return; }
  let plane = params.plane;
  let channels_per_group = params.channels / params.groups;
  let first_channel = (w % params.groups) * channels_per_group;
  let group_base = ((w / params.groups) * params.channels + first_channel) * plane;
  let group_size = channels_per_group * plane;
  var m = Moments(0.0, 0.0, 0.0);
  for (var base = group_base; base < group_base + group_size; base += plane) {
    let shift = first[base];
    var s1 = 0.0;
    var s2 = 0.0;
    for (var i = base; i < base + plane; i++) {
      let d = first[i] - shift;
      s1 += d;
      s2 += d * d;
    }
    m = merge_channel(m, f32(plane), shift, s1, s2);
  }
  let inv_std = inverseSqrt(m.m2 / m.count + params.eps);
  for (var c = 0u; c < channels_per_group; c++) {
    let scale = inv_std * weight[first_channel + c];
    let shift = bias[first_channel + c];
    let base = group_base + c * plane;
    for (var i = base; i < base + plane; i++) {
      output[i] = normalise(first[i], m.mean, scale, shift);
    }
  }
}

// Input value of channel c at (y, x) of `sample` in the folded concat, from whichever source holds it.
fn load_concat(sample: u32, c: u32, y: u32, x: u32) -> f32 {
  let width = params.width;
  if (c < params.first_channels) {
    if (params.first_upsampled != 0u) {
      return first[(sample * params.first_channels + c) * (params.plane / 4u) + (y / 2u) * (width / 2u) + x / 2u];
    }
    return first[(sample * params.first_channels + c) * params.plane + y * width + x];
  }
  let skip = second[(sample * (params.channels - params.first_channels) + c - params.first_channels) * params.plane +
    y * width + x];
  return select(params.second_scale * skip, skip, params.second_scale == 1.0);
}

@compute @workgroup_size(4)
fn main_concat(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let w = gid.x + gid.y * groups.x * 4u;
  if (w >= params.invocations) { return; }
  let width = params.width;
  let height = params.plane / width;
  let channels_per_group = params.channels / params.groups;
  let sample = w / params.groups;
  let first_channel = (w % params.groups) * channels_per_group;
  var m = Moments(0.0, 0.0, 0.0);
  for (var c = first_channel; c < first_channel + channels_per_group; c++) {
    let shift = load_concat(sample, c, 0u, 0u);
    var s1 = 0.0;
    var s2 = 0.0;
    for (var y = 0u; y < height; y++) {
      for (var x = 0u; x < width; x++) {
        let d = load_concat(sample, c, y, x) - shift;
        s1 += d;
        s2 += d * d;
      }
    }
    m = merge_channel(m, f32(params.plane), shift, s1, s2);
  }
  let inv_std = inverseSqrt(m.m2 / m.count + params.eps);
  for (var c = first_channel; c < first_channel + channels_per_group; c++) {
    let scale = inv_std * weight[c];
    let shift = bias[c];
    var i = (sample * params.channels + c) * params.plane;
    for (var y = 0u; y < height; y++) {
      for (var x = 0u; x < width; x++) {
        output[i] = normalise(load_concat(sample, c, y, x), m.mean, scale, shift);
        i++;
      }
    }
  }
}
