/**
 * Float64 references of the network ops (the semantics in the manifest's op_semantics / tools/train/graph_runner.py)
 * and an interpreter of a manifest graph built from them. The WGSL kernels and the WGSL network are tested against
 * these; the interpreter itself is tested against the PyTorch golden vectors (tests/unit/nn-reference.test.ts).
 * Tensors are flat NCHW arrays.
 */
import type { GraphOp, Manifest } from '../../src/worlds/unet/manifest';

type Arr = ArrayLike<number>;

export function conv2d(
  x: Arr,
  n: number,
  cin: number,
  h: number,
  w: number,
  weight: Arr,
  bias: Arr,
  cout: number,
  k: number,
  pad: number,
): Float64Array {
  const out = new Float64Array(n * cout * h * w);
  // Loop order for speed in JS (the innermost loop runs along a row); the sum is the textbook cross-correlation.
  for (let b = 0; b < n; b++)
    for (let o = 0; o < cout; o++) {
      const base = (b * cout + o) * h * w;
      out.fill(bias[o], base, base + h * w);
      for (let c = 0; c < cin; c++)
        for (let u = 0; u < k; u++)
          for (let v = 0; v < k; v++) {
            const wt = weight[((o * cin + c) * k + u) * k + v];
            for (let y = Math.max(0, pad - u); y < Math.min(h, h + pad - u); y++) {
              const row = ((b * cin + c) * h + y + u - pad) * w + v - pad;
              for (let xx = Math.max(0, pad - v); xx < Math.min(w, w + pad - v); xx++)
                out[base + y * w + xx] += wt * x[row + xx];
            }
          }
    }
  return out;
}

export const silu = (v: number) => v / (1 + Math.exp(-v));

export function groupNorm(
  x: Arr,
  n: number,
  channels: number,
  plane: number,
  groups: number,
  eps: number,
  gamma: Arr,
  beta: Arr,
): Float64Array {
  const out = new Float64Array(n * channels * plane);
  const per = (channels / groups) * plane;
  for (let b = 0; b < n; b++)
    for (let g = 0; g < groups; g++) {
      const start = (b * groups + g) * per;
      let mean = 0;
      for (let i = 0; i < per; i++) mean += x[start + i];
      mean /= per;
      let variance = 0;
      for (let i = 0; i < per; i++) variance += (x[start + i] - mean) ** 2;
      const inv = 1 / Math.sqrt(variance / per + eps);
      for (let i = 0; i < per; i++) {
        const c = g * (channels / groups) + Math.floor(i / plane);
        out[start + i] = (x[start + i] - mean) * inv * gamma[c] + beta[c];
      }
    }
  return out;
}

export function linear(x: Arr, n: number, fin: number, weight: Arr, bias: Arr, fout: number): Float64Array {
  const out = new Float64Array(n * fout);
  for (let b = 0; b < n; b++)
    for (let o = 0; o < fout; o++) {
      let acc = bias[o];
      for (let i = 0; i < fin; i++) acc += weight[o * fin + i] * x[b * fin + i];
      out[b * fout + o] = acc;
    }
  return out;
}

/** 2×2 windows, stride 2, floor (odd sizes drop the last row and column), each reduced by `reduce`. */
function pool2(
  x: Arr,
  planes: number,
  h: number,
  w: number,
  reduce: (a: number, b: number, c: number, d: number) => number,
): Float64Array {
  const ho = Math.floor(h / 2);
  const wo = Math.floor(w / 2);
  const out = new Float64Array(planes * ho * wo);
  for (let p = 0; p < planes; p++)
    for (let y = 0; y < ho; y++)
      for (let xx = 0; xx < wo; xx++) {
        const at = (yy: number, xi: number) => x[(p * h + yy) * w + xi];
        out[(p * ho + y) * wo + xx] = reduce(
          at(2 * y, 2 * xx),
          at(2 * y, 2 * xx + 1),
          at(2 * y + 1, 2 * xx),
          at(2 * y + 1, 2 * xx + 1),
        );
      }
  return out;
}

/** F.avg_pool2d(x, 2). */
export function avgPool2(x: Arr, planes: number, h: number, w: number): Float64Array {
  return pool2(x, planes, h, w, (a, b, c, d) => (a + b + c + d) / 4);
}

/** F.max_pool2d(x, 2). */
export function maxPool2(x: Arr, planes: number, h: number, w: number): Float64Array {
  return pool2(x, planes, h, w, Math.max);
}

export const relu = (v: number) => Math.max(v, 0);

export function upsample2(x: Arr, planes: number, h: number, w: number): Float64Array {
  const out = new Float64Array(planes * 4 * h * w);
  for (let p = 0; p < planes; p++)
    for (let y = 0; y < 2 * h; y++)
      for (let xx = 0; xx < 2 * w; xx++) out[(p * 2 * h + y) * 2 * w + xx] = x[(p * h + (y >> 1)) * w + (xx >> 1)];
  return out;
}

/** torch.cat([a, scale·b], dim=1): `scale` is Skip-Tuning's ρ on the encoder skip b (Ma et al. 2024). */
export function concat(a: Arr, ca: number, b: Arr, cb: number, n: number, plane: number, scale = 1): Float64Array {
  const out = new Float64Array(n * (ca + cb) * plane);
  for (let s = 0; s < n; s++) {
    for (let i = 0; i < ca * plane; i++) out[s * (ca + cb) * plane + i] = a[s * ca * plane + i];
    for (let i = 0; i < cb * plane; i++) out[s * (ca + cb) * plane + ca * plane + i] = scale * b[s * cb * plane + i];
  }
  return out;
}

/** model.py timestep_features of t = σ/(1+σ), all in float64. */
export function timeFeatures(sigma: Arr, dim: number, scale = 1000, maxPeriod = 10000): Float64Array {
  const half = dim / 2;
  const out = new Float64Array(sigma.length * dim);
  for (let b = 0; b < sigma.length; b++) {
    const t = sigma[b] / (1 + sigma[b]);
    for (let k = 0; k < half; k++) {
      const a = scale * t * Math.exp((-Math.log(maxPeriod) * k) / half);
      out[b * dim + k] = Math.cos(a);
      out[b * dim + half + k] = Math.sin(a);
    }
  }
  return out;
}

interface Value {
  data: Float64Array;
  c: number;
  h: number;
  w: number;
}

/**
 * Skip-Tuning's ρ per concat op index (Ma et al. 2024), found on the manifest graph itself (not graph.ts's step list),
 * as tools/train/graph_runner.py does: the skips j = 0 … k in the order the encoder wrote them (the op index of the
 * last write of each concat's second input), ρ_j = ρ_top + (ρ_bottom − ρ_top)·j/k.
 */
function referenceSkipScales(graph: GraphOp[], tuning?: { bottom: number; top: number }): Map<number, number> {
  const writtenAt = new Map<string, number>();
  const producedAt = new Map<number, number>();
  graph.forEach((op, i) => {
    if (op.op === 'concat_channels') producedAt.set(i, writtenAt.get(op.inputs[1])!);
    writtenAt.set(op.output, i);
  });
  const order = [...producedAt.keys()].sort((a, b) => producedAt.get(a)! - producedAt.get(b)!);
  const k = order.length - 1;
  if (!tuning) return new Map();
  return new Map(order.map((i, j) => [i, k > 0 ? tuning.top + ((tuning.bottom - tuning.top) * j) / k : tuning.top]));
}

/**
 * Runs a manifest graph in float64 for a batch: z [n, 1, size, size] (the graph's input: the UNet's z, the
 * classifier's image), σ per sample (t = σ/(1+σ)), labels (the classifier reads neither: pass n of anything).
 * Returns every named value (the last write of each name), as graph_runner.py does.
 */
export function runGraph(
  manifest: Pick<Manifest, 'architecture'> & { channels?: number },
  tensors: Map<string, Float32Array>,
  z: Arr,
  sigma: Arr,
  labels: Arr,
  size: number,
  skipTuning?: { bottom: number; top: number },
): Map<string, Value> {
  const n = sigma.length;
  const skipScales = referenceSkipScales(manifest.architecture.graph as GraphOp[], skipTuning);
  const env = new Map<string, Value>();
  env.set(manifest.architecture.inputs[0]?.name ?? 'z', {
    data: Float64Array.from(z),
    c: manifest.channels ?? 1,
    h: size,
    w: size,
  });
  const W = (name: string) => {
    const t = tensors.get(name);
    if (!t) throw new Error(`missing tensor ${name}`);
    return t;
  };
  const get = (name: string) => {
    const v = env.get(name);
    if (!v) throw new Error(`value ${name} read before it is written`);
    return v;
  };
  for (const [index, op] of (manifest.architecture.graph as GraphOp[]).entries()) {
    let out: Value;
    const x = op.input !== undefined && op.op !== 'time_features' && op.op !== 'embedding' ? get(op.input) : undefined;
    switch (op.op) {
      case 'time_features':
        out = { data: timeFeatures(sigma, op.dim, op.scale, op.max_period), c: op.dim, h: 1, w: 1 };
        break;
      case 'linear':
        out = { data: linear(x!.data, n, op.fin, W(op.weight), W(op.bias), op.fout), c: op.fout, h: 1, w: 1 };
        break;
      case 'silu':
        out = { ...x!, data: x!.data.map(silu) };
        break;
      case 'embedding': {
        const table = W(op.weight);
        const dim = table.length / op.rows;
        const data = new Float64Array(n * dim);
        for (let b = 0; b < n; b++) for (let j = 0; j < dim; j++) data[b * dim + j] = table[labels[b] * dim + j];
        out = { data, c: dim, h: 1, w: 1 };
        break;
      }
      case 'add': {
        const [a, b] = op.inputs.map(get);
        out = { ...a, data: a.data.map((v, i) => v + b.data[i]) };
        break;
      }
      case 'add_channel_bias': {
        const vec = get(op.vector);
        const plane = x!.h * x!.w;
        out = { ...x!, data: x!.data.map((v, i) => v + vec.data[Math.floor(i / plane)]) };
        break;
      }
      case 'conv2d':
        out = {
          data: conv2d(x!.data, n, op.cin, x!.h, x!.w, W(op.weight), W(op.bias), op.cout, op.k, op.pad),
          c: op.cout,
          h: x!.h,
          w: x!.w,
        };
        break;
      case 'group_norm':
        out = { ...x!, data: groupNorm(x!.data, n, x!.c, x!.h * x!.w, op.groups, op.eps, W(op.weight), W(op.bias)) };
        break;
      case 'avg_pool2d':
        out = {
          data: avgPool2(x!.data, n * x!.c, x!.h, x!.w),
          c: x!.c,
          h: Math.floor(x!.h / 2),
          w: Math.floor(x!.w / 2),
        };
        break;
      case 'upsample_nearest2x':
        out = { data: upsample2(x!.data, n * x!.c, x!.h, x!.w), c: x!.c, h: 2 * x!.h, w: 2 * x!.w };
        break;
      case 'concat_channels': {
        const [a, b] = op.inputs.map(get);
        out = {
          data: concat(a.data, a.c, b.data, b.c, n, a.h * a.w, skipScales.get(index) ?? 1),
          c: a.c + b.c,
          h: a.h,
          w: a.w,
        };
        break;
      }
      case 'relu':
        out = { ...x!, data: x!.data.map(relu) };
        break;
      case 'max_pool2d':
        if (op.k !== 2) throw new Error(`max_pool2d: the reference has k = 2 only, got ${op.k}`);
        out = {
          data: maxPool2(x!.data, n * x!.c, x!.h, x!.w),
          c: x!.c,
          h: Math.floor(x!.h / 2),
          w: Math.floor(x!.w / 2),
        };
        break;
      case 'flatten':
        // [n, C, H, W] → [n, C·H·W] in CHW order is the same flat array.
        out = { data: x!.data, c: x!.c * x!.h * x!.w, h: 1, w: 1 };
        break;
    }
    env.set(op.output, out);
  }
  return env;
}
