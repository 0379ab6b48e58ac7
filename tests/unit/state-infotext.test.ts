import { describe, expect, it } from 'vitest';
import { fromInfotext, MAX_INFOTEXT_CHARS, toInfotext } from '../../src/state/infotext';
import { defaultState, type SandboxState } from '../../src/state/params';
import { CORE_SAMPLERS, randomState, SAMPLER_LIST, stateWith, WORLDS } from './state-random-state';

const parse = (text: string) => fromInfotext(text, WORLDS, CORE_SAMPLERS);

const imageOf = (world: string) => WORLDS.find((w) => w.id === world)?.image;

/** What an infotext of panel i can restore: that panel as panel 0 (its own world becoming the shared one), the
 *  settings it writes, defaults for the rest. How an image was upscaled, and UG's w and η, are written only where
 *  they shaped the image: above the native size, and for Upsample Guidance. */
function restorable(state: SandboxState, i: number): SandboxState {
  const d = defaultState();
  const { world, upscale, ...panel } = state.panels[i];
  const image = imageOf(state.world);
  const upscaled = image !== undefined && (state.size ?? image.size) > image.size;
  const guided = upscaled && (upscale ?? 'guided') === 'guided';
  const restored: SandboxState = {
    ...state,
    world: world ?? state.world,
    custom: state.world === 'custom' ? state.custom : undefined,
    nfe: state.equalNfe ? state.nfe : d.nfe,
    panels: [{ ...panel, ...(upscaled && upscale ? { upscale } : {}) }, ...d.panels.slice(1)],
    showTrajectories: d.showTrajectories,
  };
  if (!guided) {
    delete restored.ugWeight;
    delete restored.ugEta;
  }
  return restored;
}

describe('toInfotext', () => {
  it('A1111 style for the default panels', () => {
    const d = defaultState();
    expect(toInfotext(d, 0, { nfe: 10 })).toBe(
      'Steps: 10, Sampler: Euler, Schedule type: Karras, Seed: 42, World: gmm:ring8, NFE: 10, Count: 2048',
    );
    expect(toInfotext(d, 1, { nfe: 9 })).toBe(
      'Steps: 5, Sampler: Heun, Schedule type: Karras, Seed: 42, World: gmm:ring8, NFE: 9, Count: 2048',
    );
    expect(toInfotext(d, 2)).toBe(
      'Steps: 10, Sampler: η-SDE (Euler–Maruyama), Schedule type: Karras, Seed: 42, World: gmm:ring8, Eta: 1, Count: 2048',
    );
  });

  it('σ settings only when not default; the NFE budget in equal-NFE mode; the mixture; quoted grid axes', () => {
    const custom = {
      type: 'gmm' as const,
      means: [
        [1, 2],
        [-3, 0.5],
      ],
      stds: [0.5, 1],
      weights: [1, 2],
    };
    const state = stateWith({
      world: 'custom',
      custom,
      equalNfe: true,
      nfe: 20,
      sigmaMax: 14.6,
      rho: 3,
      panels: [{ sampler: 'dpmpp_2m', steps: 20, schedule: 'linear_t', eta: 0 }, defaultState().panels[1]],
    });
    expect(toInfotext(state, 0, { gridAxes: 'X steps: 5, 10; Y sampler: euler, heun' })).toBe(
      'Steps: 20, Sampler: DPM++ 2M, Schedule type: Linear t (RF), Seed: 42, World: custom, Count: 2048, NFE budget: 20, Sigma max: 14.6, Rho: 3, ' +
        'Mixture: "1,2,0.5,1;-3,0.5,1,2", Grid: "X steps: 5, 10; Y sampler: euler, heun"',
    );
  });

  it('refuses a panel index that does not exist', () => {
    expect(() => toInfotext(defaultState(), 3)).toThrow(/panelIndex: must be an integer in 0–2, got 3/);
    expect(() => toInfotext(defaultState(), 0.5)).toThrow(/panelIndex/);
  });
});

describe('fromInfotext', () => {
  it('restores every panel of 200 random states (labels, full-precision doubles, mixtures)', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const state = randomState(seed);
      state.panels.forEach((_, i) => {
        const text = toInfotext(state, i, {
          nfe: 7,
          gridAxes: 'X eta: 0, 0.5; Y steps: 3, 4',
          image: imageOf(state.world),
        });
        expect(fromInfotext(text, WORLDS, SAMPLER_LIST), `seed ${seed}, panel ${i}: ${text.slice(0, 200)}`).toEqual({
          state: restorable(state, i),
          notices: [],
        });
      });
    }
  });

  it('reads an A1111 infotext: prompt lines above, ids or labels in any case, unknown keys reported', () => {
    const text =
      'a photo of a cat, best quality\nNegative prompt: blurry\nSteps: 20, Sampler: HEUN, CFG scale: 7, Seed: 5, Size: 512x512, Schedule type: logsnr, Model: sd15';
    const { state, notices } = parse(text);
    expect(state).toEqual(
      stateWith({
        seed: 5,
        panels: [{ sampler: 'heun', steps: 20, schedule: 'logsnr', eta: 0 }, ...defaultState().panels.slice(1)],
      }),
    );
    // Without a World key the world is the default 2D one, which has no CFG or size.
    expect(notices).toEqual([
      'infotext: ignored unknown key "Model"',
      'cfg, size: only image worlds have these settings; ignored',
    ]);
  });

  it('an empty text is the defaults; a stochastic sampler without Eta gets η = 1', () => {
    expect(parse('')).toEqual({ state: defaultState(), notices: [] });
    expect(parse('Sampler: sde').state.panels[0]).toEqual({ sampler: 'sde', steps: 10, schedule: 'karras', eta: 1 });
  });

  it('bad values fall back with notices naming the field and range', () => {
    const { state, notices } = parse(
      'Steps: <script>alert(1)</script>, Sampler: DPM++ 9M Turbo, Seed: 1e999, Eta: -1, World: gmm:mars, Count: 12.5',
    );
    expect(state).toEqual(defaultState());
    expect(notices).toEqual([
      'world: must be one of gmm:ring8, gmm:checkerboard, gmm:spiral, gmm:moons, fmnist, fmnist-2rf, emoji, got "gmm:mars"; using "gmm:ring8"',
      'seed: must be an integer in 0–4294967295, got Infinity; using 42',
      'count: must be an integer in 1–16384, got 12.5; using 2048',
      'panels[0].sampler: must be one of euler, heun, dpmpp_2m, ipndm, sde, got "DPM++ 9M Turbo"; using "euler"',
      'panels[0].steps: must be an integer in 1–1000, got "<script>alert(1)</script>"; using 10',
      'panels[0].eta: must be a number in [0, 1], got -1; using 0',
    ]);
  });

  it('malformed text: no key, stray words between pairs, an unterminated quote, a bad mixture', () => {
    expect(parse('hello world')).toEqual({
      state: defaultState(),
      notices: ['infotext: ignored "hello world" (not "Key: value")'],
    });
    expect(parse('Steps: 3, junk, Seed: 4').notices).toEqual(['infotext: ignored "junk" (not "Key: value")']);
    expect(parse('Steps: 3, junk, Seed: 4').state).toEqual(
      stateWith({ seed: 4, panels: [{ ...defaultState().panels[0], steps: 3 }, ...defaultState().panels.slice(1)] }),
    );
    const open = parse('Seed: 9, Grid: "X steps, Steps: 2');
    expect(open.notices).toEqual(['infotext: the quoted value of "Grid" is malformed; ignored the rest']);
    expect(open.state.seed).toBe(9);
    expect(parse('World: custom, Mixture: "1,2,3"').notices).toEqual([
      'custom.means[0]: must be [x, y] with finite |values| ≤ 10000; the custom mixture was dropped',
      'world: must be one of gmm:ring8, gmm:checkerboard, gmm:spiral, gmm:moons, fmnist, fmnist-2rf, emoji, got "custom"; using "gmm:ring8"',
    ]);
  });

  it('keys like __proto__ or constructor are unknown keys, not lookups', () => {
    const { state, notices } = parse('__proto__: 1, constructor: 2, toString: 3, Seed: 8');
    expect(state).toEqual(stateWith({ seed: 8 }));
    expect(notices).toEqual(['infotext: ignored unknown keys "__proto__", "constructor", "toString"']);
  });

  it('a 10 MB text and a non-string are refused', () => {
    const text = `Steps: 5, Seed: ${'9'.repeat(10 * 2 ** 20)}`;
    const huge = parse(text);
    expect(huge).toEqual({
      state: defaultState(),
      notices: [`infotext: ${text.length} characters, at most ${MAX_INFOTEXT_CHARS} allowed; using the defaults`],
    });
    expect(parse(null as unknown as string).notices).toEqual(['infotext: must be text, got null; using the defaults']);
  });

  it('a long number under the cap is rejected (no regex backtracking)', () => {
    const { notices } = parse(`Seed: ${'1'.repeat(150_000)}x`);
    expect(notices).toEqual([`seed: must be an integer in 0–4294967295, got "${'1'.repeat(40)}"…; using 42`]);
  });
});
