import { describe, expect, it } from 'vitest';
import { gmmDenoiser } from '../../src/worlds/gmm';
import { pairFlowDenoiser } from '../../src/worlds/pair-flow';

// key() must change exactly when the function changes: caches keyed on it alone rely on both directions.
describe('denoiser key()', () => {
  const spec = {
    type: 'gmm' as const,
    means: [
      [0, 0],
      [3, 1],
    ],
    stds: [0.3, 0.5],
    weights: [1, 2],
  };

  it('names a mixture by its parameters', () => {
    expect(gmmDenoiser(spec).key()).toBe(gmmDenoiser(structuredClone(spec)).key());
    for (const changed of [
      { ...spec, stds: [0.3, 0.51] },
      { ...spec, weights: [1, 3] },
      {
        ...spec,
        means: [
          [0, 0],
          [3, 1.5],
        ],
      },
    ]) {
      expect(gmmDenoiser(changed).key()).not.toBe(gmmDenoiser(spec).key());
    }
  });

  it('names a reflowed flow by its pairs and bandwidth', () => {
    const pairs = { noise: new Float32Array([0, 1, 2, 3]), data: new Float32Array([4, 5, 6, 7]) };
    const same = { noise: Float32Array.from(pairs.noise), data: Float32Array.from(pairs.data) };
    const moved = { noise: pairs.noise, data: new Float32Array([4, 5, 6, 7.5]) };
    expect(pairFlowDenoiser(pairs, 0.1).key()).toBe(pairFlowDenoiser(same, 0.1).key());
    expect(pairFlowDenoiser(pairs, 0.2).key()).not.toBe(pairFlowDenoiser(pairs, 0.1).key());
    expect(pairFlowDenoiser(moved, 0.1).key()).not.toBe(pairFlowDenoiser(pairs, 0.1).key());
  });
});
