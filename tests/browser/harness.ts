/** Test-only page: exposes engine modules to puppeteer's page.evaluate. Not part of the built app. */
import { createSandbox } from '../../src/index';
import { GpuContext } from '../../src/gpu/context';
import { withErrorScopes } from '../../src/gpu/error-scope';
import { SHADERS } from '../../src/gpu/shaders';
import { runPlanGpu } from '../../src/sampling/run-gpu';
import { SAMPLERS, samplerById } from '../../src/sampling/samplers';
import { scheduleById } from '../../src/sampling/schedules';
import { buildReferencePlan } from '../../src/metrics/reference';
import { createGmmDenoiser } from '../../src/worlds/gmm-gpu';
import { readBuffers } from '../../src/gpu/readback';
import { createPairFlowDenoiser } from '../../src/worlds/pair-flow';
import { denoiseGpu } from '../../src/sampling/denoise-gpu';
import { composeGrid } from '../../src/export/grid';

const gpuErrors: string[] = [];
const harness = {
  createSandbox: async (...args: Parameters<typeof createSandbox>) => {
    const sandbox = await createSandbox(...args);
    sandbox.gpu.addEventListener('gpuerror', (e) => gpuErrors.push(String((e as CustomEvent).detail)));
    return sandbox;
  },
  GpuContext,
  withErrorScopes,
  SHADERS,
  runPlanGpu,
  SAMPLERS,
  samplerById,
  scheduleById,
  buildReferencePlan,
  createGmmDenoiser,
  readBuffers,
  createPairFlowDenoiser,
  denoiseGpu,
  composeGrid,
  gpuErrors,
};
(window as unknown as { harness: typeof harness }).harness = harness;
export type Harness = typeof harness;
document.title = 'ready';
