/** The page's run bookkeeping: requests from the state, shared reference solves, the result cache, progress. */
import { describe, expect, it } from 'vitest';
import { SAMPLERS, stepsForNfe } from '../../src/sampling/samplers';
import { defaultState } from '../../src/state/params';
import { CancelledError } from '../../src/gpu/errors';
import { parseBounded } from '../../src/ui/form';
import { formatSecondsLeft, ProgressClock } from '../../src/ui/runs/progress-clock';
import { ReferenceSolves } from '../../src/ui/runs/reference-solves';
import {
  panelRequest,
  panelSteps,
  recordsTrajectory,
  referenceRequest,
  requestKey,
  TRAJECTORY_VALUE_BUDGET,
} from '../../src/ui/runs/run-request';
import { resolveSampleOptions } from '../../src/api/options';
import { buildAmedPlan } from '../../src/sampling/samplers/amed';
import { WorldRegistry } from '../../src/worlds/registry';
import type { PanelState } from '../../src/state/params';
import { RunCache } from '../../src/ui/runs/run-cache';
import type { SampleResult } from '../../src/api/sandbox';

describe('requests from the state', () => {
  it('the panel shows the steps the engine runs, for every sampler, budget and option setting', () => {
    const worlds = new WorldRegistry();
    const panels: PanelState[] = [
      ...SAMPLERS.map((s) => ({ sampler: s.id, steps: 3, schedule: s.defaultSchedule, eta: 0 })),
      { sampler: 'amed', steps: 3, schedule: 'time_uniform', eta: 0, afs: false },
      { sampler: 'amed_plugin', steps: 3, schedule: 'time_uniform', eta: 0, afs: false, base: 'euler' },
    ];
    for (const panel of panels) {
      for (let budget = 3; budget <= 40; budget++) {
        const state = { ...defaultState(), equalNfe: true, nfe: budget, panels: [panel, panel] };
        const engine = resolveSampleOptions(panelRequest(state, 0, SAMPLERS, []), worlds).steps;
        expect(panelSteps(state, 0, SAMPLERS), `${JSON.stringify(panel)} at ${budget}`).toBe(engine);
      }
    }
  });

  it('AMED with AFS off and an NFE budget of 9: the panel shows 4 steps, the engine runs 4 steps of NFE 8', () => {
    // Without AFS every step costs 2 evaluations (Zhou et al. 2024, §3.3): 5 steps would need 10 > 9.
    const panel: PanelState = { sampler: 'amed', steps: 3, schedule: 'time_uniform', eta: 0, afs: false };
    const state = { ...defaultState(), equalNfe: true, nfe: 9, panels: [panel, panel] };
    const run = resolveSampleOptions(panelRequest(state, 0, SAMPLERS, []), new WorldRegistry());
    const plan = buildAmedPlan(run.sigmas, {
      variant: 'solver',
      afs: false,
      steps: Array.from({ length: run.steps }, () => ({ r: 0.5, c: 1 })),
    });
    expect(panelSteps(state, 0, SAMPLERS)).toBe(4);
    expect(run.steps).toBe(4);
    expect(plan.nfe).toBe(8);
    // With AFS on (the default) the first step is free: 5 steps fit in 9.
    expect(panelSteps({ ...state, panels: [{ ...panel, afs: undefined }, panel] }, 0, SAMPLERS)).toBe(5);
  });

  it('stepsForNfe follows the options: AMED spends one evaluation less with AFS', () => {
    const amed = SAMPLERS.find((s) => s.id === 'amed')!;
    expect(stepsForNfe(amed, 9, { afs: false })).toBe(4);
    expect(stepsForNfe(amed, 9, { afs: true })).toBe(5);
    expect(stepsForNfe(amed, 9)).toBe(5);
  });

  it('equal-NFE mode asks for the budget; η is sent only to stochastic samplers', () => {
    const state = defaultState();
    const [euler, heun, sde] = [0, 1, 2].map((i) => panelRequest(state, i, SAMPLERS, []));
    expect(euler).toMatchObject({ sampler: 'euler', steps: 10, seed: 42, count: 2048 });
    expect('eta' in euler).toBe(false);
    expect(sde.eta).toBe(1);
    const equal = { ...state, equalNfe: true, nfe: 9 };
    expect(panelRequest(equal, 1, SAMPLERS, [])).toMatchObject({ nfe: 9 });
    expect('steps' in panelRequest(equal, 1, SAMPLERS, [])).toBe(false);
    expect(panelSteps(equal, 1, SAMPLERS)).toBe(5);
    expect(heun.steps).toBe(5);
  });

  it('a deterministic panel differing only in η shares its key; panels share one reference', () => {
    const state = defaultState();
    const changed = { ...state, panels: state.panels.map((p, i) => (i === 0 ? { ...p, eta: 0.7 } : p)) };
    expect(requestKey(panelRequest(changed, 0, SAMPLERS, []))).toBe(requestKey(panelRequest(state, 0, SAMPLERS, [])));
    expect(requestKey(panelRequest(changed, 2, SAMPLERS, []))).toBe(requestKey(panelRequest(state, 2, SAMPLERS, [])));
    expect(requestKey(referenceRequest(changed))).toBe(requestKey(referenceRequest(state)));
    expect(requestKey(referenceRequest({ ...state, seed: 1 }))).not.toBe(requestKey(referenceRequest(state)));
  });

  it('trajectories are recorded up to the value budget (2D points count 2, images size²)', () => {
    expect(recordsTrajectory(2048, TRAJECTORY_VALUE_BUDGET / 4096 - 1, 2)).toBe(true);
    expect(recordsTrajectory(2048, TRAJECTORY_VALUE_BUDGET / 4096, 2)).toBe(false);
    expect(recordsTrajectory(16, 50, 56 * 56)).toBe(true);
    expect(recordsTrajectory(16, 50, 112 * 112)).toBe(false);
  });
});

/** A stand-in for sandbox.reference that resolves on demand and records whether its signal aborted. */
function controllableReference() {
  const solves: Array<{ resolve: (v: Float32Array) => void; aborted: () => boolean }> = [];
  return {
    solves,
    referenceKey: async (request: object) => JSON.stringify(request),
    reference(options: { signal?: AbortSignal }) {
      return new Promise<Float32Array>((resolve, reject) => {
        options.signal?.addEventListener('abort', () => reject(new CancelledError()));
        solves.push({ resolve, aborted: () => options.signal?.aborted ?? false });
      });
    },
  };
}

/** Lets the solves' key lookups (promises) finish. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('shared reference solves', () => {
  const request = referenceRequest(defaultState());

  it('callers share one solve; it is cancelled only when the last caller withdraws', async () => {
    const fake = controllableReference();
    const solves = new ReferenceSolves(fake);
    const [a, b] = [new AbortController(), new AbortController()];
    const first = solves.get(request, a.signal);
    const second = solves.get(request, b.signal);
    await settle();
    expect(fake.solves).toHaveLength(1);
    a.abort();
    await expect(first).rejects.toThrow(CancelledError);
    expect(fake.solves[0].aborted()).toBe(false);
    b.abort();
    await expect(second).rejects.toThrow(CancelledError);
    expect(fake.solves[0].aborted()).toBe(true);
    expect(solves.pending).toBe(0);
  });

  it('a finished solve is handed to every caller and then forgotten (the sandbox caches it)', async () => {
    const fake = controllableReference();
    const solves = new ReferenceSolves(fake);
    const signal = new AbortController().signal;
    const both = Promise.all([solves.get(request, signal), solves.get(request, signal)]);
    await settle();
    const value = Float32Array.of(1, 2);
    fake.solves[0].resolve(value);
    expect(await both).toEqual([value, value]);
    expect(solves.pending).toBe(0);
    await expect(solves.get(request, AbortSignal.abort())).rejects.toThrow(CancelledError);
  });
});

describe('run cache and progress', () => {
  it('keeps the most recently used results', () => {
    const cache = new RunCache(2);
    const result = (n: number) => ({ nfe: n }) as SampleResult;
    cache.set('a', result(1));
    cache.set('b', result(2));
    cache.get('a');
    cache.set('c', result(3));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.nfe).toBe(1);
    expect(cache.get('c')?.nfe).toBe(3);
  });

  it('extrapolates the time left linearly', () => {
    const clock = new ProgressClock(1000);
    expect(clock.secondsLeft(0, 2000)).toBeUndefined();
    expect(clock.secondsLeft(0.25, 3000)).toBeCloseTo(6, 9);
    expect(formatSecondsLeft(6)).toBe('about 6 s left');
    expect(formatSecondsLeft(130)).toBe('about 2 min 10 s left');
    expect(formatSecondsLeft(undefined)).toBe('estimating…');
  });

  it('typed numbers outside their range are refused with the field and the range', () => {
    expect(parseBounded('12', 'steps', [1, 1000], true)).toEqual({ value: 12 });
    expect(parseBounded('5000', 'steps', [1, 1000], true)).toEqual({ error: 'steps: must be in 1–1000, got 5000' });
    expect(parseBounded('2.5', 'steps', [1, 1000], true)).toEqual({
      error: 'steps: must be a whole number in 1–1000, got 2.5',
    });
    expect(parseBounded('abc', 'sigmaMax', [0.1, 1000], false)).toEqual({
      error: 'sigmaMax: enter a number in 0.1–1000',
    });
  });
});
