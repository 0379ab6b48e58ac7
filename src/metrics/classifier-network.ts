/**
 * The scoring CNN (tools/train/classifier.py) on one device, run by the UNet's machinery: its manifest graph goes
 * through the same compiler (ReLU fused into the conv and linear epilogues, the flatten a no-op on NCHW buffers),
 * memory plan and executor, so the classifier needs no executor of its own. Images go straight into the network's
 * input buffer (no EDM entry step); logits and the penultimate features come back per chunk, and a chunk boundary
 * is where a cancelled request stops.
 */
import type { GpuResources } from '../gpu/context';
import { CancelledError } from '../gpu/errors';
import { readBuffers } from '../gpu/readback';
import { compileGraph, elements, type CompiledGraph } from '../worlds/unet/graph';
import { uploadWeights, type GpuWeights } from '../worlds/unet/gpu-weights';
import { nnPipelines, type NnPipelines } from '../worlds/unet/kernels';
import type { LoadedModel, WeightsManifest } from '../worlds/unet/manifest';
import { maxChunkSamples, planMemory, type MemoryPlan } from '../worlds/unet/memory';
import { CompiledNetwork } from '../worlds/unet/network';

/** The value the Fréchet distance reads (post-ReLU fc1); the manifest's first output is the logits. */
const FEATURES = 'features';

export interface ClassifierOutput {
  /** count × classes. */
  logits: Float32Array;
  /** count × feature dimension: the penultimate activations (the Fréchet distance's features). */
  features: Float32Array;
}

export class ClassifierNetwork {
  /** Input values per image: channels × native side². */
  readonly dim: number;
  readonly classes: number;
  readonly featureDim: number;
  readonly maxChunk: number;
  private network: CompiledNetwork | null = null;
  private readonly features: string;

  constructor(
    private readonly gpu: GpuResources,
    private readonly pipelines: NnPipelines,
    private readonly weights: GpuWeights,
    readonly graph: CompiledGraph,
    private readonly plan: MemoryPlan,
    maxChunk = Infinity,
  ) {
    this.features = graph.finalNames.get(FEATURES)!;
    this.dim = elements(graph.shapes.get(graph.input)!);
    this.classes = elements(graph.shapes.get(graph.output)!);
    this.featureDim = elements(graph.shapes.get(this.features)!);
    this.maxChunk = Math.min(maxChunk, maxChunkSamples(plan, gpu.device.limits));
  }

  /** The network of the last call (tests read its capacity). */
  get current(): CompiledNetwork | null {
    return this.network;
  }

  /** Logits and features of `count` images (count × dim values (C × side² each, channel-major), already in the network's input range). */
  async run(images: Float32Array<ArrayBuffer>, count: number, signal?: AbortSignal): Promise<ClassifierOutput> {
    const { device, pool } = this.gpu;
    const network = this.networkFor(count);
    const input = network.binding(this.graph.input).buffer;
    const logits = new Float32Array(count * this.classes);
    const features = new Float32Array(count * this.featureDim);
    for (let first = 0; first < count; first += network.capacity) {
      if (signal?.aborted) throw new CancelledError();
      const n = Math.min(network.capacity, count - first);
      device.queue.writeBuffer(input, 0, images, first * this.dim, n * this.dim);
      const encoder = device.createCommandEncoder({ label: 'classifier' });
      const pass = encoder.beginComputePass({ label: 'classifier' });
      network.encode(pass, n);
      pass.end();
      device.queue.submit([encoder.finish()]);
      const [l, f] = await readBuffers(device, pool, [
        { buffer: network.binding(this.graph.output).buffer, bytes: 4 * n * this.classes },
        { buffer: network.binding(this.features).buffer, bytes: 4 * n * this.featureDim },
      ]);
      logits.set(l, first * this.classes);
      features.set(f, first * this.featureDim);
    }
    return { logits, features };
  }

  destroy(): void {
    this.network?.destroy();
    this.weights.buffer.destroy();
  }

  private networkFor(count: number): CompiledNetwork {
    const wanted = Math.min(count, this.maxChunk);
    if (!this.network || this.network.capacity < wanted) {
      // A call still in flight keeps the smaller network it started with; it is released when unreferenced.
      this.network = new CompiledNetwork(this.gpu, this.pipelines, this.weights, this.graph, this.plan, wanted);
    }
    return this.network;
  }
}

/** Compiles the classifier's manifest at its native size, uploads its weights and builds the pipelines. */
export async function createClassifierNetwork(
  gpu: GpuResources,
  model: LoadedModel<WeightsManifest>,
  options: { maxChunk?: number } = {},
): Promise<ClassifierNetwork> {
  const graph = compileGraph(model.manifest, model.manifest.image_size);
  const features = graph.finalNames.get(FEATURES);
  if (!features) throw new Error(`${model.manifest.name}: the graph writes no "${FEATURES}" value`);
  const plan = planMemory(graph, [features]);
  const pipelines = await nnPipelines(gpu);
  return new ClassifierNetwork(
    gpu,
    pipelines,
    uploadWeights(gpu.device, graph.steps, model.tensors),
    graph,
    plan,
    options.maxChunk,
  );
}
