/**
 * The fused executor for point worlds: a whole plan in one dispatch per submission (shaders/samplers/fused-point.wgsl
 * with the world's `denoise_point` inlined), instead of one dispatch per instruction. 2D runs are dispatch-bound
 * (Euler, 50 steps, with trajectory: 203 dispatches), so this is where their time goes. The arithmetic is the
 * per-instruction executor's, op for op, which stays the fallback for other plans and worlds and the test oracle.
 */
import { makeShaderDataDefinitions, makeStructuredView } from 'webgpu-utils';
import { storageUsage } from '../gpu/buffer-pool';
import type { GpuResources } from '../gpu/context';
import { readBuffers } from '../gpu/readback';
import { dispatchFor, fusedPointShader } from '../gpu/shaders';
import type { GpuDenoiser } from './denoiser';
import { planFusedChunks } from './fused-chunks';
import { encodeFusedProgram, FUSED_INSTRUCTION_BYTES, fusedPlanUnsupported } from './fused-program';
import type { Plan } from './plan';
import { DEFAULT_MAX_WORK, submitChunks } from './submit-chunks';

/** What the fused executor reads of a GpuRunRequest (run-gpu.ts passes its own request through). */
interface FusedRunRequest {
  plan: Plan;
  denoiser: GpuDenoiser;
  count: number;
  seed: number;
  noise?: Float32Array;
  trajectory?: boolean;
  signal?: AbortSignal;
  maxWorkPerSubmit?: number;
  onProgress?: (fraction: number) => void;
}

interface FusedRunResult {
  samples: Float32Array;
  trajectory?: Float32Array[];
  denoised?: Float32Array[];
  gpuMs: number;
}

const UNIFORM_STRIDE = 256;
/** The kernel's params struct: any point world's composition declares the same FusedParams. */
let paramsDefs: ReturnType<typeof makeShaderDataDefinitions> | null = null;

/** Why this run cannot go fused (no point form, ops the kernel lacks, or a buffer past the device's binding
 *  limit: the trajectory is one binding here, where the per-instruction executor binds it slot by slot), or null. */
export function fusedUnsupported(device: GPUDevice, request: FusedRunRequest): string | null {
  const { plan, denoiser, count } = request;
  if (!denoiser.point || denoiser.dim !== 2) return 'the denoiser has no point form';
  const unsupported = fusedPlanUnsupported(plan);
  if (unsupported !== null) return unsupported;
  const largest = Math.max(
    (request.trajectory ? 2 * plan.records : 0) * count * 8,
    plan.registers.length * count * 8,
    (plan.instrs.length + 1) * FUSED_INSTRUCTION_BYTES,
  );
  if (largest > device.limits.maxStorageBufferBindingSize) return `a ${largest}-byte buffer exceeds the binding limit`;
  return null;
}

/** The fused kernel for a point world's WGSL, with or without the Brownian noise (pipeline cache: compiled once). */
export function fusedPipeline(
  gpu: GpuResources,
  point: { wgsl: string; key: string },
  noisy: boolean,
): Promise<GPUComputePipeline> {
  return gpu.pipelines.get(`fused ${point.key}${noisy ? ' noise' : ''}`, fusedPointShader(point.wgsl, noisy));
}

export async function runPlanFused(gpu: GpuResources, request: FusedRunRequest): Promise<FusedRunResult> {
  const { plan, denoiser, count } = request;
  const point = denoiser.point!;
  const { device, pool } = gpu;
  const noisy = plan.instrs.some((i) => i.op === 'combine' && i.noise !== undefined);
  const pipeline = await fusedPipeline(gpu, point, noisy);
  paramsDefs ??= makeShaderDataDefinitions(fusedPointShader(point.wgsl, noisy));

  const program = encodeFusedProgram(plan, request.noise !== undefined);
  const chunks = planFusedChunks(
    count,
    denoiser.costPerSample,
    program.evals,
    request.maxWorkPerSubmit ?? DEFAULT_MAX_WORK,
  );
  const midPlan = chunks.some((c) => c.instrEnd < program.length);
  const records = request.trajectory ? plan.records : 0;
  const pointBytes = count * 8;

  const taken: GPUBuffer[] = [];
  const take = (size: number, usage: GPUBufferUsageFlags, label: string) => {
    const b = pool.acquire(Math.max(size, 256), usage, label);
    taken.push(b);
    return b;
  };
  try {
    const programBuffer = take(program.words.byteLength, storageUsage(), 'fused program');
    device.queue.writeBuffer(programBuffer, 0, program.words);
    const noise = take(request.noise ? pointBytes : 0, storageUsage(), 'fused noise');
    if (request.noise) device.queue.writeBuffer(noise, 0, request.noise as Float32Array<ArrayBuffer>);
    // Unused bindings still need a buffer: the state only matters between instruction chunks, the trajectory
    // only when asked for.
    const state = take(midPlan ? pointBytes * program.numRegisters : 0, storageUsage(), 'fused registers');
    const samples = take(pointBytes, storageUsage(), 'fused samples');
    const trajectory = take(2 * records * pointBytes, storageUsage(), 'fused trajectory');
    const paramBuffer = take(
      chunks.length * UNIFORM_STRIDE,
      GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      'fused params',
    );
    const paramData = new ArrayBuffer(chunks.length * UNIFORM_STRIDE);
    chunks.forEach((c, k) =>
      makeStructuredView(paramsDefs!.uniforms.fused_params, paramData, k * UNIFORM_STRIDE).set({
        instr_begin: c.instrBegin,
        instr_end: c.instrEnd,
        first_sample: c.firstSample,
        chunk_samples: c.samples,
        count,
        seed: request.seed >>> 0,
        x_register: program.xRegister,
        num_registers: program.numRegisters,
        load_state: c.instrBegin > 0 ? 1 : 0,
        store_state: c.instrEnd < program.length ? 1 : 0,
        write_trajectory: records > 0 ? 1 : 0,
      }),
    );
    device.queue.writeBuffer(paramBuffer, 0, paramData);

    const world = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: point.bindings });
    const whole = (buffer: GPUBuffer) => ({ buffer });
    const gpuMs = await submitChunks(
      gpu,
      chunks.map((c, k) => {
        const bindGroup = device.createBindGroup({
          layout: pipeline.getBindGroupLayout(1),
          entries: [
            { binding: 0, resource: whole(programBuffer) },
            { binding: 1, resource: { buffer: paramBuffer, offset: k * UNIFORM_STRIDE, size: UNIFORM_STRIDE } },
            { binding: 2, resource: whole(noise) },
            { binding: 3, resource: whole(state) },
            { binding: 4, resource: whole(samples) },
            { binding: 5, resource: whole(trajectory) },
          ],
        });
        return {
          encode: (pass: GPUComputePassEncoder) => {
            pass.setPipeline(pipeline);
            pass.setBindGroup(0, world);
            pass.setBindGroup(1, bindGroup);
            pass.dispatchWorkgroups(...dispatchFor(c.samples));
          },
          evals: c.evals,
        };
      }),
      request,
    );

    const sources: Array<{ buffer: GPUBuffer; offset?: number; bytes: number }> = [
      { buffer: samples, bytes: pointBytes },
    ];
    for (let k = 0; k < 2 * records; k++)
      sources.push({ buffer: trajectory, offset: k * pointBytes, bytes: pointBytes });
    const [out, ...recorded] = await readBuffers(device, pool, sources);
    return {
      samples: out,
      gpuMs,
      ...(request.trajectory
        ? { trajectory: recorded.filter((_, k) => k % 2 === 0), denoised: recorded.filter((_, k) => k % 2 === 1) }
        : {}),
    };
  } finally {
    for (const b of taken) pool.release(b);
  }
}
