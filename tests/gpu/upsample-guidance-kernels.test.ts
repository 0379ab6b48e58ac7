import { describe, expect, it } from 'vitest';
import { makeShaderDataDefinitions, makeStructuredView } from 'webgpu-utils';
import code from '../../shaders/guidance/upsample-guidance.wgsl?raw';
import { lcg } from '../reference/random-mixture';
import { averagePool, guided } from '../reference/upsample-guidance';
import { EPS32, maxAbsDiff, useHarnessPage } from './gpu-session';

const holder = useHarnessPage();

async function runKernels(size: number, m: number, count: number, w: number, eta: number, seed: number, channels = 1) {
  const u = lcg(seed);
  const low = size / m;
  const image = Array.from({ length: count * channels * size * size }, () => 2 * u() - 1);
  const dLow = Array.from({ length: count * channels * low * low }, () => 2 * u() - 1);
  const sigma = Array.from({ length: count }, (_, n) => [0.05, 0.5, 2, 20, 80][n % 5]);
  const view = makeStructuredView(makeShaderDataDefinitions(code).uniforms.params);
  view.set({ size, factor: m, weight: w, eta, channels });
  const paramBytes = Array.from(new Uint8Array(view.arrayBuffer));
  const gpu = await holder.session.page.evaluate(
    async (image, dLow, sigma, size, m, paramBytes, channels) => {
      const h = (window as any).harness;
      const ctx = await h.GpuContext.create();
      const { device, pool: bufferPool } = ctx.resources;
      const code = h.SHADERS.upsampleGuidance;
      return h.withErrorScopes(device, async () => {
        const [pool, scale, guide] = await Promise.all(
          ['pool', 'scale_sigma', 'guide'].map((e) => ctx.resources.pipelines.get('ug', code, e)),
        );
        const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
        const buffer = (data: number[] | number) => {
          const n = typeof data === 'number' ? data : data.length;
          const b = device.createBuffer({ size: Math.max(16, n * 4), usage });
          if (typeof data !== 'number') device.queue.writeBuffer(b, 0, new Float32Array(data));
          return { buffer: b, offset: 0, size: n * 4 };
        };
        const params = device.createBuffer({
          size: paramBytes.length,
          usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
        });
        device.queue.writeBuffer(params, 0, new Uint8Array(paramBytes));
        const count = sigma.length;
        const low = size / m;
        const planes = count * channels;
        const img = buffer(image),
          sig = buffer(sigma),
          pooled = buffer(planes * low * low),
          sigLow = buffer(count),
          dl = buffer(dLow),
          dhp = buffer(planes * low * low),
          out = buffer(planes * size * size);
        const enc = device.createCommandEncoder();
        const pass = enc.beginComputePass();
        const go = (pipeline: GPUComputePipeline, entries: Array<[number, GPUBufferBinding]>, n: number) => {
          pass.setPipeline(pipeline);
          pass.setBindGroup(
            0,
            device.createBindGroup({
              layout: pipeline.getBindGroupLayout(0),
              entries: entries.map(([binding, resource]) => ({ binding, resource })),
            }),
          );
          pass.dispatchWorkgroups(Math.ceil(n / 64));
        };
        go(
          pool,
          [
            [0, { buffer: params }],
            [1, img],
            [3, pooled],
          ],
          planes * low * low,
        );
        go(
          scale,
          [
            [0, { buffer: params }],
            [2, sig],
            [4, sigLow],
          ],
          count,
        );
        go(
          pool,
          [
            [0, { buffer: params }],
            [1, img],
            [3, dhp],
          ],
          planes * low * low,
        );
        go(
          guide,
          [
            [0, { buffer: params }],
            [2, sig],
            [5, img],
            [6, dl],
            [8, dhp],
            [7, out],
          ],
          planes * size * size,
        );
        pass.end();
        device.queue.submit([enc.finish()]);
        const res = await h.readBuffers(
          device,
          bufferPool,
          [pooled, sigLow, out].map((b) => ({ buffer: b.buffer, bytes: b.size })),
        );
        ctx.dispose();
        return res.map((a: Float32Array) => Array.from(a));
      });
    },
    image,
    dLow,
    sigma,
    size,
    m,
    paramBytes,
    channels,
  );
  return { image, dLow, sigma, gpu: gpu as number[][] };
}

describe('Upsample Guidance kernels against float64', () => {
  for (const [size, m, channels] of [
    [56, 2, 1],
    [112, 4, 1],
    [16, 2, 3],
    [32, 4, 3],
  ] as const) {
    it(`pool, σ/m and the guided combination at ${channels}×${size}×${size} (m = ${m})`, async () => {
      const count = 5;
      const { image, dLow, sigma, gpu } = await runKernels(size, m, count, 1.2, 0.6, size + m, channels);
      // Averages of m² values in [−1, 1]: m² roundings of |sum| ≤ m²; the guide adds two more operations.
      expect(maxAbsDiff(gpu[0], averagePool(image, count * channels, size, m))).toBeLessThan(2 * m * m * EPS32);
      expect(
        maxAbsDiff(
          gpu[1],
          sigma.map((s) => s / m),
        ),
      ).toBeLessThan(80 * EPS32);
      const exact = guided(image, dLow, sigma, count, size, m, 1.2, 0.6, channels);
      expect(maxAbsDiff(gpu[2], exact)).toBeLessThan(8 * (m * m + 4) * EPS32);
      // The window really switches per sample, on every channel: samples with τ < 1 − η are left unguided.
      const plane = size * size;
      const changed = (n: number, c: number) => {
        const from = (n * channels + c) * plane;
        return gpu[2].slice(from, from + plane).some((v, k) => Math.abs(v - image[from + k]) > 1e-3);
      };
      for (let c = 0; c < channels; c++)
        expect(
          sigma.map((_, n) => changed(n, c)),
          `channel ${c}`,
        ).toEqual(sigma.map((s) => s / (1 + s) >= 0.4));
    });
  }
});
