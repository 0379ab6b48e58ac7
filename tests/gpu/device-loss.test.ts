import { describe, expect, it } from 'vitest';
import { useHarnessPage } from './gpu-session';

const holder = useHarnessPage();

describe('device loss', () => {
  it('device.destroy() mid-run: the context recovers and the interrupted run still completes correctly', async () => {
    const result = await holder.session.page.evaluate(async () => {
      const h = (window as any).harness;
      const sandbox = await h.createSandbox();
      const events: string[] = [];
      sandbox.gpu.addEventListener('lost', () => events.push('lost'));
      sandbox.gpu.addEventListener('restored', () => events.push('restored'));
      const options = { world: 'gmm:ring8', sampler: 'heun', steps: 150, count: 4096, seed: 5 };
      const clean = await sandbox.sample(options);
      const firstDevice = sandbox.gpu.resources.device;
      let destroyed = false;
      const interrupted = await sandbox.sample({
        ...options,
        onProgress: (f: number) => {
          if (!destroyed && f < 1) {
            destroyed = true;
            sandbox.gpu.resources.device.destroy();
          }
        },
      });
      let maxDiff = 0;
      for (let i = 0; i < clean.samples.length; i++)
        maxDiff = Math.max(maxDiff, Math.abs(clean.samples[i] - interrupted.samples[i]));
      // The recovered sandbox keeps working for later calls too.
      const after = await sandbox.sample({ ...options, steps: 3 });
      const generation = sandbox.gpu.resources.generation;
      const newDevice = sandbox.gpu.resources.device !== firstDevice;
      sandbox.destroy();
      return {
        destroyed,
        events,
        maxDiff,
        generation,
        newDevice,
        afterLength: after.samples.length,
        nfe: interrupted.nfe,
      };
    });
    expect(result.destroyed).toBe(true);
    expect(result.events).toEqual(['lost', 'restored']);
    expect(result.newDevice).toBe(true);
    expect(result.generation).toBe(1);
    expect(result.maxDiff).toBe(0);
    expect(result.nfe).toBe(299);
    expect(result.afterLength).toBe(8192);
  });

  it('a GPU validation error becomes a rejected promise with the message, not a console line', async () => {
    const message = await holder.session.page.evaluate(async () => {
      const h = (window as any).harness;
      const ctx = await h.GpuContext.create();
      const { device } = ctx.resources;
      try {
        await h.withErrorScopes(device, () =>
          device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.STORAGE }),
        );
        return 'no error';
      } catch (e) {
        return `${(e as Error).name}: ${(e as Error).message}`;
      } finally {
        ctx.dispose();
      }
    });
    expect(message).toMatch(/^GpuError: .*usage/i);
  });

  it('a WGSL compilation error rejects with the compiler message and line', async () => {
    const message = await holder.session.page.evaluate(async () => {
      const h = (window as any).harness;
      const ctx = await h.GpuContext.create();
      try {
        await ctx.resources.pipelines.get('broken', '@compute @workgroup_size(1) fn main() {\n  let x: f32 = 1u;\n}');
        return 'no error';
      } catch (e) {
        return (e as Error).message;
      } finally {
        ctx.dispose();
      }
    });
    expect(message).toMatch(/WGSL compilation failed\nbroken:2:/);
  });
});
