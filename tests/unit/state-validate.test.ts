import { describe, expect, it } from 'vitest';
import { defaultState } from '../../src/state/params';
import { sanitizeState } from '../../src/state/validate-state';
import { randomMixture } from '../reference/random-mixture';
import { CORE_SAMPLERS, randomState, SAMPLER_LIST, stateWith, WORLDS } from './state-random-state';

const sanitize = (input: unknown) => sanitizeState(input, WORLDS, CORE_SAMPLERS);

/** Sanitizes the defaults with one field replaced; expects that field back at its default and one notice. */
function rejectsField(fields: Record<string, unknown>, notice: RegExp) {
  const { state, notices } = sanitize({ ...defaultState(), ...fields });
  expect(state).toEqual(defaultState());
  expect(notices).toHaveLength(1);
  expect(notices[0]).toMatch(notice);
}

describe('sanitizeState keeps valid states exactly', () => {
  it('the defaults, with no notice', () => {
    expect(sanitize(defaultState())).toEqual({ state: defaultState(), notices: [] });
  });

  it('200 random valid states (custom mixtures, every sampler and schedule, full-precision doubles)', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const state = randomState(seed);
      expect(sanitizeState(state, WORLDS, SAMPLER_LIST), `seed ${seed}`).toEqual({ state, notices: [] });
    }
  });

  it('returns fresh objects: changing the input afterwards changes nothing', () => {
    const input = stateWith({ world: 'custom', custom: randomMixture(3, 4) });
    const { state } = sanitize(input);
    input.custom!.means[0][0] = 99;
    input.panels[0].steps = 77;
    expect(state.custom!.means[0][0]).not.toBe(99);
    expect(state.panels[0].steps).toBe(10);
  });

  it('missing fields take their defaults silently; a stochastic sampler defaults to η = 1, others to 0', () => {
    const { state, notices } = sanitize({ seed: 7, panels: [{ sampler: 'sde', steps: 4 }, { sampler: 'heun' }] });
    expect(notices).toEqual([]);
    expect(state).toEqual(
      stateWith({
        seed: 7,
        panels: [
          { sampler: 'sde', steps: 4, schedule: 'karras', eta: 1 },
          { sampler: 'heun', steps: 5, schedule: 'karras', eta: 0 },
        ],
      }),
    );
  });
});

describe('sanitizeState replaces each bad field by its default and says which and why', () => {
  it('numbers: type, integrality, range, NaN and ∞', () => {
    rejectsField({ seed: -2 }, /^seed: must be an integer in 0–4294967295, got -2; using 42$/);
    rejectsField({ seed: 2 ** 32 }, /^seed: must be an integer in 0–4294967295, got 4294967296/);
    rejectsField({ seed: 1.5 }, /^seed: .* got 1.5/);
    rejectsField({ seed: '42' }, /^seed: .* got "42"/);
    rejectsField({ count: 0 }, /^count: must be an integer in 1–16384, got 0; using 2048$/);
    rejectsField({ count: 1e300 }, /^count: .*got 1e\+300/);
    rejectsField({ nfe: null }, /^nfe: must be an integer in 1–1000, got null/);
    rejectsField({ sigmaMax: NaN }, /^sigmaMax: must be a number in \[0.1, 1000\], got NaN; using 80$/);
    rejectsField({ sigmaMax: Infinity }, /^sigmaMax: .*got Infinity/);
    rejectsField({ sigmaMin: 0 }, /^sigmaMin: must be a number in \[0.0001, 10\], got 0; using 0.002$/);
    rejectsField({ rho: 21 }, /^rho: must be a number in \[1, 20\], got 21; using 7$/);
  });

  it('σ_min must stay below σ_max', () => {
    const { state, notices } = sanitize(stateWith({ sigmaMax: 0.5, sigmaMin: 0.5 }));
    expect(state).toEqual(stateWith({ sigmaMax: 0.5, sigmaMin: 0.002 }));
    expect(notices).toEqual(['sigmaMin: must be below sigmaMax (0.5), got 0.5; using 0.002']);
  });

  it('booleans and ids', () => {
    rejectsField({ equalNfe: 'yes' }, /^equalNfe: must be true or false, got "yes"; using false$/);
    rejectsField({ showTrajectories: 1 }, /^showTrajectories: must be true or false, got 1/);
    rejectsField(
      { world: 'gmm:nowhere' },
      /^world: must be one of gmm:ring8, gmm:checkerboard, gmm:spiral, gmm:moons, fmnist, fmnist-2rf, emoji, got "gmm:nowhere"; using "gmm:ring8"$/,
    );
    rejectsField({ world: 'custom' }, /^world: must be one of .* got "custom"/);
  });

  it('panel fields, each on its own', () => {
    const bad = { sampler: 'ddim', steps: 0, schedule: 'cosine', eta: 2 };
    const { state, notices } = sanitize(stateWith({ panels: [defaultState().panels[0], bad as never] }));
    expect(state.panels).toEqual([defaultState().panels[0], defaultState().panels[1]]);
    expect(notices).toEqual([
      'panels[1].sampler: must be one of euler, heun, dpmpp_2m, ipndm, sde, got "ddim"; using "heun"',
      'panels[1].steps: must be an integer in 1–1000, got 0; using 5',
      'panels[1].schedule: must be one of karras, time_uniform, logsnr, linear_t, polyexponential, vp, simple, beta, …, got "cosine"; using "karras"',
      'panels[1].eta: must be a number in [0, 1], got 2; using 0',
    ]);
  });

  it('2–6 panels: too few are padded with defaults, too many cut to six, a non-list replaced', () => {
    const one = sanitize({ panels: [{ sampler: 'ipndm', steps: 3, schedule: 'logsnr', eta: 0 }] });
    expect(one.state.panels).toEqual([
      { sampler: 'ipndm', steps: 3, schedule: 'logsnr', eta: 0 },
      defaultState().panels[1],
    ]);
    expect(one.notices).toEqual(['panels: at least 2 panels needed, got 1; adding defaults']);
    const many = Array.from({ length: 9 }, (_, i) => ({ sampler: 'euler', steps: i + 1, schedule: 'karras', eta: 0 }));
    const nine = sanitize({ panels: many });
    expect(nine.state.panels).toEqual(many.slice(0, 6));
    expect(nine.notices).toEqual(['panels: at most 6 panels allowed, got 9; keeping the first 6']);
    const text = sanitize({ panels: 'euler' });
    expect(text.state.panels).toEqual(defaultState().panels);
    expect(text.notices).toEqual(['panels: must be a list of 2–6 panels, got "euler"; using the default panels']);
  });

  it('a custom mixture is validated, copied, and dropped (with the world) when invalid', () => {
    const custom = randomMixture(5, 3);
    expect(sanitize(stateWith({ world: 'custom', custom })).state).toEqual(stateWith({ world: 'custom', custom }));
    const zeroStd = { ...custom, stds: [0.5, 0, 0.5] };
    const { state, notices } = sanitize(stateWith({ world: 'custom', custom: zeroStd }));
    expect(state).toEqual(defaultState());
    expect(notices).toEqual([
      'custom.stds[1]: std must be > 0 and ≤ 1000, got 0; the custom mixture was dropped',
      'world: must be one of gmm:ring8, gmm:checkerboard, gmm:spiral, gmm:moons, fmnist, fmnist-2rf, emoji, got "custom"; using "gmm:ring8"',
    ]);
  });

  it('custom mixtures: holes, wrong shapes, too many components, an overflowing weight sum', () => {
    const notice = (custom: unknown) => sanitize({ custom }).notices;
    // eslint-disable-next-line no-sparse-arrays
    expect(notice({ type: 'gmm', means: [, [0, 0]], stds: [1, 1], weights: [1, 1] })).toEqual([
      expect.stringMatching(/^custom.means\[0\]: must be \[x, y\]/),
    ]);
    expect(notice({ type: 'gmm', means: [[0, 0, 0]], stds: [1], weights: [1] })).toEqual([
      expect.stringMatching(/^custom.means\[0\]/),
    ]);
    expect(notice({ type: 'gmm', means: [[0, 'a']], stds: [1], weights: [1] })).toEqual([
      expect.stringMatching(/^custom.means\[0\]/),
    ]);
    expect(notice({ means: [[0, 0]], stds: [1], weights: [1] })).toEqual([
      expect.stringMatching(/^custom: must be \{ type: 'gmm'/),
    ]);
    expect(
      notice({
        type: 'gmm',
        means: new Array(2000).fill([0, 0]),
        stds: new Array(2000).fill(1),
        weights: new Array(2000).fill(1),
      }),
    ).toEqual([expect.stringMatching(/^custom.means: 1–1024 components allowed, got 2000/)]);
    expect(
      notice({
        type: 'gmm',
        means: [
          [0, 0],
          [1, 1],
        ],
        stds: [1, 1],
        weights: [1e308, 1e308],
      }),
    ).toEqual([expect.stringMatching(/^custom.weights: the sum must be finite/)]);
  });

  it('a deterministic sampler list without euler: the fallback is the first known sampler', () => {
    const { state, notices } = sanitizeState({ panels: [{ sampler: 'euler' }, { sampler: 'x' }] }, WORLDS, [
      { id: 'heun', stochastic: false, options: [] },
    ]);
    expect(state.panels.map((p) => p.sampler)).toEqual(['heun', 'heun']);
    expect(notices).toHaveLength(2);
  });
});

describe('sanitizeState survives hostile input', () => {
  it('non-objects give the defaults with a notice', () => {
    for (const input of [null, undefined, 42, 'state', [], [1, 2], true, () => 1]) {
      const { state, notices } = sanitize(input);
      expect(state).toEqual(defaultState());
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatch(/^state: must be an object, got .*; using the defaults$/);
    }
  });

  it('<script> and 10 MB strings are rejected, and the notice quotes at most 40 characters', () => {
    const script = '<script>alert(1)</script>';
    const huge = 'x'.repeat(10 * 2 ** 20);
    const { state, notices } = sanitize({ world: script, panels: [{ sampler: huge }, { schedule: script }] });
    expect(state).toEqual(stateWith({ panels: defaultState().panels.slice(0, 2) }));
    expect(notices).toEqual([
      'world: must be one of gmm:ring8, gmm:checkerboard, gmm:spiral, gmm:moons, fmnist, fmnist-2rf, emoji, got "<script>alert(1)</script>"; using "gmm:ring8"',
      `panels[0].sampler: must be one of euler, heun, dpmpp_2m, ipndm, sde, got "${'x'.repeat(40)}"…; using "euler"`,
      'panels[1].schedule: must be one of karras, time_uniform, logsnr, linear_t, polyexponential, vp, simple, beta, …, got "<script>alert(1)</script>"; using "karras"',
    ]);
  });

  it('__proto__ and constructor keys pollute nothing and are reported as unknown', () => {
    const input = JSON.parse(
      '{"__proto__": {"polluted": true, "seed": 9}, "constructor": {"prototype": {"polluted": true}}, "seed": 7, "panels": [{"__proto__": {"steps": 3}, "sampler": "heun"}, {}]}',
    );
    const { state, notices } = sanitize(input);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(state)).toBe(Object.prototype);
    expect(Object.keys(state).sort()).toEqual(Object.keys(defaultState()).sort());
    expect(state).toEqual(
      stateWith({
        seed: 7,
        panels: [{ sampler: 'heun', steps: 10, schedule: 'karras', eta: 0 }, defaultState().panels[1]],
      }),
    );
    expect(notices).toEqual([
      'state: ignored unknown fields "__proto__", "constructor"',
      'panels[0]: ignored unknown field "__proto__"',
    ]);
  });

  it('inherited properties are not read', () => {
    expect(sanitize(Object.create({ seed: 5, world: 'gmm:moons' }))).toEqual({ state: defaultState(), notices: [] });
  });

  it('nested junk and wrong types everywhere', () => {
    const junk = {
      world: { id: 'gmm:ring8' },
      seed: [42],
      count: { valueOf: () => 5 },
      equalNfe: 'false',
      panels: [[1, 2], null, 'heun', { sampler: ['euler'], steps: '10', eta: { a: { b: {} } } }],
      custom: 'gmm',
      extra: { deep: [[[]]] },
    };
    const { state, notices } = sanitize(junk);
    expect(state).toEqual(
      stateWith({
        panels: [
          defaultState().panels[0],
          defaultState().panels[1],
          defaultState().panels[2],
          defaultState().panels[0],
        ],
      }),
    );
    expect(notices).toEqual([
      'state: ignored unknown field "extra"',
      "custom: must be { type: 'gmm', means, stds, weights }; the custom mixture was dropped",
      'world: must be one of gmm:ring8, gmm:checkerboard, gmm:spiral, gmm:moons, fmnist, fmnist-2rf, emoji, got an object; using "gmm:ring8"',
      'seed: must be an integer in 0–4294967295, got an array of 1; using 42',
      'count: must be an integer in 1–16384, got an object; using 2048',
      'equalNfe: must be true or false, got "false"; using false',
      'panels[0]: must be { sampler, steps, schedule, eta }, got an array of 2; using the default panel',
      'panels[1]: must be { sampler, steps, schedule, eta }, got null; using the default panel',
      'panels[2]: must be { sampler, steps, schedule, eta }, got "heun"; using the default panel',
      'panels[3].sampler: must be one of euler, heun, dpmpp_2m, ipndm, sde, got an array of 1; using "euler"',
      'panels[3].steps: must be an integer in 1–1000, got "10"; using 10',
      'panels[3].eta: must be a number in [0, 1], got an object; using 0',
    ]);
  });

  it('a 10-million-entry panel list and getters that throw', () => {
    const long = new Array(1e7);
    const { state, notices } = sanitize({ panels: long });
    const [p0, p1, p2] = defaultState().panels;
    expect(state).toEqual(stateWith({ panels: [p0, p1, p2, p0, p0, p0] }));
    expect(notices).toEqual(['panels: at most 6 panels allowed, got 10000000; keeping the first 6']);
    const trap = Object.defineProperty({ seed: 3 }, 'count', {
      enumerable: true,
      get() {
        throw new Error('gotcha');
      },
    });
    const trapped = sanitize(trap);
    expect(trapped.state).toEqual(defaultState());
    expect(trapped.notices).toEqual(['state: could not be read ("Error: gotcha"); using the defaults']);
  });

  it('never throws on 500 random junk values', () => {
    const atoms: unknown[] = [
      0,
      -1,
      Infinity,
      NaN,
      '',
      '<b>',
      'euler',
      'custom',
      null,
      true,
      [],
      {},
      [[0, 0]],
      { type: 'gmm' },
    ];
    let s = 1;
    const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const any = (depth: number): unknown => {
      const r = next();
      if (depth > 2 || r < 0.6) return atoms[Math.floor(next() * atoms.length)];
      if (r < 0.8) return Array.from({ length: Math.floor(next() * 8) }, () => any(depth + 1));
      const keys = [
        'world',
        'custom',
        'seed',
        'count',
        'panels',
        'sampler',
        'steps',
        'eta',
        'means',
        'stds',
        'weights',
        'type',
        'x',
      ];
      return Object.fromEntries(
        Array.from({ length: Math.floor(next() * 6) }, () => [keys[Math.floor(next() * keys.length)], any(depth + 1)]),
      );
    };
    for (let i = 0; i < 500; i++) {
      const { state, notices } = sanitize(any(0));
      expect(sanitize(state)).toEqual({ state, notices: [] });
      expect(Array.isArray(notices)).toBe(true);
    }
  });
});
