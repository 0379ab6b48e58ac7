/**
 * The f32 floor that the reference's step count is chosen against (tests/unit/reference-steps.test.ts, estimated in
 * float64 by ../reference/f32-floor.ts) is real: the GPU's own result of the same plan deviates from float64 by at
 * least as much, on a mixture and on a reflowed flow.
 */
import { describe, expect, it } from 'vitest';
import { rmse } from '../../src/metrics/distances';
import { buildReferencePlan } from '../../src/metrics/reference';
import type { CpuDenoiser } from '../../src/sampling/denoiser';
import { initialNoise } from '../../src/sampling/noise';
import type { Plan } from '../../src/sampling/plan';
import { runPlanCpu } from '../../src/sampling/run-cpu';
import { gmmDenoiser } from '../../src/worlds/gmm';
import { ring8 } from '../../src/worlds/gmm-presets';
import { runPlanF32Storage } from '../reference/f32-floor';
import { reflowedRing, reflowedRingPairs } from '../reference/reflowed-ring';
import { useHarnessPage } from './gpu-session';

const holder = useHarnessPage();
const COUNT = 128;

type World = { kind: 'gmm'; spec: unknown } | { kind: 'pairs'; noise: number[]; data: number[]; bandwidth: number };

async function onGpu(world: World, plan: Plan, noise: Float32Array): Promise<number[]> {
  return holder.session.page.evaluate(
    async (world, plan, noise) => {
      const h = (window as any).harness;
      const ctx = await h.GpuContext.create();
      try {
        const gpu = ctx.resources;
        const denoiser =
          world.kind === 'gmm'
            ? await h.createGmmDenoiser(gpu, world.spec)
            : await h.createPairFlowDenoiser(
                gpu,
                { noise: new Float32Array(world.noise), data: new Float32Array(world.data) },
                world.bandwidth,
              );
        const run = { ...plan, sigmas: new Float64Array(plan.sigmas as unknown as number[]) };
        const result = await h.withErrorScopes(gpu.device, () =>
          h.runPlanGpu(gpu, { plan: run, denoiser, count: noise.length / 2, seed: 0, noise: new Float32Array(noise) }),
        );
        return Array.from(result.samples as Float32Array);
      } finally {
        ctx.dispose();
      }
    },
    world,
    { ...plan, sigmas: Array.from(plan.sigmas) } as unknown as Plan,
    Array.from(noise),
  );
}

describe('the f32 floor of the RK4 reference', () => {
  const pairs = reflowedRingPairs();
  const cases: Array<{ name: string; world: World; cpu: CpuDenoiser }> = [
    { name: 'ring of 8', world: { kind: 'gmm', spec: ring8() }, cpu: gmmDenoiser(ring8()) },
    {
      name: 'reflowed ring of 8 (bandwidth 0.05)',
      world: { kind: 'pairs', noise: Array.from(pairs.noise), data: Array.from(pairs.data), bandwidth: 0.05 },
      cpu: reflowedRing(0.05),
    },
  ];
  for (const { name, world, cpu } of cases) {
    it(`${name}: the GPU deviates from float64 at least by the estimated floor`, async () => {
      const noise = initialNoise(5, COUNT, 2);
      const plan = buildReferencePlan(80, 0.002);
      const exact = runPlanCpu(plan, cpu, { noise, count: COUNT }).samples;
      const floor = rmse(runPlanF32Storage(plan, cpu, { noise, count: COUNT }), exact, 2);
      const gpu = rmse(await onGpu(world, plan, noise), exact, 2);
      expect(floor).toBeGreaterThan(0);
      expect(gpu).toBeGreaterThanOrEqual(floor);
      // …and is of its order: the estimate is a floor, not a bound far below what the GPU does.
      expect(gpu).toBeLessThan(20 * floor);
    });
  }
});
