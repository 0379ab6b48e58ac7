// AMED-Solver's two updates with per-sample parameters (Zhou et al., CVPR 2024, eq. 8–10; src/sampling/plan.ts
// AmedStepInstr), r, c and s read from the predictor's output for this step:
//   stage 0:  dst = a + (s − t)·b                (a = x_n, b = d_n: Euler from t_n to the sample's own s)
//   stage 1:  dst = dst + c·(t' − t)·(a − b)/s   (a = y, b = D(y; s): x_{n+1} = x_n + c·(t_{n+1} − t_n)·d_s)
// Bindings: 0 params (uniform); 1 dst (read_write, count·dim); 2 a, 3 b (count·dim); 4 coefs (r, c, s columns,
// `column` floats apart). Element i belongs to sample i / dim.

struct StepParams {
  t: f32,
  t_next: f32,
  dim: u32,
  count: u32,
  column: u32,
  stage: u32,
}

@group(0) @binding(0) var<uniform> params: StepParams;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<storage, read> a: array<f32>;
@group(0) @binding(3) var<storage, read> b: array<f32>;
@group(0) @binding(4) var<storage, read> coefs: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= params.count * params.dim) { return; }
  let sample = i / params.dim;
  let s = coefs[2u * params.column + sample];
  if (params.stage == 0u) {
    dst[i] = a[i] + (s - params.t) * b[i];
  } else {
    let c = coefs[params.column + sample];
    dst[i] = dst[i] + c * (params.t_next - params.t) / s * (a[i] - b[i]);
  }
}
