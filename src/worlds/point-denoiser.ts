import type { GpuResources } from '../gpu/context';
import { dispatchFor } from '../gpu/shaders';
import type { GpuDenoiser } from '../sampling/denoiser';
import { fusedPipeline } from '../sampling/run-fused';

/**
 * The GpuDenoiser of a 2D world whose kernel runs one invocation per sample with the world's own data at
 * bindings 0–1 and x, σ, out at bindings 2, 3, 4 (gmm-denoise.wgsl, pair-flow-denoise.wgsl). `key` names the world's
 * function, as its float64 twin's key does. `point` is the world's `denoise_point` WGSL (the pipeline's own WGSL
 * without its kernel) and a name for it, offered to the fused executor with the same world entries.
 */
export async function createPointDenoiser(
  gpu: GpuResources,
  kernel: { label: string; code: string },
  worldEntries: GPUBindGroupEntry[],
  costPerSample: number,
  key: string,
  point: { wgsl: string; key: string },
): Promise<GpuDenoiser> {
  // A point world's runs go fused (run-fused.ts), so its first run needs the fused kernel, not this one: start
  // compiling it now, beside this one, rather than after it (the cache keeps it; the run awaits it there). Only the
  // noise-free variant: the first runs of a page are ODE samplers.
  void fusedPipeline(gpu, point, false);
  const pipeline = await gpu.pipelines.get(kernel.label, kernel.code);
  const { device } = gpu;
  return {
    dim: 2,
    key: () => key,
    costPerSample,
    point: { ...point, bindings: worldEntries },
    encode(pass, io) {
      const bindGroup = device.createBindGroup({
        layout: pipeline.getBindGroupLayout(0),
        entries: [
          ...worldEntries,
          { binding: 2, resource: io.x },
          { binding: 3, resource: io.sigma },
          { binding: 4, resource: io.out },
        ],
      });
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bindGroup);
      pass.dispatchWorkgroups(...dispatchFor(io.count));
    },
  };
}
