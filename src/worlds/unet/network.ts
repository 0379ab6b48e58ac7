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
import { embeddingOffsets, weightKeys, type GpuWeights } from './gpu-weights';
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

/** The caller's side of the EDM entry folded into the embedding step (embedding.wgsl main_edm). */
export interface EdmEntryBindings {
  x: GPUBufferBinding;
  sigma: GPUBufferBinding;
  labels: GPUBufferBinding;
  /** The chunk's EdmEntry uniform (first_sample, dim). */
  entry: GPUBufferBinding;
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

  /** True when the first step is the fused embedding, so the EDM entry can run inside it (edmEntry). */
  get foldsEdmEntry(): boolean {
    return this.graph.steps[0]?.op === 'embedding';
  }

  /**
   * The first step's bind group for embedding.wgsl's main_edm: reads the caller's x, σ and labels for one chunk and
   * writes z, σ and labels here before embedding. Only when foldsEdmEntry.
   */
  edmEntry(io: EdmEntryBindings): GPUBindGroup {
    const step = this.graph.steps[0];
    if (step?.op !== 'embedding') throw new Error('the network has no embedding step to fold the EDM entry into');
    return this.gpu.device.createBindGroup({
      label: `embedding + EDM entry → ${step.output}`,
      layout: this.pipelines.embeddingEdm.getBindGroupLayout(0),
      entries: [
        { buffer: this.uniforms, offset: 0, size: UNIFORM_SLOT },
        io.sigma,
        io.labels,
        this.weights.bindings.get(weightKeys(step).weight)!,
        this.binding(step.output),
        io.x,
        this.binding(this.graph.input),
        { buffer: this.sigma },
        { buffer: this.labels },
        io.entry,
      ].map((resource, binding) => ({ binding, resource })),
    });
  }

  /** Records the network for the first n ≤ capacity samples: z, σ and labels already written, or written by the
   *  first step when `entry` (a bind group from edmEntry) is given. */
  encode(pass: GPUComputePassEncoder, n: number, entry?: GPUBindGroup): void {
    let k = 0;
    if (entry) {
      pass.setPipeline(this.pipelines.embeddingEdm);
      pass.setBindGroup(0, entry);
      pass.dispatchWorkgroups(...this.dispatches[0].grid(n));
      k = 1;
    }
    for (; k < this.dispatches.length; k++) this.encodeStep(pass, k, n);
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

  /** How group-norm-silu.wgsl, conv1x1.wgsl and a fused skip projection (conv3x3-tall.wgsl) address their input:
   *  one tensor, or a folded concat (graph.ts). */
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
    /** By binding number from 1; null leaves a binding out (one the entry point does not declare). */
    let resources: Array<GPUBindingResource | null>;
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
      case 'embedding':
        kernel = 'embedding';
        params = {
          half_dim: step.time.dim / 2,
          first_outputs: step.first.fout,
          second_outputs: step.second.fout,
          rows: step.rows,
          outputs: step.last.fout,
          samples: cap,
          one: 1,
          ...embeddingOffsets(step),
        };
        resources = [{ buffer: this.sigma }, { buffer: this.labels }, weight(keys.weight), value(step.output)];
        // One workgroup per sample (embedding.wgsl).
        grid = (n) => workgroupGrid(n);
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
        // The skip projection exists only on the 4-row tile (conv3x3-tall.wgsl main_projected).
        const projection = step.projection;
        const tall = step.cin >= this.tallTileMinCin || projection !== undefined;
        const rowBlocks = tall ? Math.ceil(shape.h / TALL_TILE_ROWS) : shape.h;
        const per = groups * rowBlocks * runs;
        kernel = projection ? 'conv3x3TallProjected' : tall ? 'conv3x3Tall' : 'conv3x3';
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
          ...(projection ? { projection_cin: projection.cin, ...this.concatParams(projection, shape) } : {}),
        };
        // Absent optional inputs bind the (read-only) weights: never read, and never the written buffer.
        const unused = weight(keys.bias);
        resources = projection
          ? [
              value(step.input),
              weight(keys.weight),
              weight(keys.bias),
              null,
              value(projection.input),
              value(step.output),
              projection.concat ? value(projection.concat.second) : unused,
              weight(keys.projection!.weight),
              weight(keys.projection!.bias),
            ]
          : [
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
        ...resources.flatMap((resource, k) => (resource ? [{ binding: k + 1, resource }] : [])),
      ],
    });
    return { pipeline, bindGroup, grid };
  }
}
