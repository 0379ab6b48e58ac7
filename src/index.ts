/** Diffusion Sandbox public API: `createSandbox()` → denoise, sample and friends. Also `window.sandbox` on the page. */
import { Sandbox, type CreateSandboxOptions } from './api/sandbox';
import { GpuContext } from './gpu/context';
import { loadWorldIndex } from './worlds/world-index';

/** Starts WebGPU and reads the world index (`modelsUrl` + 'index.json'; default: the page's models/ folder, so a
 *  built dist/ works from any static path). Image worlds' weights load later, on first use. */
export async function createSandbox(options: CreateSandboxOptions & { modelsUrl?: string } = {}): Promise<Sandbox> {
  const url = new URL(
    'index.json',
    new URL(options.modelsUrl ?? `${import.meta.env.BASE_URL}models/`, document.baseURI),
  ).href;
  const [gpu, index] = await Promise.all([GpuContext.create(options), loadWorldIndex(url)]);
  return new Sandbox(gpu, { index, url });
}

export { Sandbox };
export type { CreateSandboxOptions, Metrics, SampleResult, SamplerMeta } from './api/sandbox';
export type { DenoiseOptions, SampleOptions } from './api/options';
export type { ClassifyOptions, ClassifyResult } from './api/classify';
export type { GmmSpec } from './worlds/gmm';
export type { ImageWorldInfo, LoadProgress, WorldInfo } from './worlds/types';
export { WebGpuUnavailableError, GpuError, DeviceLostError } from './gpu/errors';
