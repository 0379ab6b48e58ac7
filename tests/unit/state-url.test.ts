import { describe, expect, it } from 'vitest';
import { defaultState } from '../../src/state/params';
import { MAX_HASH_CHARS, stateFromHash, stateToHash } from '../../src/state/url';
import { randomMixture } from '../reference/random-mixture';
import { CORE_SAMPLERS, randomState, SAMPLER_LIST, stateWith, WORLDS } from './state-random-state';

const fromHash = (hash: string) => stateFromHash(hash, WORLDS, CORE_SAMPLERS);

describe('URL hash', () => {
  it('the defaults as a readable hash, every field written', () => {
    expect(stateToHash(defaultState())).toBe(
      '#world=gmm:ring8&seed=42&count=2048&p=euler:10:karras:0~heun:5:karras:0~sde:10:karras:1&equal=0&nfe=10&smax=80&smin=0.002&rho=7&traj=0',
    );
  });

  it('a drawn mixture as x,y,std,weight;…', () => {
    const custom = {
      type: 'gmm' as const,
      means: [
        [1.5, -2],
        [0, 3e-7],
      ],
      stds: [0.25, 1],
      weights: [1, 0.5],
    };
    expect(stateToHash(stateWith({ world: 'custom', custom }))).toMatch(
      /^#world=custom&.*&mix=1\.5,-2,0\.25,1;0,3e-7,1,0\.5$/,
    );
  });

  it('round-trips 200 random states exactly (full-precision doubles, custom mixtures, 2–6 panels)', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const state = randomState(seed);
      expect(stateFromHash(stateToHash(state), WORLDS, SAMPLER_LIST), `seed ${seed}`).toEqual({ state, notices: [] });
    }
  });

  it('ids with separators and non-ASCII characters are escaped and restored', () => {
    const samplers = [...CORE_SAMPLERS, { id: 'a:b~c&d=e%f η😀', stochastic: true, options: [] }];
    const worlds = [...WORLDS, { id: 'w&x=y#z' }];
    const state = stateWith({
      world: 'w&x=y#z',
      panels: [{ sampler: 'a:b~c&d=e%f η😀', steps: 3, schedule: 'logsnr', eta: 0.25 }, defaultState().panels[0]],
    });
    const hash = stateToHash(state);
    expect(hash.slice(1)).not.toMatch(/#/);
    expect(stateFromHash(hash, worlds, samplers)).toEqual({ state, notices: [] });
  });

  it('with or without "#"; an empty hash is the defaults without notices; missing keys take defaults', () => {
    expect(fromHash('')).toEqual({ state: defaultState(), notices: [] });
    expect(fromHash('#')).toEqual({ state: defaultState(), notices: [] });
    expect(fromHash('seed=7&count=16')).toEqual({ state: stateWith({ seed: 7, count: 16 }), notices: [] });
    expect(fromHash('#seed=7&&seed=8')).toEqual({ state: stateWith({ seed: 8 }), notices: [] });
  });
});

describe('URL hash: garbage is survived with notices', () => {
  it('bad numbers, booleans and ids name the field and its range', () => {
    const { state, notices } = fromHash(
      '#seed=abc&count=1e400&equal=yes&nfe=-3&smax=0x10&world=%3Cscript%3Ealert(1)%3C%2Fscript%3E',
    );
    expect(state).toEqual(defaultState());
    expect(notices).toEqual([
      'world: must be one of gmm:ring8, gmm:checkerboard, gmm:spiral, gmm:moons, fmnist, fmnist-2rf, emoji, got "<script>alert(1)</script>"; using "gmm:ring8"',
      'sigmaMax: must be a number in [0.1, 1000], got "0x10"; using 80',
      'seed: must be an integer in 0–4294967295, got "abc"; using 42',
      'count: must be an integer in 1–16384, got Infinity; using 2048',
      'equalNfe: must be true or false, got "yes"; using false',
      'nfe: must be an integer in 1–1000, got -3; using 10',
    ]);
  });

  it('malformed %-escapes, keys without values and unknown keys', () => {
    const { state, notices } = fromHash('#seed=%E0%A4%A&world&__proto__=1&constructor=2&seed2=5&count=12');
    expect(state).toEqual(stateWith({ count: 12 }));
    expect(notices).toEqual([
      'URL: "seed" has a malformed %-escape; ignored',
      'URL: "world" has no value; ignored',
      'URL: ignored unknown keys "__proto__", "constructor", "seed2"',
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('panels: wrong part counts, bad parts, too few and too many', () => {
    const bad = fromHash('#p=euler:10~heun:x:karras:0~ddim:5:cosine:2');
    expect(bad.state.panels).toEqual([
      defaultState().panels[0],
      { sampler: 'heun', steps: 5, schedule: 'karras', eta: 0 },
      { sampler: 'sde', steps: 5, schedule: 'karras', eta: 1 },
    ]);
    expect(bad.notices).toEqual([
      'panels[0]: must be { sampler, steps, schedule, eta }, got "euler:10"; using the default panel',
      'panels[1].steps: must be an integer in 1–1000, got "x"; using 5',
      'panels[2].sampler: must be one of euler, heun, dpmpp_2m, ipndm, sde, got "ddim"; using "sde"',
      'panels[2].schedule: must be one of karras, time_uniform, logsnr, linear_t, polyexponential, vp, simple, beta, …, got "cosine"; using "karras"',
      'panels[2].eta: must be a number in [0, 1], got 2; using 1',
    ]);
    expect(fromHash('#p=').notices).toEqual([
      'panels: at least 2 panels needed, got 1; adding defaults',
      'panels[0]: must be { sampler, steps, schedule, eta }, got ""; using the default panel',
    ]);
    const seven = fromHash(`#p=${Array(7).fill('heun:2:karras:0').join('~')}`);
    expect(seven.state.panels).toEqual(Array(6).fill({ sampler: 'heun', steps: 2, schedule: 'karras', eta: 0 }));
    expect(seven.notices).toEqual(['panels: at most 6 panels allowed, got 7; keeping the first 6']);
  });

  it('a mixture that does not parse is dropped, and world=custom without one falls back', () => {
    const { state, notices } = fromHash('#world=custom&mix=1,2,3;4,5,6,7');
    expect(state).toEqual(defaultState());
    expect(notices).toEqual([
      'custom.means[0]: must be [x, y] with finite |values| ≤ 10000; the custom mixture was dropped',
      'world: must be one of gmm:ring8, gmm:checkerboard, gmm:spiral, gmm:moons, fmnist, fmnist-2rf, emoji, got "custom"; using "gmm:ring8"',
    ]);
    const custom = randomMixture(9, 3);
    expect(fromHash(stateToHash(stateWith({ world: 'gmm:moons', custom }))).state).toEqual(
      stateWith({ world: 'gmm:moons', custom }),
    );
  });

  it('a 10 MB hash and a non-string are refused', () => {
    const huge = fromHash(`#seed=1&p=${'euler:10:karras:0~'.repeat(600_000)}`);
    expect(huge.state).toEqual(defaultState());
    expect(huge.notices).toEqual([
      `URL: the hash is 10800010 characters, at most ${MAX_HASH_CHARS} allowed; using the defaults`,
    ]);
    expect(fromHash(42 as unknown as string).notices).toEqual([
      'URL: the hash must be text, got 42; using the defaults',
    ]);
  });

  it('a hash just under the cap with 100 000 junk pairs is read', () => {
    const { state, notices } = fromHash(`#${'x=1&'.repeat(49_000)}seed=5`);
    expect(state).toEqual(stateWith({ seed: 5 }));
    expect(notices).toEqual(['URL: ignored unknown keys "x", "x", "x", "x", "x" and 48995 more']);
  });
});
