/**
 * Result caches key on the denoiser's key() plus the run's own inputs (src/api/run-key.ts). Two runs that differ
 * only in an option that changes the denoiser must never share an entry, even under one world id (a world reflowed
 * again with another bandwidth); runs that differ in nothing must share one.
 */
import { describe, expect, it } from 'vitest';
import { resolveSampleOptions, type SampleOptions } from '../../src/api/options';
import { referenceKey, sampleKey } from '../../src/api/run-key';
import type { CpuDenoiser } from '../../src/sampling/denoiser';
import { ReferenceSolves } from '../../src/ui/runs/reference-solves';
import { gmmDenoiser } from '../../src/worlds/gmm';
import { pairFlowDenoiser } from '../../src/worlds/pair-flow';
import { WorldRegistry } from '../../src/worlds/registry';

const worlds = new WorldRegistry();
const run = (options: Partial<SampleOptions> = {}) =>
  resolveSampleOptions({ world: 'gmm:ring8', sampler: 'euler', steps: 8, seed: 3, count: 16, ...options }, worlds);
const pairs = { noise: new Float32Array([0, 1, 2, 3]), data: new Float32Array([4, 5, 6, 7]) };
const mixture = {
  type: 'gmm' as const,
  means: [
    [0, 0],
    [3, 1],
  ],
  stds: [0.3, 0.5],
  weights: [1, 2],
};

describe('run keys', () => {
  it('differ when only the denoiser differs: a reflow bandwidth, a mixture std', () => {
    const [narrow, wide] = [pairFlowDenoiser(pairs, 0.1).key(), pairFlowDenoiser(pairs, 0.2).key()];
    expect(sampleKey(narrow, run())).not.toBe(sampleKey(wide, run()));
    expect(referenceKey(narrow, run())).not.toBe(referenceKey(wide, run()));
    const moved = gmmDenoiser({ ...mixture, stds: [0.3, 0.51] }).key();
    expect(sampleKey(gmmDenoiser(mixture).key(), run())).not.toBe(sampleKey(moved, run()));
  });

  it('are equal for the same denoiser and inputs, however the denoiser was built', () => {
    const again = pairFlowDenoiser({ noise: Float32Array.from(pairs.noise), data: Float32Array.from(pairs.data) }, 0.1);
    expect(sampleKey(again.key(), run())).toBe(sampleKey(pairFlowDenoiser(pairs, 0.1).key(), run()));
    expect(referenceKey(again.key(), run())).toBe(referenceKey(pairFlowDenoiser(pairs, 0.1).key(), run()));
  });

  it("differ when only the run's own inputs differ: seed, count, explicit noise, σ grid, sampler options", () => {
    const d = gmmDenoiser(mixture).key();
    const base = sampleKey(d, run());
    const noise = new Float32Array(32).fill(0.5);
    const nudged = Float32Array.from(noise, (v, i) => (i === 31 ? v + 1e-3 : v));
    for (const other of [
      { seed: 4 },
      { count: 17 },
      { steps: 9 },
      { sigmaMax: 40 },
      { schedule: 'time_uniform' as const },
      { sampler: 'heun' },
      { sampler: 'sde', eta: 1 },
    ]) {
      expect(sampleKey(d, run(other))).not.toBe(base);
    }
    expect(sampleKey(d, run({ noise }))).not.toBe(sampleKey(d, run({ noise: nudged })));
    expect(sampleKey(d, run({ sampler: 'sde', eta: 0.5 }))).not.toBe(sampleKey(d, run({ sampler: 'sde', eta: 1 })));
    // The reference plan depends on the σ range only, so the sampler's own settings do not split it.
    expect(referenceKey(d, run({ steps: 20, sampler: 'heun' }))).toBe(referenceKey(d, run()));
    expect(referenceKey(d, run({ sigmaMin: 0.01 }))).not.toBe(referenceKey(d, run()));
  });
});

describe('the page shares reference solves by denoiser', () => {
  /** A sandbox whose world 'gmm:ring8:2rf' can be reflowed again (another bandwidth) between requests. */
  function reflowingSandbox() {
    const state: { denoiser: CpuDenoiser; solves: number } = { denoiser: pairFlowDenoiser(pairs, 0.1), solves: 0 };
    return {
      state,
      referenceKey: async () => referenceKey(state.denoiser.key(), run()),
      reference: () => {
        state.solves++;
        return new Promise<Float32Array>(() => {});
      },
    };
  }
  const request = { world: 'gmm:ring8:2rf', seed: 3, count: 16 };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

  it('two requests for one world id whose denoisers differ get two solves; equal ones get one', async () => {
    const sandbox = reflowingSandbox();
    const solves = new ReferenceSolves(sandbox);
    const signal = new AbortController().signal;
    void solves.get(request, signal);
    void solves.get(request, signal);
    await settle();
    expect(sandbox.state.solves).toBe(1);
    sandbox.state.denoiser = pairFlowDenoiser(pairs, 0.2);
    void solves.get(request, signal);
    await settle();
    expect(sandbox.state.solves).toBe(2);
    expect(solves.pending).toBe(2);
  });
});
