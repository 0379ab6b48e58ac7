/**
 * Activation memory of the compiled network: values share buffers ("slots") once their last reader has run, and
 * the number of samples per chunk is sized from the device limits. A batch that does not fit runs in chunks.
 */
import { elements, stepInputs, type CompiledGraph } from './graph';

export interface MemoryPlan {
  /** float32 elements per sample of each slot. */
  slotElements: number[];
  slotOf: Map<string, number>;
}

/** Greedy allocation in step order: a step's output takes the smallest free slot that holds it, else grows the
 *  largest free one, else opens a new slot. Inputs of the step are never free (WebGPU forbids reading and writing
 *  one buffer in a dispatch); z and the output v stay live to the end (the EDM exit reads them), and so does any
 *  value in `keep` (to be read after the call). */
export function planMemory(graph: CompiledGraph, keep: string[] = []): MemoryPlan {
  const lastUse = new Map<string, number>();
  graph.steps.forEach((s, i) => stepInputs(s).forEach((v) => lastUse.set(v, i)));
  for (const v of [graph.input, graph.output, ...keep]) lastUse.set(v, Infinity);
  const slotElements: number[] = [];
  const holder: string[] = [];
  const slotOf = new Map<string, number>([[graph.input, 0]]);
  slotElements.push(elements(graph.shapes.get(graph.input)!));
  holder.push(graph.input);
  graph.steps.forEach((step, i) => {
    const need = elements(graph.shapes.get(step.output)!);
    const free = holder
      .map((v, slot) => ({ slot, size: slotElements[slot], free: (lastUse.get(v) ?? -1) < i }))
      .filter((s) => s.free);
    const fitting = free.filter((s) => s.size >= need).sort((a, b) => a.size - b.size)[0];
    const chosen = fitting ?? free.sort((a, b) => b.size - a.size)[0];
    let slot: number;
    if (chosen) {
      slot = chosen.slot;
      slotElements[slot] = Math.max(slotElements[slot], need);
      holder[slot] = step.output;
    } else {
      slot = slotElements.length;
      slotElements.push(need);
      holder.push(step.output);
    }
    slotOf.set(step.output, slot);
  });
  return { slotElements, slotOf };
}

export interface MemoryLimits {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
}

/** Default cap on the activations of one chunk: large batches run in chunks rather than exhaust GPU memory. */
const DEFAULT_ACTIVATION_BUDGET = 256 * 2 ** 20;

/** Samples per chunk: every slot must fit one storage binding, and all slots together the budget. */
export function maxChunkSamples(
  plan: MemoryPlan,
  limits: MemoryLimits,
  budgetBytes = DEFAULT_ACTIVATION_BUDGET,
): number {
  const largest = 4 * Math.max(...plan.slotElements);
  const perSample = 4 * plan.slotElements.reduce((a, b) => a + b, 0);
  const byBinding = Math.floor(Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize) / largest);
  if (byBinding < 1)
    throw new RangeError(
      `size: one sample needs a ${largest}-byte activation buffer, above this device's storage binding limit ${limits.maxStorageBufferBindingSize}`,
    );
  return Math.max(1, Math.min(byBinding, Math.floor(budgetBytes / perSample)));
}
