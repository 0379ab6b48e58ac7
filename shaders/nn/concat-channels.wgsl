// Channel concatenation (torch.cat([first, second], dim=1)): the UNet's skip connections, decoder state first.
//   out[n, c, p] = first[n, c, p] for c < first_channels, else second_scale · second[n, c − first_channels, p].
// second_scale is Skip-Tuning's ρ_j (Ma et al. 2024, §3): the encoder's skip scaled as the decoder reads it. At 1 the
// skip is copied, not multiplied, so a network without Skip-Tuning stays bit-identical whatever the compiler does.
// Bindings: 0 params (uniform); 1 first [batch, first_channels, plane]; 2 second [batch, second_channels, plane];
// 3 output [batch, first_channels + second_channels, plane]. One invocation per output element.

struct ConcatParams {
  first_channels: u32,
  second_channels: u32,
  plane: u32,
  invocations: u32,
  second_scale: f32,
}

@group(0) @binding(0) var<uniform> params: ConcatParams;
@group(0) @binding(1) var<storage, read> first: array<f32>;
@group(0) @binding(2) var<storage, read> second: array<f32>;
@group(0) @binding(3) var<storage, read_write> output: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= params.invocations) { return; }
  let channels = params.first_channels + params.second_channels;
  let p = i % params.plane;
  let c = (i / params.plane) % channels;
  let sample = i / (params.plane * channels);
  if (c < params.first_channels) {
    output[i] = first[(sample * params.first_channels + c) * params.plane + p];
  } else {
    let skip = second[(sample * params.second_channels + c - params.first_channels) * params.plane + p];
    output[i] = select(params.second_scale * skip, skip, params.second_scale == 1.0);
  }
}
