/**
 * The shipped learned AMED predictor (public/models/fmnist-amed, tools/train) against its float64 golden
 * (tests/fixtures/amed-predictor-golden.{json,bin}, written by the Python exporter from the same float32 weights):
 * the predictor alone on recorded bottlenecks, and a whole NFE-5 trajectory on the WGSL UNet; then the public API
 * choosing the predictor or falling back to the calibration. This file requires the fixture and the shipped files.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { predictAmed, reduceBottleneck } from '../../src/sampling/amed/predictor';
import { predictorsFromFiles } from '../../src/sampling/amed/predictor-manifest';
import { runPlanCpu } from '../../src/sampling/run-cpu';
import { buildAmedPredictedPlan } from '../../src/sampling/samplers/amed-predicted';
import { shippedPredictorFiles } from '../reference/amed-predictor-files';
import { loadModelFromDisk, relativeToScale } from '../reference/nn-golden';
import { unetCpuDenoiser } from '../reference/unet-cpu-denoiser';
import { useNnPage } from './nn-session';

const holder = useNnPage('/tests/gpu/amed-harness.html');

interface Golden {
  amed_weights_sha256: string;
  weights_sha256: string;
  nfe: number;
  predictor: Array<{
    name: string;
    t_cur: number;
    t_next: number;
    mid_out: string;
    b: string;
    r: number[];
    c: number[];
  }>;
  trajectory: {
    labels: number[];
    sigmas: number[];
    z: string;
    steps: Array<{ n: number; r: number[]; c: number[]; s: number[] }>;
    x_final: string;
  };
}

const meta = JSON.parse(readFileSync('tests/fixtures/amed-predictor-golden.json', 'utf8')) as Golden & {
  arrays: Array<{ name: string; offset: number; length: number }>;
  data: string;
};
const bin = readFileSync(`tests/fixtures/${meta.data}`);
const array = (name: string) => {
  const a = meta.arrays.find((e) => e.name === name);
  if (!a) throw new Error(`golden: no array ${name}`);
  return new Float32Array(bin.buffer.slice(bin.byteOffset + a.offset, bin.byteOffset + a.offset + 4 * a.length));
};
const shipped = shippedPredictorFiles();
const predictors = predictorsFromFiles(shipped.manifest, shipped.weights).predictors;
const index = predictors.findIndex((p) => p.nfe === meta.nfe);
const files = { manifest: shipped.manifest, weights: Array.from(new Float32Array(shipped.weights)), index };

describe('the shipped AMED predictor against its float64 golden', () => {
  it('is the predictor and network the golden was made with', () => {
    expect(index).toBeGreaterThanOrEqual(0);
    expect((shipped.manifest as { sha256: string }).sha256).toBe(meta.amed_weights_sha256);
    expect(JSON.parse(readFileSync('public/models/fmnist/manifest.json', 'utf8')).sha256).toBe(meta.weights_sha256);
  });

  it('predictor cases: r and c from recorded bottlenecks (float64 reference and WGSL kernels)', async () => {
    expect(meta.predictor.length).toBeGreaterThan(0);
    for (const k of meta.predictor) {
      const activation = array(k.mid_out);
      const count = k.r.length;
      const b = reduceBottleneck(predictors[index].reduce, predictors[index].inputDim, activation, count);
      const want = predictAmed(predictors[index], b, count, k.t_cur, k.t_next);
      const gpu = await holder.session.page.evaluate((o) => (window as any).harness.predictorKernel(o), {
        ...files,
        activation: Array.from(activation),
        perSample: activation.length / count,
        count,
        t: k.t_cur,
        tNext: k.t_next,
        hasBottleneck: true,
        chunk: 3,
      });
      for (let i = 0; i < count; i++) {
        // Both float64 from the same float32 weights: only summation order differs.
        expect(Math.abs(want.r[i] - k.r[i]), `${k.name} float64 r[${i}]`).toBeLessThan(1e-9);
        expect(Math.abs(want.c[i] - k.c[i]), `${k.name} float64 c[${i}]`).toBeLessThan(1e-9);
        // f32 kernels: see amed-predictor.test.ts for the bound.
        expect(Math.abs(gpu.r[i] - k.r[i]), `${k.name} WGSL r[${i}]`).toBeLessThan(2e-5);
        expect(Math.abs(gpu.c[i] - k.c[i]), `${k.name} WGSL c[${i}]`).toBeLessThan(1e-6);
      }
    }
  });

  it('trajectory (NFE 5, labels 3, 7 and null): per-step r, c, s and the final x, on the GPU and in float64', async () => {
    const { labels, sigmas, steps } = meta.trajectory;
    const z = array(meta.trajectory.z);
    const xFinal = array(meta.trajectory.x_final);
    const gpu = await holder.session.page.evaluate((o) => (window as any).harness.predictedRun(o), {
      ...files,
      noise: Array.from(z),
      labels,
      sigmas,
    });
    expect(gpu.nfe).toBe(5);
    const denoiser = unetCpuDenoiser(loadModelFromDisk(), labels);
    const cpu = runPlanCpu(buildAmedPredictedPlan(Float64Array.from(sigmas), true), denoiser, {
      noise: z,
      count: labels.length,
      predictor: predictors[index],
    });
    expect(denoiser.calls).toBe(5);
    for (const step of steps) {
      const g = gpu.amed.find((a: { step: number }) => a.step === step.n);
      for (let i = 0; i < labels.length; i++) {
        expect(Math.abs(cpu.amed!.get(step.n)!.r[i] - step.r[i]), `float64 step ${step.n} r[${i}]`).toBeLessThan(1e-8);
        expect(Math.abs(g.r[i] - step.r[i]), `WGSL step ${step.n} r[${i}]`).toBeLessThan(2e-4);
        expect(Math.abs(g.c[i] - step.c[i]), `WGSL step ${step.n} c[${i}]`).toBeLessThan(1e-5);
        expect(Math.abs(g.s[i] - step.s[i]) / step.s[i], `WGSL step ${step.n} s[${i}]`).toBeLessThan(1e-3);
      }
    }
    expect(relativeToScale(cpu.samples, xFinal), 'float64 final x').toBeLessThan(1e-7);
    // f32 network (≤ 1e-5 of scale per evaluation) through 5 evaluations and the predictor: the network's 1e-3 bar.
    expect(relativeToScale(gpu.samples, xFinal), 'WGSL final x').toBeLessThan(1e-3);
  }, 600_000);
});

describe('the public API chooses the learned predictor where it was trained', () => {
  it("sample({ world: 'fmnist', sampler: 'amed', nfe: 5 }) uses it (NFE 5); CFG 2 and an untrained NFE fall back to the calibration", async () => {
    const trainedNfe = predictors.map((p) => p.nfe);
    const r = await holder.session.page.evaluate(async () => {
      const h = (window as any).harness;
      const sandbox = await h.createSandbox();
      const base = { world: 'fmnist', sampler: 'amed', label: 'mixed', seed: 1 };
      const learned = await sandbox.sample({ ...base, nfe: 5, count: 2 });
      // Imported calibrations for the fallback runs: a live one would take minutes on this adapter.
      const install = (steps: number, cfg: number) =>
        sandbox.importAmedCalibration({
          format: 'diffusion-sandbox/amed-calibration@1',
          world: 'fmnist',
          variant: 'solver',
          afs: true,
          sigmas: Array.from(sandbox.sigmas({ schedule: 'time_uniform', steps: steps + 1 })).slice(0, steps + 1),
          steps: Array.from({ length: steps }, () => ({ r: 0.5, c: 1 })),
          denoiser: { size: 28, cfg, conditional: true },
        });
      await install(3, 2);
      await install(6, 1);
      await install(2, 1);
      const guided = await sandbox.sample({ ...base, nfe: 5, count: 1, cfg: 2 });
      const untrained = await sandbox.sample({ ...base, nfe: 11, count: 1 });
      const nfe4 = await sandbox.sample({ ...base, nfe: 4, count: 1 });
      sandbox.destroy();
      const info = (s: any) => ({ nfe: s.nfe, amed: s.amed });
      return { learned: info(learned), guided: info(guided), untrained: info(untrained), nfe4: info(nfe4) };
    });
    expect(r.learned.nfe).toBe(5);
    expect(r.learned.amed.source).toBe('predictor');
    expect(r.learned.amed.nfe).toBe(5);
    expect(r.learned.amed.steps).toHaveLength(3);
    for (const s of r.learned.amed.steps) {
      expect(s.r).toBeGreaterThan(0);
      expect(s.r).toBeLessThan(1);
      expect(Math.abs(s.c - 1)).toBeLessThanOrEqual(0.01);
      expect(s.rStd).toBeGreaterThanOrEqual(0);
    }
    expect(r.guided.nfe).toBe(5);
    expect(r.guided.amed).toMatchObject({
      source: 'calibration',
      nfe: 5,
      steps: [
        { r: 0.5, c: 1 },
        { r: 0.5, c: 1 },
        { r: 0.5, c: 1 },
      ],
    });
    expect(r.guided.amed.reason).toMatch(/CFG/);
    expect(r.untrained.nfe).toBe(11);
    expect(r.untrained.amed.source).toBe('calibration');
    expect(r.untrained.amed.reason).toMatch(/no predictor for 7 timestamps/);
    // A budget of 4 runs NFE 3 (2 steps): the predictor only if an NFE-3 one is shipped.
    expect(r.nfe4.nfe).toBe(3);
    expect(r.nfe4.amed.source).toBe(trainedNfe.includes(3) ? 'predictor' : 'calibration');

    // The page's AMED table for the predictor run: per-step mean ± sd of the per-sample r and c.
    const table = await holder.session.page.evaluate((amed) => (window as any).harness.amedTable(amed), r.learned.amed);
    expect(table.summary).toMatch(/learned predictor/);
    expect(table.source).toBe('predictor');
    expect(table.rows).toEqual(
      r.learned.amed.steps.map((s: { r: number; c: number; rStd: number; cStd: number }) => ({
        r: `${s.r.toFixed(3)} ± ${s.rStd.toFixed(3)}`,
        c: `${s.c.toFixed(3)} ± ${s.cStd.toFixed(3)}`,
      })),
    );
  }, 600_000);
});
