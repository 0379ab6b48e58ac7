/**
 * Every image option is declared once: a wrapper module added to the one list (src/guidance/wrappers.ts) appears in
 * the URL, the infotext, the state's checks, the controls, the X/Y axes and the run requests, with no other edit.
 * The proof registers a made-up wrapper (a shared number and a per-panel switch) by replacing that list with the
 * real one plus the fake; everything else is the real code.
 */
import { describe, expect, it, vi } from 'vitest';
import type { ImageOptionModule } from '../../src/worlds/image-option';

vi.mock('../../src/guidance/wrappers', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/guidance/wrappers')>();
  const tint: ImageOptionModule = {
    options: [
      {
        scope: 'shared',
        spec: {
          key: 'tint',
          label: 'Tint',
          type: 'number',
          min: 0,
          max: 2,
          step: 0.1,
          default: 1,
          infotext: 'Tint',
          url: 'tint',
          description: 'a made-up wrapper option',
        },
      },
      {
        scope: 'panel',
        spec: {
          key: 'flip',
          label: 'Flip',
          type: 'boolean',
          default: false,
          infotext: 'Flip',
          url: 'flip',
          description: 'a made-up per-panel switch',
        },
      },
    ],
    request: ({ tint, flip }) => ({ tinted: { amount: tint, flip } }),
  };
  return { ...real, IMAGE_MODULES: [...real.IMAGE_MODULES, tint] };
});

const { IMAGE_OPTIONS, actingOptions } = await import('../../src/guidance/wrapper-options');
const { AXIS_PARAMS, gridCells, parseAxis } = await import('../../src/state/axis');
const { fromInfotext, toInfotext } = await import('../../src/state/infotext');
const { defaultState } = await import('../../src/state/params');
const { stateFromHash, stateToHash } = await import('../../src/state/url');
const { panelRequest } = await import('../../src/ui/runs/run-request');
const { SAMPLER_OPTIONS, SAMPLERS } = await import('../../src/sampling/samplers');
const { CORE_SAMPLERS, WORLDS } = await import('./state-random-state');

const FMNIST = WORLDS.find((w) => w.id === 'fmnist')!.image!;
const euler = { sampler: 'euler', steps: 5, schedule: 'karras' as const, eta: 0 };

describe('a wrapper registered in the list, and nowhere else', () => {
  const state = { ...defaultState(), world: 'fmnist', count: 4, tint: 0.3, panels: [euler, { ...euler, flip: true }] };

  it('goes into the URL (shared after the others, the panel’s in its panel) and back', () => {
    const hash = stateToHash(state as never);
    expect(hash).toMatch(/&p=euler:5:karras:0~euler:5:karras:0:flip=1&.*&tint=0\.3$/);
    expect(stateFromHash(hash, WORLDS, CORE_SAMPLERS)).toEqual({ state, notices: [] });
  });

  it('goes into the infotext, read back', () => {
    const text = toInfotext(state as never, 1, { nfe: 5, image: FMNIST });
    expect(text).toMatch(/, Size: 28x28, Tint: 0\.3, Flip: on$/);
    expect(toInfotext(state as never, 0, { nfe: 5, image: FMNIST })).toMatch(/, Tint: 0\.3$/);
    const { state: restored, notices } = fromInfotext(text, WORLDS, CORE_SAMPLERS);
    expect(notices).toEqual([]);
    expect([(restored as unknown as Record<string, unknown>).tint, restored.panels[0].flip]).toEqual([0.3, true]);
  });

  it('is checked against its declaration, with a notice naming the field and its rule', () => {
    const { notices } = stateFromHash(
      '#world=fmnist&count=4&p=euler:5:karras:0:flip=maybe~heun:5:karras:0&tint=7',
      WORLDS,
      CORE_SAMPLERS,
    );
    expect(notices).toEqual([
      'panels[0].flip: must be true or false, got "maybe"; using false',
      'tint: must be a number in [0, 2], got 7; using 1',
    ]);
    expect(stateFromHash('#world=gmm:ring8&tint=0.5', WORLDS, CORE_SAMPLERS).notices).toEqual([
      'tint: only image worlds have this setting; ignored',
    ]);
  });

  it('gets controls (shared and per panel), an X/Y axis and its own request argument', () => {
    const here = { image: FMNIST, size: 28, upscale: 'guided' as const };
    expect(actingOptions(here, 'shared').map((o) => o.spec.key)).toContain('tint');
    expect(actingOptions(here, 'panel').map((o) => o.spec.key)).toContain('flip');
    expect(AXIS_PARAMS).toEqual(expect.arrayContaining(['tint', 'flip']));
    expect(parseAxis('flip', 'on, off', SAMPLERS, [])).toEqual({ values: ['on', 'off'] });
    const cells = gridCells(state as never, { param: 'tint', values: [0, 2] }, { param: 'flip', values: ['off'] });
    expect(cells[0].map((c) => panelRequest(c, 0, SAMPLERS, WORLDS).tinted)).toEqual([
      { amount: 0, flip: false },
      { amount: 2, flip: false },
    ]);
    expect(panelRequest(state as never, 1, SAMPLERS, WORLDS)).toMatchObject({ tinted: { amount: 0.3, flip: true } });
  });

  it('no two declarations share a key, a URL key or an infotext name (samplers’ and image options alike)', () => {
    const all = [...SAMPLER_OPTIONS, ...IMAGE_OPTIONS.map((o) => o.spec)];
    const positional = ['sampler', 'steps', 'schedule', 'eta', 'world', 'upscale'];
    for (const field of ['key', 'url', 'infotext'] as const) {
      const names = all.map((s) => s[field]?.toLowerCase()).filter((n) => n !== undefined);
      expect(new Set(names).size, field).toBe(names.length);
    }
    for (const o of IMAGE_OPTIONS) expect(positional).not.toContain(o.spec.key);
  });
});
