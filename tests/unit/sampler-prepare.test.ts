/** The one prepare hook (src/sampling/prepare.ts): AMED prepares through its registry entry, with the engine's
 *  services given by a context, so the caller never needs to know which sampler it runs. */
import { describe, expect, it } from 'vitest';
import { calibrationForRun, importCalibration, type AmedCalibration } from '../../src/sampling/amed/calibrations';
import type { AmedRunInfo } from '../../src/sampling/amed/run-info';
import { cpuPrepareServices } from '../reference/forward-solves';
import { PrepareMemo, type PrepareContext } from '../../src/sampling/prepare';
import { initialNoise } from '../../src/sampling/noise';
import { runPlanCpu } from '../../src/sampling/run-cpu';
import { samplerById, SAMPLERS } from '../../src/sampling/samplers';
import { DEFAULT_SCHEDULE_OPTIONS as O, timeUniform } from '../../src/sampling/schedules';
import { gmmDenoiser } from '../../src/worlds/gmm';
import { GMM_PRESETS } from '../../src/worlds/gmm-presets';

const spec = GMM_PRESETS.find((p) => p.id === 'gmm:ring8')!.spec();

const den0 = gmmDenoiser(spec).key();

/** A context on the exact float64 ring-of-8 denoiser, counting its forward solves. */
function context(
  samplerId: string,
  options: Record<string, unknown>,
  memo = new PrepareMemo(),
  denoiserKey = den0,
  caller: { signal?: AbortSignal; onProgress?: (fraction: number) => void } = {},
) {
  const den = gmmDenoiser(spec);
  const calls = { denoise: 0 };
  const ctx: PrepareContext = {
    samplerId,
    world: 'gmm:ring8',
    dim: 2,
    sigmas: timeUniform(4, O).slice(0, 4),
    schedule: 'time_uniform',
    scheduleOptions: O,
    scheduleParams: {},
    options: options as PrepareContext['options'],
    denoiser: { cfg: 1, conditional: false },
    denoiserKey,
    ...cpuPrepareServices(den, () => calls.denoise++),
    memo: (key, compute) => memo.get(key, compute, caller),
    ...caller,
  };
  return { ctx, calls, memo };
}

describe('the prepare hook', () => {
  it('only the samplers that must prepare declare one (AMED-Solver and AMED-Plugin)', () => {
    expect(SAMPLERS.filter((s) => s.prepare).map((s) => s.id)).toEqual(['amed', 'amed_plugin']);
  });

  it('AMED calibrates on the context, once per (world, denoiser, variant, AFS, grid), and its plan runs', async () => {
    const amed = samplerById('amed')!;
    const { ctx, calls, memo } = context('amed', { afs: true });
    const prepared = await amed.prepare!(ctx);
    const solves = calls.denoise;
    expect(solves).toBeGreaterThan(0);
    await amed.prepare!(context('amed', { afs: true }, memo).ctx);
    expect(calls.denoise).toBe(solves);
    const plan = amed.build(ctx.sigmas, ctx.options, prepared.plan);
    expect(plan.nfe).toBe(amed.nfe(3, ctx.options));
    const out = runPlanCpu(plan, gmmDenoiser(spec), { noise: initialNoise(1, 64, 2), count: 64 }).samples;
    expect(out.every(Number.isFinite)).toBe(true);
    const report = prepared.report!({ nfe: plan.nfe }).amed as AmedRunInfo;
    expect(report).toMatchObject({ source: 'calibration', nfe: 5, reason: 'no learned predictor for world gmm:ring8' });
    expect(report.steps).toHaveLength(3);
    expect(report.calibration!.variant).toBe('solver');
  });

  it("AMED-Plugin's base option selects the step rule it calibrates; AFS off costs one evaluation more", async () => {
    const plugin = samplerById('amed_plugin')!;
    const { ctx } = context('amed_plugin', { base: 'euler', afs: false });
    const prepared = await plugin.prepare!(ctx);
    const info = prepared.report!({ nfe: 0 }).amed as AmedRunInfo;
    expect([info.calibration!.variant, info.calibration!.afs]).toEqual(['euler', false]);
    expect(plugin.build(ctx.sigmas, ctx.options, prepared.plan).nfe).toBe(6);
  });

  it('an imported calibration is what the hook then uses; calibrationForRun refuses other samplers', async () => {
    const first = context('amed', { afs: true });
    const made: AmedCalibration = await calibrationForRun(first.ctx);
    const steps = made.steps.map(() => ({ r: 0.25, c: 1 }));
    const memo = new PrepareMemo();
    const keys: string[] = [];
    const imported = await importCalibration(memo, JSON.stringify({ ...made, steps }), async (world, facts) => {
      keys.push(`${world} cfg ${facts.cfg}`);
      return den0;
    });
    expect(keys).toEqual(['gmm:ring8 cfg 1']);
    const second = context('amed', { afs: true }, memo);
    const prepared = await samplerById('amed')!.prepare!(second.ctx);
    expect(second.calls.denoise).toBe(0);
    expect((prepared.report!({ nfe: 5 }).amed as AmedRunInfo).calibration).toBe(imported);
    // The memo keys on the denoiser's key(): the same facts on another function (a reflowed world under the same
    // id, a Skip-Tuning factor) calibrate anew.
    const other = context('amed', { afs: true }, memo, `${den0}:other`);
    const recalibrated = await samplerById('amed')!.prepare!(other.ctx);
    expect(other.calls.denoise).toBeGreaterThan(0);
    expect((recalibrated.report!({ nfe: 5 }).amed as AmedRunInfo).calibration).not.toBe(imported);
    expect(() => calibrationForRun(context('euler', {}).ctx)).toThrow(
      'sampler: must be one of amed, amed_plugin, got "euler"',
    );
  });
});

/** A computation that finishes when the test says so, recording the signal it was given. */
function pending<T>() {
  let finish!: (value: T) => void;
  let signal: AbortSignal | undefined;
  let progress!: (fraction: number) => void;
  let runs = 0;
  const compute = (work: { signal: AbortSignal; onProgress: (f: number) => void }) => {
    runs++;
    signal = work.signal;
    progress = work.onProgress;
    return new Promise<T>((resolve, reject) => {
      finish = resolve;
      work.signal.addEventListener('abort', () => reject(work.signal.reason));
    });
  };
  return {
    compute,
    finish: (v: T) => finish(v),
    signal: () => signal,
    progress: (f: number) => progress(f),
    runs: () => runs,
  };
}

describe('the prepare memo shares one computation between runs', () => {
  it('a caller that withdraws does not stop the computation for the others; all of them hear its progress', async () => {
    const memo = new PrepareMemo();
    const work = pending<string>();
    const [a, b] = [new AbortController(), new AbortController()];
    const heard: string[] = [];
    const first = memo.get('k', work.compute, { signal: a.signal, onProgress: (f) => heard.push(`a ${f}`) });
    const second = memo.get('k', work.compute, { signal: b.signal, onProgress: (f) => heard.push(`b ${f}`) });
    expect(work.runs()).toBe(1);
    work.progress(0.5);
    a.abort();
    await expect(first).rejects.toMatchObject({ name: 'AbortError' });
    expect(work.signal()!.aborted).toBe(false);
    work.progress(0.75);
    work.finish('done');
    await expect(second).resolves.toBe('done');
    expect(heard).toEqual(['a 0.5', 'b 0.5', 'b 0.75']);
    await expect(memo.get('k', work.compute)).resolves.toBe('done');
    expect(work.runs()).toBe(1);
  });

  it('once every caller has withdrawn the computation is aborted and forgotten; the next caller starts again', async () => {
    const memo = new PrepareMemo();
    const work = pending<string>();
    const [a, b] = [new AbortController(), new AbortController()];
    const calls = [
      memo.get('k', work.compute, { signal: a.signal }),
      memo.get('k', work.compute, { signal: b.signal }),
    ];
    a.abort();
    b.abort();
    await Promise.all(calls.map((call) => expect(call).rejects.toMatchObject({ name: 'AbortError' })));
    expect(work.signal()!.aborted).toBe(true);
    const again = memo.get('k', work.compute);
    expect(work.runs()).toBe(2);
    work.finish('second');
    await expect(again).resolves.toBe('second');
    // A caller whose signal is already aborted starts nothing.
    const stopped = new AbortController();
    stopped.abort();
    await expect(memo.get('other', work.compute, { signal: stopped.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(work.runs()).toBe(2);
  });

  it('two panels wait for one AMED calibration: stopping the first leaves the second its calibration', async () => {
    const memo = new PrepareMemo();
    const [a, b] = [new AbortController(), new AbortController()];
    const amed = samplerById('amed')!;
    const first = context('amed', { afs: true }, memo, den0, { signal: a.signal });
    const second = context('amed', { afs: true }, memo, den0, { signal: b.signal });
    const stopped = amed.prepare!(first.ctx);
    const kept = amed.prepare!(second.ctx);
    a.abort();
    await expect(stopped).rejects.toMatchObject({ name: 'AbortError' });
    const prepared = await kept;
    expect((prepared.report!({ nfe: 5 }).amed as AmedRunInfo).calibration!.steps).toHaveLength(3);
    expect(first.calls.denoise + second.calls.denoise).toBeGreaterThan(0);
  });
});
