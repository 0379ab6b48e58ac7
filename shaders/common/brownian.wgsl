// One Brownian path per (seed, sample, element), indexed by u = σ/σ_max ∈ [0, 1], built by Brownian-bridge
// bisection (Lévy's construction; the role of k-diffusion's BrownianTreeNoiseSampler). The path is fixed
// before any grid is chosen, so changing the step count re-reads the same path: a comparison across step counts
// isolates discretisation error. Needs rng.wgsl. Mirrored by brownianAt() in src/sampling/noise.ts.
//
// u is read as a 32-bit fixed-point number k = u·2^32 (exact for an f32 u < 1). W(1) ~ N(0, 1) at the root;
// a bisection of [a, b] draws W(mid) = (W(a) + W(b))/2 + sqrt((b − a)/4)·N(node). The descent stops as soon as
// the remaining bits of k are zero, i.e. when u is the left end of the current interval.

fn brownian_at(u: f32, seed: u32, sample: u32, element: u32) -> f32 {
  let base = hash_key(RNG_STREAM_BROWNIAN, seed, sample, element);
  let w_one = normal_from_key(pcg_hash(base ^ 0xffffffffu));
  if (u >= 1.0) { return w_one; }
  if (u <= 0.0) { return 0.0; }
  let k = u32(u * 4294967296.0);
  var w_left = 0.0;
  var w_right = w_one;
  var midpoint_variance = 0.25;
  var prefix = 0u;
  for (var level = 0u; level < 32u; level++) {
    if ((k << level) == 0u) { break; }
    let node_key = pcg_hash(pcg_hash(base + level) + prefix);
    let w_mid = 0.5 * (w_left + w_right) + sqrt(midpoint_variance) * normal_from_key(node_key);
    let bit = (k >> (31u - level)) & 1u;
    if (bit == 1u) { w_left = w_mid; } else { w_right = w_mid; }
    prefix = (prefix << 1u) | bit;
    midpoint_variance *= 0.5;
  }
  return w_left;
}

// Standard normal increment of the path between u_from > u_to: (W(u_from) − W(u_to)) / sqrt(u_from − u_to).
fn brownian_increment(u_from: f32, u_to: f32, seed: u32, sample: u32, element: u32) -> f32 {
  let dw = brownian_at(u_from, seed, sample, element) - brownian_at(u_to, seed, sample, element);
  return dw / sqrt(u_from - u_to);
}
