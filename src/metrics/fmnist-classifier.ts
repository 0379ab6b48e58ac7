/**
 * The shipped Fashion-MNIST classifier (public/models/fmnist-classifier/, tools/train/classifier.py: test accuracy
 * 0.924), the judge of the page's image panels and of bench/quality. Loaded lazily and once, relative to the page
 * (a built dist/ works from any static path); one compiled network per device, rebuilt after a device loss.
 */
import type { GpuResources } from '../gpu/context';
import { checkClassifierManifest, loadModel, type LoadedModel, type WeightsManifest } from '../worlds/unet/manifest';
import { FASHION_MNIST_CLASSES } from '../worlds/unet/fmnist-world';
import type { LoadProgress } from '../worlds/types';
import { createClassifierNetwork, type ClassifierNetwork } from './classifier-network';

export interface ImageClassifier {
  /** Class names, index = label. */
  classes: readonly string[];
  /** The side the network reads. */
  size: number;
  /** Downloads the weights (once; later calls share the download), reporting bytes loaded and the total. */
  load(progress?: LoadProgress): Promise<void>;
  network(gpu: GpuResources): Promise<ClassifierNetwork>;
}

const defaultUrl = () => new URL(`${import.meta.env.BASE_URL}models/fmnist-classifier/`, document.baseURI).href;

export function fmnistClassifier(modelUrl: () => string = defaultUrl): ImageClassifier {
  let model: Promise<LoadedModel<WeightsManifest>> | null = null;
  const networks = new WeakMap<GpuResources, Promise<ClassifierNetwork>>();
  const load = (progress: LoadProgress = {}) => {
    if (!model) {
      model = loadModel(modelUrl(), progress, checkClassifierManifest);
      // A failed download (offline, aborted) is retried by the next call.
      model.catch(() => (model = null));
    }
    return model;
  };
  return {
    classes: FASHION_MNIST_CLASSES,
    size: 28,
    async load(progress) {
      await load(progress);
    },
    network(gpu) {
      let network = networks.get(gpu);
      if (!network) {
        network = load().then((m) => createClassifierNetwork(gpu, m));
        network.catch(() => networks.delete(gpu));
        networks.set(gpu, network);
      }
      return network;
    },
  };
}
