/** The state the page opens with: the first-load story without a hash, the sanitised hash otherwise, and a visible
 *  fallback for a world this page cannot draw. */
import { describe, expect, it } from 'vitest';
import { SAMPLERS } from '../../src/sampling/samplers';
import { defaultState } from '../../src/state/params';
import { stateToHash } from '../../src/state/url';
import { initialState } from '../../src/ui/initial-state';

const sandbox = {
  worlds: [
    { id: 'gmm:ring8', label: 'Ring of 8', kind: '2d' as const, dim: 2, description: '' },
    { id: 'gmm:moons', label: 'Two moons', kind: '2d' as const, dim: 2, description: '' },
    { id: 'fmnist', label: 'Fashion-MNIST', kind: 'image' as const, dim: 784, description: '' },
  ],
  samplers: SAMPLERS,
};

describe('initial state', () => {
  it('no hash: Euler 10, Heun 5 and the η-SDE 10 on the ring, no notices', () => {
    for (const hash of ['', '#']) expect(initialState(hash, sandbox)).toEqual({ state: defaultState(), notices: [] });
  });

  it('a valid hash is taken as it is', () => {
    const state = { ...defaultState(), world: 'gmm:moons', seed: 3 };
    expect(initialState(stateToHash(state), sandbox)).toEqual({ state, notices: [] });
  });

  it('an image world falls back to the default 2D world with a notice naming it', () => {
    const { state, notices } = initialState(stateToHash({ ...defaultState(), world: 'fmnist' }), sandbox);
    expect(state.world).toBe('gmm:ring8');
    expect(notices).toEqual(['world: "fmnist" has no 2D view on this page; showing gmm:ring8']);
  });
});
