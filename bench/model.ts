/**
 * Page side of `npm run bench:model` (bench/model.mjs): one network evaluation (NFE) of the Fashion-MNIST UNet at
 * 28×28 per call, for the configuration the driver names, so it can read the CPU time of Chromium's processes
 * around exactly that call:
 *  - our WGSL network (src/worlds/unet/) as the engine calls it (GpuDenoiser.encode, buffers resident);
 *  - the same network at an earlier commit (bench/.before/, unpacked by the driver; on its own device, since the
 *    pipeline cache keys kernels by name), to compare kernels before and after;
 *  - onnxruntime-web on the model's ONNX export (bench/models/fmnist-unet.onnx), WebGPU and WASM backends;
 *  - the adapter's FMA ceiling (bench/fma-ceiling.ts).
 * It also reports how closely the engines agree on D(x; σ).
 */
import * as ortCpu from 'onnxruntime-web';
// The 'all' build: its WebGPU backend places the export's few float64 time-feature ops on its CPU kernels, which
// the 'webgpu' (JSEP) build of 1.30 lacks ("Could not find an implementation for Cast(13)").
import * as ortAll from 'onnxruntime-web/all';
import { GpuContext, type GpuResources } from '../src/gpu/context';
import { readBuffers } from '../src/gpu/readback';
import type { GpuDenoiser } from '../src/sampling/denoiser';
import { createUnetDenoiser } from '../src/worlds/unet/denoiser';
import { loadModel, type LoadedModel } from '../src/worlds/unet/manifest';
import { fmaCeiling } from './fma-ceiling';

const SIZE = 28;

interface Inputs {
  x: Float32Array;
  sigma: Float32Array;
  labels: Uint32Array;
}

function inputs(batch: number): Inputs {
  let state = 12345;
  const u = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  const sigma = Float32Array.from({ length: batch }, () => 0.002 * (80 / 0.002) ** u());
  const x = Float32Array.from(
    { length: batch * SIZE * SIZE },
    (_, i) => (2 * u() - 1) * (1 + sigma[Math.floor(i / (SIZE * SIZE))]),
  );
  return { x, sigma, labels: Uint32Array.from({ length: batch }, (_, i) => i % 11) };
}

/** One call of a configuration; returns D of that call. */
type Runner = () => Promise<ArrayLike<number>>;

/** A WGSL denoiser on resident buffers: each call records one evaluation, submits and waits. */
function wgslRunner(gpu: GpuResources, unet: GpuDenoiser, input: Inputs): Runner {
  const { device } = gpu;
  const batch = input.sigma.length;
  const buffer = (data: Float32Array | Uint32Array) => {
    const b = device.createBuffer({
      size: data.byteLength,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC,
    });
    device.queue.writeBuffer(b, 0, data as Float32Array<ArrayBuffer>);
    return b;
  };
  const out = buffer(new Float32Array(input.x.length));
  const io = {
    x: { buffer: buffer(input.x) },
    sigma: { buffer: buffer(input.sigma) },
    labels: { buffer: buffer(input.labels) },
    out: { buffer: out },
    count: batch,
  };
  let last: ArrayLike<number> | null = null;
  return async () => {
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    unet.encode(pass, io);
    pass.end();
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
    // Read D back once (outside the measured calls after the first).
    if (!last) [last] = await readBuffers(device, gpu.pool, [{ buffer: out, bytes: input.x.byteLength }]);
    return last;
  };
}

/** onnxruntime-web on the ONNX export (inputs z, t, label → v); D = z − t·v in float64. */
function onnxRunner(ort: typeof ortCpu, session: ortCpu.InferenceSession, input: Inputs): Runner {
  const batch = input.sigma.length;
  const t = Float32Array.from(input.sigma, (s) => s / (1 + s));
  const z = Float32Array.from(input.x, (v, i) => v / (1 + input.sigma[Math.floor(i / (SIZE * SIZE))]));
  const feeds = {
    z: new ort.Tensor('float32', z, [batch, 1, SIZE, SIZE]),
    t: new ort.Tensor('float32', t, [batch]),
    label: new ort.Tensor(
      'int64',
      BigInt64Array.from(input.labels, (l) => BigInt(l)),
      [batch],
    ),
  };
  return async () => {
    const result = await session.run(feeds);
    const v = (await result.v.getData()) as Float32Array;
    return Float64Array.from(z, (zi, i) => zi - t[Math.floor(i / (SIZE * SIZE))] * v[i]);
  };
}

/** The denoiser factory of the earlier commit, if the driver unpacked one. */
async function beforeDenoiser(model: LoadedModel): Promise<{ gpu: GpuResources; unet: GpuDenoiser } | null> {
  const root = '/bench/.before/src';
  try {
    const [{ GpuContext: BeforeContext }, { createUnetDenoiser: createBefore }] = await Promise.all([
      import(/* @vite-ignore */ `${root}/gpu/context.ts`),
      import(/* @vite-ignore */ `${root}/worlds/unet/denoiser.ts`),
    ]);
    const gpu = (await BeforeContext.create()).resources as GpuResources;
    return { gpu, unet: await createBefore(gpu, model, { size: SIZE }) };
  } catch (e) {
    console.warn(`no earlier network to compare (${String(e)})`);
    return null;
  }
}

async function setup(batches: { wgsl: number[]; onnxWebGpu: number[]; onnxWasm: number[] }) {
  const gpu = (await GpuContext.create()).resources;
  const model = await loadModel(new URL('/models/fmnist/', location.href).href);
  const unet = await createUnetDenoiser(gpu, model, { size: SIZE });
  const before = await beforeDenoiser(model);
  const onnxBytes = new Uint8Array(await (await fetch('/bench/models/fmnist-unet.onnx')).arrayBuffer());
  for (const ort of [ortCpu, ortAll]) {
    ort.env.wasm.wasmPaths = '/node_modules/onnxruntime-web/dist/';
    // No cross-origin isolation on this page, so no SharedArrayBuffer threads: one thread, as a user would get.
    ort.env.wasm.numThreads = 1;
    ort.env.logLevel = 'error';
  }
  const webgpuSession = await ortAll.InferenceSession.create(onnxBytes, {
    executionProviders: ['webgpu'],
    logSeverityLevel: 3,
  });
  const wasmSession = await ortCpu.InferenceSession.create(onnxBytes, {
    executionProviders: ['wasm'],
    logSeverityLevel: 3,
  });
  const runners = new Map<string, Runner>();
  const configs: Array<{ id: string; engine: string; batch: number; flops: number }> = [];
  const add = (id: string, engine: string, batch: number, runner: Runner) => {
    runners.set(id, runner);
    configs.push({ id, engine, batch, flops: unet.flopsPerSample * batch });
  };
  const ceiling = await fmaCeiling(gpu);
  runners.set('fma', async () => {
    const encoder = gpu.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    ceiling.encode(pass);
    pass.end();
    gpu.device.queue.submit([encoder.finish()]);
    await gpu.device.queue.onSubmittedWorkDone();
    return [];
  });
  configs.push({ id: 'fma', engine: 'FMA ceiling', batch: 0, flops: ceiling.flops });
  for (const b of batches.wgsl) add(`ours:${b}`, 'WGSL (ours)', b, wgslRunner(gpu, unet, inputs(b)));
  if (before)
    for (const b of batches.wgsl)
      add(`before:${b}`, 'WGSL (before)', b, wgslRunner(before.gpu, before.unet, inputs(b)));
  for (const b of batches.onnxWebGpu)
    add(`ort-webgpu:${b}`, 'onnxruntime-web WebGPU', b, onnxRunner(ortAll as typeof ortCpu, webgpuSession, inputs(b)));
  for (const b of batches.onnxWasm)
    add(`ort-wasm:${b}`, 'onnxruntime-web WASM (1 thread, SIMD)', b, onnxRunner(ortCpu, wasmSession, inputs(b)));
  const info = gpu.adapter.info;
  return { runners, configs, adapter: `${info.vendor} ${info.architecture} ${info.description}`.trim() };
}

let ready: ReturnType<typeof setup> | null = null;
/** The last D of each configuration, for the agreement table. */
const outputs = new Map<string, ArrayLike<number>>();

function relativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return err / scale;
}

Object.assign(window, {
  benchModel: {
    async start(batches: Parameters<typeof setup>[0]) {
      ready = setup(batches);
      const { configs, adapter } = await ready;
      return { configs, adapter };
    },
    async run(id: string) {
      const runner = (await ready!).runners.get(id)!;
      const start = performance.now();
      const d = await runner();
      const wallMs = performance.now() - start;
      outputs.set(id, d);
      return { wallMs };
    },
    /** max |D_ours − D_other| / max |D_other| for every other configuration at the same batch. */
    agreement() {
      const rows: Array<{ id: string; versus: string; difference: number }> = [];
      for (const [id, d] of outputs) {
        const [engine, batch] = id.split(':');
        if (engine === 'ours' || engine === 'fma') continue;
        const ours = outputs.get(`ours:${batch}`);
        if (ours) rows.push({ id, versus: `ours:${batch}`, difference: relativeDifference(ours, d) });
      }
      return rows;
    },
  },
});
