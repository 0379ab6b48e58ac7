/**
 * Weights rearranged for the WGSL kernels (done once, at load): PyTorch's OIHW conv weights become
 * [in][kh][kw][out] with the output channels innermost and zero-padded to a multiple of 8, so a kernel reads the
 * weights of 8 output channels as two vec4 (conv3x3.wgsl / conv1x1.wgsl). Linear layers that share an input are
 * stacked row-wise. The time-feature frequencies are computed here in float64.
 */

/** Output channels per invocation in the conv kernels. */
export const CONV_CHANNEL_BLOCK = 8;

/** Output rows per invocation of conv3x3-tall.wgsl, and the input channels from which it replaces conv3x3.wgsl's
 *  one-row tile (on a 1-channel input the one-row tile is faster: bench/results/kernels.md). */
export const TALL_TILE_ROWS = 4;
export const TALL_TILE_MIN_CIN = 2;

export const paddedChannels = (cout: number) => Math.ceil(cout / CONV_CHANNEL_BLOCK) * CONV_CHANNEL_BLOCK;

/** OIHW [cout, cin, k, k] → [cin][k][k][cout padded]. */
export function packConvWeight(weight: Float32Array, cout: number, cin: number, k: number): Float32Array {
  if (weight.length !== cout * cin * k * k)
    throw new Error(`conv weight: expected ${cout}×${cin}×${k}×${k} values, got ${weight.length}`);
  const coutPadded = paddedChannels(cout);
  const packed = new Float32Array(cin * k * k * coutPadded);
  for (let o = 0; o < cout; o++)
    for (let c = 0; c < cin; c++)
      for (let t = 0; t < k * k; t++) packed[(c * k * k + t) * coutPadded + o] = weight[(o * cin + c) * k * k + t];
  return packed;
}

/** A conv bias zero-padded to the packed channel count. */
export function packConvBias(bias: Float32Array, cout: number): Float32Array {
  const packed = new Float32Array(paddedChannels(cout));
  packed.set(bias.subarray(0, cout));
  return packed;
}

/** Concatenates tensors (stacked Linear rows, or their biases). */
export function concatenate(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/**
 * scale·f_k with f_k = exp(−ln(maxPeriod)·k/half) (model.py timestep_features), each as an f32 pair hi + lo whose
 * sum is the float64 value to ~2^-48: time-features.wgsl multiplies in double-float.
 */
export function timeFrequencies(dim: number, scale: number, maxPeriod: number): Float32Array {
  const half = dim / 2;
  const out = new Float32Array(2 * half);
  for (let k = 0; k < half; k++) {
    const f = scale * Math.exp((-Math.log(maxPeriod) * k) / half);
    out[2 * k] = Math.fround(f);
    out[2 * k + 1] = Math.fround(f - out[2 * k]);
  }
  return out;
}

/** Invocations per workgroup of group-norm-silu.wgsl (one invocation per sample and group). */
export const GROUP_NORM_WORKGROUP = 4;
