/**
 * A reflowed 2D world: the flow fitted to coupled pairs (ε_j, x0_j) drawn from a parent world's own flow
 * (Liu et al. 2023, "Flow Straight and Fast", Alg. 1). We fit it by kernel regression (Nadaraya–Watson) rather
 * than a GPU-trained MLP: it has one parameter (the bandwidth, chosen by held-out denoising error), no training
 * loop to tune, and on 10k pairs it reached a one-step log-likelihood within a nat of the target's in our offline
 * check (algorithms.md). It keeps the parent's exact target for the metrics.
 */
import { makeShaderDataDefinitions, makeStructuredView } from 'webgpu-utils';
import type { GpuResources } from '../gpu/context';
import { SHADERS } from '../gpu/shaders';
import type { CpuDenoiser, GpuDenoiser } from '../sampling/denoiser';
import { createPointDenoiser } from './point-denoiser';
import type { ExactWorld, World } from './types';

export interface Pairs {
  /** ε_j, row-major P × 2 (the noise end, x_T = σ_max·ε). */
  noise: Float32Array;
  /** x0_j, row-major P × 2 (where the parent's flow carried ε_j). */
  data: Float32Array;
}

const definitions = makeShaderDataDefinitions(SHADERS.pairFlowDenoise);

/** Names the regression by its bandwidth and a hash (FNV-1a) of the pairs' float32 bits. */
function pairFlowKey(pairs: Pairs, bandwidth: number): string {
  let h = 0x811c9dc5;
  for (const array of [pairs.noise, pairs.data]) {
    for (const byte of new Uint8Array(array.buffer, array.byteOffset, array.byteLength))
      h = Math.imul(h ^ byte, 0x01000193);
  }
  return `pairflow:${bandwidth}:${pairs.noise.length / 2}:${(h >>> 0).toString(16)}`;
}

/** The same regression in float64 (tests, and the held-out bandwidth choice). */
export function pairFlowDenoiser(pairs: Pairs, bandwidth: number): CpuDenoiser {
  const count = pairs.noise.length / 2;
  const key = pairFlowKey(pairs, bandwidth);
  return {
    dim: 2,
    key: () => key,
    denoise(x, sigma, out) {
      for (let i = 0; i < sigma.length; i++) {
        const tau = sigma[i] / (1 + sigma[i]);
        const z0 = x[2 * i] / (1 + sigma[i]);
        const z1 = x[2 * i + 1] / (1 + sigma[i]);
        let max = -Infinity;
        const logs = new Float64Array(count);
        for (let j = 0; j < count; j++) {
          const d0 = z0 - ((1 - tau) * pairs.data[2 * j] + tau * pairs.noise[2 * j]);
          const d1 = z1 - ((1 - tau) * pairs.data[2 * j + 1] + tau * pairs.noise[2 * j + 1]);
          logs[j] = -(d0 * d0 + d1 * d1) / (2 * bandwidth * bandwidth);
          max = Math.max(max, logs[j]);
        }
        let total = 0;
        let m0 = 0;
        let m1 = 0;
        for (let j = 0; j < count; j++) {
          const w = Math.exp(logs[j] - max);
          total += w;
          m0 += w * pairs.data[2 * j];
          m1 += w * pairs.data[2 * j + 1];
        }
        out[2 * i] = m0 / total;
        out[2 * i + 1] = m1 / total;
      }
    },
  };
}

export async function createPairFlowDenoiser(gpu: GpuResources, pairs: Pairs, bandwidth: number): Promise<GpuDenoiser> {
  const count = pairs.noise.length / 2;
  const interleaved = new Float32Array(4 * count);
  for (let j = 0; j < count; j++)
    interleaved.set([pairs.noise[2 * j], pairs.noise[2 * j + 1], pairs.data[2 * j], pairs.data[2 * j + 1]], 4 * j);
  const pairBuffer = gpu.device.createBuffer({
    label: 'reflow pairs',
    size: interleaved.byteLength,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
  });
  gpu.device.queue.writeBuffer(pairBuffer, 0, interleaved);
  const params = makeStructuredView(definitions.uniforms.params);
  params.set({ bandwidth });
  const paramBuffer = gpu.device.createBuffer({
    label: 'reflow params',
    size: params.arrayBuffer.byteLength,
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
  gpu.device.queue.writeBuffer(paramBuffer, 0, params.arrayBuffer);
  return createPointDenoiser(
    gpu,
    { label: 'pair-flow-denoise', code: SHADERS.pairFlowDenoise },
    [
      { binding: 0, resource: { buffer: paramBuffer } },
      { binding: 1, resource: { buffer: pairBuffer } },
    ],
    count,
    pairFlowKey(pairs, bandwidth),
    {
      wgsl: SHADERS.pairFlowPoint,
      key: 'pair-flow-point',
    },
  );
}

export function pairFlowWorld(id: string, label: string, parent: World, pairs: Pairs, bandwidth: number): World {
  const denoisers = new WeakMap<GpuResources, Promise<GpuDenoiser>>();
  const exact: ExactWorld | undefined = parent.exact && { ...parent.exact, cpu: pairFlowDenoiser(pairs, bandwidth) };
  return {
    id,
    label,
    kind: '2d',
    dim: 2,
    description: `${parent.label} reflowed on ${pairs.noise.length / 2} pairs (kernel bandwidth ${bandwidth})`,
    spec: parent.spec,
    exact,
    gpuDenoiser(gpu) {
      let d = denoisers.get(gpu);
      if (!d) denoisers.set(gpu, (d = createPairFlowDenoiser(gpu, pairs, bandwidth)));
      return d;
    },
  };
}
