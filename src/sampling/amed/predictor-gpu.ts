/**
 * The learned AMED predictor on the GPU (shaders/amed/): its weights on one device, and the per-run state the plan
 * executor (run-gpu.ts) drives — the bottleneck reduced straight out of each tapped network call (io.tap, so no
 * evaluation is added), r, c and s per sample and step, and the per-sample solver updates.
 */
import { makeShaderDataDefinitions, makeStructuredView } from 'webgpu-utils';
import predictorCode from '../../../shaders/amed/predictor.wgsl?raw';
import reduceCode from '../../../shaders/amed/bottleneck-reduce.wgsl?raw';
import stepCode from '../../../shaders/amed/solver-step.wgsl?raw';
import { storageUsage } from '../../gpu/buffer-pool';
import type { GpuResources } from '../../gpu/context';
import { readBuffers } from '../../gpu/readback';
import { dispatchFor } from '../../gpu/shaders';
import type { ActivationTap } from '../denoiser';
import type { AmedStepInstr, Plan, PredictInstr } from '../plan';
import { PREDICTOR_TENSORS, timeEmbedding, type AmedPredictorWeights, type PredictorTensor } from './predictor';

const defs = {
  predictor: makeShaderDataDefinitions(predictorCode).uniforms.params,
  reduce: makeShaderDataDefinitions(reduceCode).uniforms.params,
  step: makeShaderDataDefinitions(stepCode).uniforms.params,
};
const SLOT = 256;
const align64 = (n: number) => Math.ceil(n / 64) * 64;

/** One predictor's weights (all tensors in one buffer, offsets in floats) and its three kernels on a device. */
export class GpuAmedPredictor {
  private constructor(
    readonly weights: AmedPredictorWeights,
    readonly buffer: GPUBuffer,
    readonly offsets: Record<PredictorTensor, number>,
    readonly pipelines: { predictor: GPUComputePipeline; reduce: GPUComputePipeline; step: GPUComputePipeline },
  ) {}

  static async create(gpu: GpuResources, weights: AmedPredictorWeights): Promise<GpuAmedPredictor> {
    const offsets = {} as Record<PredictorTensor, number>;
    let length = 0;
    for (const name of PREDICTOR_TENSORS) {
      offsets[name] = length;
      length += weights.tensors.get(name)!.length;
    }
    const data = new Float32Array(length);
    for (const name of PREDICTOR_TENSORS) data.set(weights.tensors.get(name)!, offsets[name]);
    const buffer = gpu.device.createBuffer({
      label: `amed predictor NFE ${weights.nfe}`,
      size: Math.max(16, data.byteLength),
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    gpu.device.queue.writeBuffer(buffer, 0, data);
    const [predictor, reduce, step] = await Promise.all([
      gpu.pipelines.get('amed/predictor', predictorCode),
      gpu.pipelines.get('amed/bottleneck-reduce', reduceCode),
      gpu.pipelines.get('amed/solver-step', stepCode),
    ]);
    return new GpuAmedPredictor(weights, buffer, offsets, { predictor, reduce, step });
  }

  destroy(): void {
    this.buffer.destroy();
  }
}

export interface PredictedStep {
  r: Float32Array;
  c: Float32Array;
  s: Float32Array;
}

type Encode = (pass: GPUComputePassEncoder) => void;
const bufferIds = new WeakMap<GPUBuffer, number>();
let nextId = 1;
const idOf = (b: GPUBuffer) => bufferIds.get(b) ?? (bufferIds.set(b, nextId), nextId++);

/**
 * A run's predictor state. Coefficients live per step (readable afterwards): r, c and s columns of `column` floats
 * each, so the s column binds directly as the σ buffer of the step's second evaluation (256-byte aligned).
 */
export class PredictorRun {
  private readonly column: number;
  private readonly bottleneck: GPUBuffer;
  private readonly coefs: GPUBuffer;
  private readonly uniforms: GPUBuffer;
  private readonly uniformData: ArrayBuffer;
  private slots = 0;
  private readonly reduceGroups = new Map<string, GPUBindGroup>();
  private readonly reduceUniforms: GPUBuffer[] = [];
  readonly tap: ActivationTap;

  constructor(
    private readonly gpu: GpuResources,
    private readonly predictor: GpuAmedPredictor,
    private readonly count: number,
    private readonly dim: number,
    plan: Plan,
    take: (size: number, usage: GPUBufferUsageFlags, label: string) => GPUBuffer,
  ) {
    const w = predictor.weights;
    this.column = align64(count);
    this.bottleneck = take(4 * count * w.inputDim, storageUsage(), 'amed bottleneck');
    this.coefs = take(this.stepBytes * Math.max(1, plan.sigmas.length - 1), storageUsage(), 'amed r, c, s');
    const slots = plan.instrs.filter((i) => i.op === 'predict' || i.op === 'amed_step').length;
    this.uniformData = new ArrayBuffer(Math.max(1, slots) * SLOT);
    this.uniforms = take(this.uniformData.byteLength, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, 'amed params');
    this.tap = {
      value: w.tap,
      encode: (pass, activation, firstSample, n, perSample) =>
        this.encodeReduce(pass, activation, firstSample, n, perSample),
    };
  }

  private get stepBytes(): number {
    return 3 * this.column * 4;
  }

  /** The per-sample mean-value times of a step, as a denoiser's σ binding. */
  sigma(step: number): GPUBufferBinding {
    return { buffer: this.coefs, offset: step * this.stepBytes + 2 * this.column * 4, size: 4 * this.count };
  }

  private coefsOf(step: number): GPUBufferBinding {
    return { buffer: this.coefs, offset: step * this.stepBytes, size: this.stepBytes };
  }

  private nextSlot(): number {
    return this.slots++ * SLOT;
  }

  /** Uploads every uniform written so far; call once all steps are prepared, before submitting. */
  flush(): void {
    this.gpu.device.queue.writeBuffer(this.uniforms, 0, this.uniformData, 0, this.slots * SLOT);
  }

  predict(instr: PredictInstr): Encode {
    const { predictor } = this;
    const w = predictor.weights;
    const offset = this.nextSlot();
    const emb = [...timeEmbedding(w, instr.t), ...timeEmbedding(w, instr.tNext)];
    const o = predictor.offsets;
    makeStructuredView(defs.predictor, this.uniformData, offset).set({
      emb,
      log_t: Math.log(instr.t),
      log_ratio: Math.log(instr.tNext / instr.t),
      scale_dir: w.scaleDir,
      count: this.count,
      input_dim: w.inputDim,
      hidden: w.hidden,
      has_bottleneck: instr.bottleneck ? 1 : 0,
      column: this.column,
      enc0_w: o['enc_layer0.weight'],
      enc0_b: o['enc_layer0.bias'],
      enc1_w: o['enc_layer1.weight'],
      enc1_b: o['enc_layer1.bias'],
      fc_r_w: o['fc_r.weight'],
      fc_r_b: o['fc_r.bias'],
      fc_sd_w: o['fc_scale_dir.weight'],
      fc_sd_b: o['fc_scale_dir.bias'],
    });
    const bindGroup = this.gpu.device.createBindGroup({
      label: `amed predict step ${instr.step}`,
      layout: predictor.pipelines.predictor.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: this.uniforms, offset, size: SLOT } },
        { binding: 1, resource: { buffer: this.bottleneck } },
        { binding: 2, resource: { buffer: predictor.buffer } },
        { binding: 3, resource: this.coefsOf(instr.step) },
      ],
    });
    return (pass) => {
      pass.setPipeline(predictor.pipelines.predictor);
      pass.setBindGroup(0, bindGroup);
      pass.dispatchWorkgroups(...dispatchFor(this.count));
    };
  }

  step(instr: AmedStepInstr, reg: (name: string) => GPUBufferBinding): Encode {
    const offset = this.nextSlot();
    makeStructuredView(defs.step, this.uniformData, offset).set({
      t: instr.t,
      t_next: instr.tNext,
      dim: this.dim,
      count: this.count,
      column: this.column,
      stage: instr.stage === 'y' ? 0 : 1,
    });
    const pipeline = this.predictor.pipelines.step;
    const bindGroup = this.gpu.device.createBindGroup({
      label: `amed step ${instr.step} ${instr.stage}`,
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { buffer: this.uniforms, offset, size: SLOT },
        reg(instr.dst),
        reg(instr.a),
        reg(instr.b),
        this.coefsOf(instr.step),
      ].map((resource, binding) => ({ binding, resource })),
    });
    return (pass) => {
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bindGroup);
      pass.dispatchWorkgroups(...dispatchFor(this.count * this.dim));
    };
  }

  /** r, c and s of every predicted step, per sample. */
  async read(steps: number[]): Promise<Map<number, PredictedStep>> {
    const sources = steps.flatMap((n) =>
      [0, 1, 2].map((k) => ({
        buffer: this.coefs,
        offset: n * this.stepBytes + k * this.column * 4,
        bytes: 4 * this.count,
      })),
    );
    const values = await readBuffers(this.gpu.device, this.gpu.pool, sources);
    return new Map(steps.map((n, j) => [n, { r: values[3 * j], c: values[3 * j + 1], s: values[3 * j + 2] }]));
  }

  dispose(): void {
    for (const b of this.reduceUniforms) b.destroy();
  }

  /** Called by the denoiser after each chunk's network run: reduces that chunk's bottleneck into its rows of b.
   *  Bind groups (and their small uniforms) are made once per chunk position and reused by every later step. */
  private encodeReduce(
    pass: GPUComputePassEncoder,
    activation: GPUBufferBinding,
    firstSample: number,
    n: number,
    perSample: number,
  ): void {
    const w = this.predictor.weights;
    const key = `${idOf(activation.buffer)}:${activation.offset ?? 0}:${firstSample}:${n}`;
    let bindGroup = this.reduceGroups.get(key);
    if (!bindGroup) {
      const { device } = this.gpu;
      const uniform = device.createBuffer({
        label: 'amed reduce params',
        size: SLOT,
        usage: GPUBufferUsage.UNIFORM,
        mappedAtCreation: true,
      });
      const [channels, plane] =
        w.reduce === 'channel-mean' ? [perSample / w.inputDim, w.inputDim] : [w.inputDim, perSample / w.inputDim];
      makeStructuredView(defs.reduce, uniform.getMappedRange()).set({
        channels,
        plane,
        input_dim: w.inputDim,
        first_sample: firstSample,
        invocations: n * w.inputDim,
        spatial_mean: w.reduce === 'spatial-mean' ? 1 : 0,
      });
      uniform.unmap();
      this.reduceUniforms.push(uniform);
      bindGroup = device.createBindGroup({
        label: 'amed bottleneck reduce',
        layout: this.predictor.pipelines.reduce.getBindGroupLayout(0),
        entries: [{ buffer: uniform }, activation, { buffer: this.bottleneck }].map((resource, binding) => ({
          binding,
          resource,
        })),
      });
      this.reduceGroups.set(key, bindGroup);
    }
    pass.setPipeline(this.predictor.pipelines.reduce);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(...dispatchFor(n * w.inputDim));
  }
}

const uploads = new WeakMap<GpuResources, Map<AmedPredictorWeights, Promise<GpuAmedPredictor>>>();

/** A predictor's weights and kernels on a device, uploaded once per device and kept while the device lives. */
export function predictorOnDevice(gpu: GpuResources, weights: AmedPredictorWeights): Promise<GpuAmedPredictor> {
  let perDevice = uploads.get(gpu);
  if (!perDevice) uploads.set(gpu, (perDevice = new Map()));
  let entry = perDevice.get(weights);
  if (!entry) {
    entry = GpuAmedPredictor.create(gpu, weights);
    entry.catch(() => perDevice.delete(weights));
    perDevice.set(weights, entry);
  }
  return entry;
}
