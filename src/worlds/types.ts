import type { CpuDenoiser, GpuDenoiser } from '../sampling/denoiser';
import type { GpuResources } from '../gpu/context';

/** What the metrics need from a world with an exact answer. */
export interface ExactWorld {
  /** Exact log-density of the target, in nats, for each row of x (count × dim). */
  logDensity(x: ArrayLike<number>, count: number): Float64Array;
  /** Exact samples of the target, seeded. */
  sampleTarget(count: number, seed: number): Float64Array;
  /** The exact denoiser in float64. */
  cpu: CpuDenoiser;
}

export interface WorldInfo {
  id: string;
  label: string;
  kind: '2d' | 'image';
  dim: number;
  description: string;
  /** Image worlds: native side, the largest side the API accepts (a multiple of it), and the class names. */
  image?: ImageWorldInfo;
}

export interface ImageWorldInfo {
  size: number;
  maxSize: number;
  /** Values per pixel: 1 (grey, when absent) or 3 (RGB); a sample is channels × side × side, channel-major. */
  channels?: number;
  /** Class names, index = label; the null (unconditional) class is `nullClass`. */
  classes: readonly string[];
  nullClass: number;
  /** The classifier that judges this world's samples (a model folder); none when null or absent. */
  classifier?: string | null;
  /** The reflow family (its 1-RF world's id) and this world's level k of k-RF. */
  reflow?: { family: string; level: number };
  /** The classifier-free guidance scale runs start from on this world (absent: 1, the conditional model). */
  defaultCfg?: number;
}

/** What an image world's model offers beyond its denoiser: its manifest and the folders it names. */
interface ImageModelSource {
  /** The UNet manifest (fetched once; the weights are not). */
  manifest(): Promise<import('./unet/manifest').Manifest>;
  /** The URL of a model folder the manifest names (classifier, predictors), beside the world's own. */
  folderUrl(folder: string): string;
  /** The learned AMED predictors and the NFEs they cover, or null. */
  amedPredictors: { folder: string; nfe: readonly number[] } | null;
}

export interface LoadProgress {
  /** Bytes received so far and the total, while weights download. */
  onProgress?: (loaded: number, total: number) => void;
  signal?: AbortSignal;
}

/** Per-run options of a world's network (image worlds). */
export interface NetworkOptions {
  skipTuning?: import('./unet/skip-tuning').SkipTuning;
}

export interface World extends WorldInfo {
  /** The mixture, for 2D worlds (the page draws its density). */
  spec?: import('./gmm').GmmSpec;
  exact?: ExactWorld;
  /** The world's own denoiser on a device (built once, then cached), at an image side for image worlds (default: the
   *  native one). Guidance wraps it above this layer (src/guidance/compose.ts). Image worlds also take Skip-Tuning's
   *  ρ (unet/skip-tuning.ts); other worlds have no skips and ignore it. */
  gpuDenoiser(gpu: GpuResources, size?: number, options?: NetworkOptions): Promise<GpuDenoiser>;
  /** Image worlds: the model behind them. */
  model?: ImageModelSource;
  /** Worlds with downloaded weights: fetches them (once; later calls share the download). */
  load?(progress?: LoadProgress): Promise<void>;
}
