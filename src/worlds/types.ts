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
  /** Class names, index = label; the null (unconditional) class is `nullClass`. */
  classes: readonly string[];
  nullClass: number;
}

/** Per-run choices a denoiser depends on (image worlds): image side and classifier-free guidance scale. */
export interface DenoiserOptions {
  size?: number;
  cfg?: number;
  /** Upsample Guidance above the native size (Hwang et al. 2024): weight w and the guided fraction η. */
  upsampleGuidance?: { weight: number; eta: number };
}

export interface LoadProgress {
  /** Bytes received so far and the total, while weights download. */
  onProgress?: (loaded: number, total: number) => void;
  signal?: AbortSignal;
}

export interface World extends WorldInfo {
  /** The mixture, for 2D worlds (the page draws its density). */
  spec?: import("./gmm").GmmSpec;
  exact?: ExactWorld;
  /** Builds (or returns the cached) GPU denoiser for a device. */
  gpuDenoiser(gpu: GpuResources, options?: DenoiserOptions): Promise<GpuDenoiser>;
  /** Worlds with downloaded weights: fetches them (once; later calls share the download). */
  load?(progress?: LoadProgress): Promise<void>;
}
