/**
 * Classifier-free guidance (Ho & Salimans 2022) as a denoiser wrapper:
 *   D_cfg(x; σ, c) = D(x; σ, ∅) + s·(D(x; σ, c) − D(x; σ, ∅)),
 * s = 1 is the conditional denoiser itself, s = 0 the unconditional one, s > 1 extrapolates away from ∅. Because it
 * is a denoiser, every sampler runs on it unchanged. The unconditional branch is the inner denoiser called without
 * labels (the null class); without labels at all both branches coincide and the wrapper is the identity.
 * The mix is the engine's combine kernel (shaders/samplers/combine.wgsl): out = s·out + (1 − s)·D_∅.
 */
import { makeShaderDataDefinitions, makeStructuredView } from 'webgpu-utils';
import type { GpuResources } from '../gpu/context';
import { dispatchFor, SHADERS } from '../gpu/shaders';
import type { DenoiseIO, GpuDenoiser } from '../sampling/denoiser';

const combineDefinitions = makeShaderDataDefinitions(SHADERS.combine);

/** The key of the guided denoiser: the scale and the inner denoiser's key. */
export const cfgKey = (scale: number, inner: string) => `cfg(${scale})[${inner}]`;

export async function classifierFreeGuidance(
  gpu: GpuResources,
  inner: GpuDenoiser,
  scale: number,
): Promise<GpuDenoiser> {
  if (!Number.isFinite(scale)) throw new RangeError(`cfg: must be a finite number, got ${scale}`);
  const { device } = gpu;
  const combine = await gpu.pipelines.get('combine', SHADERS.combine);
  const params = makeStructuredView(combineDefinitions.uniforms.params);
  params.set({ coefs: [scale, 1 - scale, 0, 0, 0, 0, 0, 0], num_inputs: 1, dim: inner.dim, has_noise: 0, uses_dst: 1 });
  const uniform = device.createBuffer({
    label: `cfg ${scale}`,
    size: params.arrayBuffer.byteLength,
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
  device.queue.writeBuffer(uniform, 0, params.arrayBuffer);
  // D_∅ for the largest batch seen; it is written and read within one encode, so one buffer serves every call.
  let unconditional: GPUBuffer | null = null;
  const bindGroups = new Map<GPUBuffer, Map<string, GPUBindGroup>>();

  const unconditionalFor = (elements: number): GPUBuffer => {
    if (!unconditional || unconditional.size < 4 * elements) {
      // Not destroyed: a pass recorded but not yet submitted may still use the smaller one.
      unconditional = device.createBuffer({
        label: 'cfg unconditional D',
        size: Math.max(16, 4 * elements),
        usage: GPUBufferUsage.STORAGE,
      });
      bindGroups.clear();
    }
    return unconditional;
  };
  const mixBindGroup = (out: GPUBufferBinding, scratch: GPUBufferBinding): GPUBindGroup => {
    const key = `${out.offset ?? 0}:${out.size ?? ''}`;
    const perBuffer = bindGroups.get(out.buffer) ?? new Map<string, GPUBindGroup>();
    bindGroups.set(out.buffer, perBuffer);
    let group = perBuffer.get(key);
    if (!group) {
      group = device.createBindGroup({
        label: 'cfg mix',
        layout: combine.getBindGroupLayout(0),
        // Inputs 2–6 are never read (num_inputs = 1); they bind the scratch too.
        entries: [
          { binding: 0, resource: { buffer: uniform } },
          { binding: 1, resource: out },
          ...Array.from({ length: 6 }, (_, k) => ({ binding: 2 + k, resource: scratch })),
        ],
      });
      perBuffer.set(key, group);
    }
    return group;
  };

  return {
    dim: inner.dim,
    key: () => cfgKey(scale, inner.key()),
    costPerSample: 2 * inner.costPerSample,
    encode(pass: GPUComputePassEncoder, io: DenoiseIO) {
      if (!io.labels || scale === 1) return inner.encode(pass, io);
      const { labels: _conditional, ...withoutLabels } = io;
      if (scale === 0) return inner.encode(pass, withoutLabels);
      const elements = io.count * inner.dim;
      const scratch: GPUBufferBinding = { buffer: unconditionalFor(elements), offset: 0, size: 4 * elements };
      inner.encode(pass, { ...withoutLabels, out: scratch });
      inner.encode(pass, io);
      pass.setPipeline(combine);
      pass.setBindGroup(0, mixBindGroup({ ...io.out, size: 4 * elements }, scratch));
      pass.dispatchWorkgroups(...dispatchFor(elements));
    },
  };
}
