/** The adapter's arithmetic ceiling (shaders/nn/fma-throughput.wgsl), as a dispatch the benchmarks time like any
 *  other configuration, so the ceiling is measured in the same interleaved run as what is compared to it. */
import { makeShaderDataDefinitions, makeStructuredView } from 'webgpu-utils';
import fmaSource from '../shaders/nn/fma-throughput.wgsl?raw';
import type { GpuResources } from '../src/gpu/context';

export interface FmaCeiling {
  /** FLOPs of one encode(). */
  flops: number;
  encode(pass: GPUComputePassEncoder): void;
}

export async function fmaCeiling(gpu: GpuResources, invocations = 64 * 256, iterations = 2048): Promise<FmaCeiling> {
  const { device } = gpu;
  const pipeline = await gpu.pipelines.get('bench/fma', fmaSource);
  const params = makeStructuredView(makeShaderDataDefinitions(fmaSource).uniforms.params);
  params.set({ iterations, invocations, m: 0.999, k: 0.001 });
  const uniform = device.createBuffer({
    size: params.arrayBuffer.byteLength,
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
  device.queue.writeBuffer(uniform, 0, params.arrayBuffer);
  const out = device.createBuffer({ size: 4 * invocations, usage: GPUBufferUsage.STORAGE });
  const bindGroup = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [
      { binding: 0, resource: { buffer: uniform } },
      { binding: 1, resource: { buffer: out } },
    ],
  });
  return {
    // 8 chains × 4 lanes × (multiply + add) per iteration.
    flops: invocations * iterations * 8 * 4 * 2,
    encode(pass) {
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bindGroup);
      pass.dispatchWorkgroups(invocations / 64);
    },
  };
}
