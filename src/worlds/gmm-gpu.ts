import { getSizeAndAlignmentOfUnsizedArrayElement, makeShaderDataDefinitions, makeStructuredView } from 'webgpu-utils';
import type { GpuResources } from '../gpu/context';
import { SHADERS } from '../gpu/shaders';
import { gmmKey, logWeights, type GmmSpec } from './gmm';
import { createPointDenoiser } from './point-denoiser';
import type { GpuDenoiser } from '../sampling/denoiser';

const definitions = makeShaderDataDefinitions(SHADERS.gmmDenoise);

/** Packs the components with the layout webgpu-utils reads from the WGSL struct (never by hand). */
function packComponents(spec: GmmSpec): ArrayBuffer {
  const def = definitions.storages.components;
  const { size } = getSizeAndAlignmentOfUnsizedArrayElement(def);
  const view = makeStructuredView(def, new ArrayBuffer(size * spec.means.length));
  const logW = logWeights(spec);
  view.set(spec.means.map((mean, k) => ({ mean, stdev: spec.stds[k], log_weight: logW[k] })));
  return view.arrayBuffer;
}

export async function createGmmDenoiser(gpu: GpuResources, spec: GmmSpec): Promise<GpuDenoiser> {
  const data = packComponents(spec);
  const components = gpu.device.createBuffer({
    label: 'gmm-components',
    size: data.byteLength,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
  });
  gpu.device.queue.writeBuffer(components, 0, data);
  return createPointDenoiser(
    gpu,
    { label: 'gmm-denoise', code: SHADERS.gmmDenoise },
    [{ binding: 1, resource: { buffer: components } }],
    spec.means.length,
    gmmKey(spec),
    {
      wgsl: SHADERS.gmmPoint,
      key: 'gmm-point',
    },
  );
}
