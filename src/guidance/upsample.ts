/**
 * Upsample Guidance as a denoiser wrapper (Hwang, Park & Jo 2024; shaders/guidance/upsample-guidance.wgsl):
 * D̂(x; σ) = D(x; σ) + w_σ·U[D(P x; σ/m) − P D(x; σ)], where `high` is the network at m× its training size and
 * `low` the same network at the training size. Being a denoiser, it composes with every sampler; classifier-free
 * guidance wraps it per branch (each branch guided before the two are mixed, as algorithms.md asks).
 * Outside the guided window (τ < 1 − η) the low-resolution evaluation is skipped when the caller passes the step's
 * σ on the host, so the extra cost is about 1/m² of an evaluation per guided step only.
 */
import { makeShaderDataDefinitions, makeStructuredView } from 'webgpu-utils';
import { storageUsage } from '../gpu/buffer-pool';
import type { GpuResources } from '../gpu/context';
import { dispatchFor, SHADERS } from '../gpu/shaders';
import type { DenoiseIO, GpuDenoiser } from '../sampling/denoiser';

export interface UpsampleGuidanceSettings {
  /** m: the ratio of the image side to the native side (2 or 4 on the page). */
  factor: number;
  /** w, the guidance weight. */
  weight: number;
  /** η, the guided fraction of diffusion time, from the noisy end. */
  eta: number;
}

const definitions = makeShaderDataDefinitions(SHADERS.upsampleGuidance);

/** The key of the guided denoiser: its settings and both branches' keys. */
export const upsampleGuidanceKey = (s: UpsampleGuidanceSettings, high: string, low: string) =>
  `ug(${s.factor},${s.weight},${s.eta})[${high}|${low}]`;

/** Whether a step at σ is guided: its RF time τ = σ/(1+σ) lies in the first η of [1, 0]. */
export function isGuided(sigma: number, eta: number): boolean {
  return sigma / (1 + sigma) >= 1 - eta;
}

interface Scratch {
  xLow: GPUBuffer;
  sigmaLow: GPUBuffer;
  dHigh: GPUBuffer;
  dLow: GPUBuffer;
  dHighPooled: GPUBuffer;
}

/** `high` and `low` compute C × size² and C × (size/m)² values per sample (channel-major); C follows from them. */
export async function upsampleGuidance(
  gpu: GpuResources,
  high: GpuDenoiser,
  low: GpuDenoiser,
  size: number,
  settings: UpsampleGuidanceSettings,
): Promise<GpuDenoiser> {
  const { factor } = settings;
  const channels = high.dim / (size * size);
  if (size % factor !== 0 || !Number.isInteger(channels) || low.dim !== channels * (size / factor) ** 2) {
    throw new RangeError(
      `size: ${size} must be ${factor}× the low-resolution side (got denoisers of dim ${high.dim} and ${low.dim})`,
    );
  }
  const [pool, scaleSigma, guide] = await Promise.all(
    ['pool', 'scale_sigma', 'guide'].map((entry) =>
      gpu.pipelines.get('upsample-guidance', SHADERS.upsampleGuidance, entry),
    ),
  );
  // Two uniform blocks: the guided one, and one whose window is empty (η = 0), bound when the host knows the step
  // is outside the window, so `guide` never reads the (then unevaluated) low-resolution branch.
  const paramBuffer = (weight: number, eta: number) => {
    const view = makeStructuredView(definitions.uniforms.params);
    view.set({ size, factor, weight, eta, channels });
    const buffer = gpu.device.createBuffer({
      label: 'upsample guidance params',
      size: view.arrayBuffer.byteLength,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    gpu.device.queue.writeBuffer(buffer, 0, view.arrayBuffer);
    return buffer;
  };
  const guided = paramBuffer(settings.weight, settings.eta);
  const unguided = paramBuffer(0, 0);
  const lowDim = low.dim;
  const scratch = new Map<number, Scratch>();
  const scratchFor = (count: number): Scratch => {
    let s = scratch.get(count);
    if (!s) {
      // Owned by this wrapper (not the shared pool): a wrapper evicted from a world's cache frees them with it.
      const take = (n: number, label: string) =>
        gpu.device.createBuffer({ label, size: Math.max(16, n * 4), usage: storageUsage() });
      s = {
        xLow: take(count * lowDim, 'ug x low'),
        sigmaLow: take(count, 'ug sigma low'),
        dHigh: take(count * high.dim, 'ug D high'),
        dLow: take(count * lowDim, 'ug D low'),
        dHighPooled: take(count * lowDim, 'ug P D high'),
      };
      scratch.set(count, s);
    }
    return s;
  };
  const bind = (pipeline: GPUComputePipeline, entries: Array<[number, GPUBufferBinding]>) =>
    gpu.device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: entries.map(([binding, resource]) => ({ binding, resource })),
    });
  const run = (pass: GPUComputePassEncoder, pipeline: GPUComputePipeline, group: GPUBindGroup, elements: number) => {
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(...dispatchFor(elements));
  };

  return {
    dim: high.dim,
    key: () => upsampleGuidanceKey(settings, high.key(), low.key()),
    costPerSample: high.costPerSample + low.costPerSample,
    encode(pass: GPUComputePassEncoder, io: DenoiseIO) {
      const s = scratchFor(io.count);
      const n = io.count;
      const whole = (buffer: GPUBuffer, elements: number): GPUBufferBinding => ({
        buffer,
        offset: 0,
        size: elements * 4,
      });
      const lowBranch = io.sigmaHost === undefined || isGuided(io.sigmaHost, settings.eta);
      high.encode(pass, { ...io, out: whole(s.dHigh, n * high.dim) });
      if (lowBranch) {
        const params: GPUBufferBinding = { buffer: guided };
        run(
          pass,
          pool,
          bind(pool, [
            [0, params],
            [1, io.x],
            [3, whole(s.xLow, n * lowDim)],
          ]),
          n * lowDim,
        );
        run(
          pass,
          scaleSigma,
          bind(scaleSigma, [
            [0, params],
            [2, io.sigma],
            [4, whole(s.sigmaLow, n)],
          ]),
          n,
        );
        low.encode(pass, {
          ...io,
          x: whole(s.xLow, n * lowDim),
          sigma: whole(s.sigmaLow, n),
          out: whole(s.dLow, n * lowDim),
        });
        run(
          pass,
          pool,
          bind(pool, [
            [0, params],
            [1, whole(s.dHigh, n * high.dim)],
            [3, whole(s.dHighPooled, n * lowDim)],
          ]),
          n * lowDim,
        );
      }
      const params: GPUBufferBinding = { buffer: lowBranch ? guided : unguided };
      const entries: Array<[number, GPUBufferBinding]> = [
        [0, params],
        [2, io.sigma],
        [5, whole(s.dHigh, n * high.dim)],
        [6, whole(s.dLow, n * lowDim)],
        [8, whole(s.dHighPooled, n * lowDim)],
        [7, io.out],
      ];
      run(pass, guide, bind(guide, entries), n * high.dim);
    },
  };
}
