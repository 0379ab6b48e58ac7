import { describe, expect, it } from 'vitest';
import { resolveDenoiseOptions, resolveSampleOptions } from '../../src/api/options';
import { WorldRegistry } from '../../src/worlds/registry';
import { shippedWorlds } from '../reference/shipped-worlds';

const worlds = new WorldRegistry(shippedWorlds());
const sample = (o: Record<string, unknown>) => () =>
  resolveSampleOptions({ world: 'gmm:ring8', sampler: 'euler', ...o } as never, worlds);

describe('argument validation names the field and its range', () => {
  it('steps 1–1000', () => {
    expect(sample({ steps: 0 })).toThrow(/steps: must be an integer in 1–1000, got 0/);
    expect(sample({ steps: 1001 })).toThrow(/steps.*1–1000/);
    expect(sample({ steps: 2.5 })).toThrow(/steps/);
  });
  it('η 0–1', () => {
    expect(sample({ sampler: 'sde', eta: 1.5 })).toThrow(/eta: must be a number in \[0, 1\], got 1.5/);
    expect(sample({ sampler: 'sde', eta: -0.1 })).toThrow(/eta/);
  });
  it('sampler options by their declarations: σ_var 0–2, AFS a switch, AMED base one of its solvers', () => {
    expect(sample({ sampler: 'reflow', sigmaVar: 2.5 })).toThrow('sigmaVar: must be a number in [0, 2], got 2.5');
    expect(sample({ sampler: 'amed', afs: 'no' })).toThrow('afs: must be true or false, got "no"');
    expect(sample({ sampler: 'amed_plugin', base: 'rk4' })).toThrow(
      'base: must be one of ipndm, euler, dpm2, got "rk4"',
    );
    const plugin = resolveSampleOptions(
      { world: 'gmm:ring8', sampler: 'amed_plugin', base: 'euler', afs: false, nfe: 9 },
      worlds,
    );
    expect(plugin.options).toEqual({ base: 'euler', afs: false });
    // AFS off: two evaluations every step, so a budget of 9 gives 4 steps (AFS on: 5).
    expect(plugin.steps).toBe(4);
    expect(resolveSampleOptions({ world: 'gmm:ring8', sampler: 'amed', nfe: 9 }, worlds).steps).toBe(5);
    // A sampler receives only the options it declares.
    expect(resolveSampleOptions({ world: 'gmm:ring8', sampler: 'euler', sigmaVar: 1 }, worlds).options).toEqual({});
  });
  it('a known sampler id', () =>
    expect(sample({ sampler: 'nope' })).toThrow(/sampler: must be one of euler, heun, dpmpp_2m, ipndm, sde/));
  it('a known schedule and world', () => {
    expect(sample({ schedule: 'cosine' })).toThrow(/schedule: must be one of karras/);
    expect(sample({ world: 'gmm:nowhere' })).toThrow(/world: unknown world/);
  });
  it('steps or nfe, not both; an nfe budget too small for the sampler', () => {
    expect(sample({ steps: 3, nfe: 3 })).toThrow(/steps, nfe/);
    expect(sample({ sampler: 'heun', nfe: 0 })).toThrow(/nfe/);
    expect(resolveSampleOptions({ world: 'gmm:ring8', sampler: 'heun', nfe: 10 }, worlds).steps).toBe(5);
  });
  it('mixtures: std > 0 and matching lengths', () => {
    const world = {
      type: 'gmm',
      means: [
        [0, 0],
        [1, 1],
      ],
      stds: [0.5, 0],
      weights: [1, 1],
    };
    expect(sample({ world })).toThrow(/world.stds\[1\]: std must be > 0/);
    expect(sample({ world: { ...world, stds: [0.5] } })).toThrow(/matching lengths/);
    expect(
      sample({
        world: {
          ...world,
          means: [
            [0, 0, 0],
            [1, 1],
          ],
          stds: [1, 1],
        },
      }),
    ).toThrow(/world.means\[0\]/);
  });
  it('noise: count × dim finite values', () => {
    expect(sample({ count: 4, noise: new Float32Array(7) })).toThrow(/noise: length must be 8/);
    expect(sample({ count: 1, noise: Float32Array.of(0, NaN) })).toThrow(/noise\[1\]: must be finite/);
    expect(sample({ noise: [1, 2] })).toThrow(/noise: must be a Float32Array/);
  });
  it('sigmas and seed', () => {
    expect(sample({ sigmaMin: 0 })).toThrow(/sigmaMin/);
    expect(sample({ sigmaMax: 1, sigmaMin: 2 })).toThrow(/sigmaMin/);
    expect(sample({ seed: -2 })).toThrow(/seed: must be an integer in 0–4294967295/);
  });
  it('denoise: x length a multiple of dim, σ > 0', () => {
    expect(() => resolveDenoiseOptions({ world: 'gmm:ring8', x: new Float32Array(3), sigma: 1 }, worlds)).toThrow(
      /x: must be a non-empty Float32Array whose length is a multiple of dim 2/,
    );
    expect(() => resolveDenoiseOptions({ world: 'gmm:ring8', x: new Float32Array(4), sigma: 0 }, worlds)).toThrow(
      /sigma: must be a number in \(0, 1000\]/,
    );
    expect(() =>
      resolveDenoiseOptions({ world: 'gmm:ring8', x: new Float32Array(4), sigma: new Float32Array(3) }, worlds),
    ).toThrow(/sigma: length must be 2/);
  });
  it('defaults: each sampler has a schedule; stochastic samplers default to η = 1', () => {
    const r = resolveSampleOptions({ world: 'gmm:ring8', sampler: 'sde' }, worlds);
    expect(r.options.eta).toBe(1);
    expect(r.schedule).toBe('karras');
    expect(r.sigmas.length).toBe(11);
  });
});
