/** Predictor files in the shipped format ("diffusion-sandbox/amed-predictor", src/sampling/amed/predictor-manifest.ts)
 *  with random weights, so the runtime is tested before (and independently of) a trained predictor; and a reader
 *  for the shipped ones in Node. */
import { readFileSync } from 'node:fs';
import { PREDICTOR_TENSORS, predictorShapes, type BottleneckReduce } from '../../src/sampling/amed/predictor';
import type { PredictorManifest } from '../../src/sampling/amed/predictor-manifest';

/** Deterministic standard normals (a test's own stream; not the sandbox's RNG). */
export function normals(seed: number): () => number {
  let state = seed >>> 0 || 1;
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 2 ** 32;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

export interface PredictorFiles {
  manifest: PredictorManifest;
  weights: Float32Array;
}

/**
 * Random predictors for the given grids (PyTorch-default-like scales, widened so that r really varies between
 * samples and steps: a test whose r barely moves could not see a per-sample mistake).
 */
export function randomPredictorFiles(
  grids: Array<{ nfe: number; sigmas: number[] }>,
  options: { reduce?: BottleneckReduce; seed?: number; gain?: number } = {},
): PredictorFiles {
  const reduce = options.reduce ?? 'channel-mean';
  const inputDim = reduce === 'channel-mean' ? 49 : 64;
  const dims = { inputDim, hidden: 128, noiseChannels: 8, bottleneckOutput: 4 };
  const shapes = predictorShapes(dims);
  const next = normals(options.seed ?? 1);
  // Per-layer gains: the encoder's input (a mean over 64 channels) is small, and saturated heads would pin r at
  // 0 or 1 — either would hide a per-sample mistake. Chosen so that r spreads by ≳ 0.1 between two samples on the
  // shipped UNet's bottleneck (|channel-mean| ≲ 0.5, |spatial-mean| ≲ 2.7 measured).
  const gains: Partial<Record<string, number>> = {
    'enc_layer0.weight': options.gain ?? (reduce === 'channel-mean' ? 10 : 2),
    'enc_layer1.weight': 4,
  };
  const parts: number[] = [];
  const predictors = grids.map(({ nfe, sigmas }) => {
    const tensors = PREDICTOR_TENSORS.map((name) => {
      const shape = shapes[name];
      const length = shape.reduce((a, b) => a * b, 1);
      while (parts.length % 4 !== 0) parts.push(0);
      const offset = 4 * parts.length;
      const fanIn = shape.length === 2 ? shape[1] : 1;
      const gain = gains[name] ?? 1;
      for (let i = 0; i < length; i++) parts.push(Math.fround((gain * next()) / Math.sqrt(fanIn)));
      return { name, shape, offset, length };
    });
    return {
      nfe,
      variant: 'solver',
      afs: true,
      schedule: 'time_uniform',
      sigma_max: 80,
      sigma_min: 0.002,
      sigmas,
      tensors,
    };
  });
  const weights = Float32Array.from(parts);
  const manifest: PredictorManifest = {
    format: 'diffusion-sandbox/amed-predictor',
    version: 1,
    world: 'fmnist',
    model_sha256: 'random',
    weights: 'weights.bin',
    byte_length: weights.byteLength,
    sha256: 'random',
    architecture: {
      source: 'random (test)',
      noise_channels: 8,
      hidden_dim: 128,
      bottleneck_output_dim: 4,
      bottleneck: { tap: 'mid.out', reduce, input_dim: inputDim },
      time_input: 'sigma',
      scale_dir: 0.01,
      scale_time: 0,
    },
    predictors,
  };
  return { manifest, weights };
}

export function shippedPredictorFiles(dir = 'public/models/fmnist-amed'): { manifest: unknown; weights: ArrayBuffer } {
  const manifest = JSON.parse(readFileSync(`${dir}/manifest.json`, 'utf8'));
  const bin = readFileSync(`${dir}/${manifest.weights}`);
  return { manifest, weights: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) };
}
