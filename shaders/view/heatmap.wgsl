// Colours the log-density grid (log-density.wgsl) into the view: one full-screen triangle, one grid cell per
// framebuffer pixel. The colour scale is anchored at `top`, an upper bound on log p (log Σ_k π_k / (2π s_k²)), and
// spans `range` nats below it, so the modes are bright and everything `range` nats down is background:
//   t = clamp((log p − top) / range + 1, 0, 1), colour = piecewise-linear through the four `stops` (t = 0, ⅓, ⅔, 1).
// Bindings: 0 params (uniform HeatmapParams); 1 log_density (read-only, width × height f32, row-major from the
// top-left pixel, as log-density.wgsl writes it).

struct HeatmapParams {
  stops: array<vec4f, 4>,
  width: u32,
  top: f32,
  range: f32,
}

@group(0) @binding(0) var<uniform> params: HeatmapParams;
@group(0) @binding(1) var<storage, read> log_density: array<f32>;

@vertex
fn vertex_main(@builtin(vertex_index) v: u32) -> @builtin(position) vec4f {
  // A triangle that covers clip space: (−1, −1), (3, −1), (−1, 3).
  let corner = vec2f(f32((v << 1u) & 2u), f32(v & 2u));
  return vec4f(corner * 2.0 - 1.0, 0.0, 1.0);
}

@fragment
fn fragment_main(@builtin(position) position: vec4f) -> @location(0) vec4f {
  let pixel = vec2u(position.xy);
  let value = log_density[pixel.y * params.width + pixel.x];
  let t = clamp((value - params.top) / params.range + 1.0, 0.0, 1.0);
  let s = t * 3.0;
  let i = min(u32(s), 2u);
  return mix(params.stops[i], params.stops[i + 1u], s - f32(i));
}
