/** Test-only page for the learned AMED predictor: its kernels on given bottlenecks, and whole predictor-AMED runs on
 *  the WGSL UNet through the plan executor. Not part of the built app. */
import { createSandbox } from '../../src/index';
import { gpu, gpuErrors } from './harness-gpu';
import { withErrorScopes } from '../../src/gpu/error-scope';
import { GpuAmedPredictor, PredictorRun } from '../../src/sampling/amed/predictor-gpu';
import { predictorsFromFiles } from '../../src/sampling/amed/predictor-manifest';
import type { Plan } from '../../src/sampling/plan';
import { runPlanGpu } from '../../src/sampling/run-gpu';
import { buildAmedPredictedPlan } from '../../src/sampling/samplers/amed-predicted';
import { createUnetDenoiser } from '../../src/worlds/unet/denoiser';
import { loadModel } from '../../src/worlds/unet/manifest';
import type { AmedRunInfo } from '../../src/sampling/amed/run-info';
import '../../src/ui/amed-table';

interface Files {
  manifest: unknown;
  weights: number[];
  /** Which predictor of the manifest (index). */
  index?: number;
}

const predictorOf = (files: Files) =>
  predictorsFromFiles(files.manifest, Float32Array.from(files.weights).buffer).predictors[files.index ?? 0];

/** The reduce + predict kernels on a given bottleneck activation (count × perSample), tapped in chunks of `chunk`
 *  samples as the denoiser would; returns r, c and s per sample. */
async function predictorKernel(
  o: Files & {
    activation: number[];
    perSample: number;
    count: number;
    t: number;
    tNext: number;
    hasBottleneck: boolean;
    chunk: number;
  },
) {
  const resources = await gpu();
  const { device } = resources;
  return withErrorScopes(device, async () => {
    const predictor = await GpuAmedPredictor.create(resources, predictorOf(o));
    const buffers: GPUBuffer[] = [];
    const take = (size: number, usage: GPUBufferUsageFlags, label: string) => {
      const b = device.createBuffer({ size, usage, label });
      buffers.push(b);
      return b;
    };
    const plan: Plan = {
      sigmas: Float64Array.from([o.t, o.tNext]),
      instrs: [{ op: 'predict', step: 0, t: o.t, tNext: o.tNext, bottleneck: o.hasBottleneck }],
      registers: [],
      nfe: 0,
      records: 0,
    };
    const run = new PredictorRun(resources, predictor, o.count, 784, plan, take);
    const activation = take(4 * o.activation.length, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST, 'activation');
    device.queue.writeBuffer(activation, 0, Float32Array.from(o.activation));
    const predict = run.predict(plan.instrs[0] as never);
    run.flush();
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    if (o.hasBottleneck) {
      // Chunk offsets are multiples of 64·49·4 = 12544 bytes = 49·256: valid storage-binding offsets.
      for (let first = 0; first < o.count; first += o.chunk) {
        const n = Math.min(o.chunk, o.count - first);
        run.tap.encode(
          pass,
          { buffer: activation, offset: 4 * first * o.perSample, size: 4 * n * o.perSample },
          first,
          n,
          o.perSample,
        );
      }
    }
    predict(pass);
    pass.end();
    device.queue.submit([encoder.finish()]);
    const out = (await run.read([0])).get(0)!;
    run.dispose();
    predictor.destroy();
    for (const b of buffers) b.destroy();
    return { r: Array.from(out.r), c: Array.from(out.c), s: Array.from(out.s) };
  });
}

const models = new Map<string, ReturnType<typeof loadModel>>();
const model = (url = '/models/fmnist/') => {
  if (!models.has(url)) models.set(url, loadModel(new URL(url, location.href).href));
  return models.get(url)!;
};

/** A whole predictor-AMED run on the WGSL UNet (size 28, bottleneck kept) from the caller's noise, labels and grid. */
async function predictedRun(
  o: Files & { noise: number[]; labels: number[]; sigmas: number[]; maxChunk?: number; trajectory?: boolean },
) {
  const resources = await gpu();
  const loaded = await model();
  return withErrorScopes(resources.device, async () => {
    const denoiser = await createUnetDenoiser(resources, loaded, { size: 28, keep: ['mid.out'], maxChunk: o.maxChunk });
    const predictor = await GpuAmedPredictor.create(resources, predictorOf(o));
    const plan = buildAmedPredictedPlan(Float64Array.from(o.sigmas), true);
    const count = o.labels.length;
    const result = await runPlanGpu(resources, {
      plan,
      denoiser,
      predictor,
      count,
      seed: 0,
      noise: Float32Array.from(o.noise),
      labels: Uint32Array.from(o.labels),
      trajectory: o.trajectory,
    });
    denoiser.destroy();
    predictor.destroy();
    const amed = [...result.amed!.entries()].map(([step, v]) => ({
      step,
      r: Array.from(v.r),
      c: Array.from(v.c),
      s: Array.from(v.s),
    }));
    return { samples: Array.from(result.samples), nfe: plan.nfe, amed };
  });
}

/** The page's AMED table for a run's `amed` field: its caption and the text of each row's r and c cells. */
async function amedTable(predicted: AmedRunInfo) {
  const table = document.createElement('amed-table');
  table.predicted = predicted;
  document.body.append(table);
  await table.updateComplete;
  const root = table.shadowRoot!;
  const rows = [...root.querySelectorAll('tbody tr')].map((tr) => ({
    r: tr.querySelector('[data-field=r]')!.textContent!,
    c: tr.querySelector('[data-field=c]')!.textContent!,
  }));
  const out = {
    summary: root.querySelector('summary')!.textContent!,
    source: root.querySelector('table')?.dataset.source,
    rows,
  };
  table.remove();
  return out;
}

const harness = { createSandbox, predictorKernel, predictedRun, amedTable, gpuErrors, gpu };
(window as unknown as { harness: typeof harness }).harness = harness;
document.title = 'ready';
