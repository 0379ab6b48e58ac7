/**
 * The learned AMED predictor in float64 (Zhou et al., CVPR 2024, §3.2; zju-pi/diff-sampler amed-solver-main
 * training/networks.py AMED_predictor): from the UNet bottleneck of the evaluation a step makes anyway, and the
 * step's two times, it gives each sample its own mean-value position r ∈ (0, 1) and direction scale c ≈ 1.
 * It is the CPU executor's predictor and the reference the WGSL kernels (shaders/amed/) are tested against; the
 * GPU path also takes its per-step time embeddings from here (f32 sin/cos of σ up to 80 would lose digits).
 *
 *   b = reduce(bottleneck)                         channel-mean (H·W values) or spatial-mean (C values)
 *   h = enc_layer1(silu(enc_layer0(b)))            4 values
 *   e(t) = silu(map_layer0(swap(pe(t))))           pe: PositionalEmbedding(8, endpoint=True), swap = [sin, cos]
 *   r = sigmoid(fc_r·[h, e(t_n), e(t_{n+1})])
 *   c = 1 − s_d + 2·s_d·sigmoid(fc_scale_dir·[h, e(t_n), e(t_{n+1})])
 */

export type BottleneckReduce = 'channel-mean' | 'spatial-mean';

export const PREDICTOR_TENSORS = [
  'map_layer0.weight',
  'map_layer0.bias',
  'enc_layer0.weight',
  'enc_layer0.bias',
  'enc_layer1.weight',
  'enc_layer1.bias',
  'fc_r.weight',
  'fc_r.bias',
  'fc_scale_dir.weight',
  'fc_scale_dir.bias',
] as const;
export type PredictorTensor = (typeof PREDICTOR_TENSORS)[number];

/** One trained predictor (one NFE) with its float32 weights, as the manifest describes it. */
export interface AmedPredictorWeights {
  nfe: number;
  /** The grid it was trained on, σ_0 … σ_{N−1} = σ_min. */
  sigmas: number[];
  afs: boolean;
  /** 'solver' (AMED-Solver) and 'time_uniform' for every predictor this runtime runs. */
  variant: string;
  schedule: string;
  /** The network value it reads (the manifest's bottleneck tap, 'mid.out'). */
  tap: string;
  reduce: BottleneckReduce;
  inputDim: number;
  hidden: number;
  /** Time-embedding width (8) and encoder output width (4): the heads read 4 + 2·8 values. */
  noiseChannels: number;
  bottleneckOutput: number;
  scaleDir: number;
  tensors: Map<PredictorTensor, Float32Array>;
}

/** Shapes [out, in] (PyTorch Linear) each tensor must have; biases are [out]. */
export function predictorShapes(
  w: Pick<AmedPredictorWeights, 'inputDim' | 'hidden' | 'noiseChannels' | 'bottleneckOutput'>,
): Record<PredictorTensor, number[]> {
  const u = w.bottleneckOutput + 2 * w.noiseChannels;
  return {
    'map_layer0.weight': [w.noiseChannels, w.noiseChannels],
    'map_layer0.bias': [w.noiseChannels],
    'enc_layer0.weight': [w.hidden, w.inputDim],
    'enc_layer0.bias': [w.hidden],
    'enc_layer1.weight': [w.bottleneckOutput, w.hidden],
    'enc_layer1.bias': [w.bottleneckOutput],
    'fc_r.weight': [1, u],
    'fc_r.bias': [1],
    'fc_scale_dir.weight': [1, u],
    'fc_scale_dir.bias': [1],
  };
}

const silu = (v: number) => v / (1 + Math.exp(-v));
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** y = W·x + b with W [out, in] row-major (PyTorch Linear). */
function linear(weight: Float32Array, bias: Float32Array, x: ArrayLike<number>): Float64Array {
  const out = new Float64Array(bias.length);
  const fin = x.length;
  for (let o = 0; o < out.length; o++) {
    let acc = bias[o];
    for (let k = 0; k < fin; k++) acc += weight[o * fin + k] * x[k];
    out[o] = acc;
  }
  return out;
}

/** EDM's PositionalEmbedding(num_channels, endpoint=True) of σ with its halves swapped, as AMED_predictor feeds
 *  map_layer0: [sin(σ·f_k)…, cos(σ·f_k)…], f_k = (1/10000)^(k/(half−1)). */
function swappedPositionalEmbedding(sigma: number, channels: number): Float64Array {
  const half = channels / 2;
  const out = new Float64Array(channels);
  for (let k = 0; k < half; k++) {
    const f = (1 / 10000) ** (k / (half - 1));
    out[k] = Math.sin(sigma * f);
    out[half + k] = Math.cos(sigma * f);
  }
  return out;
}

/** e(σ) = silu(map_layer0(swap(pe(σ)))): per step, not per sample, so the GPU path uploads it. */
export function timeEmbedding(w: AmedPredictorWeights, sigma: number): Float64Array {
  const T = w.tensors;
  return linear(
    T.get('map_layer0.weight')!,
    T.get('map_layer0.bias')!,
    swappedPositionalEmbedding(sigma, w.noiseChannels),
  ).map(silu);
}

/** The bottleneck activation (count × C × H·W, NCHW per sample) reduced to count × inputDim. */
export function reduceBottleneck(
  reduce: BottleneckReduce,
  inputDim: number,
  activation: ArrayLike<number>,
  count: number,
): Float64Array {
  const perSample = activation.length / count;
  const [channels, plane] =
    reduce === 'channel-mean' ? [perSample / inputDim, inputDim] : [inputDim, perSample / inputDim];
  if (!Number.isInteger(channels) || !Number.isInteger(plane))
    throw new RangeError(`bottleneck: ${perSample} values per sample do not reduce to ${inputDim} (${reduce})`);
  const out = new Float64Array(count * inputDim);
  for (let s = 0; s < count; s++) {
    for (let c = 0; c < channels; c++) {
      for (let p = 0; p < plane; p++) {
        const v = activation[(s * channels + c) * plane + p];
        if (reduce === 'channel-mean') out[s * inputDim + p] += v / channels;
        else out[s * inputDim + c] += v / plane;
      }
    }
  }
  return out;
}

export interface PerSampleAmed {
  r: Float64Array;
  c: Float64Array;
  /** The mean-value time s = t_{n+1}^r · t_n^{1−r} per sample. */
  s: Float64Array;
}

/** r, c and s per sample for one step t → tNext; `bottleneck` is count × inputDim, or null for zeros (AFS step). */
export function predictAmed(
  w: AmedPredictorWeights,
  bottleneck: ArrayLike<number> | null,
  count: number,
  t: number,
  tNext: number,
): PerSampleAmed {
  const T = w.tensors;
  const times = [...timeEmbedding(w, t), ...timeEmbedding(w, tNext)];
  const zeros = new Float64Array(w.inputDim);
  const out: PerSampleAmed = { r: new Float64Array(count), c: new Float64Array(count), s: new Float64Array(count) };
  for (let i = 0; i < count; i++) {
    const b = bottleneck ? Array.prototype.slice.call(bottleneck, i * w.inputDim, (i + 1) * w.inputDim) : zeros;
    const hidden = linear(T.get('enc_layer0.weight')!, T.get('enc_layer0.bias')!, b).map(silu);
    const h = linear(T.get('enc_layer1.weight')!, T.get('enc_layer1.bias')!, hidden);
    const u = [...h, ...times];
    const r = sigmoid(linear(T.get('fc_r.weight')!, T.get('fc_r.bias')!, u)[0]);
    const c =
      1 -
      w.scaleDir +
      2 * w.scaleDir * sigmoid(linear(T.get('fc_scale_dir.weight')!, T.get('fc_scale_dir.bias')!, u)[0]);
    out.r[i] = r;
    out.c[i] = c;
    out.s[i] = tNext ** r * t ** (1 - r);
  }
  return out;
}
