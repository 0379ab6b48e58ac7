/** The state the page opens with: the first-load story without a hash, the sanitised hash otherwise (image worlds
 *  and reflow levels still to be made included). */
import { describe, expect, it } from 'vitest';
import { SAMPLERS } from '../../src/sampling/samplers';
import { defaultState } from '../../src/state/params';
import { stateToHash } from '../../src/state/url';
import { initialState } from '../../src/ui/initial-state';

const sandbox = {
  worlds: [
    { id: 'gmm:ring8', label: 'Ring of 8', kind: '2d' as const, dim: 2, description: '' },
    { id: 'gmm:moons', label: 'Two moons', kind: '2d' as const, dim: 2, description: '' },
    {
      id: 'fmnist',
      label: 'Fashion-MNIST',
      kind: 'image' as const,
      dim: 784,
      description: '',
      image: { size: 28, maxSize: 112, classes: ['a', 'b'], nullClass: 2 },
    },
  ],
  samplers: SAMPLERS,
};

describe('initial state', () => {
  it('no hash: the 2D story on the ring (Euler 10, Heun 5, AMED-Solver at 5 NFE), no notices', () => {
    for (const hash of ['', '#'])
      expect(initialState(hash, sandbox)).toEqual({
        state: {
          ...defaultState(),
          panels: [
            { sampler: 'euler', steps: 10, schedule: 'karras', eta: 0 },
            { sampler: 'heun', steps: 5, schedule: 'karras', eta: 0 },
            { sampler: 'amed', steps: 3, schedule: 'time_uniform', eta: 0 },
          ],
        },
        notices: [],
      });
  });

  it('a valid hash is taken as it is', () => {
    const state = { ...defaultState(), world: 'gmm:moons', seed: 3 };
    expect(initialState(stateToHash(state), sandbox)).toEqual({ state, notices: [] });
  });

  it('an image world opens with its own count limits; a 2D reflow level is kept for the page to make', () => {
    expect(initialState('#world=fmnist&class=1&size=56', sandbox)).toEqual({
      state: { ...defaultState(), world: 'fmnist', count: 16, label: 1, size: 56 },
      notices: [],
    });
    const { state, notices } = initialState(stateToHash({ ...defaultState(), world: 'fmnist' }), sandbox);
    expect(state).toEqual({ ...defaultState(), world: 'fmnist', count: 16 });
    expect(notices).toEqual(['count: must be an integer in 1–64, got 2048; using 16']);
    expect(initialState('#world=gmm:moons:2rf', sandbox)).toEqual({
      state: { ...defaultState(), world: 'gmm:moons:2rf' },
      notices: [],
    });
  });
});
