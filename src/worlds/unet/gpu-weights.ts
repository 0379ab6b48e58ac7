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

/** The key under which a step's weight (and bias) binding is stored. */
export function weightKeys(step: Step): { weight: string; bias?: string } {
  switch (step.op) {
    case 'conv3x3':
    case 'conv1x1':
      return { weight: `packed:${step.weight}`, bias: `packed:${step.bias}` };
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
        break;
      }
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
