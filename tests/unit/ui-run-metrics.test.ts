/** A panel's metrics are the run's own: measured on the world, seed and reference solve of the request that made
 *  the samples, whatever the page state has become since (an image world left for a 2D one, another seed). */
import { describe, expect, it } from 'vitest';
import type { Metrics, Sandbox } from '../../src/api/sandbox';
import { SAMPLERS } from '../../src/sampling/samplers';
import { defaultState, type SandboxState } from '../../src/state/params';
import { measureRun } from '../../src/ui/runs/run-metrics';
import {
  metricsFor,
  panelRequest,
  panelWorldArg,
  referenceRequest,
  requestKey,
  runReference,
  type ReferenceRequest,
} from '../../src/ui/runs/run-request';
import type { WorldInfo } from '../../src/worlds/types';

const WORLDS: WorldInfo[] = [
  { id: 'gmm:ring8', label: 'Ring', kind: '2d', dim: 2, description: '' },
  { id: 'gmm:ring8:2rf', label: 'Ring (2-RF)', kind: '2d', dim: 2, description: '' },
  {
    id: 'tiny-rgb',
    label: 'Tiny',
    kind: 'image',
    dim: 192,
    description: '',
    image: { size: 8, maxSize: 32, channels: 3, classes: ['r', 'g', 'b'], nullClass: 3 },
  },
];

type EvaluateOptions = Parameters<Sandbox['evaluate']>[0];

/** A sandbox and reference solves that record what they were asked. */
function recorder() {
  const evaluated: EvaluateOptions[] = [];
  const referenced: ReferenceRequest[] = [];
  const sandbox = {
    worlds: WORLDS,
    evaluate(options: EvaluateOptions): Metrics {
      evaluated.push(options);
      return { logLikelihood: -1, slicedW2: 0.1, rmse: options.reference ? 0.2 : undefined };
    },
  };
  const references = {
    async get(request: ReferenceRequest) {
      referenced.push(request);
      return new Float32Array(2 * request.count!);
    },
  };
  return { sandbox, references, evaluated, referenced };
}

const run = (state: SandboxState, index = 0) => {
  const request = panelRequest(state, index, SAMPLERS, WORLDS);
  const dim = state.world === 'tiny-rgb' ? 192 : 2;
  return { key: requestKey(request), request, result: { samples: new Float32Array(dim * state.count) } };
};

describe('metrics keyed to their run', () => {
  const plane: SandboxState = { ...defaultState(), seed: 5, count: 3 };
  const image: SandboxState = { ...defaultState(), world: 'tiny-rgb', seed: 9, count: 2 };

  it("a 2D run is measured on its own world, seed and reference, not the current state's", async () => {
    const { sandbox, references, evaluated, referenced } = recorder();
    const measured = await measureRun(run(plane, 1), sandbox, references, new AbortController().signal);
    expect(measured.key).toBe(run(plane, 1).key);
    expect(measured.metrics?.rmse).toBe(0.2);
    expect(referenced).toEqual([referenceRequest(plane)]);
    expect(evaluated).toHaveLength(1);
    expect(evaluated[0]).toMatchObject({ world: 'gmm:ring8', seed: 5 });
    expect(evaluated[0].samples).toHaveLength(6);
    expect(evaluated[0].reference).toHaveLength(6);
  });

  it('an image run has no exact metrics, even once the page shows a 2D world', async () => {
    const { sandbox, references, evaluated, referenced } = recorder();
    const measured = await measureRun(run(image), sandbox, references, new AbortController().signal);
    expect(measured).toEqual({ key: run(image).key });
    expect([evaluated, referenced]).toEqual([[], []]);
  });

  it('a reflowed run gets its likelihood without a reference solve; a drawn mixture gets RMSE', async () => {
    const { sandbox, references, evaluated, referenced } = recorder();
    await measureRun(run({ ...plane, world: 'gmm:ring8:2rf' }), sandbox, references, new AbortController().signal);
    expect(referenced).toEqual([]);
    expect(evaluated[0].reference).toBeUndefined();
    const custom = { type: 'gmm' as const, means: [[0, 0]], stds: [1], weights: [1] };
    await measureRun(run({ ...plane, world: 'custom', custom }), sandbox, references, new AbortController().signal);
    expect(referenced).toEqual([referenceRequest({ ...plane, world: 'custom', custom })]);
  });

  it("a run's reference is the one its panel shared when it ran (own world or the shared one)", () => {
    const state: SandboxState = {
      ...plane,
      panels: [{ ...plane.panels[0], world: 'gmm:ring8:2rf' }, plane.panels[1]],
    };
    for (const i of [0, 1])
      expect(runReference(panelRequest(state, i, SAMPLERS, WORLDS))).toEqual(
        referenceRequest(state, panelWorldArg(state, i)),
      );
    expect([0, 1].map((i) => metricsFor(state, i, WORLDS))).toEqual(['likelihood', 'rmse']);
  });
});
