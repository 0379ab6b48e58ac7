/**
 * The denoiser contract every layer speaks: D(x; σ) in the EDM form (Karras et al. 2022, §2), one σ per sample.
 * Worlds implement it (mixtures, reflowed flows, networks); guidance methods wrap it (k-diffusion's `CFGDenoiser`
 * habit); executors and caches only ever see this interface.
 *
 * `key()` names the function the denoiser computes: two denoisers with equal keys give equal outputs for equal
 * inputs. It covers every option that changes the output (world, weights, image size, guidance settings), so a cache
 * keyed on it alone can never serve a result computed under other settings.
 */

/** A denoiser in float64: D(x; σ) with one σ per sample, x and out row-major count × dim. */
export interface CpuDenoiser {
  dim: number;
  denoise(x: Float64Array, sigma: Float64Array, out: Float64Array): void;
  /** An intermediate value of the last call (count × its per-sample size), for plans that tap the bottleneck. */
  activation?(name: string): Float64Array;
  key(): string;
}

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
  encode(
    pass: GPUComputePassEncoder,
    activation: GPUBufferBinding,
    firstSample: number,
    n: number,
    perSample: number,
  ): void;
}

/** A denoiser on one device: records its dispatches into the caller's compute pass. */
export interface GpuDenoiser {
  dim: number;
  encode(pass: GPUComputePassEncoder, io: DenoiseIO): void;
  /** A relative cost per sample of one evaluation, used to split long runs into short submissions. */
  costPerSample: number;
  key(): string;
  /** Present when D(x; σ) of one sample depends only on that sample's 2D point: the executor may then inline the
   *  denoiser into a whole-plan kernel (run-fused.ts). Wrappers that change D must not pass it on. */
  point?: PointForm;
}

/** A point world's denoiser as WGSL, for kernels that evaluate it inline. */
interface PointForm {
  /** Defines `fn denoise_point(point: vec2f, point_sigma: f32) -> vec2f` (the same function the world's
   *  standalone kernel calls) with its helpers and its data at @group(0); group 1 and names starting `fused_`
   *  are the fused kernel's. */
  wgsl: string;
  /** The group-0 entries that bind the world's data. */
  bindings: GPUBindGroupEntry[];
  /** Names the WGSL (pipeline label): equal keys, equal WGSL. The data is in `bindings`, so one key serves every
   *  mixture. */
  key: string;
}
