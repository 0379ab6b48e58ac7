/**
 * A hash changed while the page is open is read over the current state: a complete, valid hash means exactly what
 * it says (as in a new tab); what a hash gets wrong or leaves out keeps the current value; a current value that
 * does not fit the new world is repaired; what has no place is dropped; each notice says which, and a good hash
 * says nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stateFromHashChange } from '../../src/state/hash-change';
import { defaultState, type PanelState, type SandboxState } from '../../src/state/params';
import { MAX_HASH_CHARS, stateFromHash, stateToHash } from '../../src/state/url';
import { sanitizeState } from '../../src/state/validate-state';
import { randomMixture } from '../reference/random-mixture';
import { CORE_SAMPLERS, randomState, SAMPLER_LIST, WORLDS } from './state-random-state';

const change = (hash: string, current: SandboxState) => stateFromHashChange(hash, current, WORLDS, CORE_SAMPLERS);
const panel = (sampler: string, steps: number, extra: Partial<PanelState> = {}): PanelState => ({
  sampler,
  steps,
  schedule: 'karras',
  eta: 0,
  ...extra,
});
const current: SandboxState = { ...defaultState(), seed: 7, count: 300, panels: [panel('heun', 3), panel('euler', 4)] };
const image: SandboxState = { ...current, world: 'fmnist', count: 4, cfg: 3, size: 56, label: 2 };

describe('a hash changed while the page is open', () => {
  it('a good hash changes the state and says nothing; an empty or unchanged one changes nothing', () => {
    const next = { ...current, seed: 9, panels: [panel('euler', 2), panel('heun', 2), panel('sde', 5)] };
    expect(change(stateToHash(next), current)).toEqual({ state: next, notices: [] });
    expect(change(stateToHash(current), current)).toEqual({ state: current, notices: [] });
    expect(change('', current)).toEqual({ state: current, notices: [] });
    expect(change('#', current)).toEqual({ state: current, notices: [] });
  });

  it('a complete link leaves nothing of the current state: its image settings left out are the defaults', () => {
    const link = { ...image, cfg: undefined, size: undefined, label: undefined, seed: 1 };
    delete link.cfg;
    delete link.size;
    delete link.label;
    expect(change(stateToHash(link), image)).toEqual({ state: link, notices: [] });
  });

  it('an unreadable hash keeps everything, and says what was ignored', () => {
    for (const hash of ['#garbage', '#%%%', '#seed', '#seed=%E0%A4%A']) {
      const { state, notices } = change(hash, current);
      expect(state).toBe(current);
      expect(notices.at(-1)).toBe('URL: no setting could be read; kept the current settings');
      expect(notices.length).toBe(2);
    }
    expect(change(`#seed=${'1'.repeat(MAX_HASH_CHARS)}`, current)).toEqual({
      state: current,
      notices: [
        `URL: the hash is ${MAX_HASH_CHARS + 6} characters, at most ${MAX_HASH_CHARS} allowed; kept the current settings`,
      ],
    });
  });

  it('a bad value keeps the current one, by name; the valid fields beside it are taken', () => {
    const hash = stateToHash({ ...current, seed: 11 })
      .replace('count=300', 'count=-5')
      .replace('rho=7', 'rho=abc');
    expect(change(hash, current)).toEqual({
      state: { ...current, seed: 11 },
      notices: [
        'count: must be an integer in 1–16384, got -5; kept 300',
        'rho: must be a number in [1, 20], got "abc"; kept 7',
      ],
    });
    // Today's reading of the same hash on load takes the defaults instead (there is no current state then).
    expect(stateFromHash(hash, WORLDS, CORE_SAMPLERS).state.count).toBe(defaultState().count);
  });

  it('a partial hash keeps what it leaves out, image settings included on the same world', () => {
    expect(change('#seed=3', current)).toEqual({ state: { ...current, seed: 3 }, notices: [] });
    expect(change('#seed=3', image)).toEqual({ state: { ...image, seed: 3 }, notices: [] });
    expect(change('#size=0', image)).toEqual({
      state: image,
      notices: ['size: must be a multiple of 28 from 28 to 112, got 0; kept 56'],
    });
  });

  it('a current value that does not fit the world the hash names is repaired, and the notice says it was the current one', () => {
    const { state, notices } = change('#world=fmnist', current);
    expect(state).toEqual({ ...current, world: 'fmnist', count: 16 });
    expect(notices).toEqual(['count: the current 300 does not fit (must be an integer in 1–64); repaired to 16']);
    const family = {
      ...current,
      world: 'gmm:ring8:2rf',
      panels: [panel('euler', 2, { world: 'gmm:ring8' }), panel('heun', 2)],
    };
    expect(change('#world=gmm:moons', family)).toEqual({
      state: { ...family, world: 'gmm:moons', panels: [panel('euler', 2), panel('heun', 2)] },
      notices: [
        'panels[0].world: the current "gmm:ring8" does not fit (must be one of gmm:moons, gmm:moons:2rf, gmm:moons:3rf, gmm:moons:4rf (the shared world\'s reflow family)); repaired to the shared world',
      ],
    });
  });

  it('panels: an unreadable one keeps the current panel, a bad field its current value; extras that cannot be read are dropped', () => {
    expect(change('#p=euler:x:karras:0~junk', current)).toEqual({
      state: { ...current, panels: [panel('euler', 3), panel('euler', 4)] },
      notices: [
        'panels[0].steps: must be an integer in 1–1000, got "x"; kept 3',
        'panels[1]: must be { sampler, steps, schedule, eta }, got "junk"; kept the current panel 2',
      ],
    });
    expect(change('#p=euler:3:karras:0', current)).toEqual({
      state: { ...current, panels: [panel('euler', 3), panel('euler', 4)] },
      notices: ['panels: at least 2 panels needed, got 1; kept the current panel 2'],
    });
    expect(change('#p=~~~', current)).toEqual({
      state: current,
      notices: [
        'panels[0]: must be { sampler, steps, schedule, eta }, got ""; kept the current panel 1',
        'panels[1]: must be { sampler, steps, schedule, eta }, got ""; kept the current panel 2',
        'panels[2]: must be { sampler, steps, schedule, eta }, got ""; dropped',
        'panels[3]: must be { sampler, steps, schedule, eta }, got ""; dropped',
      ],
    });
  });

  it('an unknown world keeps the current one, a drawn mixture with it; a mixture that cannot be read keeps the drawn one', () => {
    const custom = randomMixture(5, 3);
    const drawn = { ...current, world: 'custom', custom };
    const unknown = change(stateToHash({ ...drawn, seed: 8 }).replace('world=custom', 'world=nowhere'), drawn);
    expect(unknown.state).toEqual({ ...drawn, seed: 8 });
    expect(unknown.notices).toEqual([
      expect.stringMatching(/^world: must be one of .*, got "nowhere"; kept "custom"$/),
    ]);
    const broken = change(stateToHash(drawn).replace(/mix=[^&]*/, 'mix=1,2'), drawn);
    expect(broken.state).toEqual(drawn);
    expect(broken.notices).toEqual([expect.stringMatching(/^custom.*; kept the current mixture$/)]);
  });
});

/** A valid hash with one edit: a value replaced by hostile text, a key removed, or junk appended. */
const edited = fc
  .tuple(
    fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    fc.nat(),
    fc.oneof(
      fc.constantFrom('abc', '', '-1', 'NaN', '1e999', '%', '~', '0.5', '99999999', 'euler:x:karras:0', ':::'),
      fc.string({ maxLength: 8 }),
    ),
    fc.constantFrom('replace', 'remove', 'append'),
  )
  .map(([seed, which, text, edit]) => {
    const pairs = stateToHash(randomState(seed)).slice(1).split('&');
    const k = which % pairs.length;
    if (edit === 'remove') pairs.splice(k, 1);
    else if (edit === 'append') pairs.push(text);
    else pairs[k] = `${pairs[k].split('=')[0]}=${encodeURIComponent(text).replace(/%25/g, '%')}`;
    return `#${pairs.join('&')}`;
  });

describe('generated hash edits over generated current states', () => {
  const settings = { numRuns: 200, seed: 20261203 };

  it('a well-formed state; notices say kept, repaired, dropped or ignored, never "using" a default', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), edited, (seed, hash) => {
        const { state, notices } = stateFromHashChange(hash, randomState(seed), WORLDS, SAMPLER_LIST);
        expect(sanitizeState(state, WORLDS, SAMPLER_LIST)).toEqual({ state, notices: [] });
        for (const notice of notices) {
          expect(notice).not.toMatch(/; using /);
          expect(notice).toMatch(/kept|repaired to|dropped|ignored|keeping the first/);
        }
      }),
      settings,
    );
  });

  it('a context-free setting the hash gets wrong keeps its current value', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.constantFrom(
          ['seed', 'seed'],
          ['nfe', 'nfe'],
          ['rho', 'rho'],
          ['equal', 'equalNfe'],
          ['traj', 'showTrajectories'],
        ),
        fc.constantFrom('abc', '', 'NaN', '1e999', '-3', '0.5x'),
        (a, b, [key, field], text) => {
          const before = randomState(a);
          const hash = stateToHash(randomState(b)).replace(new RegExp(`(^#|&)${key}=[^&]*`), `$1${key}=${text}`);
          const { state, notices } = stateFromHashChange(hash, before, WORLDS, SAMPLER_LIST);
          expect(state[field as keyof SandboxState]).toEqual(before[field as keyof SandboxState]);
          expect(notices.some((n) => n.startsWith(`${field}: `) || n.startsWith(`URL: "${key}"`))).toBe(true);
        },
      ),
      settings,
    );
  });

  it('a complete, valid hash means what it says whatever the current state', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 2 ** 31 - 1 }), (a, b) => {
        const next = randomState(b);
        expect(stateFromHashChange(stateToHash(next), randomState(a), WORLDS, SAMPLER_LIST)).toEqual({
          state: next,
          notices: [],
        });
      }),
      settings,
    );
  });
});
