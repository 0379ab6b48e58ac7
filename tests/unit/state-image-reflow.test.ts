/** The state fields of image worlds (class, CFG, size, Upsample Guidance), of reflowed worlds and of the panel
 *  options (own world, σ_var, AMED base and AFS, upscale mode): exact round trips through the URL and the infotext,
 *  and hostile values ignored with notices. */
import { describe, expect, it } from 'vitest';
import { fromInfotext, toInfotext } from '../../src/state/infotext';
import { defaultState, type SandboxState } from '../../src/state/params';
import { isRecreatableReflow, reflowFamily, reflowLabel, reflowLevel } from '../../src/state/reflow-family';
import { stateFromHash, stateToHash } from '../../src/state/url';
import { sanitizeState } from '../../src/state/validate-state';
import { SAMPLER_LIST, stateWith, WORLDS } from './state-random-state';

const FMNIST = WORLDS.find((w) => w.id === 'fmnist')!.image!;
const sanitize = (input: unknown) => sanitizeState(input, WORLDS, SAMPLER_LIST);
const fromHash = (hash: string) => stateFromHash(hash, WORLDS, SAMPLER_LIST);
const parse = (text: string) => fromInfotext(text, WORLDS, SAMPLER_LIST);

const imageState = (fields: Partial<SandboxState> = {}): SandboxState =>
  stateWith({ world: 'fmnist', count: 4, ...fields });

describe('reflow family names', () => {
  it('levels, bases and labels of live and shipped reflows', () => {
    expect(reflowLevel('gmm:ring8')).toEqual({ base: 'gmm:ring8', level: 1 });
    expect(reflowLevel('gmm:ring8:3rf')).toEqual({ base: 'gmm:ring8', level: 3 });
    expect(reflowLevel('fmnist-2rf')).toEqual({ base: 'fmnist', level: 2 });
    expect(reflowLabel('gmm:moons:2rf')).toBe('2-RF');
    expect(
      reflowFamily('gmm:ring8:2rf', [...WORLDS, { id: 'gmm:ring8:2rf' }, { id: 'gmm:moons:2rf' }], ['gmm:ring8:4rf']),
    ).toEqual(['gmm:ring8', 'gmm:ring8:2rf', 'gmm:ring8:4rf']);
  });

  it('only levels 2–4 of a known 2D base can be made again', () => {
    expect(isRecreatableReflow('gmm:ring8:2rf', WORLDS)).toBe(true);
    expect(isRecreatableReflow('gmm:spiral:4rf', WORLDS)).toBe(true);
    for (const id of [
      'gmm:ring8:5rf',
      'gmm:ring8:1rf',
      'gmm:ring8:02rf',
      'fmnist:2rf',
      'gmm:mars:2rf',
      'gmm:ring8:2rf:2rf',
      'gmm:ring8',
      42,
      null,
    ]) {
      expect(isRecreatableReflow(id, WORLDS), String(id)).toBe(false);
    }
  });
});

describe('image worlds in the URL and the infotext', () => {
  it('a readable hash: image settings after the rest, only where they differ from the defaults', () => {
    const state = imageState({
      label: 7,
      cfg: 2.5,
      size: 56,
      ugWeight: 1.2,
      ugEta: 0.3,
      panels: [defaultState().panels[0], { ...defaultState().panels[1], upscale: 'naive' }],
    });
    expect(stateToHash(state)).toBe(
      '#world=fmnist&seed=42&count=4&p=euler:10:karras:0~heun:5:karras:0:up=naive&equal=0&nfe=10&smax=80&smin=0.002&rho=7&traj=0&class=7&cfg=2.5&size=56&ugw=1.2&ugeta=0.3',
    );
    expect(fromHash(stateToHash(state))).toEqual({ state, notices: [] });
    expect(stateToHash(imageState())).toBe(
      '#world=fmnist&seed=42&count=4&p=euler:10:karras:0~heun:5:karras:0~sde:10:karras:1&equal=0&nfe=10&smax=80&smin=0.002&rho=7&traj=0',
    );
  });

  it('an image export names the class, CFG scale, size, upscaling, UG settings and cost', () => {
    const state = imageState({ label: 7, cfg: 2, size: 56 });
    expect(toInfotext(state, 0, { nfe: 10, cost: 12.5, image: FMNIST })).toBe(
      'Steps: 10, Sampler: Euler, Schedule type: Karras, Seed: 42, World: fmnist, NFE: 10, Cost: 12.5, Count: 4, Class: Sneaker, CFG scale: 2, Size: 56x56, Upscale: Upsample Guidance, UG weight: 1, UG eta: 0.6',
    );
    const naive = { ...state, panels: [{ ...state.panels[0], upscale: 'naive' as const }, ...state.panels.slice(1)] };
    expect(toInfotext(naive, 0, { nfe: 10, image: FMNIST })).toMatch(/Size: 56x56, Upscale: naive$/);
    expect(toInfotext(imageState({ label: 'unconditional' }), 1, { nfe: 9, image: FMNIST })).toMatch(
      /Count: 4, Class: unconditional, CFG scale: 1, Size: 28x28$/,
    );
    expect(toInfotext(imageState({ label: 0 }), 1, { image: FMNIST })).toMatch(/Class: T-shirt\/top, /);
    // Reading it back: the class by name in any case, the size as "NxN", the panel's upscaling.
    expect(parse(toInfotext(naive, 0, { nfe: 10, image: FMNIST }))).toEqual({
      state: { ...naive, panels: [naive.panels[0], ...defaultState().panels.slice(1)] },
      notices: [],
    });
    expect(parse('World: fmnist, Class: ANKLE BOOT, Size: 112').state).toMatchObject({
      label: 9,
      size: 112,
      count: 16,
    });
  });

  it('hostile image values are ignored with notices naming the field and the range', () => {
    const { state, notices } = fromHash('#world=fmnist&count=5000&class=%3Cimg%3E&cfg=1e9&size=57&ugw=-1&ugeta=NaN');
    expect(state).toEqual(stateWith({ world: 'fmnist', count: 16 }));
    expect(notices).toEqual([
      'count: must be an integer in 1–64, got 5000; using 16',
      'label: must be a class 0–9, "mixed" or "unconditional", got "<img>"; using "mixed"',
      'cfg: must be a number in [0, 20], got 1000000000; using 1',
      'size: must be a multiple of 28 from 28 to 112, got 57; using 28',
      'ugWeight: must be a number in [0, 5], got -1; using 1',
      'ugEta: must be a number in [0, 1], got "NaN"; using 0.6',
    ]);
    expect(sanitize(imageState({ label: 10 })).notices).toEqual([
      'label: must be a class 0–9, "mixed" or "unconditional", got 10; using "mixed"',
    ]);
    expect(sanitize(imageState({ size: 224 })).notices).toEqual([
      'size: must be a multiple of 28 from 28 to 112, got 224; using 28',
    ]);
    expect(parse('World: fmnist, Class: Unicorn, Size: 56x28, CFG scale: -2').notices).toEqual([
      'label: must be a class 0–9, "mixed" or "unconditional", got "Unicorn"; using "mixed"',
      'cfg: must be a number in [0, 20], got -2; using 1',
      'size: must be a multiple of 28 from 28 to 112, got "56x28"; using 28',
    ]);
  });

  it('image settings on a 2D world are dropped with one notice; the explicit defaults are left out', () => {
    expect(fromHash('#world=gmm:moons&class=3&size=56')).toEqual({
      state: stateWith({ world: 'gmm:moons' }),
      notices: ['label, size: only image worlds have these settings; ignored'],
    });
    expect(sanitize({ ...imageState(), label: 'mixed', cfg: 1, size: 28, ugWeight: 1, ugEta: 0.6 })).toEqual({
      state: imageState(),
      notices: [],
    });
  });
});

describe('reflowed worlds and panel options', () => {
  const reflowPanels = (): SandboxState['panels'] => [
    { sampler: 'reflow', steps: 1, schedule: 'linear_t', eta: 0 },
    { sampler: 'reflow', steps: 1, schedule: 'linear_t', eta: 0, world: 'gmm:ring8:2rf', sigmaVar: 0.5 },
    { sampler: 'amed_plugin', steps: 3, schedule: 'time_uniform', eta: 0, base: 'dpm2', afs: false },
  ];

  it('a 2D reflow level the page has not made yet is kept (the page makes it again), in the world and in a panel', () => {
    const state = stateWith({ panels: reflowPanels() });
    const hash = stateToHash(state);
    expect(hash).toContain(
      'p=reflow:1:linear_t:0~reflow:1:linear_t:0:w=gmm%3Aring8%3A2rf:sv=0.5~amed_plugin:3:time_uniform:0:afs=0:base=dpm2&',
    );
    expect(fromHash(hash)).toEqual({ state, notices: [] });
    const shared = stateWith({
      world: 'gmm:ring8:3rf',
      panels: [{ ...reflowPanels()[0], world: 'gmm:ring8' }, reflowPanels()[1]],
    });
    expect(fromHash(stateToHash(shared))).toEqual({ state: shared, notices: [] });
    expect(parse(toInfotext(state, 1, { nfe: 1 })).state).toMatchObject({
      world: 'gmm:ring8:2rf',
      panels: [{ sampler: 'reflow', sigmaVar: 0.5 }, ...defaultState().panels.slice(1)],
    });
    expect(toInfotext(state, 2)).toMatch(/World: gmm:ring8, AFS: off, AMED base: dpm2, Count: 2048$/);
  });

  it("a panel's own world must be of the shared world's family; a panel world equal to the shared one is left out", () => {
    const panels = [
      { ...reflowPanels()[0], world: 'gmm:moons:2rf' },
      { ...reflowPanels()[0], world: 'gmm:ring8' },
    ];
    const { state, notices } = sanitize(stateWith({ panels }));
    expect(state.panels).toEqual([reflowPanels()[0], reflowPanels()[0]]);
    expect(notices).toEqual([
      'panels[0].world: must be one of gmm:ring8, gmm:ring8:2rf, gmm:ring8:3rf, gmm:ring8:4rf (the shared world\'s reflow family), got "gmm:moons:2rf"; using the shared world',
    ]);
    // The shipped image family: fmnist (1-RF) and fmnist-2rf (its reflow, tools/train).
    const image = sanitize(
      imageState({
        panels: [
          { ...reflowPanels()[0], world: 'fmnist-2rf' },
          { ...reflowPanels()[0], world: 'gmm:ring8:2rf' },
        ],
      }),
    );
    expect(image.state.panels.map((p) => p.world)).toEqual(['fmnist-2rf', undefined]);
    expect(image.notices).toEqual([
      'panels[1].world: must be one of fmnist, fmnist-2rf (the shared world\'s reflow family), got "gmm:ring8:2rf"; using the shared world',
    ]);
  });

  it('hostile panel options: bad values, a part that is not key=value, unknown and __proto__ keys, bad worlds', () => {
    const { state, notices } = fromHash(
      '#p=reflow:1:linear_t:0:sv=3:base=rk4:afs=yes:up=bicubic~euler:2:karras:0:__proto__=1:zz=2~heun:2:karras:0:junk&world=gmm:ring8:9rf',
    );
    expect(({} as Record<string, unknown>).zz).toBeUndefined();
    expect(state.world).toBe('gmm:ring8');
    expect(state.panels).toEqual([
      { sampler: 'reflow', steps: 1, schedule: 'linear_t', eta: 0 },
      { sampler: 'euler', steps: 2, schedule: 'karras', eta: 0 },
      defaultState().panels[2],
    ]);
    expect(notices).toEqual([
      'world: must be one of gmm:ring8, gmm:checkerboard, gmm:spiral, gmm:moons, fmnist, fmnist-2rf, emoji, got "gmm:ring8:9rf"; using "gmm:ring8"',
      'panels[0].sigmaVar: must be a number in [0, 2], got 3; using 0',
      'panels[0].afs: must be true or false, got "yes"; using true',
      'panels[0].base: must be one of ipndm, euler, dpm2, got "rk4"; using "ipndm"',
      'panels[0].upscale: must be one of guided, naive, bilinear, got "bicubic"; using "guided"',
      'panels[1]: ignored unknown fields "__proto__", "zz"',
      'panels[2]: must be { sampler, steps, schedule, eta }, got "heun:2:karras:0:junk"; using the default panel',
    ]);
    // A JSON state saved under AMED base's earlier name, amedBase, still reads.
    const legacy = sanitizeState(
      {
        panels: [
          { sampler: 'amed_plugin', steps: 3, schedule: 'time_uniform', eta: 0, amedBase: 'dpm2' },
          defaultState().panels[1],
        ],
      },
      WORLDS,
      SAMPLER_LIST,
    );
    expect(legacy).toEqual({
      state: stateWith({
        panels: [
          { sampler: 'amed_plugin', steps: 3, schedule: 'time_uniform', eta: 0, base: 'dpm2' },
          defaultState().panels[1],
        ],
      }),
      notices: [],
    });
    expect(parse('Sigma var: -1, AFS: maybe, AMED base: <b>').notices).toEqual([
      'panels[0].sigmaVar: must be a number in [0, 2], got -1; using 0',
      'panels[0].afs: must be true or false, got "maybe"; using true',
      'panels[0].base: must be one of ipndm, euler, dpm2, got "<b>"; using "ipndm"',
    ]);
  });
});
