// One sinusoidal time feature pair of the network (tools/train/model.py timestep_features) from σ, in double-float,
// prepended to time-features.wgsl and embedding.wgsl (src/worlds/unet/kernels.ts):
//   t = σ/(1+σ) (RF time, algorithms.md), a_k = 1000·t·f_k with f_k = exp(−ln(10000)·k/half), (cos a_k, sin a_k).
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
// `one` must be 1.0 read from a uniform: with a literal 1.0 the SwiftShader compiler folds ((1 + σ) − 1) to σ and
// TwoSum's error term to 0 (measured), which breaks the double-float t.

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

// t = σ/(1+σ) as (t_hi, t_lo): the residual σ − t_hi·(1+σ) is computed exactly (σ − p is exact by Sterbenz,
// p ≈ σ), so t_lo corrects the division's rounding.
fn rf_time(s: f32, one: f32) -> vec2f {
  let one_plus = two_sum(one, s);
  let t_hi = s / one_plus.x;
  let p = two_product(t_hi, one_plus.x);
  return vec2f(t_hi, (((s - p.x) - p.y) - t_hi * one_plus.y) / one_plus.x);
}

// (cos a, sin a) for a = c·t, with c = 1000·f_k as (hi, lo) and t from rf_time.
fn time_feature(t: vec2f, c: vec2f) -> vec2f {
  // a in double-float.
  let a = two_product(c.x, t.x);
  let a_lo = a.y + (c.x * t.y + c.y * t.x);
  // a = q·π/2 + r, |r| ≤ π/4 (+ a few ulps): a.x − q·P1 is exact (Sterbenz), later terms round at ~3e-8.
  let q = round(a.x * TWO_OVER_PI);
  let r = (((a.x - q * HALF_PI_1) - q * HALF_PI_2) - q * HALF_PI_3) + a_lo;
  let sr = sin_poly(r);
  let cr = cos_poly(r);
  switch (u32(q) & 3u) {
    case 0u: { return vec2f(cr, sr); }
    case 1u: { return vec2f(-sr, cr); }
    case 2u: { return vec2f(-cr, -sr); }
    default: { return vec2f(sr, -cr); }
  }
}
