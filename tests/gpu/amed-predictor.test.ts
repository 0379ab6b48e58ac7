/**
 * The learned AMED predictor (Zhou et al. 2024, §3.2) on the GPU, with random weights in the shipped format: its
 * kernels against the float64 reference (src/sampling/amed/predictor.ts), and a whole predictor-AMED run of the WGSL
 * UNet against the float64 plan executor driving the float64 UNet interpreter (tests/reference/nn-ops.ts).
 */
import { describe, expect, it } from 'vitest';
import { predictAmed, reduceBottleneck } from '../../src/sampling/amed/predictor';
import { predictorsFromFiles } from '../../src/sampling/amed/predictor-manifest';
import { runPlanCpu } from '../../src/sampling/run-cpu';
import { buildAmedPredictedPlan } from '../../src/sampling/samplers/amed-predicted';
import { timeUniform, DEFAULT_SCHEDULE_OPTIONS } from '../../src/sampling/schedules';
import { normals, randomPredictorFiles, type PredictorFiles } from '../reference/amed-predictor-files';
import { loadModelFromDisk, relativeToScale } from '../reference/nn-golden';
import { unetCpuDenoiser } from '../reference/unet-cpu-denoiser';
import { useNnPage } from './nn-session';

const holder = useNnPage('/tests/gpu/amed-harness.html');

const grid = (timestamps: number) => Array.from(timeUniform(timestamps, DEFAULT_SCHEDULE_OPTIONS).slice(0, timestamps));
const asPage = (f: PredictorFiles) => ({ manifest: f.manifest, weights: Array.from(f.weights) });
const parse = (f: PredictorFiles) => predictorsFromFiles(f.manifest, f.weights.slice().buffer).predictors[0];
const spread = (a: ArrayLike<number>) => Math.max(...Array.from(a)) - Math.min(...Array.from(a));

describe('the AMED predictor kernels against float64', () => {
  for (const reduce of ['channel-mean', 'spatial-mean'] as const) {
    it(`${reduce}: r, c and s per sample from random bottlenecks at several (t_n, t_{n+1}), tapped in chunks`, async () => {
      const files = randomPredictorFiles([{ nfe: 5, sigmas: grid(4) }], {
        reduce,
        seed: reduce === 'channel-mean' ? 7 : 8,
      });
      const weights = parse(files);
      const count = 5;
      const perSample = 64 * 49;
      const next = normals(11);
      // Bottleneck values of the shipped UNet reach ±4.5; a per-channel offset makes the two reductions differ.
      const activation = Array.from({ length: count * perSample }, (_, i) =>
        Math.fround(2 * next() + 0.5 * Math.sin(Math.floor(i / 49))),
      );
      for (const [t, tNext, hasBottleneck] of [
        [80, 9.72, true],
        [1.31, 0.11, true],
        [0.041, 0.002, true],
        [80, 9.72, false],
      ] as const) {
        const r = await holder.session.page.evaluate((o) => (window as any).harness.predictorKernel(o), {
          ...asPage(files),
          activation,
          perSample,
          count,
          t,
          tNext,
          hasBottleneck,
          chunk: 2,
        });
        const b = hasBottleneck ? reduceBottleneck(reduce, weights.inputDim, activation, count) : null;
        const want = predictAmed(weights, b, count, t, tNext);
        const at = `${reduce} t=${t}→${tNext}${hasBottleneck ? '' : ' (zeros)'}`;
        // f32: pre-activations are sums of ≤ 49·128 + 128·4 products of O(1) terms (relative error ≲ 1e-6 of their
        // magnitude); sigmoid's slope ≤ 1/4 keeps r within a few 1e-6; s = exp(ln t + r·ln(t'/t)) adds
        // |ln(t'/t)|·Δr ≤ 3·Δr to its relative error; c moves only 2·s_d = 0.02 across its whole range.
        for (let i = 0; i < count; i++) {
          expect(Math.abs(r.r[i] - want.r[i]), `${at} r[${i}]`).toBeLessThan(2e-5);
          expect(Math.abs(r.c[i] - want.c[i]), `${at} c[${i}]`).toBeLessThan(1e-6);
          expect(Math.abs(r.s[i] - want.s[i]) / want.s[i], `${at} s[${i}]`).toBeLessThan(1e-4);
        }
        // A test of per-sample values must see them differ (zeros: every sample is alike).
        if (hasBottleneck) expect(spread(want.r), `${at}: r varies between samples`).toBeGreaterThan(0.02);
        else expect(spread(r.r)).toBe(0);
      }
    });
  }
});

describe('predictor-AMED on the WGSL UNet against the float64 plan executor and UNet', () => {
  it('NFE 5, 2 samples (a class and the null class): same r, c, s per sample and step, same final x; chunked taps agree', async () => {
    const sigmas = grid(4);
    const files = randomPredictorFiles([{ nfe: 5, sigmas }], { seed: 3 });
    const labels = [3, 10];
    const next = normals(5);
    const noise = Array.from({ length: 2 * 784 }, () => Math.fround(next()));
    const gpu = await holder.session.page.evaluate((o) => (window as any).harness.predictedRun(o), {
      ...asPage(files),
      noise,
      labels,
      sigmas,
    });
    const chunked = await holder.session.page.evaluate((o) => (window as any).harness.predictedRun(o), {
      ...asPage(files),
      noise,
      labels,
      sigmas,
      maxChunk: 1,
    });

    const plan = buildAmedPredictedPlan(Float64Array.from(sigmas), true);
    const denoiser = unetCpuDenoiser(loadModelFromDisk(), labels);
    const cpu = runPlanCpu(plan, denoiser, { noise, count: 2, predictor: parse(files) });

    // No extra evaluation for the predictor: 2·3 − 1 = 5, on both executors.
    expect(gpu.nfe).toBe(5);
    expect(denoiser.calls).toBe(5);
    expect(gpu.amed.map((s: { step: number }) => s.step)).toEqual([0, 1, 2]);
    for (const step of gpu.amed as Array<{ step: number; r: number[]; c: number[]; s: number[] }>) {
      const want = cpu.amed!.get(step.step)!;
      for (let i = 0; i < 2; i++) {
        // The bottleneck differs from float64 by ≲ 1e-5 of its scale (nn-network.test.ts); through the encoder's
        // gain that moves r by ≲ 1e-4.
        expect(Math.abs(step.r[i] - want.r[i]), `step ${step.step} r[${i}]`).toBeLessThan(2e-4);
        expect(Math.abs(step.c[i] - want.c[i]), `step ${step.step} c[${i}]`).toBeLessThan(1e-5);
        expect(Math.abs(step.s[i] - want.s[i]) / want.s[i], `step ${step.step} s[${i}]`).toBeLessThan(1e-3);
      }
      if (step.step > 0)
        expect(Math.abs(want.r[0] - want.r[1]), `step ${step.step}: the two samples get their own r`).toBeGreaterThan(
          1e-3,
        );
    }
    // The network's f32 error is ≤ 1e-5 of the output scale per evaluation; five evaluations and the predictor's
    // dependence on the bottleneck keep the sample within 1e-3 of its scale (the bar the network itself is held to).
    expect(relativeToScale(gpu.samples, cpu.samples), 'final x').toBeLessThan(1e-3);
    // Each sample alone in its chunk: the tap reads every chunk before the next one reuses the buffer.
    expect(relativeToScale(chunked.samples, gpu.samples), 'chunked').toBeLessThan(1e-6);
  }, 600_000);
});
