/** Executes a compiled step list (src/worlds/unet/graph.ts) in float64 with the reference ops: checks the fusion
 *  and stacking rewrites against the unfused manifest graph, independently of the GPU. */
import type { CompiledGraph, ConcatInput } from '../../src/worlds/unet/graph';
import { concatenate } from '../../src/worlds/unet/pack';
import { skipScale, type SkipTuning } from '../../src/worlds/unet/skip-tuning';
import { avgPool2, concat, conv2d, groupNorm, linear, maxPool2, relu, silu, timeFeatures, upsample2 } from './nn-ops';

export function runSteps(
  graph: CompiledGraph,
  tensors: Map<string, Float32Array>,
  z: ArrayLike<number>,
  sigma: ArrayLike<number>,
  labels: ArrayLike<number>,
  skipTuning?: SkipTuning,
): Map<string, Float64Array> {
  const n = sigma.length;
  const env = new Map<string, Float64Array>([[graph.input, Float64Array.from(z)]]);
  const T = (name: string) => tensors.get(name)!;
  const get = (v: string) => env.get(v)!;
  // A folded concat (graph.ts foldConcats) materialised: [first (upsampled 2× when asked), ρ_j·second].
  const concatenated = (input: string, c: ConcatInput, plane: number) => {
    const first = graph.shapes.get(input)!;
    const a = c.upsampledFirst ? upsample2(get(input), n * first.c, first.h, first.w) : get(input);
    const b = get(c.second);
    const bc = graph.shapes.get(c.second)!.c;
    return concat(a, first.c, b, bc, n, plane, skipScale(skipTuning, c.skip, graph.skips));
  };
  for (const s of graph.steps) {
    const shape = graph.shapes.get(s.output)!;
    const act = (a: Float64Array, on: boolean) => (on ? a.map(silu) : a);
    let out: Float64Array;
    switch (s.op) {
      case 'time_features':
        out = timeFeatures(sigma, s.dim, s.scale, s.maxPeriod);
        break;
      case 'linear':
        out = act(
          linear(get(s.input), n, s.fin, concatenate(s.weights.map(T)), concatenate(s.biases.map(T)), s.fout),
          s.silu,
        );
        if (s.relu) out = out.map(relu);
        break;
      case 'embedding': {
        // The fused chain, layer by layer (graph.ts fuseEmbedding).
        const dense = (x: Float64Array, l: typeof s.first) =>
          linear(x, n, l.fin, concatenate(l.weights.map(T)), concatenate(l.biases.map(T)), l.fout);
        const h = dense(timeFeatures(sigma, s.time.dim, s.time.scale, s.time.maxPeriod), s.first).map(silu);
        const width = s.second.fout;
        const table = T(s.table);
        const e = dense(h, s.second).map((v, i) =>
          silu(v + table[Math.min(labels[Math.floor(i / width)], s.rows - 1) * width + (i % width)]),
        );
        out = dense(e, s.last);
        break;
      }
      case 'class_embedding': {
        const x = get(s.input);
        const table = T(s.table);
        out = act(
          x.map((v, i) => v + table[labels[Math.floor(i / shape.c)] * shape.c + (i % shape.c)]),
          s.silu,
        );
        break;
      }
      case 'group_norm':
        out = act(
          groupNorm(
            s.concat ? concatenated(s.input, s.concat, shape.h * shape.w) : get(s.input),
            n,
            shape.c,
            shape.h * shape.w,
            s.groups,
            s.eps,
            T(s.weight),
            T(s.bias),
          ),
          s.silu,
        );
        break;
      case 'conv3x3':
      case 'conv1x1': {
        const k = s.op === 'conv3x3' ? 3 : 1;
        const x = s.concat ? concatenated(s.input, s.concat, shape.h * shape.w) : get(s.input);
        out = conv2d(x, n, s.cin, shape.h, shape.w, T(s.weight), T(s.bias), s.cout, k, (k - 1) / 2);
        const plane = shape.h * shape.w;
        const cb = s.channelBias;
        if (cb)
          out = out.map(
            (v, i) =>
              v +
              get(cb.value)[
                Math.floor(i / (s.cout * plane)) * cb.stride + cb.offset + (Math.floor(i / plane) % s.cout)
              ],
          );
        if (s.residual) {
          const r = get(s.residual);
          out = out.map((v, i) => v + r[i]);
        }
        if (s.op === 'conv3x3' && s.projection) {
          const p = s.projection;
          const px = p.concat ? concatenated(p.input, p.concat, shape.h * shape.w) : get(p.input);
          const r = conv2d(px, n, p.cin, shape.h, shape.w, T(p.weight), T(p.bias), s.cout, 1, 0);
          out = out.map((v, i) => v + r[i]);
        }
        if (s.relu) out = out.map(relu);
        break;
      }
      case 'avg_pool':
      case 'max_pool': {
        const x = graph.shapes.get(s.input)!;
        out = (s.op === 'avg_pool' ? avgPool2 : maxPool2)(get(s.input), n * x.c, x.h, x.w);
        break;
      }
      case 'upsample': {
        const x = graph.shapes.get(s.input)!;
        out = upsample2(get(s.input), n * x.c, x.h, x.w);
        break;
      }
      case 'concat': {
        const [a, b] = s.inputs.map((v) => graph.shapes.get(v)!);
        out = concat(
          get(s.inputs[0]),
          a.c,
          get(s.inputs[1]),
          b.c,
          n,
          shape.h * shape.w,
          skipScale(skipTuning, s.skip, graph.skips),
        );
        break;
      }
    }
    env.set(s.output, out);
  }
  return env;
}
