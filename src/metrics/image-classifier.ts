/**
 * A scoring classifier named by a world's manifest (`world.classifier`, a model folder holding a CNN of
 * tools/train/classifier.py): the judge of the page's image panels and of bench/quality. Its
 * manifest names its classes, native side and channels. Loaded lazily and once; one compiled network per device,
 * rebuilt after a device loss.
 */
import type { GpuResources } from '../gpu/context';
import { checkClassifierManifest, loadModel, type ClassifierManifest, type LoadedModel } from '../worlds/unet/manifest';
import type { LoadProgress } from '../worlds/types';
import { createClassifierNetwork, type ClassifierNetwork } from './classifier-network';

/** What the classifier reads and says, from its manifest. */
interface ClassifierFacts {
  /** Class names, index = label. */
  classes: readonly string[];
  /** The side the network reads, and its channels per pixel. */
  size: number;
  channels: number;
}

export interface ImageClassifier {
  /** Downloads the weights (once; later calls share the download), reporting bytes loaded and the total. */
  load(progress?: LoadProgress): Promise<ClassifierFacts>;
  network(gpu: GpuResources): Promise<ClassifierNetwork>;
}

/** The classifier in the model folder at `folderUrl` (ending in '/'). */
export function imageClassifier(folderUrl: string): ImageClassifier {
  let model: Promise<LoadedModel<ClassifierManifest>> | null = null;
  const networks = new WeakMap<GpuResources, Promise<ClassifierNetwork>>();
  const load = (progress: LoadProgress = {}) => {
    if (!model) {
      model = loadModel(folderUrl, progress, checkClassifierManifest);
      // A failed download (offline, aborted) is retried by the next call.
      model.catch(() => (model = null));
    }
    return model;
  };
  return {
    async load(progress) {
      const { manifest } = await load(progress);
      return { classes: manifest.class_names, size: manifest.image_size, channels: manifest.channels };
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
