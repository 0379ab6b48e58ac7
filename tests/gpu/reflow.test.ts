import { describe, expect, it } from 'vitest';
import { useHarnessPage } from './gpu-session';

const holder = useHarnessPage();

describe('live ReFlow on the GPU', () => {
  it('one Euler step of the reflowed ring lands on the target; the flow gets straighter', async () => {
    const r = await holder.session.page.evaluate(async () => {
      const sandbox = await (window as any).harness.createSandbox();
      const result = await sandbox.reflow({ world: 'gmm:ring8', pairs: 10000, teacherSteps: 48, seed: 3 });
      const count = 1024;
      const oneStep = async (world: string) => {
        const out = await sandbox.sample({ world, sampler: 'reflow', steps: 1, count, seed: 77 });
        return sandbox.evaluate({ world: 'gmm:ring8', samples: out.samples }).logLikelihood;
      };
      const before = await oneStep('gmm:ring8');
      const after = await oneStep(result.world);
      const target = sandbox.evaluate({
        world: 'gmm:ring8',
        samples: sandbox.targetSamples({ world: 'gmm:ring8', count, seed: 78 }),
      }).logLikelihood;
      const worlds = sandbox.worlds.map((w: { id: string }) => w.id);
      sandbox.destroy();
      return { result, before, after, target, worlds };
    });
    expect(r.result.world).toBe('gmm:ring8:2rf');
    expect(r.worlds).toContain('gmm:ring8:2rf');
    expect(r.result.straightnessAfter).toBeLessThan(r.result.straightnessBefore / 3);
    expect(r.before).toBeLessThan(r.target - 20); // 1-RF in one step: the blurry mean, far off the ring
    expect(r.after).toBeGreaterThan(r.target - 2); // 2-RF in one step: within ~2 nats of the target
    console.log(
      `reflow ring8: bandwidth ${r.result.bandwidth}, S ${r.result.straightnessBefore.toFixed(3)} → ${r.result.straightnessAfter.toFixed(3)}, one-step LL 1-RF ${r.before.toFixed(2)}, 2-RF ${r.after.toFixed(2)}, target ${r.target.toFixed(2)}`,
    );
  });
});
