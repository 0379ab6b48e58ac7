/**
 * D(x; σ) of several batches, each at its own σ, in as few calls as the submission budget allows: the calibrations'
 * searches ask for many candidates at once, and a point world evaluates a whole round of them in one dispatch
 * where one call per candidate would be dispatch-bound. σ is per sample (denoise-gpu.ts), so concatenating the
 * batches changes no sample's arithmetic.
 */
import type { GpuResources } from '../gpu/context';
import { denoiseGpu } from './denoise-gpu';
import type { GpuDenoiser } from './denoiser';
import { DEFAULT_MAX_WORK } from './submit-chunks';

export async function denoiseBatchesGpu(
  gpu: GpuResources,
  denoiser: GpuDenoiser,
  batches: ReadonlyArray<{ x: Float64Array; sigma: number }>,
  count: number,
  /** Each batch's labels (count of them), or none for the null class. */
  labels?: Uint32Array,
): Promise<Float64Array[]> {
  const size = count * denoiser.dim;
  const perCall = Math.max(1, Math.floor(DEFAULT_MAX_WORK / (count * Math.max(denoiser.costPerSample, 1))));
  const out: Float64Array[] = [];
  for (let first = 0; first < batches.length; first += perCall) {
    const group = batches.slice(first, first + perCall);
    const x = new Float32Array(group.length * size);
    const sigma = new Float32Array(group.length * count);
    group.forEach((batch, k) => {
      if (batch.x.length !== size) throw new RangeError(`batches[${first + k}].x: must hold ${size} values`);
      x.set(batch.x, k * size);
      sigma.fill(batch.sigma, k * count, (k + 1) * count);
    });
    const groupLabels = labels && new Uint32Array(group.length * count).map((_, i) => labels[i % count]);
    const D = await denoiseGpu(gpu, denoiser, x, sigma, groupLabels);
    for (let k = 0; k < group.length; k++) out.push(Float64Array.from(D.subarray(k * size, (k + 1) * size)));
  }
  return out;
}
