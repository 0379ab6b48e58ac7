/**
 * `npm run bench:model` (driven by bench/model.mjs in headless Chromium): one network evaluation (NFE) of the
 * Fashion-MNIST UNet at 28×28 for batches of 1, 16 and 64, in the same browser on the same adapter:
 *  - our WGSL network (src/worlds/unet/), as the engine calls it (GpuDenoiser.encode, buffers resident);
 *  - onnxruntime-web on the same model's ONNX export (bench/models/fmnist-unet.onnx), WebGPU and WASM backends;
 * plus the adapter's FMA ceiling (shaders/nn/fma-throughput.wgsl), the GFLOP/s each engine reaches, and how
 * closely the engines agree on D(x; σ).
 */
import * as ortCpu from 'onnxruntime-web';
// The 'all' build: its WebGPU backend places the export's few float64 time-feature ops on its CPU kernels, which
// the 'webgpu' (JSEP) build of 1.30 lacks ("Could not find an implementation for Cast(13)").
import * as ortAll from 'onnxruntime-web/all';
import fmaSource from '../shaders/nn/fma-throughput.wgsl?raw';
import { makeShaderDataDefinitions, makeStructuredView } from 'webgpu-utils';
import { GpuContext, type GpuResources } from '../src/gpu/context';
import { readBuffers } from '../src/gpu/readback';
import { createUnetDenoiser, type UnetDenoiser } from '../src/worlds/unet/denoiser';
import { loadModel } from '../src/worlds/unet/manifest';

const BATCHES = [1, 16, 64];
const SIZE = 28;
/** Each measurement repeats until this much time has passed (at least twice) and keeps the fastest run. */
const MIN_MS = 3000;

async function fastest(run: () => Promise<void>): Promise<number> {
  await run(); // warm-up: pipelines, allocations, first-use compilation
  let best = Infinity;
  const start = performance.now();
  for (let k = 0; k < 2 || performance.now() - start < MIN_MS; k++) {
    const t0 = performance.now();
    await run();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/** Arithmetic ceiling: best GFLOP/s of the FMA chains kernel. */
async function fmaCeiling(gpu: GpuResources): Promise<number> {
  const { device } = gpu;
  const pipeline = await gpu.pipelines.get('bench/fma', fmaSource);
  const invocations = 64 * 256;
  const iterations = 2048;
  const params = makeStructuredView(makeShaderDataDefinitions(fmaSource).uniforms.params);
  params.set({ iterations, invocations, m: 0.999, k: 0.001 });
  const uniform = device.createBuffer({
    size: params.arrayBuffer.byteLength,
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
  device.queue.writeBuffer(uniform, 0, params.arrayBuffer);
  const out = device.createBuffer({ size: 4 * invocations, usage: GPUBufferUsage.STORAGE });
  const bindGroup = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [
      { binding: 0, resource: { buffer: uniform } },
      { binding: 1, resource: { buffer: out } },
    ],
  });
  const ms = await fastest(async () => {
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(invocations / 64);
    pass.end();
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
  });
  uniform.destroy();
  out.destroy();
  return (invocations * iterations * 8 * 4 * 2) / ms / 1e6;
}

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

/** Our network through the denoiser interface; returns ms per NFE and D for the agreement check. */
async function ours(gpu: GpuResources, unet: UnetDenoiser, input: Inputs): Promise<{ ms: number; d: Float32Array }> {
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
  const [x, sigma, labels, out] = [
    buffer(input.x),
    buffer(input.sigma),
    buffer(input.labels),
    buffer(new Float32Array(input.x.length)),
  ];
  const io = {
    x: { buffer: x },
    sigma: { buffer: sigma },
    labels: { buffer: labels },
    out: { buffer: out },
    count: batch,
  };
  const ms = await fastest(async () => {
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    unet.encode(pass, io);
    pass.end();
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
  });
  const [d] = await readBuffers(device, gpu.pool, [{ buffer: out, bytes: input.x.byteLength }]);
  for (const b of [x, sigma, labels, out]) b.destroy();
  return { ms, d };
}

/** onnxruntime-web on the ONNX export (inputs z, t, label → v); D = z − t·v in float64. */
async function onnx(
  ort: typeof ortCpu,
  session: ortCpu.InferenceSession,
  input: Inputs,
): Promise<{ ms: number; d: Float64Array }> {
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
  let v: Float32Array = new Float32Array();
  const ms = await fastest(async () => {
    const result = await session.run(feeds);
    v = (await result.v.getData()) as Float32Array;
  });
  return { ms, d: Float64Array.from(z, (zi, i) => zi - t[Math.floor(i / (SIZE * SIZE))] * v[i]) };
}

function relativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return err / scale;
}

async function main() {
  const context = await GpuContext.create();
  const gpu = context.resources;
  const model = await loadModel(new URL('/models/fmnist/', location.href).href);
  const unet = await createUnetDenoiser(gpu, model, { size: SIZE });
  const onnxBytes = new Uint8Array(await (await fetch('/bench/models/fmnist-unet.onnx')).arrayBuffer());
  for (const ort of [ortCpu, ortAll]) {
    ort.env.wasm.wasmPaths = '/node_modules/onnxruntime-web/dist/';
    // No cross-origin isolation on this page, so no SharedArrayBuffer threads: one thread, as a user would get.
    ort.env.wasm.numThreads = 1;
    ort.env.logLevel = 'error';
  }
  const sessions: Array<[string, typeof ortCpu, ortCpu.InferenceSession]> = [
    [
      'onnxruntime-web WebGPU',
      ortAll as typeof ortCpu,
      await ortAll.InferenceSession.create(onnxBytes, { executionProviders: ['webgpu'], logSeverityLevel: 3 }),
    ],
    [
      'onnxruntime-web WASM (1 thread, SIMD)',
      ortCpu,
      await ortCpu.InferenceSession.create(onnxBytes, { executionProviders: ['wasm'], logSeverityLevel: 3 }),
    ],
  ];
  const ceiling = await fmaCeiling(gpu);
  const flops = unet.flopsPerSample;
  const results: Record<string, number[]> = { 'WGSL (ours)': [] };
  const agreement: string[] = [];
  for (const batch of BATCHES) {
    const input = inputs(batch);
    const mine = await ours(gpu, unet, input);
    results['WGSL (ours)'].push(mine.ms);
    for (const [name, ort, session] of sessions) {
      const theirs = await onnx(ort, session, input);
      (results[name] ??= []).push(theirs.ms);
      agreement.push(`| ${batch} | ${name} | ${relativeDifference(mine.d, theirs.d).toExponential(1)} |`);
    }
  }
  const info = gpu.adapter.info;
  const rows = [
    `## One NFE of the UNet at ${SIZE}×${SIZE} (${(flops / 1e6).toFixed(0)} MFLOP per image), images per second`,
    '',
    `Batch = images per network evaluation; best of ≥ 2 runs over ≥ ${MIN_MS / 1000} s after a warm-up. GFLOP/s counts the`,
    'conv and linear multiply-adds (×2) of our compiled graph for every engine.',
    '',
    `| engine | ${BATCHES.map((b) => `batch ${b}: images/s (ms)`).join(' | ')} | GFLOP/s at batch ${BATCHES.at(-1)} |`,
    `|---|${BATCHES.map(() => '---').join('|')}|---|`,
    ...Object.entries(results).map(
      ([name, ms]) =>
        `| ${name} | ${ms.map((m, k) => `${((1000 * BATCHES[k]) / m).toFixed(1)} (${m.toFixed(0)})`).join(' | ')} | ${((flops * BATCHES.at(-1)!) / ms.at(-1)! / 1e6).toFixed(2)} |`,
    ),
    '',
    `Adapter FMA ceiling (shaders/nn/fma-throughput.wgsl): ${ceiling.toFixed(2)} GFLOP/s. Our network at batch ${BATCHES.at(-1)} reaches ${(((flops * BATCHES.at(-1)!) / results['WGSL (ours)'].at(-1)! / 1e6 / ceiling) * 100).toFixed(0)} % of it.`,
    `WGSL vs onnxruntime-web WebGPU at batch ${BATCHES.at(-1)}: ${(results['onnxruntime-web WebGPU'].at(-1)! / results['WGSL (ours)'].at(-1)!).toFixed(1)}× faster.`,
    '',
    '## Agreement on D(x; σ) (same x, σ log-uniform in [0.002, 80], labels cycling through 0–9 and the null class)',
    '',
    '| batch | engine | max over pixels of abs(D_ours − D_engine), relative to max abs(D_engine) |',
    '|---|---|---|',
    ...agreement,
  ];
  unet.destroy();
  context.dispose();
  return {
    table: rows.join('\n'),
    adapter: `${info.vendor} ${info.architecture} ${info.description}`.trim(),
    title: 'Benchmark: the Fashion-MNIST UNet, WGSL vs onnxruntime-web',
  };
}

(window as unknown as { benchResult: Promise<unknown> }).benchResult = main();
