/** Float64 Upsample Guidance pieces (Hwang et al. 2024, VE form of algorithms.md): m×m average pool P, nearest
 *  upsampling U, and the guided combination D + w_σ·U[D_low − P D] on count × C × size × size images (channel-major
 *  per sample; P and U act on each channel's plane). `count` here counts planes for the pool. */
export function averagePool(image: ArrayLike<number>, count: number, size: number, m: number): Float64Array {
  const low = size / m;
  const out = new Float64Array(count * low * low);
  for (let n = 0; n < count; n++)
    for (let r = 0; r < low; r++)
      for (let c = 0; c < low; c++) {
        let total = 0;
        for (let a = 0; a < m; a++)
          for (let b = 0; b < m; b++) total += image[n * size * size + (r * m + a) * size + c * m + b];
        out[n * low * low + r * low + c] = total / (m * m);
      }
  return out;
}

export function guided(
  dHigh: ArrayLike<number>,
  dLow: ArrayLike<number>,
  sigma: ArrayLike<number>,
  count: number,
  size: number,
  m: number,
  w: number,
  eta: number,
  channels = 1,
): Float64Array {
  const low = size / m;
  const pooled = averagePool(dHigh, count * channels, size, m);
  const out = Float64Array.from(dHigh);
  for (let plane = 0; plane < count * channels; plane++) {
    const n = Math.floor(plane / channels);
    if (sigma[n] / (1 + sigma[n]) < 1 - eta) continue;
    for (let p = 0; p < size * size; p++) {
      const j = plane * low * low + Math.floor(Math.floor(p / size) / m) * low + Math.floor((p % size) / m);
      out[plane * size * size + p] += w * (dLow[j] - pooled[j]);
    }
  }
  return out;
}
