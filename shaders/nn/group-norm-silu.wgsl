// GroupNorm (Wu & He 2018, as PyTorch's F.group_norm) fused with SiLU: per sample and group of C/G consecutive
// channels, mean μ and biased variance σ² over the group's (C/G)·H·W values, then
//   out[n,c,y,x] = SiLU((in − μ)/√(σ² + eps)·weight[c] + bias[c])      (SiLU only when apply_silu ≠ 0).
// Every GroupNorm of the UNet is followed by SiLU, so fusing saves a pass over the activations.
// Numerics: two passes (the mean, then Σ(x − μ)²), never E[x²] − μ², which cancels catastrophically when |μ| ≫ σ.
// One workgroup of 64 per (sample, group); a group's values are contiguous in NCHW.
// Bindings: 0 params (uniform); 1 input [batch, channels, plane]; 2 weight [channels]; 3 bias [channels];
// 4 output [batch, channels, plane]. Workgroup id w → (sample, group) = (w / groups, w % groups).

struct GroupNormParams {
  channels: u32,
  groups: u32,
  plane: u32,
  workgroups: u32,
  eps: f32,
  apply_silu: u32,
}

@group(0) @binding(0) var<uniform> params: GroupNormParams;
@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> output: array<f32>;

var<workgroup> partial: array<f32, 64>;

// Sum of `value` over the workgroup, returned to every invocation. One invocation adds the 64 partials: a tree
// would need 6 barriers, and a barrier is the expensive part on SwiftShader (every invocation is a coroutine).
fn workgroup_sum(lane: u32, value: f32) -> f32 {
  partial[lane] = value;
  workgroupBarrier();
  if (lane == 0u) {
    var total = 0.0;
    for (var k = 0u; k < 64u; k++) { total += partial[k]; }
    partial[0] = total;
  }
  workgroupBarrier();
  let total = partial[0];
  workgroupBarrier();
  return total;
}

@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) lane: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  // The whole workgroup takes the same branch, so the barriers below stay in uniform control flow.
  let w = wid.x + wid.y * groups.x;
  if (w >= params.workgroups) { return; }
  let channels_per_group = params.channels / params.groups;
  let count = channels_per_group * params.plane;
  let start = w * count;  // (sample·groups + group)·(C/G)·plane: NCHW keeps a group contiguous
  var sum = 0.0;
  for (var k = lane; k < count; k += 64u) { sum += input[start + k]; }
  let mean = workgroup_sum(lane, sum) / f32(count);
  var squares = 0.0;
  for (var k = lane; k < count; k += 64u) {
    let d = input[start + k] - mean;
    squares += d * d;
  }
  let inv_std = inverseSqrt(workgroup_sum(lane, squares) / f32(count) + params.eps);
  let first_channel = (w % params.groups) * channels_per_group;
  for (var k = lane; k < count; k += 64u) {
    let c = first_channel + k / params.plane;
    var y = (input[start + k] - mean) * inv_std * weight[c] + bias[c];
    if (params.apply_silu != 0u) { y = y / (1.0 + exp(min(-y, 80.0))); }
    output[start + k] = y;
  }
}
