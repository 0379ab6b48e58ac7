/**
 * The WebGPU executor: runs a Plan with the samples resident on the device. Coefficients come from the float64
 * plan; the GPU only evaluates the denoiser and elementwise combinations. Work is split into short submissions
 * (the page must stay responsive), and a run can be cancelled between them.
 */
import { makeShaderDataDefinitions, makeStructuredView } from 'webgpu-utils';
import { storageUsage } from '../gpu/buffer-pool';
import type { GpuResources } from '../gpu/context';
import { align256, readBuffers } from '../gpu/readback';
import { dispatchFor, SHADERS } from '../gpu/shaders';
import type { GpuDenoiser } from './denoiser';
import { predictorOnDevice, PredictorRun, type GpuAmedPredictor, type PredictedStep } from './amed/predictor-gpu';
import type { PlanRuntime } from './prepare';
import { splitCombine } from './combine-terms';
import type { CombineInstr, DenoiseInstr, Plan } from './plan';
import { fusedUnsupported, runPlanFused } from './run-fused';
import { DEFAULT_MAX_WORK, submitChunks } from './submit-chunks';

export interface GpuRunRequest {
  plan: Plan;
  denoiser: GpuDenoiser;
  count: number;
  seed: number;
  /** Standard-normal start z (count × dim); when absent the GPU draws it from (seed, sample, element). */
  noise?: Float32Array;
  /** Class label per sample (class-conditional worlds), uploaded once per run; absent: the null class. */
  labels?: Uint32Array;
  trajectory?: boolean;
  signal?: AbortSignal;
  /** Cap on count × costPerSample × evaluations per submission; keeps each submission short. */
  maxWorkPerSubmit?: number;
  /** Called after each submission completes, with the fraction of evaluations done. */
  onProgress?: (fraction: number) => void;
  /** The learned AMED predictor, for plans with `predict` instructions; the denoiser must keep its bottleneck. */
  predictor?: GpuAmedPredictor;
  /** What the sampler's prepare hook left for the run (../prepare.ts); its predictor is uploaded once per device. */
  runtime?: PlanRuntime;
  /** 'auto' (default): the whole plan in one dispatch per submission (run-fused.ts) when the denoiser has a point
   *  form and the plan only denoises, combines and records; else one dispatch per instruction. The other two force
   *  one path (tests and benchmarks compare them; 'fused' rejects a plan it cannot run). */
  executor?: 'auto' | 'fused' | 'per-instruction';
}

export interface GpuRunResult {
  samples: Float32Array;
  trajectory?: Float32Array[];
  denoised?: Float32Array[];
  /** GPU execution time: timestamp queries when the adapter has them, else wall time around onSubmittedWorkDone. */
  gpuMs: number;
  /** Plans with `predict`: r, c and s per sample, by step. */
  amed?: Map<number, PredictedStep>;
}

const combineDefs = makeShaderDataDefinitions(SHADERS.combine);
const initDefs = makeShaderDataDefinitions(SHADERS.initNoise);
const UNIFORM_STRIDE = 256;

type Step = (pass: GPUComputePassEncoder) => void;

export async function runPlanGpu(gpu: GpuResources, request: GpuRunRequest): Promise<GpuRunResult> {
  if (request.executor !== 'per-instruction') {
    const unsupported = fusedUnsupported(gpu.device, request);
    if (unsupported === null) return runPlanFused(gpu, request);
    if (request.executor === 'fused') {
      throw new Error(`runPlanGpu: the fused executor cannot run this plan: ${unsupported}`);
    }
  }
  const { plan, denoiser, count } = request;
  const { device, pool } = gpu;
  const dim = denoiser.dim;
  const bytes = count * dim * 4;
  const [combinePipeline, initPipeline] = await Promise.all([
    gpu.pipelines.get('combine', SHADERS.combine),
    gpu.pipelines.get('init-noise', SHADERS.initNoise),
  ]);

  const taken: GPUBuffer[] = [];
  let predictorRun: PredictorRun | null = null;
  const take = (size: number, usage: GPUBufferUsageFlags, label: string) => {
    const b = pool.acquire(size, usage, label);
    taken.push(b);
    return b;
  };
  try {
    const registers = new Map(plan.registers.map((name) => [name, take(bytes, storageUsage(), `register ${name}`)]));
    const reg = (name: string): GPUBufferBinding => ({ buffer: registers.get(name)!, offset: 0, size: bytes });
    const dummy = take(256, storageUsage(), 'unused input');

    const slotBytes = align256(bytes);
    const trajectory = request.trajectory ? take(2 * plan.records * slotBytes, storageUsage(), 'trajectory') : null;

    // σ per sample for every evaluation, uploaded once: row j holds the σ of the j-th denoise instruction.
    const denoises = plan.instrs.filter((i): i is DenoiseInstr => i.op === 'denoise' && i.sigmaOfStep === undefined);
    const rowBytes = align256(count * 4);
    const sigmaTable = take(rowBytes * Math.max(denoises.length, 1), storageUsage(), 'sigma table');
    const sigmaRows = new Float32Array((rowBytes / 4) * Math.max(denoises.length, 1));
    denoises.forEach((d, j) => sigmaRows.fill(d.sigma, (j * rowBytes) / 4, (j * rowBytes) / 4 + count));
    device.queue.writeBuffer(sigmaTable, 0, sigmaRows);
    const labelBuffer = request.labels ? take(count * 4, storageUsage(), 'labels') : null;
    if (labelBuffer) device.queue.writeBuffer(labelBuffer, 0, request.labels as Uint32Array<ArrayBuffer>);
    const labels = labelBuffer ? { labels: { buffer: labelBuffer, offset: 0, size: count * 4 } } : {};
    const predicts = plan.instrs.filter((i) => i.op === 'predict');
    if (predicts.length > 0) {
      const weights = request.runtime?.predictor;
      const predictor = request.predictor ?? (weights && (await predictorOnDevice(gpu, weights)));
      if (!predictor) throw new Error('runPlanGpu: the plan predicts AMED parameters but no predictor was given');
      predictorRun = new PredictorRun(gpu, predictor, count, dim, plan, take);
    }

    // Uniform blocks of all combines (+ the initial draw), one 256-byte slot each, written once.
    const paramSlots = plan.instrs.length * 2 + 1;
    const params = { data: new ArrayBuffer(paramSlots * UNIFORM_STRIDE), count: 0 };
    const paramBuffer = take(
      paramSlots * UNIFORM_STRIDE,
      GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      'plan params',
    );
    const nextSlot = () => params.count++ * UNIFORM_STRIDE;

    const steps: Array<{ step: Step; evals: number }> = [];
    const combineStep = (dst: GPUBufferBinding, instr: CombineInstr): Step => {
      const offset = nextSlot();
      const { selfCoef, inputs } = splitCombine(instr);
      const coefs = [selfCoef, ...inputs.map(([, c]) => c)];
      while (coefs.length < 8) coefs.push(0);
      makeStructuredView(combineDefs.uniforms.params, params.data, offset).set({
        coefs,
        num_inputs: inputs.length,
        dim,
        has_noise: instr.noise ? 1 : 0,
        seed: request.seed >>> 0,
        noise_scale: instr.noise?.scale ?? 0,
        u_from: instr.noise?.uFrom ?? 1,
        u_to: instr.noise?.uTo ?? 0,
        uses_dst: selfCoef !== 0 ? 1 : 0,
      });
      const bindGroup = device.createBindGroup({
        layout: combinePipeline.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: paramBuffer, offset, size: UNIFORM_STRIDE } },
          { binding: 1, resource: dst },
          ...Array.from({ length: 6 }, (_, k) => ({
            binding: 2 + k,
            resource: k < inputs.length ? reg(inputs[k][0]) : { buffer: dummy },
          })),
        ],
      });
      return (pass) => {
        pass.setPipeline(combinePipeline);
        pass.setBindGroup(0, bindGroup);
        pass.dispatchWorkgroups(...dispatchFor(count * dim));
      };
    };

    // x_0 = σ_0·z: drawn on the GPU, or the caller's z scaled in place.
    if (request.noise) {
      device.queue.writeBuffer(registers.get('x')!, 0, request.noise as Float32Array<ArrayBuffer>);
      steps.push({
        step: combineStep(reg('x'), { op: 'combine', dst: 'x', terms: [['x', plan.sigmas[0]]] }),
        evals: 0,
      });
    } else {
      const offset = nextSlot();
      makeStructuredView(initDefs.uniforms.params, params.data, offset).set({
        sigma: plan.sigmas[0],
        dim,
        seed: request.seed >>> 0,
        first_sample: 0,
      });
      const bindGroup = device.createBindGroup({
        layout: initPipeline.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: paramBuffer, offset, size: UNIFORM_STRIDE } },
          { binding: 1, resource: reg('x') },
        ],
      });
      steps.push({
        step: (pass) => {
          pass.setPipeline(initPipeline);
          pass.setBindGroup(0, bindGroup);
          pass.dispatchWorkgroups(...dispatchFor(count * dim));
        },
        evals: 0,
      });
    }

    let denoiseIndex = 0;
    let recordIndex = 0;
    for (const instr of plan.instrs) {
      if (instr.op === 'denoise') {
        // σ per sample from the predictor (no host σ then), or the step's row of the σ table.
        const sigma =
          instr.sigmaOfStep !== undefined
            ? { sigma: predictorRun!.sigma(instr.sigmaOfStep) }
            : {
                sigma: { buffer: sigmaTable, offset: denoiseIndex++ * rowBytes, size: count * 4 },
                sigmaHost: instr.sigma,
              };
        const io = {
          x: reg(instr.src),
          out: reg(instr.dst),
          ...sigma,
          count,
          ...labels,
          ...(instr.tap ? { tap: predictorRun!.tap } : {}),
        };
        steps.push({ step: (pass) => denoiser.encode(pass, io), evals: 1 });
      } else if (instr.op === 'predict') {
        steps.push({ step: predictorRun!.predict(instr), evals: 0 });
      } else if (instr.op === 'amed_step') {
        steps.push({ step: predictorRun!.step(instr, reg), evals: 0 });
      } else if (instr.op === 'combine') {
        steps.push({ step: combineStep(reg(instr.dst), instr), evals: 0 });
      } else if (trajectory) {
        const slot = (kind: number) => ({
          buffer: trajectory,
          offset: (2 * recordIndex + kind) * slotBytes,
          size: bytes,
        });
        steps.push({ step: combineStep(slot(0), { op: 'combine', dst: '', terms: [[instr.x, 1]] }), evals: 0 });
        steps.push({ step: combineStep(slot(1), { op: 'combine', dst: '', terms: [[instr.denoised, 1]] }), evals: 0 });
        recordIndex++;
      }
    }
    device.queue.writeBuffer(paramBuffer, 0, params.data, 0, params.count * UNIFORM_STRIDE);
    predictorRun?.flush();

    const gpuMs = await submitInChunks(gpu, steps, count * denoiser.costPerSample, request);

    const sources = [{ buffer: registers.get('x')!, bytes }];
    if (trajectory)
      for (let k = 0; k < 2 * plan.records; k++)
        sources.push({ buffer: trajectory, offset: k * slotBytes, bytes } as never);
    const [samples, ...recorded] = await readBuffers(device, pool, sources);
    const amed = predictorRun ? await predictorRun.read(predicts.map((p) => p.step)) : undefined;
    return {
      samples,
      gpuMs,
      ...(amed ? { amed } : {}),
      ...(trajectory
        ? { trajectory: recorded.filter((_, k) => k % 2 === 0), denoised: recorded.filter((_, k) => k % 2 === 1) }
        : {}),
    };
  } finally {
    predictorRun?.dispose();
    for (const b of taken) pool.release(b);
  }
}

/** Groups the steps into submissions of bounded work (submitChunks runs them). Returns the GPU time. */
async function submitInChunks(
  gpu: GpuResources,
  steps: Array<{ step: Step; evals: number }>,
  workPerEval: number,
  request: GpuRunRequest,
): Promise<number> {
  const maxEvals = Math.max(1, Math.floor((request.maxWorkPerSubmit ?? DEFAULT_MAX_WORK) / Math.max(workPerEval, 1)));
  const chunks: Array<typeof steps> = [[]];
  let evalsInChunk = 0;
  for (const s of steps) {
    if (s.evals > 0 && evalsInChunk + s.evals > maxEvals && chunks[chunks.length - 1].length > 0) {
      chunks.push([]);
      evalsInChunk = 0;
    }
    chunks[chunks.length - 1].push(s);
    evalsInChunk += s.evals;
  }
  return submitChunks(
    gpu,
    chunks.map((chunk) => ({
      encode: (pass) => chunk.forEach((s) => s.step(pass)),
      evals: chunk.reduce((a, s) => a + s.evals, 0),
    })),
    request,
  );
}
