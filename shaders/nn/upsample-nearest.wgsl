// 2× nearest-neighbour upsampling (PyTorch's F.interpolate(x, scale_factor=2, mode="nearest")):
//   out[n,c,y,x] = in[n,c,⌊y/2⌋,⌊x/2⌋].
// Bindings: 0 params (uniform); 1 input [batch, channels, in_height, in_width];
// 2 output [batch, channels, 2·in_height, 2·in_width]. One invocation per output element.

struct UpsampleParams {
  in_height: u32,
  in_width: u32,
  invocations: u32,
}

@group(0) @binding(0) var<uniform> params: UpsampleParams;
@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read_write> output: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= params.invocations) { return; }
  let out_w = 2u * params.in_width;
  let out_h = 2u * params.in_height;
  let x = i % out_w;
  let y = (i / out_w) % out_h;
  let plane = i / (out_w * out_h);
  output[i] = input[(plane * params.in_height + y / 2u) * params.in_width + x / 2u];
}
