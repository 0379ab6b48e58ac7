// Sampler trajectories as line segments: particle p's path x_0 → x_1 → … → x_N, for every `stride`-th particle.
// Vertex v belongs to segment s = v / 2 (endpoint v mod 2); segment s joins records r and r + 1 of drawn path
// q, with q = s / (records − 1) and r = s mod (records − 1). The alpha rises along the path so the direction of
// travel reads at a glance (faint at σ_max, solid at σ = 0).
// Bindings: 0 params (uniform PathParams); 1 path (read-only, records × count × vec2f, record-major: x_r of
// particle p at r·count + p).

struct PathParams {
  color: vec4f,
  center: vec2f,
  world_to_clip: vec2f,
  count: u32,
  records: u32,
  stride: u32,
}

struct PathVertex {
  @builtin(position) position: vec4f,
  @location(0) progress: f32,
}

@group(0) @binding(0) var<uniform> params: PathParams;
@group(0) @binding(1) var<storage, read> path: array<vec2f>;

@vertex
fn vertex_main(@builtin(vertex_index) v: u32) -> PathVertex {
  let segments = params.records - 1u;
  let s = v / 2u;
  let record = s % segments + (v & 1u);
  let particle = (s / segments) * params.stride;
  var out: PathVertex;
  out.position = vec4f((path[record * params.count + particle] - params.center) * params.world_to_clip, 0.0, 1.0);
  out.progress = f32(record) / f32(segments);
  return out;
}

@fragment
fn fragment_main(in: PathVertex) -> @location(0) vec4f {
  return vec4f(params.color.rgb, params.color.a * (0.25 + 0.75 * in.progress));
}
