// 2×2 max pooling, stride 2, no padding (PyTorch's F.max_pool2d(x, 2); odd sizes drop the last row/column, as floor):
//   out[n,c,y,x] = max(in[2y,2x], in[2y,2x+1], in[2y+1,2x], in[2y+1,2x+1]).
// The classifier's downsampling (tools/train/classifier.py). Exact in f32: a max rounds nothing.
// Bindings: 0 params (uniform); 1 input [batch, channels, in_height, in_width];
// 2 output [batch, channels, in_height/2, in_width/2]. One invocation per output element.

struct PoolParams {
  in_height: u32,
  in_width: u32,
  invocations: u32,
}

@group(0) @binding(0) var<uniform> params: PoolParams;
@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read_write> output: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= params.invocations) { return; }
  let out_h = params.in_height / 2u;
  let out_w = params.in_width / 2u;
  let x = i % out_w;
  let y = (i / out_w) % out_h;
  let plane = i / (out_w * out_h);  // sample·channels + channel
  let top = (plane * params.in_height + 2u * y) * params.in_width + 2u * x;
  let bottom = top + params.in_width;
  output[i] = max(max(input[top], input[top + 1u]), max(input[bottom], input[bottom + 1u]));
}
