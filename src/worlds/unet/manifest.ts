/**
 * The model format written by tools/train/export.py ("diffusion-sandbox-weights" v1): manifest.json names every
 * float32 tensor of weights.bin (PyTorch layouts, 16-byte aligned offsets) and describes the network as a flat op
 * list (architecture.graph, semantics in tools/train/unet_graph.py). This file types it, checks it, and loads it
 * with a progress callback. Two kinds ship: the UNet denoiser (checkManifest) and the scoring CNN
 * (checkClassifierManifest); both share the format checks. Images are C × side × side per sample (NCHW, channel-major,
 * as PyTorch holds them). A UNet manifest that is a world says so in its `world` section (tools/train/world_index.py
 * copies it into public/models/index.json).
 */

interface TensorEntry {
  name: string;
  shape: number[];
  /** Byte offset in weights.bin (a multiple of 16). */
  offset: number;
  /** float32 elements. */
  length: number;
  layout: 'OIHW' | 'OI' | 'O' | 'C' | 'NC';
}

interface OpBase {
  output: string;
  block?: string;
  note?: string;
}

export type GraphOp = OpBase &
  (
    | { op: 'time_features'; input: string; dim: number; scale: number; max_period: number; order: 'cos_then_sin' }
    | { op: 'linear'; input: string; weight: string; bias: string; fin: number; fout: number }
    | { op: 'silu'; input: string }
    | { op: 'embedding'; input: string; weight: string; rows: number }
    | { op: 'add'; input?: undefined; inputs: [string, string] }
    | { op: 'add_channel_bias'; input: string; vector: string }
    | {
        op: 'conv2d';
        input: string;
        weight: string;
        bias: string;
        cin: number;
        cout: number;
        k: number;
        stride: number;
        pad: number;
      }
    | { op: 'group_norm'; input: string; weight: string; bias: string; groups: number; eps: number; channels: number }
    | { op: 'avg_pool2d'; input: string; k: number }
    | { op: 'upsample_nearest2x'; input: string }
    | { op: 'concat_channels'; input?: undefined; inputs: [string, string] }
    | { op: 'relu'; input: string }
    | { op: 'max_pool2d'; input: string; k: number }
    | { op: 'flatten'; input: string; order: string }
  );

/** What every model of the format has: the weights file, the input image and the op graph. */
export interface WeightsManifest {
  format: 'diffusion-sandbox-weights';
  version: 1;
  name: string;
  weights: string;
  byte_length: number;
  sha256: string;
  image_size: number;
  channels: number;
  num_classes: number;
  architecture: {
    type: string;
    config: Record<string, unknown>;
    inputs: Array<{ name: string }>;
    outputs: Array<{ name: string }>;
    graph: GraphOp[];
    taps?: Record<string, string>;
  };
  tensors: TensorEntry[];
  training?: Record<string, unknown>;
}

/** What a UNet manifest says about the world it draws (the index entry repeats it for the picker). */
interface WorldSection {
  id: string;
  label: string;
  description: string;
  class_names: string[];
  max_size: number;
  /** A model folder beside this one holding the scoring classifier, or null. */
  classifier: string | null;
  /** A folder of learned AMED predictors (Zhou et al. 2024 §3.2) and the NFEs it covers, or null. */
  amed_predictors: { folder: string; nfe: number[] } | null;
  /** The reflow family (its 1-RF world's id) and this model's level k of k-RF (Liu et al. 2023). */
  reflow: { family: string; level: number };
}

/** The UNet denoiser. */
export interface Manifest extends WeightsManifest {
  null_class: number;
  parameterisation: { type: string };
  evaluation?: unknown[];
  world?: WorldSection;
}

/** The scoring CNN; class_names index = label. */
export interface ClassifierManifest extends WeightsManifest {
  class_names: string[];
}

/** Channels per pixel the runtime draws and scores: grey or RGB. */
export const IMAGE_CHANNELS = [1, 3] as const;

export interface LoadedModel<M extends WeightsManifest = Manifest> {
  manifest: M;
  /** Every tensor as a view into the loaded weights.bin. */
  tensors: Map<string, Float32Array>;
}

type Fail = (field: string, expected: string) => never;

const failIn =
  (where: string): Fail =>
  (field, expected) => {
    throw new Error(`${where}: ${field} must be ${expected}`);
  };

/** Throws a message naming the first field that does not match the UNet format this runtime reads. */
export function checkManifest(json: unknown, where = 'manifest.json'): Manifest {
  const fail = failIn(where);
  const m = checkWeightsFormat(json, fail) as Manifest;
  if (m.parameterisation?.type !== 'rf-v')
    fail('parameterisation.type', '"rf-v" (v-prediction in rectified-flow time)');
  if (!Number.isInteger(m.null_class) || m.null_class < 0) fail('null_class', 'a non-negative integer');
  return m;
}

/** The same for the scoring CNN: it must name the two outputs the page reads, logits and the features before them,
 *  and its classes. */
export function checkClassifierManifest(json: unknown, where = 'manifest.json'): ClassifierManifest {
  const fail = failIn(where);
  const m = checkWeightsFormat(json, fail) as ClassifierManifest;
  if (m.architecture.type !== 'cnn-classifier') fail('architecture.type', '"cnn-classifier"');
  if (!Number.isInteger(m.num_classes) || m.num_classes < 2) fail('num_classes', 'an integer ≥ 2');
  const outputs = (m.architecture.outputs ?? []).map((o) => o.name);
  if (outputs[0] !== 'logits' || !outputs.includes('features')) fail('architecture.outputs', '[logits, features]');
  if (
    !Array.isArray(m.class_names) ||
    m.class_names.length !== m.num_classes ||
    !m.class_names.every((c) => typeof c === 'string')
  ) {
    fail('class_names', `num_classes (${m.num_classes}) strings`);
  }
  return m;
}

function checkWeightsFormat(json: unknown, fail: Fail): WeightsManifest {
  const m = json as WeightsManifest;
  if (!m || typeof m !== 'object') fail('the document', 'a JSON object');
  if (m.format !== 'diffusion-sandbox-weights') fail('format', '"diffusion-sandbox-weights"');
  if (m.version !== 1) fail('version', '1');
  if (!(IMAGE_CHANNELS as readonly number[]).includes(m.channels)) fail('channels', IMAGE_CHANNELS.join(' or '));
  if (!Number.isInteger(m.image_size) || m.image_size < 4) fail('image_size', 'an integer ≥ 4');
  if (!Array.isArray(m.architecture?.graph) || m.architecture.graph.length === 0)
    fail('architecture.graph', 'a non-empty op list');
  if (!Array.isArray(m.tensors)) fail('tensors', 'an array');
  for (const [k, t] of m.tensors.entries()) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (t.length !== count) fail(`tensors[${k}] (${t.name}).length`, `the product of its shape (${count})`);
    if (t.offset % 4 !== 0 || t.offset + 4 * t.length > m.byte_length)
      fail(`tensors[${k}] (${t.name}).offset`, `4-aligned and inside byte_length ${m.byte_length}`);
  }
  return m;
}

/** Views every tensor of a weights.bin that has been checked against the manifest. */
export function tensorViews(manifest: WeightsManifest, weights: ArrayBuffer): Map<string, Float32Array> {
  if (weights.byteLength !== manifest.byte_length) {
    throw new Error(
      `${manifest.weights}: expected ${manifest.byte_length} bytes (manifest byte_length), got ${weights.byteLength}`,
    );
  }
  return new Map(manifest.tensors.map((t) => [t.name, new Float32Array(weights, t.offset, t.length)]));
}

export interface LoadOptions {
  /** Bytes received so far and the total, while weights.bin downloads. */
  onProgress?: (loaded: number, total: number) => void;
  signal?: AbortSignal;
}

/** Fetches manifest.json, then weights.bin with progress, and checks length and SHA-256. `baseUrl` ends with '/'.
 *  `check` is the manifest check of the model kind expected (the UNet's by default). */
export async function loadModel<M extends WeightsManifest>(
  baseUrl: string,
  options: LoadOptions,
  check: (json: unknown, where: string) => M,
): Promise<LoadedModel<M>>;
export async function loadModel(baseUrl: string, options?: LoadOptions): Promise<LoadedModel>;
export async function loadModel(
  baseUrl: string,
  options: LoadOptions = {},
  check: (json: unknown, where: string) => WeightsManifest = checkManifest,
): Promise<LoadedModel<WeightsManifest>> {
  const manifestUrl = new URL('manifest.json', baseUrl);
  const response = await fetch(manifestUrl, { signal: options.signal });
  if (!response.ok) throw new Error(`Loading ${manifestUrl} failed: HTTP ${response.status}`);
  const manifest = check(await response.json(), manifestUrl.href);
  const weightsUrl = new URL(manifest.weights, manifestUrl);
  const weights = await fetchWithProgress(weightsUrl, manifest.byte_length, options);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', weights));
  const hex = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
  if (hex !== manifest.sha256)
    throw new Error(`${weightsUrl}: SHA-256 ${hex} does not match the manifest's ${manifest.sha256}`);
  return { manifest, tensors: tensorViews(manifest, weights) };
}

async function fetchWithProgress(url: URL, total: number, { onProgress, signal }: LoadOptions): Promise<ArrayBuffer> {
  const response = await fetch(url, { signal });
  if (!response.ok || !response.body) throw new Error(`Loading ${url} failed: HTTP ${response.status}`);
  const bytes = new Uint8Array(total);
  const reader = response.body.getReader();
  let loaded = 0;
  onProgress?.(0, total);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (loaded + value.length > total) throw new Error(`${url}: longer than the manifest's byte_length ${total}`);
    bytes.set(value, loaded);
    loaded += value.length;
    onProgress?.(loaded, total);
  }
  if (loaded !== total) throw new Error(`${url}: expected ${total} bytes (manifest byte_length), got ${loaded}`);
  return bytes.buffer;
}
