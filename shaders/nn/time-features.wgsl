// Sinusoidal time features of the network (tools/train/model.py timestep_features), from σ on the GPU:
//   t = σ/(1+σ) (RF time, algorithms.md), a_k = 1000·t·f_k with f_k = exp(−ln(10000)·k/half),
//   features[n] = [cos a_0 … cos a_{half−1}, sin a_0 … sin a_{half−1}].
// a_0 reaches 1000 rad, where one f32 ulp is 6e-5, and WGSL sin/cos are only ~2^-11 accurate on SwiftShader
// (webgpu-testing.md). So:
//  - t and a_k are carried as unevaluated sums hi + lo ("double-float", Dekker 1971): TwoSum for 1 + σ and Dekker's
//    TwoProduct (Veltkamp splitting) for the exact residual of the division and the exact error of the product
//    (1000·f_k comes as hi + lo from float64). Not fma: SwiftShader's fma is not fused (measured: it rounds a·b).
//  - a_k is reduced modulo π/2 with a three-part π/2 (Cody & Waite 1980; the cephes constants), each q·P_i exact,
//  - sin and cos of the reduced |r| ≤ π/4 come from Taylor polynomials (truncation below 1e-11).
// This matches float64 features of the same f32 σ to a few 1e-7 (tests/gpu/nn-ops.test.ts). A compiler that
// reassociates floating point (fast math) would cancel the lo parts, and accuracy would fall back to plain f32
// (~1e-4 at a ≈ 1000), which the network tolerates (its golden test budget is 1e-3).
//
// Bindings: 0 params (uniform, with one = 1.0); 1 frequencies [half] vec2 (1000·f_k as f32 hi, lo); 2 sigma [batch];
// 3 features [batch, 2·half]. One invocation per (sample, k).

struct TimeFeaturesParams {
  half_dim: u32,
  invocations: u32,
  // Always 1.0. It comes from the params because with a literal 1.0 the SwiftShader compiler folds
  // ((1 + σ) − 1) to σ and TwoSum's error term to 0 (measured), which breaks the double-float t.
  one: f32,
}

@group(0) @binding(0) var<uniform> params: TimeFeaturesParams;
@group(0) @binding(1) var<storage, read> frequencies: array<vec2f>;
@group(0) @binding(2) var<storage, read> sigma: array<f32>;
@group(0) @binding(3) var<storage, read_write> features: array<f32>;

const TWO_OVER_PI = 0.6366197723675814;
// π/2 = P1 + P2 + P3 with few significant bits in P1 and P2, so q·P1 and q·P2 are exact for q < 2^13 (cephes sinf).
const HALF_PI_1 = 1.5703125;
const HALF_PI_2 = 4.837512969970703125e-4;
const HALF_PI_3 = 7.54978995489188216e-8;

// Knuth's TwoSum: a + b = s + e exactly.
fn two_sum(a: f32, b: f32) -> vec2f {
  let s = a + b;
  let bb = s - a;
  return vec2f(s, (a - (s - bb)) + (b - bb));
}

// Veltkamp's split: a = hi + lo with 12 significant bits in each (4097 = 2^12 + 1).
fn split(a: f32) -> vec2f {
  let c = 4097.0 * a;
  let hi = c - (c - a);
  return vec2f(hi, a - hi);
}

// Dekker's TwoProduct: a·b = p + e exactly.
fn two_product(a: f32, b: f32) -> vec2f {
  let p = a * b;
  let sa = split(a);
  let sb = split(b);
  return vec2f(p, ((sa.x * sb.x - p) + sa.x * sb.y + sa.y * sb.x) + sa.y * sb.y);
}

// Taylor series of sin and cos on |r| ≤ π/4 (next terms r^13/13!, r^14/14! < 1e-11), in Horner form.
fn sin_poly(r: f32) -> f32 {
  let r2 = r * r;
  return r * (1.0 + r2 * (-1.0 / 6.0 + r2 * (1.0 / 120.0 + r2 * (-1.0 / 5040.0 + r2 * (1.0 / 362880.0 + r2 * (-1.0 / 39916800.0))))));
}

fn cos_poly(r: f32) -> f32 {
  let r2 = r * r;
  return 1.0 + r2 * (-0.5 + r2 * (1.0 / 24.0 + r2 * (-1.0 / 720.0 + r2 * (1.0 / 40320.0 + r2 * (-1.0 / 3628800.0 + r2 * (1.0 / 479001600.0))))));
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;
  if (i >= params.invocations) { return; }
  let half_dim = params.half_dim;
  let sample = i / half_dim;
  let k = i % half_dim;
  let s = sigma[sample];

  // t = σ/(1+σ) as t_hi + t_lo: the residual σ − t_hi·(1+σ) is computed exactly (σ − p is exact by Sterbenz,
  // p ≈ σ), so t_lo corrects the division's rounding.
  let one_plus = two_sum(params.one, s);
  let t_hi = s / one_plus.x;
  let p = two_product(t_hi, one_plus.x);
  let t_lo = (((s - p.x) - p.y) - t_hi * one_plus.y) / one_plus.x;

  // a = (1000·f_k)·t in double-float.
  let c = frequencies[k];
  let a = two_product(c.x, t_hi);
  let a_lo = a.y + (c.x * t_lo + c.y * t_hi);

  // a = q·π/2 + r, |r| ≤ π/4 (+ a few ulps): a.x − q·P1 is exact (Sterbenz), later terms round at ~3e-8.
  let q = round(a.x * TWO_OVER_PI);
  let r = (((a.x - q * HALF_PI_1) - q * HALF_PI_2) - q * HALF_PI_3) + a_lo;
  let sr = sin_poly(r);
  let cr = cos_poly(r);
  var sin_a: f32;
  var cos_a: f32;
  switch (u32(q) & 3u) {
    case 0u: { sin_a = sr; cos_a = cr; }
    case 1u: { sin_a = cr; cos_a = -sr; }
    case 2u: { sin_a = -sr; cos_a = -cr; }
    default: { sin_a = -cr; cos_a = sr; }
  }
  features[sample * 2u * half_dim + k] = cos_a;
  features[sample * 2u * half_dim + half_dim + k] = sin_a;
}
