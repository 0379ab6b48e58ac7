/**
 * The model format written by tools/train/export.py ("diffusion-sandbox-weights" v1): manifest.json names every
 * float32 tensor of weights.bin (PyTorch layouts, 16-byte aligned offsets) and describes the network as a flat op
 * list (architecture.graph, semantics in tools/train/unet_graph.py). This file types it, checks it, and loads it
 * with a progress callback.
 */

export interface TensorEntry {
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
    | { op: 'conv2d'; input: string; weight: string; bias: string; cin: number; cout: number; k: number; stride: number; pad: number }
    | { op: 'group_norm'; input: string; weight: string; bias: string; groups: number; eps: number; channels: number }
    | { op: 'avg_pool2d'; input: string; k: number }
    | { op: 'upsample_nearest2x'; input: string }
    | { op: 'concat_channels'; input?: undefined; inputs: [string, string] }
  );

export interface Manifest {
  format: 'diffusion-sandbox-weights';
  version: 1;
  name: string;
  weights: string;
  byte_length: number;
  sha256: string;
  image_size: number;
  channels: number;
  num_classes: number;
  null_class: number;
  architecture: {
    type: string;
    config: Record<string, unknown>;
    inputs: Array<{ name: string }>;
    outputs: Array<{ name: string }>;
    graph: GraphOp[];
    taps?: Record<string, string>;
  };
  parameterisation: { type: string };
  tensors: TensorEntry[];
  training?: Record<string, unknown>;
  evaluation?: unknown[];
}

export interface LoadedModel {
  manifest: Manifest;
  /** Every tensor as a view into the loaded weights.bin. */
  tensors: Map<string, Float32Array>;
}

/** Throws a message naming the first field that does not match the format this runtime reads. */
export function checkManifest(json: unknown, where = 'manifest.json'): Manifest {
  const m = json as Manifest;
  const fail = (field: string, expected: string) => {
    throw new Error(`${where}: ${field} must be ${expected}`);
  };
  if (!m || typeof m !== 'object') fail('the document', 'a JSON object');
  if (m.format !== 'diffusion-sandbox-weights') fail('format', '"diffusion-sandbox-weights"');
  if (m.version !== 1) fail('version', '1');
  if (m.parameterisation?.type !== 'rf-v') fail('parameterisation.type', '"rf-v" (v-prediction in rectified-flow time)');
  if (m.channels !== 1) fail('channels', '1');
  if (!Number.isInteger(m.image_size) || m.image_size < 4) fail('image_size', 'an integer ≥ 4');
  if (!Number.isInteger(m.null_class) || m.null_class < 0) fail('null_class', 'a non-negative integer');
  if (!Array.isArray(m.architecture?.graph) || m.architecture.graph.length === 0) fail('architecture.graph', 'a non-empty op list');
  if (!Array.isArray(m.tensors)) fail('tensors', 'an array');
  for (const [k, t] of m.tensors.entries()) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (t.length !== count) fail(`tensors[${k}] (${t.name}).length`, `the product of its shape (${count})`);
    if (t.offset % 4 !== 0 || t.offset + 4 * t.length > m.byte_length) fail(`tensors[${k}] (${t.name}).offset`, `4-aligned and inside byte_length ${m.byte_length}`);
  }
  return m;
}

/** Views every tensor of a weights.bin that has been checked against the manifest. */
export function tensorViews(manifest: Manifest, weights: ArrayBuffer): Map<string, Float32Array> {
  if (weights.byteLength !== manifest.byte_length) {
    throw new Error(`${manifest.weights}: expected ${manifest.byte_length} bytes (manifest byte_length), got ${weights.byteLength}`);
  }
  return new Map(manifest.tensors.map((t) => [t.name, new Float32Array(weights, t.offset, t.length)]));
}

export interface LoadOptions {
  /** Bytes received so far and the total, while weights.bin downloads. */
  onProgress?: (loaded: number, total: number) => void;
  signal?: AbortSignal;
}

/** Fetches manifest.json, then weights.bin with progress, and checks length and SHA-256. `baseUrl` ends with '/'. */
export async function loadModel(baseUrl: string, options: LoadOptions = {}): Promise<LoadedModel> {
  const manifestUrl = new URL('manifest.json', baseUrl);
  const response = await fetch(manifestUrl, { signal: options.signal });
  if (!response.ok) throw new Error(`Loading ${manifestUrl} failed: HTTP ${response.status}`);
  const manifest = checkManifest(await response.json(), manifestUrl.href);
  const weightsUrl = new URL(manifest.weights, manifestUrl);
  const weights = await fetchWithProgress(weightsUrl, manifest.byte_length, options);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', weights));
  const hex = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
  if (hex !== manifest.sha256) throw new Error(`${weightsUrl}: SHA-256 ${hex} does not match the manifest's ${manifest.sha256}`);
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
