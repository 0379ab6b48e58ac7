/**
 * An image world from its index entry and manifest (public/models/index.json, <folder>/manifest.json): our
 * class-conditional UNet (tools/train/) as the world's own denoiser at any multiple of its native side. The manifest
 * and weights load lazily, relative to the index (so a built dist/ works from any static path); the manifest must
 * agree with the entry the picker listed. Per device it keeps one weight upload and one network per image side and
 * Skip-Tuning ρ, cached on the network's key (weights SHA-256 + side + ρ). Guidance is not this layer's business:
 * src/guidance/compose.ts wraps these denoisers.
 */
import type { GpuResources } from '../../gpu/context';
import type { ImageWorldInfo, LoadProgress, NetworkOptions, World } from '../types';
import type { WorldIndexEntry } from '../world-index';
import { createUnetDenoiser, unetKey, type UnetDenoiser } from './denoiser';
import { compileGraph } from './graph';
import { uploadWeights, type GpuWeights } from './gpu-weights';
import { checkManifest, loadModel, type LoadedModel, type Manifest } from './manifest';

/** Skip-tuned networks kept per device, besides the untuned ones. */
const MAX_TUNED = 4;

interface DeviceState {
  weights: Promise<GpuWeights>;
  /** Networks by key (unetKey). */
  networks: Map<string, Promise<UnetDenoiser>>;
}

/** The picker's facts of an index entry. */
function imageWorldInfo(entry: WorldIndexEntry): ImageWorldInfo {
  return {
    size: entry.size,
    maxSize: entry.max_size,
    channels: entry.channels,
    classes: entry.classes,
    nullClass: entry.null_class,
    classifier: entry.classifier,
    reflow: entry.reflow,
    ...(entry.default_cfg !== undefined ? { defaultCfg: entry.default_cfg } : {}),
  };
}

/** Throws naming the first fact where the manifest contradicts the index entry the page listed. */
export function checkAgainstEntry(manifest: Manifest, entry: WorldIndexEntry, where: string): void {
  const w = manifest.world;
  const facts: Array<[string, unknown, unknown]> = [
    ['world.id', w?.id, entry.id],
    ['channels', manifest.channels, entry.channels],
    ['image_size', manifest.image_size, entry.size],
    ['null_class', manifest.null_class, entry.null_class],
    ['world.class_names', JSON.stringify(w?.class_names), JSON.stringify(entry.classes)],
  ];
  for (const [field, got, listed] of facts) {
    if (got !== listed) {
      throw new Error(`${where}: ${field} is ${String(got)}, the world index lists ${String(listed)}`);
    }
  }
}

/** `folderUrl(folder)` resolves a model folder named by the index (ending in '/'). */
export function imageWorld(entry: WorldIndexEntry, folderUrl: (folder: string) => string): World {
  const info = imageWorldInfo(entry);
  const where = () => new URL('manifest.json', folderUrl(entry.folder)).href;
  let manifest: Promise<Manifest> | null = null;
  let model: Promise<LoadedModel> | null = null;
  const devices = new WeakMap<GpuResources, DeviceState>();

  const checked = (json: unknown, at: string): Manifest => {
    const m = checkManifest(json, at);
    checkAgainstEntry(m, entry, at);
    return m;
  };
  const load = (progress: LoadProgress = {}): Promise<LoadedModel> => {
    if (!model) {
      model = loadModel(folderUrl(entry.folder), progress, checked);
      // A failed download (offline, aborted) is retried by the next call.
      model.catch(() => (model = null));
    }
    return model;
  };
  const readManifest = (): Promise<Manifest> => {
    if (!manifest) {
      manifest = model
        ? model.then((m) => m.manifest)
        : fetch(where()).then(async (r) => {
            if (!r.ok) throw new Error(`Loading ${where()} failed: HTTP ${r.status}`);
            return checked(await r.json(), where());
          });
      manifest.catch(() => (manifest = null));
    }
    return manifest;
  };

  const network = async (
    gpu: GpuResources,
    state: DeviceState,
    size: number,
    options: NetworkOptions,
  ): Promise<UnetDenoiser> => {
    const loaded = await load();
    const { skipTuning } = options;
    const key = unetKey(loaded.manifest.sha256, size, skipTuning);
    let d = state.networks.get(key);
    if (!d) {
      // At the native size the bottleneck stays readable after a call: AMED's learned predictor taps it (io.tap).
      const tap = loaded.manifest.architecture.taps?.bottleneck;
      const keep = size === entry.size && tap ? [tap] : [];
      d = state.weights.then((weights) => createUnetDenoiser(gpu, loaded, { size, keep, skipTuning }, weights));
      // Each ρ a slider visits compiles its own network (its activations too): keep the few most recent tuned ones.
      // Dropped, not destroyed: a run in flight may still record with it.
      const tuned = [...state.networks.keys()].filter((k) => k.includes(':skip('));
      if (key.includes(':skip(') && tuned.length >= MAX_TUNED) state.networks.delete(tuned[0]);
      d.catch(() => state.networks.delete(key));
      state.networks.set(key, d);
    }
    return d;
  };

  return {
    id: entry.id,
    label: entry.label,
    kind: 'image',
    dim: entry.channels * entry.size * entry.size,
    description: entry.description,
    image: info,
    model: { manifest: readManifest, folderUrl, amedPredictors: entry.amed_predictors },
    async load(progress) {
      await load(progress);
    },
    gpuDenoiser(gpu: GpuResources, size = entry.size, options: NetworkOptions = {}) {
      let state = devices.get(gpu);
      if (!state) {
        // The packed weights do not depend on the image side: compile at the native one to know them.
        const weights = load().then((loaded) =>
          uploadWeights(gpu.device, compileGraph(loaded.manifest, entry.size).steps, loaded.tensors),
        );
        state = { weights, networks: new Map() };
        weights.catch(() => devices.delete(gpu));
        devices.set(gpu, state);
      }
      return network(gpu, state, size, options);
    },
  };
}
