/**
 * Manifest graph → the step list the WGSL executor dispatches. Pure (no GPU), so it is unit-tested in Node.
 *
 * 1. SSA: the manifest lets an op overwrite a value of the same name; every write gets its own name here.
 * 2. Fusion, each saving a pass over the activations (only when the fused intermediate has no other reader):
 *    group_norm → silu; linear → silu; embedding + add (+ silu) → class embedding; conv2d → add_channel_bias
 *    (a per-sample, per-channel bias in the conv epilogue); conv2d 3×3 → add (the residual in the epilogue);
 *    conv2d 3×3 or linear → relu (the classifier's activations, last in the epilogue). A CHW flatten is no step at
 *    all: NCHW activations are already laid out as [batch, C·H·W], so its output names its input's buffer.
 *    A channel concat (and a nearest 2× upsampling feeding it) whose readers are all GroupNorms or 1×1 convs is no
 *    step either: each reader addresses the two sources itself (foldConcats), so the decoder's widest tensors are
 *    never written.
 * 3. Linear layers that read the same value and only feed channel biases are stacked into one dispatch (every
 *    ResBlock's Linear(SiLU(emb))); each conv then reads its slice of the stacked output.
 * 4. Shapes per sample, from the image size and the manifest's channels (C × size × size in, NCHW).
 * 5. Per-sample work and skip projections fused into one dispatch each (fuseEmbedding, fuseProjections): the whole
 *    conditioning chain (time features → Linear+SiLU → Linear → + class embedding, SiLU → the stacked projections)
 *    is one step, and a ResBlock's 1×1 skip projection is computed inside the 3×3 conv that adds it.
 * Anything else in a manifest fails with the op index and what is unsupported.
 */
import type { GraphOp, WeightsManifest } from './manifest';

/** Per-sample shape: channels × height × width (vectors have height = width = 1). */
export interface Shape {
  c: number;
  h: number;
  w: number;
}

/**
 * A step's input as the concatenation [first, ρ_j·second] along channels, read in place: `input` is the first source
 * (stored at half resolution and read at (⌊y/2⌋, ⌊x/2⌋) when `upsampledFirst`), `second` the encoder's skip j.
 */
export interface ConcatInput {
  second: string;
  skip: number;
  upsampledFirst: boolean;
}

interface ChannelBias {
  value: string;
  offset: number;
  stride: number;
}

/** A 1×1 conv over `input` (or a folded concat), added as the residual of the 3×3 conv that holds it. */
interface Projection {
  input: string;
  concat?: ConcatInput;
  weight: string;
  bias: string;
  cin: number;
}

type LinearStep = Extract<Step, { op: 'linear' }>;

export type Step =
  | { op: 'time_features'; output: string; dim: number; scale: number; maxPeriod: number }
  | {
      op: 'linear';
      input: string;
      output: string;
      weights: string[];
      biases: string[];
      fin: number;
      fout: number;
      silu: boolean;
      relu?: boolean;
    }
  | { op: 'class_embedding'; input: string; output: string; table: string; rows: number; silu: boolean }
  | {
      /** SiLU(L2(SiLU(L1(time features(σ)))) + table[label]) through the stacked block projections (fuseEmbedding). */
      op: 'embedding';
      output: string;
      time: { dim: number; scale: number; maxPeriod: number };
      first: LinearStep;
      second: LinearStep;
      table: string;
      rows: number;
      last: LinearStep;
    }
  | {
      op: 'group_norm';
      input: string;
      output: string;
      weight: string;
      bias: string;
      groups: number;
      eps: number;
      silu: boolean;
      concat?: ConcatInput;
    }
  | {
      op: 'conv3x3' | 'conv1x1';
      input: string;
      output: string;
      weight: string;
      bias: string;
      cin: number;
      cout: number;
      channelBias?: ChannelBias;
      residual?: string;
      relu?: boolean;
      /** conv1x1 only. */
      concat?: ConcatInput;
      /** conv3x3 only, instead of `residual`: the skip projection computed in the epilogue. */
      projection?: Projection;
    }
  | { op: 'avg_pool' | 'max_pool'; input: string; output: string }
  | { op: 'upsample'; input: string; output: string }
  | { op: 'concat'; inputs: [string, string]; output: string; skip: number };

export interface CompiledGraph {
  steps: Step[];
  shapes: Map<string, Shape>;
  /** The network input z (written by the EDM entry kernel) and its output v. */
  input: string;
  output: string;
  /** SSA names of the manifest's values, for reading intermediate activations (the last write of each name). */
  finalNames: Map<string, string>;
  /** Long skips (concats): k + 1 of them, numbered j = 0 (nearest the input) … k (deepest) in each concat step. */
  skips: number;
}

/** Every value a step reads. */
export function stepInputs(step: Step): string[] {
  switch (step.op) {
    case 'time_features':
    case 'embedding':
      return [];
    case 'concat':
      return [...step.inputs];
    case 'conv3x3':
    case 'conv1x1':
      return [
        step.input,
        ...(step.concat ? [step.concat.second] : []),
        ...(step.channelBias ? [step.channelBias.value] : []),
        ...(step.residual ? [step.residual] : []),
        ...(step.projection ? [step.projection.input] : []),
        ...(step.projection?.concat ? [step.projection.concat.second] : []),
      ];
    case 'group_norm':
      return [step.input, ...(step.concat ? [step.concat.second] : [])];
    default:
      return [step.input];
  }
}

const opInputs = (op: GraphOp): string[] =>
  op.op === 'add' || op.op === 'concat_channels'
    ? op.inputs
    : op.op === 'add_channel_bias'
      ? [op.input, op.vector]
      : [op.input];

/** `keep`: manifest value names that must be materialised (read after a call), so never folded away. */
export function compileGraph(
  manifest: Pick<WeightsManifest, 'architecture'> & { channels?: number },
  size: number,
  keep: readonly string[] = [],
): CompiledGraph {
  const graph = manifest.architecture.graph;
  const inputName = manifest.architecture.inputs[0]?.name ?? 'z';
  const outputName = manifest.architecture.outputs[0]?.name ?? 'v';
  // 1. SSA renaming: the k-th rewrite of `name` becomes `name#k`.
  const version = new Map<string, string>([[inputName, inputName]]);
  const writes = new Map<string, number>();
  const ssa: GraphOp[] = graph.map((op, index) => {
    const rename = (v: string) => {
      if (op.op === 'time_features' || op.op === 'embedding') return v; // read graph inputs t and label
      const current = version.get(v);
      if (!current) throw new Error(`manifest graph op ${index} (${op.op}) reads "${v}" before anything writes it`);
      return current;
    };
    const renamed = { ...op } as GraphOp & { input?: string; inputs?: string[]; vector?: string };
    if (renamed.input !== undefined) renamed.input = rename(renamed.input);
    if (op.op === 'flatten') {
      if (op.order !== 'CHW')
        throw new Error(
          `manifest graph op ${index} (flatten → ${op.output}): only CHW order matches the NCHW buffers, got ${op.order}`,
        );
      version.set(op.output, renamed.input!);
      return { ...renamed, output: renamed.input! } as GraphOp;
    }
    if ('inputs' in op && op.inputs) renamed.inputs = op.inputs.map(rename) as [string, string];
    if (op.op === 'add_channel_bias') renamed.vector = rename(op.vector);
    const k = writes.get(op.output) ?? 0;
    writes.set(op.output, k + 1);
    const name = k === 0 && op.output !== inputName ? op.output : `${op.output}#${k}`;
    version.set(op.output, name);
    renamed.output = name;
    return renamed as GraphOp;
  });
  const readers = new Map<string, number>();
  for (const op of ssa)
    if (op.op !== 'flatten') for (const v of opInputs(op)) readers.set(v, (readers.get(v) ?? 0) + 1);
  const soleReader = (v: string) => readers.get(v) === 1 && v !== version.get(outputName);

  // 2. Fusion into steps; `producer` finds the step that wrote a value, to fold the next op into it.
  const steps: Step[] = [];
  const producer = new Map<string, Step>();
  const emit = (s: Step) => {
    steps.push(s);
    producer.set(s.output, s);
  };
  // A fused step runs where the last op folded into it stood: all of its inputs exist there (a residual or a channel
  // bias may be produced after the conv in the manifest's order), and its old output had no other reader.
  const retarget = (s: Step, output: string) => {
    producer.delete(s.output);
    s.output = output;
    producer.set(output, s);
    steps.splice(steps.indexOf(s), 1);
    steps.push(s);
  };
  const embeddings = new Map<string, { table: string; rows: number }>();
  ssa.forEach((op, index) => {
    const unsupported = (what: string) =>
      new Error(`manifest graph op ${index} (${op.op} → ${graph[index].output}): ${what}`);
    const from = op.input !== undefined ? producer.get(op.input) : undefined;
    switch (op.op) {
      case 'time_features':
        if (op.order !== 'cos_then_sin' || op.dim % 2 !== 0)
          throw unsupported('needs an even dim and cos_then_sin order');
        return emit({ op: 'time_features', output: op.output, dim: op.dim, scale: op.scale, maxPeriod: op.max_period });
      case 'linear':
        return emit({
          op: 'linear',
          input: op.input,
          output: op.output,
          weights: [op.weight],
          biases: [op.bias],
          fin: op.fin,
          fout: op.fout,
          silu: false,
        });
      case 'silu':
        if (
          from &&
          (from.op === 'linear' || from.op === 'group_norm' || from.op === 'class_embedding') &&
          !from.silu &&
          !(from.op === 'linear' && from.relu) &&
          soleReader(op.input)
        ) {
          from.silu = true;
          return retarget(from, op.output);
        }
        throw unsupported('SiLU is only supported right after linear, group_norm or the class embedding');
      case 'relu':
        if (
          from &&
          ((from.op === 'linear' && !from.silu) || from.op === 'conv3x3') &&
          !from.relu &&
          soleReader(op.input)
        ) {
          from.relu = true;
          return retarget(from, op.output);
        }
        throw unsupported('ReLU is only supported right after a linear layer or a 3×3 conv');
      case 'embedding':
        if (!soleReader(op.output)) throw unsupported('the class embedding must feed exactly one add');
        embeddings.set(op.output, { table: op.weight, rows: op.rows });
        return;
      case 'add': {
        const [a, b] = op.inputs;
        const emb = embeddings.get(b) ?? embeddings.get(a);
        if (emb)
          return emit({
            op: 'class_embedding',
            input: embeddings.has(b) ? a : b,
            output: op.output,
            table: emb.table,
            rows: emb.rows,
            silu: false,
          });
        const conv = [a, b]
          .map((v) => producer.get(v))
          .find((s, k) => s?.op === 'conv3x3' && !s.residual && !s.relu && soleReader(op.inputs[k]));
        if (conv?.op === 'conv3x3') {
          conv.residual = conv.output === a ? b : a;
          return retarget(conv, op.output);
        }
        throw unsupported('add is only supported as the class embedding or a residual after a 3×3 conv');
      }
      case 'add_channel_bias':
        if (
          (from?.op === 'conv3x3' || from?.op === 'conv1x1') &&
          !from.channelBias &&
          !from.residual &&
          !from.relu &&
          soleReader(op.input)
        ) {
          from.channelBias = { value: op.vector, offset: 0, stride: 0 };
          return retarget(from, op.output);
        }
        throw unsupported('a channel bias is only supported right after a conv');
      case 'conv2d': {
        const kind = op.k === 3 && op.pad === 1 ? 'conv3x3' : op.k === 1 && op.pad === 0 ? 'conv1x1' : null;
        if (!kind || op.stride !== 1)
          throw unsupported(
            `only k=3 pad=1 and k=1 pad=0 at stride 1 are implemented, got k=${op.k} pad=${op.pad} stride=${op.stride}`,
          );
        return emit({
          op: kind,
          input: op.input,
          output: op.output,
          weight: op.weight,
          bias: op.bias,
          cin: op.cin,
          cout: op.cout,
        });
      }
      case 'group_norm':
        return emit({
          op: 'group_norm',
          input: op.input,
          output: op.output,
          weight: op.weight,
          bias: op.bias,
          groups: op.groups,
          eps: op.eps,
          silu: false,
        });
      case 'avg_pool2d':
        if (op.k !== 2) throw unsupported(`only 2×2 pooling is implemented, got k=${op.k}`);
        return emit({ op: 'avg_pool', input: op.input, output: op.output });
      case 'max_pool2d':
        if (op.k !== 2) throw unsupported(`only 2×2 pooling is implemented, got k=${op.k}`);
        return emit({ op: 'max_pool', input: op.input, output: op.output });
      case 'flatten':
        return; // a view of its input (SSA above)
      case 'upsample_nearest2x':
        return emit({ op: 'upsample', input: op.input, output: op.output });
      case 'concat_channels':
        return emit({ op: 'concat', inputs: op.inputs, output: op.output, skip: -1 });
      default:
        throw unsupported('unknown op');
    }
  });
  stackChannelBiasLinears(steps);
  const skips = numberSkips(steps);
  const shapes = inferShapes(steps, inputName, { c: manifest.channels ?? 1, h: size, w: size });
  const materialised = new Set([version.get(outputName)!, ...keep.map((v) => version.get(v) ?? v)]);
  foldConcats(steps, materialised);
  fuseEmbedding(steps, materialised);
  fuseProjections(steps, materialised);
  return { steps, shapes, input: inputName, output: version.get(outputName)!, finalNames: version, skips };
}

/**
 * Numbers the long skips for Skip-Tuning (Ma et al. 2024): a concat's second input is the encoder's skip
 * (torch.cat([h, skips.pop()]) in model.py), and the encoder writes its skips from the input down, so the order in
 * which the skips were produced is j = 0 (nearest the input, "top") … k (deepest, "bottom"). Returns k + 1.
 */
function numberSkips(steps: Step[]): number {
  const concats = steps.filter((s): s is Extract<Step, { op: 'concat' }> => s.op === 'concat');
  const producedAt = (v: string) => steps.findIndex((s) => s.output === v);
  const byDepth = [...concats].sort((a, b) => producedAt(a.inputs[1]) - producedAt(b.inputs[1]));
  byDepth.forEach((s, j) => (s.skip = j));
  return concats.length;
}

/**
 * Folds each concat into its readers when all of them are GroupNorms or 1×1 convs (group-norm-silu.wgsl and
 * conv1x1.wgsl read both sources, scaling the skip by ρ_j as they load it), then each nearest 2× upsampling whose
 * only readers are such folded concats' first sources (the readers address the half-resolution tensor). Runs after
 * the shapes are known, so the folded values keep their shapes (a reader's output shape is its concat's). Values in
 * `materialised` are never folded away.
 */
function foldConcats(steps: Step[], materialised: Set<string>): void {
  const readersOf = (v: string) => steps.filter((s) => stepInputs(s).includes(v));
  const foldable = (s: Step): s is Extract<Step, { op: 'group_norm' | 'conv1x1' }> =>
    (s.op === 'group_norm' || s.op === 'conv1x1') && !s.concat;
  for (const cat of steps.filter((s): s is Extract<Step, { op: 'concat' }> => s.op === 'concat')) {
    const readers = readersOf(cat.output);
    if (materialised.has(cat.output) || readers.length === 0 || !readers.every(foldable)) continue;
    // A reader must read the concat only as its main input (a residual or channel bias cannot be two sources).
    if (!readers.every((r) => r.input === cat.output && stepInputs(r).filter((v) => v === cat.output).length === 1))
      continue;
    const [first, second] = cat.inputs;
    for (const r of readers) {
      r.input = first;
      r.concat = { second, skip: cat.skip, upsampledFirst: false };
    }
    steps.splice(steps.indexOf(cat), 1);
  }
  for (const up of steps.filter((s): s is Extract<Step, { op: 'upsample' }> => s.op === 'upsample')) {
    const readers = readersOf(up.output);
    const folded = (r: Step) =>
      (r.op === 'group_norm' || r.op === 'conv1x1') &&
      r.concat !== undefined &&
      !r.concat.upsampledFirst &&
      r.input === up.output &&
      r.concat.second !== up.output;
    if (materialised.has(up.output) || readers.length === 0 || !readers.every(folded)) continue;
    for (const r of readers) {
      if (r.op !== 'group_norm' && r.op !== 'conv1x1') continue;
      r.input = up.input;
      r.concat!.upsampledFirst = true;
    }
    steps.splice(steps.indexOf(up), 1);
  }
}

/** The widest vector embedding.wgsl holds in workgroup memory (its MAX_WIDTH): time features and the hidden layers. */
const EMBEDDING_MAX_WIDTH = 256;

/**
 * 5a. The conditioning chain of model.py's UNet.embedding, time features → Linear → SiLU → Linear → + class
 * embedding → SiLU → the stacked block projections, as one step (embedding.wgsl: a workgroup per sample). Five
 * dispatches of a few thousand multiply-adds each become one, and the four intermediate vectors are never written.
 * It goes first: it reads only σ and the labels, and the denoiser folds the EDM entry into it (z is written there).
 * Applies only when every intermediate has this chain as its only reader and none is kept.
 */
function fuseEmbedding(steps: Step[], materialised: Set<string>): void {
  const soleReader = (v: string): Step | undefined => {
    const readers = steps.filter((s) => stepInputs(s).includes(v));
    return readers.length === 1 && !materialised.has(v) ? readers[0] : undefined;
  };
  const time = steps.find((s) => s.op === 'time_features');
  if (time?.op !== 'time_features') return;
  const first = soleReader(time.output);
  if (first?.op !== 'linear' || !first.silu || first.relu) return;
  const second = soleReader(first.output);
  if (second?.op !== 'linear' || second.silu || second.relu) return;
  const classes = soleReader(second.output);
  if (classes?.op !== 'class_embedding' || !classes.silu) return;
  const last = soleReader(classes.output);
  if (last?.op !== 'linear' || last.silu || last.relu) return;
  if (Math.max(time.dim, first.fout, second.fout) > EMBEDDING_MAX_WIDTH) return;
  for (const s of [time, first, second, classes, last]) steps.splice(steps.indexOf(s), 1);
  steps.unshift({
    op: 'embedding',
    output: last.output,
    time: { dim: time.dim, scale: time.scale, maxPeriod: time.maxPeriod },
    first,
    second,
    table: classes.table,
    rows: classes.rows,
    last,
  });
}

/**
 * 5b. A ResBlock's 1×1 skip projection (EDM's UNetBlock `skip`, when the widths differ) inside the 3×3 conv whose
 * residual it is: conv3x3-tall.wgsl's `main_projected` computes it for its own tile after the 3×3 sum, with the
 * projection's folded concat and Skip-Tuning's ρ, so the projected tensor is never written and read back.
 */
function fuseProjections(steps: Step[], materialised: Set<string>): void {
  for (const conv of [...steps]) {
    if (conv.op !== 'conv3x3' || !conv.residual || conv.channelBias || conv.relu) continue;
    const residual = conv.residual;
    const skip = steps.find((s) => s.output === residual);
    if (skip?.op !== 'conv1x1' || skip.channelBias || skip.cout !== conv.cout || materialised.has(residual)) continue;
    if (steps.filter((s) => stepInputs(s).includes(residual)).length !== 1) continue;
    conv.projection = {
      input: skip.input,
      ...(skip.concat ? { concat: skip.concat } : {}),
      weight: skip.weight,
      bias: skip.bias,
      cin: skip.cin,
    };
    delete conv.residual;
    steps.splice(steps.indexOf(skip), 1);
  }
}

/** 3. One dispatch for all linears on the same input whose outputs only feed conv channel biases. */
function stackChannelBiasLinears(steps: Step[]): void {
  const biasReaders = new Map<string, Array<Extract<Step, { op: 'conv3x3' | 'conv1x1' }>>>();
  const otherReaders = new Set<string>();
  for (const s of steps) {
    if ((s.op === 'conv3x3' || s.op === 'conv1x1') && s.channelBias) {
      biasReaders.set(s.channelBias.value, [...(biasReaders.get(s.channelBias.value) ?? []), s]);
      for (const v of [s.input, ...(s.residual ? [s.residual] : [])]) otherReaders.add(v);
    } else {
      for (const v of stepInputs(s)) otherReaders.add(v);
    }
  }
  const groups = new Map<string, Array<Extract<Step, { op: 'linear' }>>>();
  for (const s of steps) {
    if (s.op === 'linear' && !s.silu && !s.relu && biasReaders.has(s.output) && !otherReaders.has(s.output))
      groups.set(s.input, [...(groups.get(s.input) ?? []), s]);
  }
  for (const [input, linears] of groups) {
    const fout = linears.reduce((a, l) => a + l.fout, 0);
    const stacked: Step = {
      op: 'linear',
      input,
      output: `stacked(${input})`,
      weights: linears.flatMap((l) => l.weights),
      biases: linears.flatMap((l) => l.biases),
      fin: linears[0].fin,
      fout,
      silu: false,
    };
    let offset = 0;
    for (const l of linears) {
      if (l.fin !== stacked.fin) throw new Error(`linears on ${input} disagree on fin (${l.fin} vs ${stacked.fin})`);
      for (const conv of biasReaders.get(l.output)!) conv.channelBias = { value: stacked.output, offset, stride: fout };
      offset += l.fout;
    }
    for (const l of linears) steps.splice(steps.indexOf(l), 1);
    // Right after the input's producer, so every conv that reads a slice comes after it.
    steps.splice(steps.findIndex((s) => s.output === input) + 1, 0, stacked);
  }
}

/** 4. Per-sample shapes of every value; checks channel counts against the ops. */
function inferShapes(steps: Step[], input: string, inputShape: Shape): Map<string, Shape> {
  const shapes = new Map<string, Shape>([[input, inputShape]]);
  const get = (v: string) => shapes.get(v)!;
  const vector = (c: number): Shape => ({ c, h: 1, w: 1 });
  for (const s of steps) {
    let shape: Shape;
    switch (s.op) {
      case 'time_features':
        shape = vector(s.dim);
        break;
      case 'linear': {
        const x = get(s.input);
        if (elements(x) !== s.fin)
          throw new Error(`${s.weights.join('+')}: expects ${s.fin} inputs, gets ${x.c}×${x.h}×${x.w}`);
        shape = vector(s.fout);
        break;
      }
      case 'class_embedding':
      case 'group_norm':
        shape = get(s.input);
        break;
      case 'embedding':
        shape = vector(s.last.fout);
        break;
      case 'conv3x3':
      case 'conv1x1': {
        const x = get(s.input);
        if (x.c !== s.cin) throw new Error(`${s.weight}: expects ${s.cin} input channels, gets ${x.c}`);
        shape = { c: s.cout, h: x.h, w: x.w };
        break;
      }
      case 'avg_pool':
      case 'max_pool': {
        const x = get(s.input);
        shape = { c: x.c, h: Math.floor(x.h / 2), w: Math.floor(x.w / 2) };
        break;
      }
      case 'upsample': {
        const x = get(s.input);
        shape = { c: x.c, h: 2 * x.h, w: 2 * x.w };
        break;
      }
      case 'concat': {
        const [a, b] = s.inputs.map(get);
        if (a.h !== b.h || a.w !== b.w)
          throw new Error(
            `concat ${s.output}: ${a.h}×${a.w} and ${b.h}×${b.w} differ; the image size must be a multiple of 4`,
          );
        shape = { c: a.c + b.c, h: a.h, w: a.w };
        break;
      }
    }
    shapes.set(s.output, shape);
  }
  return shapes;
}

export const elements = (s: Shape) => s.c * s.h * s.w;
