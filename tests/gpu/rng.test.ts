import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brownianAt, hashKey, normalFromKey, pcgHash, signedUniform } from '../../src/sampling/noise';
import { gpuErrors, openPage } from '../browser/page';
import probe from './rng-probe.wgsl?raw';

let session: Awaited<ReturnType<typeof openPage>>;
beforeAll(async () => (session = await openPage()));
afterAll(async () => {
  expect(await gpuErrors(session.page)).toEqual([]);
  expect(session.problems).toEqual([]);
  await session.close();
});

describe('WGSL RNG against its TypeScript twin', () => {
  it('hashes and uniforms are bit-identical; normals and Brownian values agree to f32 rounding', async () => {
    const n = 4096;
    const keys = Array.from({ length: n }, (_, i) => pcgHash(i * 7919 + 13));
    const gpu = await session.page.evaluate(
      async (keys, probe) => {
        const { GpuContext, SHADERS, withErrorScopes } = (window as any).harness;
        const ctx = await GpuContext.create();
        const { device } = ctx.resources;
        const rngSource = SHADERS.combine.split('\n// One sampler update')[0];
        return withErrorScopes(device, async () => {
          const pipeline = await ctx.resources.pipelines.get('rng-probe', rngSource + '\n' + probe);
          const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
          const bufs = Array.from({ length: 5 }, () => device.createBuffer({ size: keys.length * 4, usage }));
          device.queue.writeBuffer(bufs[0], 0, new Uint32Array(keys));
          const enc = device.createCommandEncoder();
          const pass = enc.beginComputePass();
          pass.setPipeline(pipeline);
          pass.setBindGroup(
            0,
            device.createBindGroup({
              layout: pipeline.getBindGroupLayout(0),
              entries: bufs.map((buffer, binding) => ({ binding, resource: { buffer } })),
            }),
          );
          pass.dispatchWorkgroups(Math.ceil(keys.length / 64));
          pass.end();
          device.queue.submit([enc.finish()]);
          const out = await (window as any).harness.readBuffers(
            device,
            ctx.resources.pool,
            bufs.slice(1).map((buffer) => ({ buffer, bytes: keys.length * 4 })),
          );
          ctx.dispose();
          return [Array.from(new Uint32Array(out[0].buffer)), ...out.slice(1).map((a: Float32Array) => Array.from(a))];
        });
      },
      keys,
      probe,
    );
    const [hashes, uniforms, normals, brownian] = gpu as number[][];
    let maxNormal = 0;
    let maxBrownian = 0;
    for (let i = 0; i < n; i++) {
      const k = keys[i];
      expect(hashes[i]).toBe(hashKey(k % 3, k, i, k >>> 3));
      expect(uniforms[i]).toBe(signedUniform(pcgHash(k)));
      maxNormal = Math.max(maxNormal, Math.abs(normals[i] - normalFromKey(k)) / Math.max(1, Math.abs(normals[i])));
      maxBrownian = Math.max(maxBrownian, Math.abs(brownian[i] - brownianAt((i % 129) / 128, 5, i, 1)));
    }
    // The polar method's log and sqrt are within a few ulps on any conformant adapter (WGSL: log 3 ulp, sqrt
    // 2.5 ulp outside [0.5, 2], 2^-21 absolute inside): relative 2^-19 ≈ 1.9e-6 covers the chain of five ops.
    expect(maxNormal).toBeLessThan(2 ** -19);
    // W(u) sums up to 32 bridge terms in f32 (each |term| ≲ 4): ≤ 32 · 4 · 2^-23 · a few ≈ 1e-4.
    expect(maxBrownian).toBeLessThan(1e-4);
    console.log(
      `rng: max normal rel diff ${maxNormal.toExponential(2)}, max Brownian abs diff ${maxBrownian.toExponential(2)}`,
    );
  });
});
