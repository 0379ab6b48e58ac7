// Samples as round dots: one instanced quad per particle, positions read straight from the sample buffer
// (count × vec2f, world units), so a run's output is drawn without a CPU copy. The camera maps world to clip space
// as clip = (x − center)·world_to_clip; the dot radius is given in clip units per axis (pixels → clip on the CPU).
// Bindings: 0 view (uniform DotParams); 1 positions (read-only, count × vec2f).

struct DotParams {
  color: vec4f,
  center: vec2f,
  world_to_clip: vec2f,
  radius_clip: vec2f,
}

struct Corner {
  @builtin(position) position: vec4f,
  @location(0) offset: vec2f,
}

@group(0) @binding(0) var<uniform> view: DotParams;
@group(0) @binding(1) var<storage, read> positions: array<vec2f>;

@vertex
fn vertex_main(@builtin(vertex_index) v: u32, @builtin(instance_index) i: u32) -> Corner {
  // Two triangles of the quad [−1, 1]²: corners 0 1 2, 2 1 3 with bit 0 → x and bit 1 → y.
  let corner_index = array<u32, 6>(0u, 1u, 2u, 2u, 1u, 3u)[v];
  let offset = vec2f(f32(corner_index & 1u), f32((corner_index >> 1u) & 1u)) * 2.0 - 1.0;
  let center = (positions[i] - view.center) * view.world_to_clip;
  var out: Corner;
  out.position = vec4f(center + offset * view.radius_clip, 0.0, 1.0);
  out.offset = offset;
  return out;
}

@fragment
fn fragment_main(in: Corner) -> @location(0) vec4f {
  if (dot(in.offset, in.offset) > 1.0) { discard; }
  return view.color;
}
