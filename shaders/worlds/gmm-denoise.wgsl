// The mixture denoiser as a standalone kernel: D(x; σ) of gmm-point.wgsl, one invocation per sample.
// Needs weighted-mean.wgsl and gmm-point.wgsl (which holds binding 1, the components).
// Bindings: 2 x (read-only, count × vec2f); 3 sigma (read-only, count f32, one σ per sample);
// 4 out (read_write, count × vec2f).

@group(0) @binding(2) var<storage, read> x: array<vec2f>;
@group(0) @binding(3) var<storage, read> sigma: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<vec2f>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= arrayLength(&sigma)) { return; }
  out[i] = denoise_point(x[i], sigma[i]);
}
