/** The shipped UNet as a float64 CpuDenoiser (tests/reference/nn-ops.ts interpreting the manifest graph): the
 *  reference the GPU sampler runs are compared with, exposing every activation of its last call (the bottleneck). */
import type { CpuDenoiser } from '../../src/sampling/denoiser';
import type { LoadedModel } from '../../src/worlds/unet/manifest';
import { runGraph } from './nn-ops';

/** `skipTuning`: Skip-Tuning's ρ (Ma et al. 2024), applied by the reference interpreter (nn-ops.ts). */
export function unetCpuDenoiser(
  model: LoadedModel,
  labels: ArrayLike<number>,
  size = 28,
  skipTuning?: { bottom: number; top: number },
): CpuDenoiser & { calls: number } {
  let last: ReturnType<typeof runGraph> | null = null;
  const dim = (model.manifest.channels ?? 1) * size * size;
  return {
    dim,
    calls: 0,
    key: () =>
      `unet-f64:${model.manifest.sha256}:${size}:${Array.from(labels).join(',')}${skipTuning ? `:skip(${skipTuning.top},${skipTuning.bottom})` : ''}`,
    denoise(x, sigma, out) {
      this.calls++;
      const count = sigma.length;
      const z = x.map((v, i) => v / (1 + sigma[Math.floor(i / dim)]));
      last = runGraph(model.manifest, model.tensors, z, sigma, labels, size, skipTuning);
      const v = last.get('v')!.data;
      // The EDM form of the rectified-flow network (algorithms.md): D = z − t·v, t = σ/(1+σ).
      for (let i = 0; i < count * dim; i++) {
        const s = sigma[Math.floor(i / dim)];
        out[i] = z[i] - (s / (1 + s)) * v[i];
      }
    },
    activation(name) {
      const value = last?.get(name);
      if (!value) throw new Error(`activation: no value "${name}" from the last call`);
      return Float64Array.from(value.data);
    },
  };
}
