import type { CpuDenoiser } from '../sampling/run-cpu';
import type { GpuResources } from '../gpu/context';

/** Buffers of one denoiser call: D(x; σ) for `count` samples, one σ per sample. */
export interface DenoiseIO {
  x: GPUBufferBinding;
  sigma: GPUBufferBinding;
  out: GPUBufferBinding;
  count: number;
  /** Class label per sample (u32), for class-conditional worlds; absent means the null class (unconditional). */
  labels?: GPUBufferBinding;
  /** The σ shared by every sample, when the caller knows it on the host (a sampler step); wrappers such as
   *  Upsample Guidance use it to skip work outside their σ window. Absent when σ varies per sample. */
  sigmaHost?: number;
  /** Hands an intermediate activation of this very evaluation to the caller (AMED's predictor reads the bottleneck
   *  of the call the step makes anyway). Only denoisers that keep the value support it; others throw. */
  tap?: ActivationTap;
}

/** A reader of one kept network value, called once per chunk right after that chunk's network run. */
export interface ActivationTap {
  /** The manifest value name ('mid.out'). */
  value: string;
  /** Records the reading of `activation`: the chunk's n samples (sample-major, `perSample` floats each), which are
   *  samples firstSample … firstSample + n − 1 of the call. */
  encode(pass: GPUComputePassEncoder, activation: GPUBufferBinding, firstSample: number, n: number, perSample: number): void;
}

/** A world's denoiser on one device: records its dispatches into the caller's compute pass. */
export interface GpuDenoiser {
  dim: number;
  encode(pass: GPUComputePassEncoder, io: DenoiseIO): void;
  /** A relative cost per sample of one evaluation, used to split long runs into short submissions. */
  costPerSample: number;
}

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
