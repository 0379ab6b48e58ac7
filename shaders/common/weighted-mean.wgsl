// Streaming softmax-weighted mean of vec2 values: Σ_k e^{ℓ_k} v_k / Σ_k e^{ℓ_k} in one pass, rescaling by the
// running max of the log-weights ℓ_k (the online log-sum-exp), so log-weights of ±10^6 stay finite in f32.
// Shared by the exact mixture denoiser and the reflowed pair-flow denoiser. No bindings; prepended to kernels.

struct WeightedMean {
  running_max: f32,
  weight_sum: f32,
  value_sum: vec2f,
}

fn weighted_mean_start() -> WeightedMean {
  return WeightedMean(-3.0e38, 0.0, vec2f(0.0));
}

fn weighted_mean_add(state: WeightedMean, log_weight: f32, value: vec2f) -> WeightedMean {
  var s = state;
  if (log_weight > s.running_max) {
    let rescale = exp(s.running_max - log_weight);
    s.weight_sum = s.weight_sum * rescale + 1.0;
    s.value_sum = s.value_sum * rescale + value;
    s.running_max = log_weight;
  } else {
    let w = exp(log_weight - s.running_max);
    s.weight_sum += w;
    s.value_sum += w * value;
  }
  return s;
}

fn weighted_mean_value(state: WeightedMean) -> vec2f {
  return state.value_sum / state.weight_sum;
}
