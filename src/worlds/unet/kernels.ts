/** The WGSL kernels of the network (shaders/nn/), their uniform layouts (read from the WGSL by webgpu-utils) and
 *  pipelines per device. */
import { makeShaderDataDefinitions, makeStructuredView } from 'webgpu-utils';
import type { GpuResources } from '../../gpu/context';
import avgPool from '../../../shaders/nn/avg-pool.wgsl?raw';
import classEmbedding from '../../../shaders/nn/class-embedding.wgsl?raw';
import concatChannels from '../../../shaders/nn/concat-channels.wgsl?raw';
import conv1x1 from '../../../shaders/nn/conv1x1.wgsl?raw';
import conv3x3 from '../../../shaders/nn/conv3x3.wgsl?raw';
import conv3x3Tall from '../../../shaders/nn/conv3x3-tall.wgsl?raw';
import edmInput from '../../../shaders/nn/edm-input.wgsl?raw';
import embedding from '../../../shaders/nn/embedding.wgsl?raw';
import edmOutput from '../../../shaders/nn/edm-output.wgsl?raw';
import groupNormSilu from '../../../shaders/nn/group-norm-silu.wgsl?raw';
import linear from '../../../shaders/nn/linear.wgsl?raw';
import maxPool from '../../../shaders/nn/max-pool.wgsl?raw';
import timeFeatureMath from '../../../shaders/nn/time-feature-math.wgsl?raw';
import timeFeatures from '../../../shaders/nn/time-features.wgsl?raw';
import upsampleNearest from '../../../shaders/nn/upsample-nearest.wgsl?raw';

/** The double-float time features, shared by the two kernels that compute them (the only composition here). */
const withTimeFeatureMath = (code: string) => [timeFeatureMath, code].join('\n');

/** Each kernel's WGSL source, and its entry point when a source has several (specialisations of one kernel). */
const NN_KERNELS = {
  avgPool: { code: avgPool },
  classEmbedding: { code: classEmbedding },
  concatChannels: { code: concatChannels },
  conv1x1: { code: conv1x1 },
  conv3x3: { code: conv3x3 },
  conv3x3Tall: { code: conv3x3Tall },
  conv3x3TallProjected: { code: conv3x3Tall, entryPoint: 'main_projected' },
  edmInput: { code: edmInput },
  edmOutput: { code: edmOutput },
  embedding: { code: withTimeFeatureMath(embedding) },
  embeddingEdm: { code: withTimeFeatureMath(embedding), entryPoint: 'main_edm' },
  groupNormSilu: { code: groupNormSilu },
  groupNormSiluConcat: { code: groupNormSilu, entryPoint: 'main_concat' },
  linear: { code: linear },
  maxPool: { code: maxPool },
  timeFeatures: { code: withTimeFeatureMath(timeFeatures) },
  upsampleNearest: { code: upsampleNearest },
} as const satisfies Record<string, { code: string; entryPoint?: string }>;

export type KernelName = keyof typeof NN_KERNELS;

const definitions = Object.fromEntries(
  Object.entries(NN_KERNELS).map(([name, { code }]) => [name, makeShaderDataDefinitions(code).uniforms]),
) as Record<KernelName, ReturnType<typeof makeShaderDataDefinitions>['uniforms']>;

/** Every kernel's uniform block lives in a 256-byte slot of one buffer (the minimum uniform offset alignment). */
export const UNIFORM_SLOT = 256;

/** Writes a kernel's uniform struct (`params`, or another uniform it declares) at `offset` of `data`, laid out as
 *  its WGSL declares. */
export function writeParams(
  kernel: KernelName,
  data: ArrayBuffer,
  offset: number,
  values: Record<string, number>,
  uniform = 'params',
): void {
  makeStructuredView(definitions[kernel][uniform], data, offset).set(values);
}

export type NnPipelines = Record<KernelName, GPUComputePipeline>;

/** Compiles (or fetches from the device's cache) every kernel. */
export async function nnPipelines(gpu: GpuResources): Promise<NnPipelines> {
  const names = Object.keys(NN_KERNELS) as KernelName[];
  const pipelines = await Promise.all(
    names.map((name) => {
      const kernel: { code: string; entryPoint?: string } = NN_KERNELS[name];
      return gpu.pipelines.get(`nn/${name}`, kernel.code, kernel.entryPoint);
    }),
  );
  return Object.fromEntries(names.map((name, k) => [name, pipelines[k]])) as NnPipelines;
}

/** Workgroups for a 1D range of 64-wide invocations, as [x, y] (kernels rebuild i = gid.x + gid.y·groups.x·64). */
export function invocationGroups(invocations: number): [number, number] {
  return workgroupGrid(Math.ceil(invocations / 64));
}

/** A workgroup count as [x, y], since one dimension stops at 65535. */
export function workgroupGrid(count: number): [number, number] {
  const groups = Math.max(1, count);
  const x = Math.min(groups, 65535);
  return [x, Math.ceil(groups / x)];
}
