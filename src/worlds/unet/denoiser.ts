/**
 * The network as the engine's denoiser D(x; σ) (algorithms.md): the RF v-network gives D = z − t·v at
 * z = x/(1+σ), t = σ/(1+σ) (the EDM entry: inside the network's embedding step, embedding.wgsl main_edm, or
 * edm-input.wgsl when the network has none; the exit: edm-output.wgsl). One σ and one label per sample, from GPU
 * buffers; no labels means the null class (the unconditional branch of classifier-free guidance).
 *
 * A batch larger than one chunk (memory.ts) runs chunk by chunk inside the same pass. Buffers and bind groups are
 * built once; the network grows (once) when a larger batch arrives, up to the chunk size the device allows.
 */
import type { GpuResources } from '../../gpu/context';
import type { DenoiseIO, GpuDenoiser } from '../../sampling/denoiser';
import { compileGraph, elements, type CompiledGraph } from './graph';
import { uploadWeights, type GpuWeights } from './gpu-weights';
import { invocationGroups, nnPipelines, UNIFORM_SLOT, writeParams, type NnPipelines } from './kernels';
import type { LoadedModel } from './manifest';
import { maxChunkSamples, planMemory, type MemoryPlan } from './memory';
import { CompiledNetwork } from './network';
import { skipTuningKey, type SkipTuning } from './skip-tuning';

export interface UnetDenoiserOptions {
  /** Image side in pixels (the network is fully convolutional; a multiple of 4). */
  size: number;
  /** A lower cap on samples per chunk than the device limits and memory budget give (tests use it to force chunks). */
  maxChunk?: number;
  /** Manifest value names to keep readable after a call (golden tests, AMED's bottleneck). */
  keep?: string[];
  /** Skip-Tuning's ρ (skip-tuning.ts); absent or all 1 is the network as trained. */
  skipTuning?: SkipTuning;
}

/** Multiply-adds ×2 of one evaluation per sample: the conv and linear steps. */
function flopsPerSample(graph: CompiledGraph): number {
  let flops = 0;
  for (const s of graph.steps) {
    const out = graph.shapes.get(s.output)!;
    if (s.op === 'conv3x3') flops += 2 * (9 * s.cin + (s.projection?.cin ?? 0)) * elements(out);
    else if (s.op === 'conv1x1') flops += 2 * s.cin * elements(out);
    else if (s.op === 'linear') flops += 2 * s.fin * s.fout;
    else if (s.op === 'embedding') for (const l of [s.first, s.second, s.last]) flops += 2 * l.fin * l.fout;
  }
  return flops;
}

const bufferIds = new WeakMap<GPUBuffer, number>();
let nextBufferId = 1;
const idOf = (b: GPUBuffer) => bufferIds.get(b) ?? (bufferIds.set(b, nextBufferId), nextBufferId++);
const bindingKey = (b: GPUBufferBinding) => `${idOf(b.buffer)}:${b.offset ?? 0}:${b.size ?? ''}`;

/** The weights (their SHA-256), the image side and Skip-Tuning's ρ fix a network's output: the key of its denoiser
 *  and of its cache (ρ = 1 adds nothing: that network is the untuned one, bit for bit). */
export const unetKey = (weightsSha256: string, side: number, skipTuning?: SkipTuning) =>
  `unet:${weightsSha256}:${side}${skipTuningKey(skipTuning)}`;

export class UnetDenoiser implements GpuDenoiser {
  readonly dim: number;
  readonly costPerSample: number;
  readonly flopsPerSample: number;
  readonly maxChunk: number;
  private network: CompiledNetwork | null = null;
  private chunkUniforms: GPUBuffer | null = null;
  private chunkSlots = 0;
  private chunkCapacity = 0;
  private nullLabels: GPUBuffer | null = null;
  private readonly ioBindGroups = new Map<string, GPUBindGroup>();

  constructor(
    private readonly gpu: GpuResources,
    private readonly pipelines: NnPipelines,
    private readonly weights: GpuWeights,
    readonly graph: CompiledGraph,
    private readonly plan: MemoryPlan,
    readonly nullClass: number,
    maxChunk = Infinity,
    /** Manifest value names the memory plan keeps live after a call (readable by an io.tap). */
    readonly kept: readonly string[] = [],
    /** Names the weights (their SHA-256): with the image side, all that fixes this network's output. */
    private readonly weightsId = '',
    readonly skipTuning?: SkipTuning,
  ) {
    // C·side² per sample, channel-major (NCHW): the sample buffers of every sampler hold exactly the network input.
    this.dim = elements(graph.shapes.get(graph.input)!);
    this.flopsPerSample = flopsPerSample(graph);
    // run-gpu.ts submits evaluations in batches of bounded count × costPerSample: one network call per submission.
    this.costPerSample = this.flopsPerSample;
    this.maxChunk = Math.min(maxChunk, maxChunkSamples(plan, gpu.device.limits));
  }

  key(): string {
    return unetKey(this.weightsId, this.graph.shapes.get(this.graph.input)!.w, this.skipTuning);
  }

  /** The network of the last call (for reading kept values). */
  get current(): CompiledNetwork | null {
    return this.network;
  }

  encode(pass: GPUComputePassEncoder, io: DenoiseIO): void {
    const network = this.networkFor(io.count);
    const chunks = Math.ceil(io.count / network.capacity);
    this.ensureChunkUniforms(chunks, network.capacity);
    const labels = io.labels ?? this.nullLabelsFor(io.count);
    if (io.tap && !this.kept.includes(io.tap.value))
      throw new Error(`tap: "${io.tap.value}" is not kept by this network (keep: ${this.kept.join(', ') || 'none'})`);
    for (let j = 0; j < chunks; j++) {
      const n = Math.min(network.capacity, io.count - j * network.capacity);
      const [enter, exit] = this.chunkBindGroups(network, io, labels, j);
      const grid = invocationGroups(n * this.dim);
      if (network.foldsEdmEntry) {
        network.encode(pass, n, enter);
      } else {
        pass.setPipeline(this.pipelines.edmInput);
        pass.setBindGroup(0, enter);
        pass.dispatchWorkgroups(...grid);
        network.encode(pass, n);
      }
      if (io.tap) {
        const value = this.graph.finalNames.get(io.tap.value)!;
        io.tap.encode(pass, network.binding(value), j * network.capacity, n, elements(this.graph.shapes.get(value)!));
      }
      pass.setPipeline(this.pipelines.edmOutput);
      pass.setBindGroup(0, exit);
      pass.dispatchWorkgroups(...grid);
    }
  }

  destroy(): void {
    this.network?.destroy();
    this.chunkUniforms?.destroy();
    this.nullLabels?.destroy();
  }

  private networkFor(count: number): CompiledNetwork {
    const wanted = Math.min(count, this.maxChunk);
    if (!this.network || this.network.capacity < wanted) {
      // Recorded passes may still reference the old buffers; they are released when unreferenced, not destroyed.
      this.network = new CompiledNetwork(
        this.gpu,
        this.pipelines,
        this.weights,
        this.graph,
        this.plan,
        wanted,
        this.skipTuning,
      );
      this.ioBindGroups.clear();
    }
    return this.network;
  }

  /** Uniform slots [EDM entry, edm-output] per chunk; first_sample is fixed per chunk, so slots never change. */
  private ensureChunkUniforms(chunks: number, capacity: number): void {
    if (this.chunkUniforms && this.chunkSlots >= chunks && this.chunkCapacity === capacity) return;
    const slots = Math.max(chunks, this.chunkSlots);
    const data = new ArrayBuffer(2 * slots * UNIFORM_SLOT);
    for (let j = 0; j < slots; j++) {
      const values = { first_sample: j * capacity, dim: this.dim, invocations: capacity * this.dim };
      if (this.graph.steps[0]?.op === 'embedding')
        writeParams('embeddingEdm', data, 2 * j * UNIFORM_SLOT, values, 'entry');
      else writeParams('edmInput', data, 2 * j * UNIFORM_SLOT, values);
      writeParams('edmOutput', data, (2 * j + 1) * UNIFORM_SLOT, values);
    }
    this.chunkUniforms = this.gpu.device.createBuffer({
      label: 'unet chunk params',
      size: data.byteLength,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    this.gpu.device.queue.writeBuffer(this.chunkUniforms, 0, data);
    this.chunkSlots = slots;
    this.chunkCapacity = capacity;
    this.ioBindGroups.clear();
  }

  /** A buffer of null-class labels for unconditional calls, at least `count` long. */
  private nullLabelsFor(count: number): GPUBufferBinding {
    if (!this.nullLabels || this.nullLabels.size < 4 * count) {
      const size = Math.max(16, 4 * count);
      this.nullLabels = this.gpu.device.createBuffer({
        label: 'unet null labels',
        size,
        usage: GPUBufferUsage.STORAGE,
        mappedAtCreation: true,
      });
      new Uint32Array(this.nullLabels.getMappedRange()).fill(this.nullClass);
      this.nullLabels.unmap();
    }
    return { buffer: this.nullLabels, offset: 0, size: 4 * count };
  }

  private chunkBindGroups(
    network: CompiledNetwork,
    io: DenoiseIO,
    labels: GPUBufferBinding,
    chunk: number,
  ): [GPUBindGroup, GPUBindGroup] {
    const key = [io.x, io.sigma, labels, io.out].map(bindingKey).join('|') + `|${chunk}`;
    const enterKey = `in|${key}`;
    const exitKey = `out|${key}`;
    let enter = this.ioBindGroups.get(enterKey);
    let exit = this.ioBindGroups.get(exitKey);
    if (!enter || !exit) {
      const uniform = (k: number) => ({
        buffer: this.chunkUniforms!,
        offset: (2 * chunk + k) * UNIFORM_SLOT,
        size: UNIFORM_SLOT,
      });
      const { device } = this.gpu;
      enter = network.foldsEdmEntry
        ? network.edmEntry({ x: io.x, sigma: io.sigma, labels, entry: uniform(0) })
        : device.createBindGroup({
            label: 'unet edm-input',
            layout: this.pipelines.edmInput.getBindGroupLayout(0),
            entries: [
              uniform(0),
              io.x,
              io.sigma,
              labels,
              network.binding(this.graph.input),
              { buffer: network.sigma },
              { buffer: network.labels },
            ].map((resource, binding) => ({ binding, resource })),
          });
      exit = device.createBindGroup({
        label: 'unet edm-output',
        layout: this.pipelines.edmOutput.getBindGroupLayout(0),
        entries: [
          uniform(1),
          network.binding(this.graph.input),
          network.binding(this.graph.output),
          { buffer: network.sigma },
          io.out,
        ].map((resource, binding) => ({ binding, resource })),
      });
      // A run binds one σ row per evaluation; keep the cache bounded across runs.
      if (this.ioBindGroups.size > 1024) this.ioBindGroups.clear();
      this.ioBindGroups.set(enterKey, enter);
      this.ioBindGroups.set(exitKey, exit);
    }
    return [enter, exit];
  }
}

/** Compiles the manifest graph for an image size, uploads (or reuses) the weights and builds the denoiser. */
export async function createUnetDenoiser(
  gpu: GpuResources,
  model: LoadedModel,
  options: UnetDenoiserOptions,
  weights?: GpuWeights,
): Promise<UnetDenoiser> {
  // Kept values are never fused away (they must exist in a buffer to be read after the call).
  const graph = compileGraph(model.manifest, options.size, options.keep);
  const keep = (options.keep ?? []).map((name) => {
    const ssa = graph.finalNames.get(name);
    if (!ssa) throw new RangeError(`keep: the manifest graph has no value "${name}"`);
    return ssa;
  });
  const plan = planMemory(graph, keep);
  const pipelines = await nnPipelines(gpu);
  return new UnetDenoiser(
    gpu,
    pipelines,
    weights ?? uploadWeights(gpu.device, graph.steps, model.tensors),
    graph,
    plan,
    model.manifest.null_class,
    options.maxChunk,
    options.keep ?? [],
    model.manifest.sha256,
    options.skipTuning,
  );
}
