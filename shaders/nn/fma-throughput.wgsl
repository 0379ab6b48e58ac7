// The adapter's arithmetic ceiling, for bench/model.ts: how many multiply-adds per second the device sustains
// when nothing but arithmetic is in the way. Each invocation runs 8 independent chains a ← a·m + k on vec4s
// (independent so the latency of one does not serialise the next), `iterations` times; m and k come from the params
// so the compiler cannot fold the loop. FLOPs = invocations · iterations · 8 chains · 4 lanes · 2.
// Bindings: 0 params (uniform); 1 out [invocations] (one sum per invocation, so the work is observable).

struct FmaParams {
  iterations: u32,
  invocations: u32,
  m: f32,
  k: f32,
}

@group(0) @binding(0) var<uniform> params: FmaParams;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= params.invocations) { return; }
  let m = vec4f(params.m);
  let k = vec4f(params.k);
  var a0 = vec4f(f32(i)); var a1 = a0 + 1.0; var a2 = a0 + 2.0; var a3 = a0 + 3.0;
  var a4 = a0 + 4.0; var a5 = a0 + 5.0; var a6 = a0 + 6.0; var a7 = a0 + 7.0;
  for (var n = 0u; n < params.iterations; n++) {
    a0 = a0 * m + k; a1 = a1 * m + k; a2 = a2 * m + k; a3 = a3 * m + k;
    a4 = a4 * m + k; a5 = a5 * m + k; a6 = a6 * m + k; a7 = a7 * m + k;
  }
  let s = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7));
  out[i] = s.x + s.y + s.z + s.w;
}
