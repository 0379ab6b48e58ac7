/**
 * The learned-predictor file format ("diffusion-sandbox/amed-predictor" v1, written by tools/train): manifest.json
 * lists one trained AMED predictor per NFE, each with its tensors in weights.bin (float32 LE, PyTorch [out, in]
 * layouts, 16-byte aligned offsets — the same weights format as the UNet's). This file checks it, slices the
 * tensors and picks the predictor for a run; anything it does not match is a reason to fall back to calibration.
 */
import {
  PREDICTOR_TENSORS,
  predictorShapes,
  type AmedPredictorWeights,
  type BottleneckReduce,
  type PredictorTensor,
} from './predictor';

interface PredictorManifestEntry {
  nfe: number;
  variant: string;
  afs: boolean;
  schedule: string;
  sigma_max: number;
  sigma_min: number;
  sigmas: number[];
  tensors: Array<{ name: string; shape: number[]; offset: number; length: number }>;
  teacher?: unknown;
  training?: unknown;
  evaluation?: unknown;
}

export interface PredictorManifest {
  format: 'diffusion-sandbox/amed-predictor';
  version: 1;
  world: string;
  model_sha256: string;
  weights: string;
  byte_length: number;
  sha256: string;
  architecture: {
    source?: string;
    noise_channels: number;
    hidden_dim: number;
    bottleneck_output_dim: number;
    bottleneck: { tap: string; reduce: BottleneckReduce; input_dim: number };
    time_input: string;
    scale_dir: number;
    scale_time: number;
  };
  predictors: PredictorManifestEntry[];
}

/** Checks the manifest and views each predictor's tensors in `weights`; throws naming the first bad field. */
export function predictorsFromFiles(
  json: unknown,
  weights: ArrayBuffer,
  where = 'manifest.json',
): { manifest: PredictorManifest; predictors: AmedPredictorWeights[] } {
  const m = json as PredictorManifest;
  const fail = (field: string, expected: string): never => {
    throw new Error(`${where}: ${field} must be ${expected}`);
  };
  if (!m || typeof m !== 'object') fail('the document', 'a JSON object');
  if (m.format !== 'diffusion-sandbox/amed-predictor') fail('format', '"diffusion-sandbox/amed-predictor"');
  if (m.version !== 1) fail('version', '1');
  const a = m.architecture;
  if (!a || typeof a !== 'object') fail('architecture', 'an object');
  if (a.time_input !== 'sigma') fail('architecture.time_input', '"sigma"');
  // A time scale would evaluate the network at a·s (the official optional head); this runtime has none.
  if (a.scale_time !== 0) fail('architecture.scale_time', '0');
  if (!(a.scale_dir >= 0 && a.scale_dir < 1)) fail('architecture.scale_dir', 'in [0, 1)');
  if (!['channel-mean', 'spatial-mean'].includes(a.bottleneck?.reduce))
    fail('architecture.bottleneck.reduce', '"channel-mean" or "spatial-mean"');
  if (typeof a.bottleneck.tap !== 'string') fail('architecture.bottleneck.tap', 'a network value name');
  for (const [field, v] of [
    ['noise_channels', a.noise_channels],
    ['hidden_dim', a.hidden_dim],
    ['bottleneck_output_dim', a.bottleneck_output_dim],
    ['bottleneck.input_dim', a.bottleneck.input_dim],
  ] as const) {
    if (!Number.isInteger(v) || v < 1 || v > 4096) fail(`architecture.${field}`, 'a positive integer');
  }
  if (a.noise_channels % 2 !== 0 || a.noise_channels < 4) fail('architecture.noise_channels', 'even and ≥ 4');
  // The WGSL heads hold the encoder output in one vec4.
  if (a.bottleneck_output_dim !== 4) fail('architecture.bottleneck_output_dim', '4');
  if (weights.byteLength !== m.byte_length) fail('byte_length', `the size of ${m.weights} (${weights.byteLength})`);
  if (!Array.isArray(m.predictors)) fail('predictors', 'an array');
  const dims = {
    inputDim: a.bottleneck.input_dim,
    hidden: a.hidden_dim,
    noiseChannels: a.noise_channels,
    bottleneckOutput: a.bottleneck_output_dim,
  };
  const shapes = predictorShapes(dims);
  const predictors = m.predictors.map((p, k): AmedPredictorWeights => {
    const at = `predictors[${k}]`;
    if (!Number.isInteger(p.nfe) || p.nfe < 1) fail(`${at}.nfe`, 'a positive integer');
    if (
      !Array.isArray(p.sigmas) ||
      p.sigmas.length < 2 ||
      !p.sigmas.every((s, i) => s > 0 && (i === 0 || s < p.sigmas[i - 1]))
    )
      fail(`${at}.sigmas`, 'a decreasing list of ≥ 2 positive numbers');
    const tensors = new Map<PredictorTensor, Float32Array>();
    for (const name of PREDICTOR_TENSORS) {
      const t = p.tensors?.find((e) => e.name === name);
      if (!t) fail(`${at}.tensors`, `to include ${name}`);
      const want = shapes[name];
      if (JSON.stringify(t!.shape) !== JSON.stringify(want)) fail(`${at}.tensors ${name}.shape`, JSON.stringify(want));
      const length = want.reduce((x, y) => x * y, 1);
      if (t!.length !== length || t!.offset % 16 !== 0 || t!.offset + 4 * length > weights.byteLength)
        fail(`${at}.tensors ${name}`, `${length} floats at a 16-aligned offset inside ${m.weights}`);
      tensors.set(name, new Float32Array(weights, t!.offset, length));
    }
    return {
      nfe: p.nfe,
      sigmas: p.sigmas,
      afs: p.afs === true,
      variant: String(p.variant),
      schedule: String(p.schedule),
      tap: a.bottleneck.tap,
      reduce: a.bottleneck.reduce,
      scaleDir: a.scale_dir,
      ...dims,
      tensors,
    };
  });
  return { manifest: m, predictors };
}

/** Fetches manifest.json and weights.bin from `baseUrl` (ending in '/') and checks the SHA-256. */
export async function loadPredictors(
  baseUrl: string,
  signal?: AbortSignal,
): Promise<{ manifest: PredictorManifest; predictors: AmedPredictorWeights[] }> {
  const manifestUrl = new URL('manifest.json', baseUrl);
  const response = await fetch(manifestUrl, { signal });
  if (!response.ok) throw new Error(`Loading ${manifestUrl} failed: HTTP ${response.status}`);
  const json = await response.json();
  const weightsUrl = new URL(String(json?.weights ?? 'weights.bin'), manifestUrl);
  const bin = await fetch(weightsUrl, { signal });
  if (!bin.ok) throw new Error(`Loading ${weightsUrl} failed: HTTP ${bin.status}`);
  const weights = await bin.arrayBuffer();
  const hex = Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', weights)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
  if (hex !== json?.sha256)
    throw new Error(`${weightsUrl}: SHA-256 ${hex} does not match the manifest's ${json?.sha256}`);
  return predictorsFromFiles(json, weights, manifestUrl.href);
}

/** The trained predictor for this grid, or why there is none: it must be the AMED-Solver with AFS on the very σ
 *  grid it was trained on (float32-equal to the run's grid: the same time_uniform schedule, σ_max and σ_min). */
export function selectPredictor(
  predictors: AmedPredictorWeights[],
  sigmas: ArrayLike<number>,
  afs: boolean,
): AmedPredictorWeights | string {
  if (!afs) return 'the predictors were trained with AFS';
  const match = predictors.find(
    (p) => p.afs && p.variant === 'solver' && p.schedule === 'time_uniform' && p.sigmas.length === sigmas.length,
  );
  if (!match)
    return `no predictor for ${sigmas.length} timestamps (trained: NFE ${predictors.map((p) => p.nfe).join(', ')})`;
  const same = match.sigmas.every((s, i) => Math.abs(s - sigmas[i]) <= 1e-6 * s);
  return same ? match : `the run's σ grid differs from the one the NFE-${match.nfe} predictor was trained on`;
}
