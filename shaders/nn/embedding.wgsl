// The UNet's conditioning vector and every ResBlock's projection of it, in one dispatch (tools/train/model.py
// UNet.embedding, then each block's Linear(SiLU(emb)), stacked: src/worlds/unet/graph.ts fuseEmbedding):
//   f = time features(σ)                       (time-feature-math.wgsl, prepended)
//   h = SiLU(W1·f + b1)
//   e = SiLU(W2·h + b2 + table[label])         (the label clamped to the table, so it never reads out of bounds)
//   out = W3·e + b3                            (W3: the blocks' Linear rows, stacked)
// One workgroup per sample: the lanes share each layer's input vector in workgroup memory and split its outputs.
// The work is a few ten thousand multiply-adds per sample, so three barriers cost less than the four dispatches and
// the four intermediate vectors written and read back by the unfused steps. Sums run in the order of linear.wgsl.
//
// Two entry points:
//  - `main`: σ and the labels are the network's own per-sample buffers.
//  - `main_edm`: the EDM entry of the denoiser is folded in (edm-input.wgsl's function, so one dispatch fewer):
//    for the chunk [first_sample, first_sample + samples) of the caller's buffers it writes z = x/(1+σ) and copies
//    σ and the label into the network's buffers, then embeds them. Samples past the caller's count (the round-up
//    of the last chunk) get zeros, as in edm-input.wgsl.
//
// Bindings: 0 params (uniform); 1 sigma [batch] (main_edm: the caller's, [count]); 2 labels [batch] u32 (main_edm:
// the caller's); 3 weights: one array, each tensor at its *_at offset (src/worlds/unet/gpu-weights.ts
// embeddingOffsets; the frequencies as (hi, lo) pairs of 1000·f_k); 4 output [batch, outputs].
// main_edm also: 5 x [count, dim]; 6 z [batch, dim]; 7 sigma_out [batch]; 8 labels_out [batch] u32; 9 entry
// (uniform). Workgroup (x + y·groups.x) → sample.

struct EmbeddingParams {
  half_dim: u32,
  first_outputs: u32,
  second_outputs: u32,
  rows: u32,
  outputs: u32,
  samples: u32,
  // Always 1.0 (see time-feature-math.wgsl).
  one: f32,
  frequencies_at: u32,
  first_weight_at: u32,
  first_bias_at: u32,
  second_weight_at: u32,
  second_bias_at: u32,
  table_at: u32,
  last_weight_at: u32,
  last_bias_at: u32,
}

struct EdmEntry {
  first_sample: u32,
  dim: u32,
}

@group(0) @binding(0) var<uniform> params: EmbeddingParams;
@group(0) @binding(1) var<storage, read> sigma: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read> weights: array<f32>;
@group(0) @binding(4) var<storage, read_write> output: array<f32>;
@group(0) @binding(5) var<storage, read> x: array<f32>;
@group(0) @binding(6) var<storage, read_write> z: array<f32>;
@group(0) @binding(7) var<storage, read_write> sigma_out: array<f32>;
@group(0) @binding(8) var<storage, read_write> labels_out: array<u32>;
@group(0) @binding(9) var<uniform> entry: EdmEntry;

const LANES = 64u;
// src/worlds/unet/graph.ts EMBEDDING_MAX_WIDTH: the widest time-feature or hidden vector.
const MAX_WIDTH = 256u;
var<workgroup> vector_a: array<f32, MAX_WIDTH>;
var<workgroup> vector_b: array<f32, MAX_WIDTH>;

// exp is capped so it never overflows to ∞ (WGSL may assume finite math); below −80 SiLU is 0 to f32 anyway.
fn silu(v: f32) -> f32 {
  return v / (1.0 + exp(min(-v, 80.0)));
}

fn embed(sample: u32, lane: u32, s: f32, label: u32) {
  let half_dim = params.half_dim;
  let t = rf_time(s, params.one);
  for (var k = lane; k < half_dim; k += LANES) {
    let at = params.frequencies_at + 2u * k;
    let cs = time_feature(t, vec2f(weights[at], weights[at + 1u]));
    vector_a[k] = cs.x;
    vector_a[half_dim + k] = cs.y;
  }
  workgroupBarrier();
  let features = 2u * half_dim;
  for (var o = lane; o < params.first_outputs; o += LANES) {
    var acc = 0.0;
    for (var k = 0u; k < features; k++) {
      acc += weights[params.first_weight_at + o * features + k] * vector_a[k];
    }
    vector_b[o] = silu(acc + weights[params.first_bias_at + o]);
  }
  workgroupBarrier();
  let row = params.table_at + min(label, params.rows - 1u) * params.second_outputs;
  for (var o = lane; o < params.second_outputs; o += LANES) {
    var acc = 0.0;
    for (var k = 0u; k < params.first_outputs; k++) {
      acc += weights[params.second_weight_at + o * params.first_outputs + k] * vector_b[k];
    }
    acc += weights[params.second_bias_at + o];
    // vector_a (the time features) was last read before the barrier above.
    vector_a[o] = silu(acc + weights[row + o]);
  }
  workgroupBarrier();
  for (var o = lane; o < params.outputs; o += LANES) {
    var acc = 0.0;
    for (var k = 0u; k < params.second_outputs; k++) {
      acc += weights[params.last_weight_at + o * params.second_outputs + k] * vector_a[k];
    }
    output[sample * params.outputs + o] = acc + weights[params.last_bias_at + o];
  }
}

@compute @workgroup_size(64)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) groups: vec3u,
  @builtin(local_invocation_index) lane: u32,
) {
  let sample = wid.x + wid.y * groups.x;
  if (sample >= params.samples) { return; }
  embed(sample, lane, sigma[sample], labels[sample]);
}

@compute @workgroup_size(64)
fn main_edm(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) groups: vec3u,
  @builtin(local_invocation_index) lane: u32,
) {
  let sample = wid.x + wid.y * groups.x;
  if (sample >= params.samples) { return; }
  let g = entry.first_sample + sample;
  let dim = entry.dim;
  var s = 0.0;
  var label = 0u;
  if (g < arrayLength(&sigma)) {
    s = sigma[g];
    label = labels[g];
    for (var p = lane; p < dim; p += LANES) { z[sample * dim + p] = x[g * dim + p] / (1.0 + s); }
  } else {
    for (var p = lane; p < dim; p += LANES) { z[sample * dim + p] = 0.0; }
  }
  if (lane == 0u) {
    sigma_out[sample] = s;
    labels_out[sample] = label;
  }
  embed(sample, lane, s, label);
}
