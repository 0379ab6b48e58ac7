/** All weights a compiled graph binds, packed for the kernels (pack.ts) into one storage buffer, each at an offset
 *  the device accepts for a binding. Uploaded once per device; every image size and chunk size shares it. */
import type { Step } from './graph';
import { concatenate, packConvBias, packConvWeight, timeFrequencies } from './pack';

export interface GpuWeights {
  buffer: GPUBuffer;
  /** Bindings by key: a tensor name, a packed conv weight "packed:<name>", stacked linears "stacked:<names>". */
  bindings: Map<string, GPUBufferBinding>;
  bytes: number;
}

/** The key under which a step's weight (and bias, and a fused skip projection's) binding is stored. */
export function weightKeys(step: Step): {
  weight: string;
  bias?: string;
  projection?: { weight: string; bias: string };
} {
  switch (step.op) {
    case 'conv3x3':
    case 'conv1x1':
      return {
        weight: `packed:${step.weight}`,
        bias: `packed:${step.bias}`,
        ...(step.op === 'conv3x3' && step.projection
          ? { projection: { weight: `packed:${step.projection.weight}`, bias: `packed:${step.projection.bias}` } }
          : {}),
      };
    case 'embedding':
      return { weight: `embedding:${[step.first, step.second, step.last].flatMap((l) => l.weights).join('+')}` };
    case 'linear':
      return { weight: `stacked:${step.weights.join('+')}`, bias: `stacked:${step.biases.join('+')}` };
    case 'group_norm':
      return { weight: step.weight, bias: step.bias };
    case 'class_embedding':
      return { weight: step.table };
    case 'time_features':
      return { weight: `frequencies:${step.dim}:${step.scale}:${step.maxPeriod}` };
    default:
      return { weight: '' };
  }
}

type EmbeddingStep = Extract<Step, { op: 'embedding' }>;

/** Where each tensor of an embedding step starts in its packed array, in floats (embedding.wgsl's *_at params):
 *  the time frequencies (hi, lo pairs), each Linear's weight [fout, fin] and bias, the class table [rows, width]. */
export function embeddingOffsets(step: EmbeddingStep): Record<string, number> {
  const sizes: Array<[string, number]> = [
    ['frequencies_at', step.time.dim],
    ['first_weight_at', step.first.fout * step.first.fin],
    ['first_bias_at', step.first.fout],
    ['second_weight_at', step.second.fout * step.second.fin],
    ['second_bias_at', step.second.fout],
    ['table_at', step.rows * step.second.fout],
    ['last_weight_at', step.last.fout * step.last.fin],
    ['last_bias_at', step.last.fout],
  ];
  const offsets: Record<string, number> = {};
  let at = 0;
  for (const [name, size] of sizes) {
    offsets[name] = at;
    at += size;
  }
  return offsets;
}

/** An embedding step's tensors in one array, at embeddingOffsets. */
function packEmbedding(step: EmbeddingStep, tensor: (name: string) => Float32Array): Float32Array {
  const linear = (l: EmbeddingStep['first']) => [concatenate(l.weights.map(tensor)), concatenate(l.biases.map(tensor))];
  const parts = [
    timeFrequencies(step.time.dim, step.time.scale, step.time.maxPeriod),
    ...linear(step.first),
    ...linear(step.second),
    tensor(step.table),
    ...linear(step.last),
  ];
  const offsets = Object.values(embeddingOffsets(step));
  parts.forEach((p, k) => {
    const expected = (offsets[k + 1] ?? offsets[k] + step.last.fout) - offsets[k];
    if (p.length !== expected)
      throw new Error(`embedding: tensor ${k} of the conditioning chain has ${p.length} values, expected ${expected}`);
  });
  return concatenate(parts);
}

/** The arrays to upload, by key, for these steps. */
function packedArrays(steps: Step[], tensors: Map<string, Float32Array>): Map<string, Float32Array> {
  const tensor = (name: string) => {
    const t = tensors.get(name);
    if (!t) throw new Error(`weights.bin has no tensor "${name}" (named by the manifest graph)`);
    return t;
  };
  const arrays = new Map<string, Float32Array>();
  for (const step of steps) {
    const keys = weightKeys(step);
    switch (step.op) {
      case 'conv3x3':
      case 'conv1x1': {
        const k = step.op === 'conv3x3' ? 3 : 1;
        arrays.set(keys.weight, packConvWeight(tensor(step.weight), step.cout, step.cin, k));
        arrays.set(keys.bias!, packConvBias(tensor(step.bias), step.cout));
        if (step.op === 'conv3x3' && step.projection) {
          const p = step.projection;
          arrays.set(keys.projection!.weight, packConvWeight(tensor(p.weight), step.cout, p.cin, 1));
          arrays.set(keys.projection!.bias, packConvBias(tensor(p.bias), step.cout));
        }
        break;
      }
      case 'embedding':
        arrays.set(keys.weight, packEmbedding(step, tensor));
        break;
      case 'linear':
        arrays.set(keys.weight, concatenate(step.weights.map(tensor)));
        arrays.set(keys.bias!, concatenate(step.biases.map(tensor)));
        break;
      case 'group_norm':
        arrays.set(keys.weight, tensor(step.weight));
        arrays.set(keys.bias!, tensor(step.bias));
        break;
      case 'class_embedding':
        arrays.set(keys.weight, tensor(step.table));
        break;
      case 'time_features':
        arrays.set(keys.weight, timeFrequencies(step.dim, step.scale, step.maxPeriod));
        break;
    }
  }
  return arrays;
}

export function uploadWeights(device: GPUDevice, steps: Step[], tensors: Map<string, Float32Array>): GpuWeights {
  const arrays = packedArrays(steps, tensors);
  const align = device.limits.minStorageBufferOffsetAlignment;
  const offsets = new Map<string, number>();
  let bytes = 0;
  for (const [key, a] of arrays) {
    offsets.set(key, bytes);
    bytes = Math.ceil((bytes + a.byteLength) / align) * align;
  }
  const buffer = device.createBuffer({
    label: 'unet weights',
    size: Math.max(bytes, 16),
    usage: GPUBufferUsage.STORAGE,
    mappedAtCreation: true,
  });
  const view = new Float32Array(buffer.getMappedRange());
  const bindings = new Map<string, GPUBufferBinding>();
  for (const [key, a] of arrays) {
    view.set(a, offsets.get(key)! / 4);
    bindings.set(key, { buffer, offset: offsets.get(key)!, size: a.byteLength });
  }
  buffer.unmap();
  return { buffer, bindings, bytes };
}
