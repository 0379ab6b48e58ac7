// AMED predictor input: the UNet bottleneck (one chunk of n samples, NCHW per sample) reduced to b, the vector the
// predictor's encoder reads (zju-pi/diff-sampler AMED_predictor; src/sampling/amed/predictor.ts reduceBottleneck):
// channel-mean = the mean over channels of every pixel (H·W values, row-major), spatial-mean = the mean over H·W of
// every channel (C values). Runs right after the chunk's network call, before the next chunk reuses the buffer.
//
// Bindings: 0 params (uniform); 1 activation [n, channels, plane] (the chunk); 2 b [count, input_dim] (read_write),
// written at rows first_sample … first_sample + n − 1. One invocation per (sample of the chunk, output value).

struct ReduceParams {
  channels: u32,
  plane: u32,
  input_dim: u32,
  first_sample: u32,
  invocations: u32,   // n · input_dim
  spatial_mean: u32,  // 0: channel-mean, 1: spatial-mean
}

@group(0) @binding(0) var<uniform> params: ReduceParams;
@group(0) @binding(1) var<storage, read> activation: array<f32>;
@group(0) @binding(2) var<storage, read_write> b: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= params.invocations) { return; }
  let sample = i / params.input_dim;
  let k = i % params.input_dim;
  let base = sample * params.channels * params.plane;
  var acc = 0.0;
  if (params.spatial_mean == 0u) {
    for (var c = 0u; c < params.channels; c++) { acc += activation[base + c * params.plane + k]; }
    acc /= f32(params.channels);
  } else {
    for (var p = 0u; p < params.plane; p++) { acc += activation[base + k * params.plane + p]; }
    acc /= f32(params.plane);
  }
  b[(params.first_sample + sample) * params.input_dim + k] = acc;
}
