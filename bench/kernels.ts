/**
 * Page side of `npm run bench:kernels` (bench/kernels.mjs): every WGSL kernel of the Fashion-MNIST UNet at its real
 * shape (each step of the compiled network at 28×28, batch 16, alone), the whole denoiser evaluation, the adapter's
 * FMA ceiling, each 3×3 conv on the other register tile (conv3x3.wgsl's one row vs conv3x3-tall.wgsl's four), and
 * each GroupNorm on the previous kernel (bench/previous/group-norm-silu-64-lanes.wgsl: a workgroup of 64 lanes per
 * group, merged after a barrier, every value choosing its concat source), one configuration per call, so the driver can read the GPU process's CPU time around exactly that call.
 * Each call repeats its dispatch `reps` times in one submission (chosen at the first call, for ≈ 60 ms of work),
 * so a tiny kernel is not measured as the cost of a submission.
 */
import { GpuContext } from '../src/gpu/context';
import { createUnetDenoiser } from '../src/worlds/unet/denoiser';
import { compileGraph, elements, type Step } from '../src/worlds/unet/graph';
import { uploadWeights, weightKeys } from '../src/worlds/unet/gpu-weights';
import { nnPipelines } from '../src/worlds/unet/kernels';
import { loadModel } from '../src/worlds/unet/manifest';
import { planMemory } from '../src/worlds/unet/memory';
import { CompiledNetwork } from '../src/worlds/unet/network';
import { TALL_TILE_MIN_CIN } from '../src/worlds/unet/pack';
import { fmaCeiling } from './fma-ceiling';
import previousGroupNorm from './previous/group-norm-silu-64-lanes.wgsl?raw';

const BATCH = 16;
const SIZE = 28;
const TARGET_MS = 60;

interface Config {
  id: string;
  /** What the row shows: the step's kernel file, its output value and shape. */
  kernel: string;
  value: string;
  shape: string;
  flops: number;
  bytes: number;
}

let dispatches = 0;
const proto = GPUComputePassEncoder.prototype;
const dispatch = proto.dispatchWorkgroups;
proto.dispatchWorkgroups = function (this: GPUComputePassEncoder, ...args: Parameters<typeof dispatch>) {
  dispatches++;
  return dispatch.apply(this, args);
};

const kernelFile = (step: Step, tallTileMinCin: number): string => {
  switch (step.op) {
    case 'conv3x3':
      if (step.projection) return 'conv3x3-tall (projected)';
      return step.cin >= tallTileMinCin ? 'conv3x3-tall' : 'conv3x3';
    case 'group_norm':
      return step.concat ? 'group-norm-silu (concat)' : 'group-norm-silu';
    case 'conv1x1':
      return step.concat ? 'conv1x1 (concat)' : 'conv1x1';
    case 'class_embedding':
      return 'class-embedding';
    case 'time_features':
      return 'time-features';
    case 'embedding':
      return step.op; // embedding.wgsl: alone it reads the network's σ and labels (main); in the evaluation, main_edm
    case 'avg_pool':
      return 'avg-pool';
    default:
      return step.op;
  }
};

async function setup() {
  const context = await GpuContext.create();
  const gpu = context.resources;
  const model = await loadModel(new URL('/models/fmnist/', location.href).href);
  const graph = compileGraph(model.manifest, SIZE);
  const plan = planMemory(graph);
  const pipelines = await nnPipelines(gpu);
  const previousGroupNormPipeline = await gpu.pipelines.get('bench/previous-group-norm', previousGroupNorm);
  const weights = uploadWeights(gpu.device, graph.steps, model.tensors);
  const networks = {
    ours: new CompiledNetwork(gpu, pipelines, weights, graph, plan, BATCH),
    allRow: new CompiledNetwork(gpu, pipelines, weights, graph, plan, BATCH, undefined, Infinity),
    allTall: new CompiledNetwork(gpu, pipelines, weights, graph, plan, BATCH, undefined, 1),
  };
  const denoiser = await createUnetDenoiser(gpu, model, { size: SIZE }, weights);
  const ceiling = await fmaCeiling(gpu);
  // Plausible activations: σ log-uniform, labels cycling, x scaled by σ; one evaluation fills every slot.
  const { device } = gpu;
  const buffer = (data: Float32Array | Uint32Array) => {
    const b = device.createBuffer({ size: data.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(b, 0, data as Float32Array<ArrayBuffer>);
    return b;
  };
  let state = 12345;
  const u = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  const sigma = Float32Array.from({ length: BATCH }, () => 0.002 * (80 / 0.002) ** u());
  const dim = SIZE * SIZE;
  const io = {
    x: {
      buffer: buffer(
        Float32Array.from({ length: BATCH * dim }, (_, i) => (2 * u() - 1) * (1 + sigma[Math.floor(i / dim)])),
      ),
    },
    sigma: { buffer: buffer(sigma) },
    labels: { buffer: buffer(Uint32Array.from({ length: BATCH }, (_, i) => i % 11)) },
    out: { buffer: buffer(new Float32Array(BATCH * dim)) },
    count: BATCH,
  };
  const encoders = new Map<string, (pass: GPUComputePassEncoder) => void>();
  const configs: Config[] = [];
  const network = denoiser.flopsPerSample * BATCH;
  configs.push({ id: 'fma', kernel: 'fma-throughput', value: '(ceiling)', shape: '', flops: ceiling.flops, bytes: 0 });
  encoders.set('fma', (pass) => ceiling.encode(pass));
  configs.push({
    id: 'network',
    kernel: 'whole denoiser',
    value: 'D(x; σ)',
    shape: `batch ${BATCH}`,
    flops: network,
    bytes: 0,
  });
  encoders.set('network', (pass) => denoiser.encode(pass, io));
  // Values are filled for the step configurations by running each network once (below).
  graph.steps.forEach((step, k) => {
    const out = graph.shapes.get(step.output)!;
    const n = elements(out) * BATCH;
    let flops = 0;
    let bytes = 0;
    let shape = `${out.c}×${out.h}×${out.w}`;
    if (step.op === 'conv3x3' || step.op === 'conv1x1') {
      const projection = step.op === 'conv3x3' ? step.projection : undefined;
      flops = 2 * ((step.op === 'conv3x3' ? 9 : 1) * step.cin + (projection?.cin ?? 0)) * n;
      shape = `${step.cin}→${step.cout}${projection ? ` + 1×1 ${projection.cin}→${step.cout}` : ''}, ${out.h}×${out.w}`;
    } else if (step.op === 'embedding') {
      const layers = [step.first, step.second, step.last];
      flops = layers.reduce((a, l) => a + 2 * l.fin * l.fout, 0) * BATCH;
      shape = [step.first.fin, ...layers.map((l) => l.fout)].join('→');
    } else if (step.op === 'linear') {
      flops = 2 * step.fin * step.fout * BATCH;
      shape = `${step.fin}→${step.fout}`;
    } else if (step.op === 'group_norm')
      bytes = 4 * 3 * n; // two reads, one write
    else if (step.op === 'avg_pool' || step.op === 'max_pool') bytes = 4 * 5 * n;
    else bytes = 4 * 2 * n;
    configs.push({
      id: `step:${k}`,
      kernel: kernelFile(step, TALL_TILE_MIN_CIN),
      value: step.output,
      shape,
      flops,
      bytes,
    });
    encoders.set(`step:${k}`, (pass) => networks.ours.encodeStep(pass, k, BATCH));
    if (step.op === 'conv3x3' && !step.projection) {
      // The same conv on the tile our network does not use for it (a projected conv exists only on the tall one).
      const other = step.cin >= TALL_TILE_MIN_CIN ? networks.allRow : networks.allTall;
      configs.push({
        id: `other:${k}`,
        kernel: kernelFile(step, step.cin >= TALL_TILE_MIN_CIN ? Infinity : 1),
        value: step.output,
        shape,
        flops,
        bytes,
      });
      encoders.set(`other:${k}`, (pass) => other.encodeStep(pass, k, BATCH));
    }
    if (step.op === 'group_norm') {
      // The previous GroupNorm on the same buffers: its own params block (channels, groups, plane, workgroups, eps,
      // apply_silu, first_channels, first_upsampled, width, second_scale) and binding order.
      const first = graph.shapes.get(step.input)!;
      const params = new ArrayBuffer(40);
      const view = new DataView(params);
      const u32 = [out.c, step.groups, out.h * out.w, BATCH * step.groups];
      u32.forEach((v, i) => view.setUint32(4 * i, v, true));
      view.setFloat32(16, step.eps, true);
      view.setUint32(20, step.silu ? 1 : 0, true);
      view.setUint32(24, first.c, true);
      view.setUint32(28, step.concat?.upsampledFirst ? 1 : 0, true);
      view.setUint32(32, out.w, true);
      view.setFloat32(36, 1, true);
      const uniform = device.createBuffer({ size: 256, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
      device.queue.writeBuffer(uniform, 0, params);
      const keys = weightKeys(step);
      const net = networks.ours;
      const bindGroup = device.createBindGroup({
        layout: previousGroupNormPipeline.getBindGroupLayout(0),
        entries: [
          { buffer: uniform },
          net.binding(step.input),
          step.concat ? net.binding(step.concat.second) : weights.bindings.get(keys.weight)!,
          weights.bindings.get(keys.weight)!,
          weights.bindings.get(keys.bias!)!,
          net.binding(step.output),
        ].map((resource, binding) => ({ binding, resource })),
      });
      configs.push({ id: `other:${k}`, kernel: 'previous group-norm-silu', value: step.output, shape, flops, bytes });
      encoders.set(`other:${k}`, (pass) => {
        pass.setPipeline(previousGroupNormPipeline);
        pass.setBindGroup(0, bindGroup);
        pass.dispatchWorkgroups(BATCH * step.groups);
      });
    }
  });
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  denoiser.encode(pass, io);
  pass.end();
  device.queue.submit([encoder.finish()]);
  // The standalone networks read z, σ and labels from their own buffers: copy the denoiser's inputs there.
  const sources = denoiser.current!;
  const copy = device.createCommandEncoder();
  for (const net of Object.values(networks)) {
    copy.copyBufferToBuffer(sources.sigma, 0, net.sigma, 0, 4 * BATCH);
    copy.copyBufferToBuffer(sources.labels, 0, net.labels, 0, 4 * BATCH);
    const z = sources.binding(graph.input);
    copy.copyBufferToBuffer(z.buffer, 0, net.binding(graph.input).buffer, 0, z.size!);
  }
  device.queue.submit([copy.finish()]);
  for (const net of Object.values(networks)) {
    const e = device.createCommandEncoder();
    const p = e.beginComputePass();
    net.encode(p, BATCH);
    p.end();
    device.queue.submit([e.finish()]);
  }
  await device.queue.onSubmittedWorkDone();
  const info = gpu.adapter.info;
  return { device, configs, encoders, adapter: `${info.vendor} ${info.architecture} ${info.description}`.trim() };
}

const ready = setup();
const reps = new Map<string, number>();

async function run(id: string) {
  const { device, encoders } = await ready;
  const encode = encoders.get(id)!;
  const count = reps.get(id) ?? 1;
  dispatches = 0;
  const start = performance.now();
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  for (let r = 0; r < count; r++) encode(pass);
  pass.end();
  device.queue.submit([encoder.finish()]);
  await device.queue.onSubmittedWorkDone();
  const wallMs = performance.now() - start;
  if (!reps.has(id)) reps.set(id, Math.max(1, Math.min(64, Math.ceil(TARGET_MS / Math.max(wallMs, 0.01)))));
  return { wallMs, reps: count, dispatches: dispatches / count };
}

Object.assign(window, {
  benchKernels: {
    configs: async () => (await ready).configs,
    adapter: async () => (await ready).adapter,
    run,
  },
});
