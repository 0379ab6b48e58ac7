// GroupNorm (Wu & He 2018, as PyTorch's F.group_norm) fused with SiLU: per sample and group of C/G consecutive
// channels, mean μ and biased variance σ² over the group's (C/G)·H·W values, then
//   out[n,c,y,x] = SiLU((in − μ)/√(σ² + eps)·weight[c] + bias[c])      (SiLU only when apply_silu ≠ 0).
// Every GroupNorm of the UNet is followed by SiLU, so fusing saves a pass over the activations.
//
// The input may be a channel concatenation read in place (src/worlds/unet/graph.ts foldConcats): channels
// c < first_channels come from `first` (stored at half resolution and read at (⌊y/2⌋, ⌊x/2⌋) when first_upsampled,
// the decoder's nearest 2× upsampling), the rest from `second` times second_scale (Skip-Tuning's ρ_j, Ma et al.
// 2024, §3). At second_scale = 1 the skip is used as read, not multiplied, so ρ = 1 is bit-identical to no tuning.
// Without a concat, first_channels = channels and `second` is never read.
//
// Numerics in two reads of the input, not three: each lane sums its strided values shifted by its own first value K
// (Σd, Σd² with d = x − K: the shifted-data algorithm, whose error grows with (K − μ)²/σ², not μ²/σ² as
// E[x²] − μ² does), and lane 0 merges the 64 lanes' (count, mean, M2) with the pairwise update of Chan, Golub &
// LeVeque (1983): M2 = M2_a + M2_b + δ²·n_a·n_b/(n_a + n_b). The second read normalises.
// One workgroup of 64 per (sample, group).
// Bindings: 0 params (uniform); 1 first [batch, first_channels, plane or plane/4]; 2 second [batch, channels −
// first_channels, plane]; 3 weight [channels]; 4 bias [channels]; 5 output [batch, channels, plane].
// Workgroup id w → (sample, group) = (w / groups, w % groups).

struct GroupNormParams {
  channels: u32,
  groups: u32,
  plane: u32,
  workgroups: u32,
  eps: f32,
  apply_silu: u32,
  first_channels: u32,
  first_upsampled: u32,
  width: u32,
  second_scale: f32,
}

@group(0) @binding(0) var<uniform> params: GroupNormParams;
@group(0) @binding(1) var<storage, read> first: array<f32>;
@group(0) @binding(2) var<storage, read> second: array<f32>;
@group(0) @binding(3) var<storage, read> weight: array<f32>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;
@group(0) @binding(5) var<storage, read_write> output: array<f32>;

var<workgroup> lane_count: array<f32, 64>;
var<workgroup> lane_mean: array<f32, 64>;
var<workgroup> lane_m2: array<f32, 64>;

// Input value of channel c at plane position p of `sample`, from whichever source holds it.
fn load_input(sample: u32, c: u32, p: u32) -> f32 {
  if (c < params.first_channels) {
    if (params.first_upsampled != 0u) {
      let half_width = params.width / 2u;
      let y = p / params.width;
      let x = p - y * params.width;
      return first[(sample * params.first_channels + c) * (params.plane / 4u) + (y / 2u) * half_width + x / 2u];
    }
    return first[(sample * params.first_channels + c) * params.plane + p];
  }
  let skip = second[(sample * (params.channels - params.first_channels) + c - params.first_channels) * params.plane + p];
  return select(params.second_scale * skip, skip, params.second_scale == 1.0);
}

@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) lane: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  // The whole workgroup takes the same branch, so the barriers below stay in uniform control flow.
  let w = wid.x + wid.y * groups.x;
  if (w >= params.workgroups) { return; }
  let channels_per_group = params.channels / params.groups;
  let count = channels_per_group * params.plane;
  let sample = w / params.groups;
  let first_channel = (w % params.groups) * channels_per_group;
  // Lane `lane` visits the group's values k = lane, lane + 64, …: channel first_channel + k / plane, position
  // k % plane, advanced by carrying instead of dividing per value.
  let start_c = first_channel + lane / params.plane;
  let start_p = lane % params.plane;
  let shift = select(0.0, load_input(sample, start_c, start_p), lane < count);
  var n = 0u;
  var s1 = 0.0;
  var s2 = 0.0;
  var c = start_c;
  var p = start_p;
  for (var k = lane; k < count; k += 64u) {
    let d = load_input(sample, c, p) - shift;
    s1 += d;
    s2 += d * d;
    n++;
    p += 64u;
    while (p >= params.plane) { p -= params.plane; c++; }
  }
  let nf = f32(n);
  lane_count[lane] = nf;
  lane_mean[lane] = select(0.0, shift + s1 / nf, n > 0u);
  lane_m2[lane] = select(0.0, max(s2 - s1 * s1 / nf, 0.0), n > 0u);
  workgroupBarrier();
  if (lane == 0u) {
    var total = 0.0;
    var mean = 0.0;
    var m2 = 0.0;
    for (var j = 0u; j < 64u; j++) {
      let nj = lane_count[j];
      if (nj == 0.0) { continue; }
      let merged = total + nj;
      let delta = lane_mean[j] - mean;
      mean += delta * (nj / merged);
      m2 += lane_m2[j] + delta * delta * (total * nj / merged);
      total = merged;
    }
    lane_mean[0] = mean;
    lane_m2[0] = inverseSqrt(m2 / total + params.eps);
  }
  workgroupBarrier();
  let mean = lane_mean[0];
  let inv_std = lane_m2[0];
  c = start_c;
  p = start_p;
  let out_base = sample * params.channels * params.plane;
  for (var k = lane; k < count; k += 64u) {
    var y = (load_input(sample, c, p) - mean) * inv_std * weight[c] + bias[c];
    if (params.apply_silu != 0u) { y = y / (1.0 + exp(min(-y, 80.0))); }
    output[out_base + c * params.plane + p] = y;
    p += 64u;
    while (p >= params.plane) { p -= params.plane; c++; }
  }
}
