/** Diffusion Sandbox public API: `createSandbox()` → denoise, sample and friends. Also `window.sandbox` on the page. */
import { Sandbox, type CreateSandboxOptions } from './api/sandbox';
import { GpuContext } from './gpu/context';

export async function createSandbox(options: CreateSandboxOptions = {}): Promise<Sandbox> {
  return new Sandbox(await GpuContext.create(options));
}

export { Sandbox };
export type { CreateSandboxOptions, Metrics, SampleResult, SamplerMeta } from './api/sandbox';
export type { DenoiseOptions, SampleOptions } from './api/options';
export type { ClassifyOptions, ClassifyResult } from './api/classify';
export type { GmmSpec } from './worlds/gmm';
export type { ImageWorldInfo, LoadProgress, WorldInfo } from './worlds/types';
export { WebGpuUnavailableError, GpuError, DeviceLostError } from './gpu/errors';
