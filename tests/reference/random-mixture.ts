/** Seeded random mixtures and noise for tests (a tiny LCG so tests do not depend on the code under test). */
import type { GmmSpec } from '../../src/worlds/gmm';

export function lcg(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 4294967296;
  };
}

function gaussianSource(seed: number): () => number {
  const u = lcg(seed);
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

export function randomMixture(seed: number, components = 6): GmmSpec {
  const u = lcg(seed);
  return {
    type: 'gmm',
    means: Array.from({ length: components }, () => [8 * u() - 4, 8 * u() - 4]),
    stds: Array.from({ length: components }, () => 0.1 + 0.6 * u()),
    weights: Array.from({ length: components }, () => 0.2 + u()),
  };
}

export function randomNoise(seed: number, length: number): Float32Array {
  const g = gaussianSource(seed);
  return Float32Array.from({ length }, g);
}
