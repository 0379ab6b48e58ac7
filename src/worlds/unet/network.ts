/**
 * A compiled network (the UNet, or the classifier) on one device, for chunks of up to `capacity` samples at one
 * image size: activation buffers (memory.ts slots), per-sample σ and labels (read by the UNet's embedding steps),
 * every step's uniform block and bind group, built once. Recording a
 * chunk is then only setPipeline / setBindGroup / dispatch: no allocation per call.
 * Uniforms describe the full capacity; a chunk of n samples dispatches only n samples' worth of invocations (the
 * layouts are sample-major, so the first n samples are a prefix).
 */
import type { GpuResources } from '../../gpu/context';
import { elements, type CompiledGraph, type ConcatInput, type Shape, type Step } from './graph';
import { weightKeys, type GpuWeights } from './gpu-weights';
import {
  invocationGroups,
  UNIFORM_SLOT,
  workgroupGrid,
  writeParams,
  type KernelName,
  type NnPipelines,
} from './kernels';
import type { MemoryPlan } from './memory';
import { CONV_CHANNEL_BLOCK, GROUP_NORM_WORKGROUP, paddedChannels, TALL_TILE_MIN_CIN, TALL_TILE_ROWS } from './pack';
import { skipScale, type SkipTuning } from './skip-tuning';

interface Dispatch {
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  /** Workgroups for a chunk of n samples. */
  grid(n: number): [number, number];
}

export class CompiledNetwork {
  readonly slots: GPUBuffer[];
  readonly sigma: GPUBuffer;
  readonly labels: GPUBuffer;
  private readonly uniforms: GPUBuffer;
  private readonly dispatches: Dispatch[];

  constructor(
    private readonly gpu: GpuResources,
    private readonly pipelines: NnPipelines,
    private readonly weights: GpuWeights,
    readonly graph: CompiledGraph,
    readonly plan: MemoryPlan,
    readonly capacity: number,
    /** Skip-Tuning's ρ per long skip, written into the uniforms of the steps that read a concat (skip-tuning.ts). */
    readonly skipTuning?: SkipTuning,
    /** The input channels from which a 3×3 conv runs on the 4-row tile (the benchmark moves it to compare tiles). */
    private readonly tallTileMinCin = TALL_TILE_MIN_CIN,
  ) {
    const { device } = gpu;
    const STORAGE = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    this.slots = plan.slotElements.map((e, k) =>
      device.createBuffer({ label: `network activations ${k}`, size: 4 * e * capacity, usage: STORAGE }),
    );
    this.sigma = device.createBuffer({ label: 'network sigma', size: Math.max(16, 4 * capacity), usage: STORAGE });
    this.labels = device.createBuffer({ label: 'network labels', size: Math.max(16, 4 * capacity), usage: STORAGE });
    const data = new ArrayBuffer(UNIFORM_SLOT * graph.steps.length);
    this.uniforms = device.createBuffer({
      label: 'network params',
      size: data.byteLength,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    this.dispatches = graph.steps.map((step, k) => this.prepare(step, data, k * UNIFORM_SLOT));
    device.queue.writeBuffer(this.uniforms, 0, data);
  }

  /** The activation buffer holding a value (valid after `encode` if the value was kept live by the plan). */
  binding(value: string): GPUBufferBinding {
    const slot = this.plan.slotOf.get(value);
    if (slot === undefined) throw new Error(`no value "${value}" in the compiled network`);
    const shape = this.graph.shapes.get(value)!;
    return { buffer: this.slots[slot], offset: 0, size: 4 * elements(shape) * this.capacity };
  }

  /** Records the network for the first n ≤ capacity samples (z, σ and labels already written). */
  encode(pass: GPUComputePassEncoder, n: number): void {
    for (let k = 0; k < this.dispatches.length; k++) this.encodeStep(pass, k, n);
  }

  /** Records step k of graph.steps alone (bench/kernels.ts times each kernel at its real shape this way). */
  encodeStep(pass: GPUComputePassEncoder, k: number, n: number): void {
    const d = this.dispatches[k];
    pass.setPipeline(d.pipeline);
    pass.setBindGroup(0, d.bindGroup);
    pass.dispatchWorkgroups(...d.grid(n));
  }

  destroy(): void {
    for (const b of [...this.slots, this.sigma, this.labels, this.uniforms]) b.destroy();
  }

  /** How group-norm-silu.wgsl and conv1x1.wgsl address their input: one tensor, or a folded concat (graph.ts). */
  private concatParams(step: { input: string; concat?: ConcatInput }, shape: Shape): Record<string, number> {
    // The first source's channels: all of the input's without a concat (a 1×1 conv's input, not its output).
    const first_channels = this.graph.shapes.get(step.input)!.c;
    if (!step.concat) return { first_channels, first_upsampled: 0, width: shape.w, second_scale: 1 };
    return {
      first_channels,
      first_upsampled: step.concat.upsampledFirst ? 1 : 0,
      width: shape.w,
      second_scale: skipScale(this.skipTuning, step.concat.skip, this.graph.skips),
    };
  }

  private prepare(step: Step, data: ArrayBuffer, offset: number): Dispatch {
    const cap = this.capacity;
    const shape = this.graph.shapes.get(step.output)!;
    const value = (v: string) => this.binding(v);
    const weight = (key: string | undefined) => this.weights.bindings.get(key ?? '')!;
    const keys = weightKeys(step);
    const perSample = (count: number) => (n: number) => invocationGroups(n * count);
    let kernel: KernelName;
    let params: Record<string, number>;
    let resources: GPUBindingResource[];
    let grid: (n: number) => [number, number];
    switch (step.op) {
      case 'time_features': {
        const half = step.dim / 2;
        kernel = 'timeFeatures';
        params = { half_dim: half, invocations: cap * half, one: 1 };
        resources = [weight(keys.weight), { buffer: this.sigma }, value(step.output)];
        grid = perSample(half);
        break;
      }
      case 'linear':
        kernel = 'linear';
        params = {
          fin: step.fin,
          fout: step.fout,
          invocations: cap * step.fout,
          apply_silu: step.silu ? 1 : 0,
          apply_relu: step.relu ? 1 : 0,
        };
        resources = [value(step.input), weight(keys.weight), weight(keys.bias), value(step.output)];
        grid = perSample(step.fout);
        break;
      case 'class_embedding':
        kernel = 'classEmbedding';
        params = { dim: shape.c, rows: step.rows, invocations: cap * shape.c, apply_silu: step.silu ? 1 : 0 };
        resources = [value(step.input), { buffer: this.labels }, weight(keys.weight), value(step.output)];
        grid = perSample(shape.c);
        break;
      case 'group_norm':
        kernel = step.concat ? 'groupNormSiluConcat' : 'groupNormSilu';
        if (shape.c % step.groups !== 0)
          throw new Error(`${step.weight}: ${shape.c} channels do not split into ${step.groups} groups`);
        params = {
          channels: shape.c,
          groups: step.groups,
          plane: shape.h * shape.w,
          invocations: cap * step.groups,
          eps: step.eps,
          apply_silu: step.silu ? 1 : 0,
          ...this.concatParams(step, shape),
        };
        resources = [
          value(step.input),
          weight(keys.weight),
          weight(keys.bias),
          value(step.output),
          ...(step.concat ? [value(step.concat.second)] : []),
        ];
        // One invocation per (sample, group), four per workgroup (group-norm-silu.wgsl).
        grid = (n) => workgroupGrid(Math.ceil((n * step.groups) / GROUP_NORM_WORKGROUP));
        break;
      case 'conv3x3': {
        const groups = paddedChannels(step.cout) / CONV_CHANNEL_BLOCK;
        const runs = Math.ceil(shape.w / 7);
        const tall = step.cin >= this.tallTileMinCin;
        const rowBlocks = tall ? Math.ceil(shape.h / TALL_TILE_ROWS) : shape.h;
        const per = groups * rowBlocks * runs;
        kernel = tall ? 'conv3x3Tall' : 'conv3x3';
        params = {
          cin: step.cin,
          cout: step.cout,
          height: shape.h,
          width: shape.w,
          runs_per_row: runs,
          ...(tall ? { row_blocks: rowBlocks } : {}),
          channel_groups: groups,
          invocations: cap * per,
          channel_bias_stride: step.channelBias?.stride ?? 0,
          channel_bias_offset: step.channelBias?.offset ?? 0,
          has_channel_bias: step.channelBias ? 1 : 0,
          has_residual: step.residual ? 1 : 0,
          apply_relu: step.relu ? 1 : 0,
        };
        // Absent optional inputs bind the (read-only) weights: never read, and never the written buffer.
        const unused = weight(keys.bias);
        resources = [
          value(step.input),
          weight(keys.weight),
          weight(keys.bias),
          step.channelBias ? value(step.channelBias.value) : unused,
          step.residual ? value(step.residual) : unused,
          value(step.output),
        ];
        grid = perSample(per);
        break;
      }
      case 'conv1x1': {
        const groups = paddedChannels(step.cout) / CONV_CHANNEL_BLOCK;
        const plane = shape.h * shape.w;
        const runs = Math.ceil(plane / 4);
        kernel = 'conv1x1';
        params = {
          cin: step.cin,
          cout: step.cout,
          plane,
          runs,
          channel_groups: groups,
          invocations: cap * groups * runs,
          ...this.concatParams(step, shape),
        };
        resources = [
          value(step.input),
          step.concat ? value(step.concat.second) : weight(keys.weight),
          weight(keys.weight),
          weight(keys.bias),
          value(step.output),
        ];
        grid = perSample(groups * runs);
        break;
      }
      case 'avg_pool':
      case 'max_pool':
      case 'upsample': {
        const x = this.graph.shapes.get(step.input)!;
        kernel = step.op === 'avg_pool' ? 'avgPool' : step.op === 'max_pool' ? 'maxPool' : 'upsampleNearest';
        params = { in_height: x.h, in_width: x.w, invocations: cap * elements(shape) };
        resources = [value(step.input), value(step.output)];
        grid = perSample(elements(shape));
        break;
      }
      case 'concat': {
        const [a, b] = step.inputs.map((v) => this.graph.shapes.get(v)!);
        kernel = 'concatChannels';
        const second_scale = skipScale(this.skipTuning, step.skip, this.graph.skips);
        params = {
          first_channels: a.c,
          second_channels: b.c,
          plane: shape.h * shape.w,
          invocations: cap * elements(shape),
          second_scale,
        };
        resources = [value(step.inputs[0]), value(step.inputs[1]), value(step.output)];
        grid = perSample(elements(shape));
        break;
      }
    }
    writeParams(kernel, data, offset, params);
    const pipeline = this.pipelines[kernel];
    const bindGroup = this.gpu.device.createBindGroup({
      label: `${step.op} → ${step.output}`,
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: this.uniforms, offset, size: UNIFORM_SLOT } },
        ...resources.map((resource, k) => ({ binding: k + 1, resource })),
      ],
    });
    return { pipeline, bindGroup, grid };
  }
}
