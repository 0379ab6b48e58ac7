/**
 * The sandbox's caches key on the denoiser's key() (src/api/run-key.ts), so a world reflowed again under the same id
 * (here with another seed, so other pairs and another regression) never gets the reference or the result of the
 * flow it replaced; asking twice with the same denoiser still hits the cache.
 */
import { describe, expect, it } from 'vitest';
import { maxAbsDiff, useHarnessPage } from './gpu-session';

const holder = useHarnessPage();

describe('run keys on the GPU', () => {
  it('a world reflowed again under its id gets a new reference solve and a new sample key', async () => {
    const r = await holder.session.page.evaluate(async () => {
      const sandbox = await (window as any).harness.createSandbox();
      const solve = async (seed: number) => {
        const { world } = await sandbox.reflow({ world: 'gmm:ring8', pairs: 500, teacherSteps: 16, seed });
        const options = { world, count: 16, seed: 3 };
        const sample = { ...options, sampler: 'euler', steps: 2 };
        const reference = (await sandbox.reference(options)) as Float32Array;
        const again = (await sandbox.reference(options)) as Float32Array;
        const keys = [
          await sandbox.referenceKey(options),
          await sandbox.sampleKey(sample),
          await sandbox.sampleKey(sample),
        ];
        return { world, keys, reference: Array.from(reference), cached: reference === again };
      };
      const first = await solve(1);
      const second = await solve(2);
      sandbox.destroy();
      return { first, second };
    });
    expect(r.second.world).toBe(r.first.world);
    expect(r.first.cached && r.second.cached).toBe(true);
    expect(r.first.keys[2]).toBe(r.first.keys[1]);
    expect(r.second.keys[0]).not.toBe(r.first.keys[0]);
    expect(r.second.keys[1]).not.toBe(r.first.keys[1]);
    // Different pairs give a visibly different flow; a shared cache entry would give identical numbers.
    expect(maxAbsDiff(r.second.reference, r.first.reference)).toBeGreaterThan(1e-3);
  });
});
