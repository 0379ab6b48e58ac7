import { describe, expect, it } from 'vitest';
import { useHarnessPage } from './gpu-session';

const holder = useHarnessPage();

describe('AMED through the public API on the GPU', () => {
  it('calibrates on first use, reports NFE ≤ budget, and at 5 NFE beats Euler at 10 and DPM++(2M) at 5', async () => {
    const r = await holder.session.page.evaluate(async () => {
      const sandbox = await (window as any).harness.createSandbox();
      const base = { world: 'gmm:ring8', count: 512, seed: 9 };
      const reference = await sandbox.reference(base);
      const score = async (o: object) => {
        const out = await sandbox.sample({ ...base, ...o });
        return {
          nfe: out.nfe,
          rmse: sandbox.evaluate({ world: 'gmm:ring8', samples: out.samples, reference }).rmse,
          steps: out.steps,
        };
      };
      const amed = await score({ sampler: 'amed', nfe: 5 });
      const amedEven = await score({ sampler: 'amed', nfe: 6 });
      const plugin = await score({ sampler: 'amed_plugin', nfe: 5 });
      const euler = await score({ sampler: 'euler', nfe: 10 });
      const dpm = await score({ sampler: 'dpmpp_2m', nfe: 5 });
      const calibration = await sandbox.calibrateAmed({ world: 'gmm:ring8', nfe: 5 });
      sandbox.destroy();
      return { amed, amedEven, plugin, euler, dpm, calibration };
    });
    expect(r.amed.nfe).toBe(5);
    expect(r.amed.steps).toBe(3);
    expect(r.amedEven.nfe).toBe(5); // a budget of 6 still fits only 3 steps (2·3 − 1)
    expect(r.plugin.nfe).toBe(5);
    expect(r.amed.rmse).toBeLessThan(r.euler.rmse);
    expect(r.amed.rmse).toBeLessThan(r.dpm.rmse);
    expect(r.plugin.rmse).toBeLessThan(r.euler.rmse);
    expect(r.calibration.steps.length).toBe(3);
    expect(r.calibration.format).toBe('diffusion-sandbox/amed-calibration@1');
  });

  it('an exported calibration imported into a fresh sandbox reproduces the same samples without recalibrating', async () => {
    const r = await holder.session.page.evaluate(async () => {
      const h = (window as any).harness;
      const first = await h.createSandbox();
      const options = { world: 'gmm:moons', sampler: 'amed', nfe: 7, count: 64, seed: 4 };
      const calibration = JSON.stringify(await first.calibrateAmed(options));
      const a = await first.sample(options);
      first.destroy();
      // A calibration reports its progress under the phase 'AMED calibration'; the run itself under none.
      const phasesOf = async (sandbox: any) => {
        const phases = new Set<string>();
        const out = await sandbox.sample({
          ...options,
          onProgress: (_: number, phase?: string) => phase && phases.add(phase),
        });
        return { out, phases: [...phases] };
      };
      const second = await h.createSandbox();
      await second.importAmedCalibration(calibration);
      const { out: b, phases: imported } = await phasesOf(second);
      const third = await h.createSandbox();
      const { phases: fresh } = await phasesOf(third);
      third.destroy();
      let bad = '';
      try {
        await second.importAmedCalibration({ ...JSON.parse(calibration), steps: [{ r: 2, c: 1 }] });
      } catch (e) {
        bad = (e as Error).message;
      }
      second.destroy();
      return { same: a.samples.every((v: number, i: number) => v === b.samples[i]), imported, fresh, bad };
    });
    expect(r.same).toBe(true);
    expect(r.imported).toEqual([]);
    expect(r.fresh).toEqual(['AMED calibration']);
    expect(r.bad).toMatch(/calibration.steps/);
  });
});
