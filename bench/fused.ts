/**
 * Page side of bench/fused.mjs: runs one (sampler, executor) configuration on gmm:ring8 when the driver asks, so the
 * driver can read the GPU process's CPU time around exactly that run. Dispatches are counted by wrapping the compute
 * pass encoder (bench only; the executors are not told).
 */
import { GpuContext } from '../src/gpu/context';
import { buildReferencePlan } from '../src/metrics/reference';
import { runPlanGpu } from '../src/sampling/run-gpu';
import { samplerById } from '../src/sampling/samplers';
import { DEFAULT_SCHEDULE_OPTIONS, karras } from '../src/sampling/schedules';
import { createGmmDenoiser } from '../src/worlds/gmm-gpu';
import { ring8 } from '../src/worlds/gmm-presets';

interface Config {
  sampler: string;
  steps: number;
  count: number;
  executor: 'fused' | 'per-instruction';
  trajectory: boolean;
}

let dispatches = 0;
const proto = GPUComputePassEncoder.prototype;
const dispatch = proto.dispatchWorkgroups;
proto.dispatchWorkgroups = function (this: GPUComputePassEncoder, ...args: Parameters<typeof dispatch>) {
  dispatches++;
  return dispatch.apply(this, args);
};

const context = GpuContext.create();
const denoiser = context.then((c) => createGmmDenoiser(c.resources, ring8()));
const lastSamples = new Map<string, Float32Array>();

async function run(config: Config) {
  const gpu = (await context).resources;
  const plan =
    config.sampler === 'rk4'
      ? buildReferencePlan(80, 0.002, config.steps)
      : samplerById(config.sampler)!.build(karras(config.steps, DEFAULT_SCHEDULE_OPTIONS), {
          eta: config.sampler === 'sde' ? 1 : 0,
        });
  const request = { plan, denoiser: await denoiser, count: config.count, seed: 7, trajectory: config.trajectory };
  dispatches = 0;
  const start = performance.now();
  const result = await runPlanGpu(gpu, { ...request, executor: config.executor });
  const wallMs = performance.now() - start;
  // The other executor's samples of the same run, when already seen: the two must agree bit for bit.
  const key = `${config.sampler}:${config.steps}:${config.count}:${config.trajectory}`;
  const other = lastSamples.get(key);
  let deviation = 0;
  if (other)
    for (let i = 0; i < other.length; i++) deviation = Math.max(deviation, Math.abs(other[i] - result.samples[i]));
  lastSamples.set(key, result.samples);
  return { wallMs, gpuMs: result.gpuMs, dispatches, deviation };
}

async function adapter() {
  const info = (await context).resources.adapter.info;
  return `${info.vendor} ${info.architecture} ${info.description}`.trim();
}

Object.assign(window, { benchFused: { run, adapter } });
