/**
 * The Fashion-MNIST worlds: our class-conditional UNet (tools/train/) as a denoiser, loaded lazily from
 * `<base>models/<id>/` (relative to the page, so a built dist/ works from any static path). Per device it keeps
 * one weight upload, one network per image size, and a few classifier-free-guidance wrappers.
 */
import type { GpuResources } from '../../gpu/context';
import { classifierFreeGuidance } from '../../guidance/cfg';
import { upsampleGuidance } from '../../guidance/upsample';
import type { GpuDenoiser } from '../../sampling/denoiser';
import type { DenoiserOptions, LoadProgress, World } from '../types';
import { createUnetDenoiser, type UnetDenoiser } from './denoiser';
import { compileGraph } from './graph';
import { uploadWeights, type GpuWeights } from './gpu-weights';
import { loadModel, type LoadedModel } from './manifest';

/** Fashion-MNIST's label names (Xiao, Rasul & Vollgraf 2017), index = label. */
export const FASHION_MNIST_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] as const;

/** The network runs at any multiple of 28; past 112 a single image no longer fits comfortably in memory. */
export const FMNIST_MAX_SIZE = 112;

/** Guidance wrappers kept per device (a CFG or UG slider creates one per value it visits). */
const MAX_GUIDED = 8;
const NATIVE_SIZE = 28;

interface DeviceState {
  weights: Promise<GpuWeights>;
  bySize: Map<number, Promise<UnetDenoiser>>;
  guided: Map<string, Promise<GpuDenoiser>>;
}

/** Which shipped Fashion-MNIST network a world runs: the 1-RF model, or its reflow (2-RF, tools/train/README.md). */
export interface FmnistModel {
  id: string;
  label: string;
  description: string;
  /** The model folder (manifest.json + weights.bin), resolved when the weights are first needed. */
  modelUrl: () => string;
}

export const FMNIST_MODELS: ReadonlyArray<Omit<FmnistModel, 'modelUrl'>> = [
  { id: 'fmnist', label: 'Fashion-MNIST', description: 'Clothing images, 28×28, from our class-conditional rectified-flow UNet running in WGSL' },
  {
    id: 'fmnist-2rf',
    label: 'Fashion-MNIST 2-RF',
    description: 'The same UNet reflowed once (Liu et al. 2023): fine-tuned on noise–image pairs of the 1-RF model, so one Euler step suffices',
  },
];

export function fmnistWorld({ id, label, description, modelUrl }: FmnistModel): World {
  let model: Promise<LoadedModel> | null = null;
  const devices = new WeakMap<GpuResources, DeviceState>();

  const load = (progress: LoadProgress = {}): Promise<LoadedModel> => {
    if (!model) {
      model = loadModel(modelUrl(), progress);
      // A failed download (offline, aborted) is retried by the next call.
      model.catch(() => (model = null));
    }
    return model;
  };

  const base = (gpu: GpuResources, state: DeviceState, size: number): Promise<UnetDenoiser> => {
    let d = state.bySize.get(size);
    if (!d) {
      // At the native size the bottleneck stays readable after a call: AMED's learned predictor taps it (io.tap).
      const keep = (loaded: LoadedModel) => (size === NATIVE_SIZE && loaded.manifest.architecture.taps?.bottleneck ? [loaded.manifest.architecture.taps.bottleneck] : []);
      d = Promise.all([load(), state.weights]).then(([loaded, weights]) => createUnetDenoiser(gpu, loaded, { size, keep: keep(loaded) }, weights));
      d.catch(() => state.bySize.delete(size));
      state.bySize.set(size, d);
    }
    return d;
  };

  return {
    id,
    label,
    kind: 'image',
    dim: 28 * 28,
    description,
    image: { size: 28, maxSize: FMNIST_MAX_SIZE, classes: FASHION_MNIST_CLASSES, nullClass: FASHION_MNIST_CLASSES.length },
    async load(progress) {
      await load(progress);
    },
    gpuDenoiser(gpu: GpuResources, options: DenoiserOptions = {}): Promise<GpuDenoiser> {
      const size = options.size ?? 28;
      const cfg = options.cfg ?? 1;
      let state = devices.get(gpu);
      if (!state) {
        // The packed weights do not depend on the image size: compile at 28 to know them.
        const weights = load().then((loaded) => uploadWeights(gpu.device, compileGraph(loaded.manifest, 28).steps, loaded.tensors));
        state = { weights, bySize: new Map(), guided: new Map() };
        weights.catch(() => devices.delete(gpu));
        devices.set(gpu, state);
      }
      const ug = size > NATIVE_SIZE ? options.upsampleGuidance : undefined;
      if (cfg === 1 && !ug) return base(gpu, state, size);
      const key = `${size}:${cfg}:${ug ? `${ug.weight}:${ug.eta}` : ''}`;
      let guided = state.guided.get(key);
      if (!guided) {
        const deviceState = state;
        // Upsample Guidance steers the m× network with the native one; m = 4 guides straight from 28 at σ/4 (not
        // in two stages through 56): only the native network was trained at its resolution, and a 56 stage would
        // itself be an unguided 2× output whose artefacts the second stage would then copy.
        const inner = ug
          ? Promise.all([base(gpu, deviceState, size), base(gpu, deviceState, NATIVE_SIZE)]).then(([high, low]) =>
              upsampleGuidance(gpu, high, low, size, { factor: size / NATIVE_SIZE, weight: ug.weight, eta: ug.eta }),
            )
          : base(gpu, deviceState, size);
        // CFG outside UG: each branch (conditional and null) is upsample-guided before the two are mixed.
        guided = cfg === 1 ? inner : inner.then((d) => classifierFreeGuidance(gpu, d, cfg));
        guided.catch(() => deviceState.guided.delete(key));
        state.guided.set(key, guided);
        // Dropped, not destroyed: a run in flight may still record with it (its few buffers go with the GC).
        if (state.guided.size > MAX_GUIDED) state.guided.delete(state.guided.keys().next().value!);
      }
      return guided;
    },
  };
}
