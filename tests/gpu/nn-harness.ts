/** Test-only page for the network kernels and the UNet world: runs one WGSL kernel on given buffers, or the whole
 *  network, and hands results back to puppeteer. Not part of the built app. */
import { createSandbox } from '../../src/index';
import { gpu, gpuErrors } from './harness-gpu';
import { withErrorScopes } from '../../src/gpu/error-scope';
import { readBuffers } from '../../src/gpu/readback';
import { denoiseGpu } from '../../src/sampling/denoise-gpu';
import { classifierFreeGuidance } from '../../src/guidance/cfg';
import { createUnetDenoiser } from '../../src/worlds/unet/denoiser';
import { nnPipelines, UNIFORM_SLOT, writeParams, type KernelName } from '../../src/worlds/unet/kernels';
import { checkClassifierManifest, loadModel } from '../../src/worlds/unet/manifest';
import { createClassifierNetwork } from '../../src/metrics/classifier-network';

interface BindingSpec {
  /** Initial contents (f32 unless `u32`), or only a size in elements for an output. */
  data?: number[];
  elements?: number;
  u32?: boolean;
  read?: boolean;
  /** A binding number the entry point does not declare: nothing is bound there. */
  absent?: boolean;
  /** Another uniform struct of the kernel (by its WGSL variable name), instead of a storage buffer. */
  uniform?: { name: string; values: Record<string, number> };
}

/** Runs one kernel of shaders/nn: binding 0 is its params, then the given buffers in binding order. */
async function runKernel(
  kernel: KernelName,
  params: Record<string, number>,
  bindings: BindingSpec[],
  grid: [number, number],
): Promise<number[][]> {
  const resources = await gpu();
  const { device } = resources;
  return withErrorScopes(device, async () => {
    const pipeline = (await nnPipelines(resources))[kernel];
    const data = new ArrayBuffer(UNIFORM_SLOT);
    writeParams(kernel, data, 0, params);
    const uniform = device.createBuffer({
      size: UNIFORM_SLOT,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    device.queue.writeBuffer(uniform, 0, data);
    const buffers = bindings.map((b) => {
      if (b.uniform) {
        const values = new ArrayBuffer(UNIFORM_SLOT);
        writeParams(kernel, values, 0, b.uniform.values, b.uniform.name);
        const buffer = device.createBuffer({
          size: UNIFORM_SLOT,
          usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
        });
        device.queue.writeBuffer(buffer, 0, values);
        return { buffer, bytes: UNIFORM_SLOT };
      }
      const count = b.data?.length ?? b.elements ?? 1;
      const buffer = device.createBuffer({
        size: Math.max(16, 4 * count),
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
      });
      if (b.data) device.queue.writeBuffer(buffer, 0, b.u32 ? Uint32Array.from(b.data) : Float32Array.from(b.data));
      return { buffer, bytes: 4 * count };
    });
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(
      0,
      device.createBindGroup({
        layout: pipeline.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: uniform } },
          ...buffers.flatMap((b, k) =>
            bindings[k].absent ? [] : [{ binding: k + 1, resource: { buffer: b.buffer, size: b.bytes } }],
          ),
        ],
      }),
    );
    pass.dispatchWorkgroups(...grid);
    pass.end();
    device.queue.submit([encoder.finish()]);
    const read = buffers.filter((_, k) => bindings[k].read);
    const out = await readBuffers(device, resources.pool, read);
    for (const b of [uniform, ...buffers.map((x) => x.buffer)]) b.destroy();
    return out.map((a) => Array.from(a));
  });
}

const models = new Map<string, ReturnType<typeof loadModel>>();
const model = (url = '/models/fmnist/') => {
  if (!models.has(url)) models.set(url, loadModel(new URL(url, location.href).href));
  return models.get(url)!;
};

/**
 * D(x; σ) of the UNet at `size`, through the GpuDenoiser interface; also reads back the `keep` values (the network's
 * intermediate activations, first `count` samples) when the whole batch fits one chunk.
 */
async function unetDenoise(options: {
  x: number[];
  sigma: number[];
  labels?: number[];
  size: number;
  keep?: string[];
  maxChunk?: number;
  model?: string;
  skipTuning?: { bottom: number; top: number };
}) {
  const resources = await gpu();
  const loaded = await model(options.model);
  return withErrorScopes(resources.device, async () => {
    const denoiser = await createUnetDenoiser(resources, loaded, {
      size: options.size,
      keep: options.keep,
      maxChunk: options.maxChunk,
      skipTuning: options.skipTuning,
    });
    const count = options.sigma.length;
    const out = await denoiseGpu(
      resources,
      denoiser,
      Float32Array.from(options.x),
      Float32Array.from(options.sigma),
      options.labels ? Uint32Array.from(options.labels) : undefined,
    );
    const kept: Record<string, number[]> = {};
    for (const name of options.keep ?? []) {
      const binding = denoiser.current!.binding(denoiser.graph.finalNames.get(name)!);
      const shape = denoiser.graph.shapes.get(denoiser.graph.finalNames.get(name)!)!;
      const [values] = await readBuffers(resources.device, resources.pool, [
        { buffer: binding.buffer, bytes: 4 * count * shape.c * shape.h * shape.w },
      ]);
      kept[name] = Array.from(values);
    }
    const info = {
      key: denoiser.key(),
      maxChunk: denoiser.maxChunk,
      capacity: denoiser.current!.capacity,
      flopsPerSample: denoiser.flopsPerSample,
      slots: denoiser.current!.plan.slotElements.length,
    };
    denoiser.destroy();
    return { out: Array.from(out), kept, info };
  });
}

/**
 * GPU objects created by the 2nd and 3rd of three identical denoiser calls (a sampler's steady state), through
 * the UNet directly or wrapped in classifier-free guidance: both should be zero.
 */
async function allocationsPerCall(options: { size: number; count: number; cfg?: number; maxChunk?: number }) {
  const resources = await gpu();
  const { device } = resources;
  const loaded = await model();
  return withErrorScopes(device, async () => {
    const unet = await createUnetDenoiser(resources, loaded, { size: options.size, maxChunk: options.maxChunk });
    const denoiser = options.cfg === undefined ? unet : await classifierFreeGuidance(resources, unet, options.cfg);
    const dim = options.size ** 2;
    const make = (elements: number) =>
      device.createBuffer({ size: 4 * elements, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    const [x, sigma, out, labels] = [
      make(options.count * dim),
      make(options.count),
      make(options.count * dim),
      make(options.count),
    ];
    device.queue.writeBuffer(sigma, 0, new Float32Array(options.count).fill(1));
    device.queue.writeBuffer(labels, 0, new Uint32Array(options.count).fill(3));
    const io = {
      x: { buffer: x },
      sigma: { buffer: sigma },
      out: { buffer: out },
      labels: { buffer: labels },
      count: options.count,
    };
    const counts = { buffers: 0, bindGroups: 0 };
    const call = async () => {
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      denoiser.encode(pass, io);
      pass.end();
      device.queue.submit([encoder.finish()]);
      await device.queue.onSubmittedWorkDone();
    };
    await call();
    const createBuffer = device.createBuffer;
    const createBindGroup = device.createBindGroup;
    device.createBuffer = (d) => (counts.buffers++, createBuffer.call(device, d));
    device.createBindGroup = (d) => (counts.bindGroups++, createBindGroup.call(device, d));
    try {
      await call();
      await call();
    } finally {
      device.createBuffer = createBuffer;
      device.createBindGroup = createBindGroup;
    }
    const chunks = Math.ceil(options.count / unet.current!.capacity);
    unet.destroy();
    for (const b of [x, sigma, out, labels]) b.destroy();
    return { ...counts, chunks };
  });
}

const classifierModel = (url = '/models/fmnist-classifier/') =>
  loadModel(new URL(url, location.href).href, {}, checkClassifierManifest);

/** The classifier network alone (no clamping or pooling): logits and features of native-size images (the shipped
 *  28×28 one unless `model` names another folder), in chunks of at most `maxChunk`. */
async function classifierRun(options: { images: number[]; maxChunk?: number; model?: string }) {
  const resources = await gpu();
  const loaded = await classifierModel(options.model);
  return withErrorScopes(resources.device, async () => {
    const network = await createClassifierNetwork(resources, loaded, { maxChunk: options.maxChunk });
    const images = Float32Array.from(options.images);
    const { logits, features } = await network.run(images, images.length / network.dim);
    const info = { capacity: network.current!.capacity, slots: network.current!.plan.slotElements.length };
    network.destroy();
    return { logits: Array.from(logits), features: Array.from(features), info };
  });
}

/** onnxruntime-web, imported on first use. On a fresh dependency cache Vite optimises it at that moment and the first
 *  dynamic import can fail while it does; one retry covers that. */
async function importOrt() {
  try {
    return await import('onnxruntime-web');
  } catch {
    await new Promise((r) => setTimeout(r, 2000));
    return import('onnxruntime-web');
  }
}

/** v from onnxruntime-web (WASM backend) on the ONNX export: inputs z, t (float32) and label (int64). */
async function onnxVelocity(options: { z: number[]; t: number[]; labels: number[]; size: number }) {
  const ort = await importOrt();
  ort.env.wasm.wasmPaths = '/node_modules/onnxruntime-web/dist/';
  ort.env.wasm.numThreads = 1;
  const bytes = new Uint8Array(await (await fetch('/bench/models/fmnist-unet.onnx')).arrayBuffer());
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  const n = options.t.length;
  const result = await session.run({
    z: new ort.Tensor('float32', Float32Array.from(options.z), [n, 1, options.size, options.size]),
    t: new ort.Tensor('float32', Float32Array.from(options.t), [n]),
    label: new ort.Tensor(
      'int64',
      BigInt64Array.from(options.labels, (l) => BigInt(l)),
      [n],
    ),
  });
  const v = Array.from((await result.v.getData()) as Float32Array);
  await session.release();
  return v;
}

const harness = {
  createSandbox,
  runKernel,
  unetDenoise,
  allocationsPerCall,
  classifierRun,
  onnxVelocity,
  gpuErrors,
  gpu,
};
(window as unknown as { harness: typeof harness }).harness = harness;
export type NnHarness = typeof harness;
document.title = 'ready';
