/** Skip-Tuning on the page: a panel's own ρ_bottom and ρ_top through the URL, the infotext and the PNG JSON chunk,
 *  hostile values ignored with notices naming the field and range, the run request, the X/Y axes and the preset. */
import { describe, expect, it } from 'vitest';
import { decodePngState, encodePng } from '../../src/export/png';
import { SKIP_BOTTOM_OPTION, SKIP_TOP_OPTION } from '../../src/guidance/skip-tuning-options';
import { resolveSampleOptions } from '../../src/api/options';
import { SAMPLERS } from '../../src/sampling/samplers';
import { gridCells, parseAxis } from '../../src/state/axis';
import { fromInfotext, toInfotext } from '../../src/state/infotext';
import { defaultState, type PanelState, type SandboxState } from '../../src/state/params';
import { comparisonPanels, SKIP_TUNING_COMPARISON, storyCaption } from '../../src/state/stories';
import { stateFromHash, stateToHash } from '../../src/state/url';
import { sanitizeState } from '../../src/state/validate-state';
import { panelRequest } from '../../src/ui/runs/run-request';
import { panelTitle } from '../../src/ui/panel-title';
import { WorldRegistry } from '../../src/worlds/registry';
import { shippedWorlds } from '../reference/shipped-worlds';
import { CORE_SAMPLERS, SAMPLER_LIST, WORLDS } from './state-random-state';

const FMNIST = WORLDS.find((w) => w.id === 'fmnist')!.image!;
const euler = (fields: Partial<PanelState> = {}): PanelState => ({
  sampler: 'euler',
  steps: 5,
  schedule: 'karras',
  eta: 0,
  ...fields,
});
const imageState = (panels: PanelState[], fields: Partial<SandboxState> = {}): SandboxState => ({
  ...defaultState(),
  world: 'fmnist',
  count: 4,
  panels,
  ...fields,
});
const fromHash = (hash: string) => stateFromHash(hash, WORLDS, CORE_SAMPLERS);
const parse = (text: string) => fromInfotext(text, WORLDS, CORE_SAMPLERS);
const sanitize = (input: unknown) => sanitizeState(input, WORLDS, CORE_SAMPLERS);

describe('Skip-Tuning in the page state', () => {
  const tuned = imageState([euler(), euler({ skipBottom: 0.8 }), euler({ skipBottom: 0.75, skipTop: 0.95 })]);

  it('the URL: after a panel’s other parts, only away from ρ = 1, and back exactly', () => {
    const hash = stateToHash(tuned);
    expect(hash).toContain('&p=euler:5:karras:0~euler:5:karras:0:skip=0.8~euler:5:karras:0:skip=0.75:skiptop=0.95&');
    expect(fromHash(hash)).toEqual({ state: tuned, notices: [] });
    // An explicit ρ = 1 is the untuned network: the canonical state leaves it out.
    expect(
      fromHash('#world=fmnist&count=4&p=euler:5:karras:0:skip=1:skiptop=1~heun:5:karras:0').state.panels[0],
    ).toEqual(euler());
  });

  it('the infotext: "Skip tuning" and "Skip tuning top" only away from their defaults, read back', () => {
    expect(toInfotext(tuned, 0, { nfe: 5, image: FMNIST })).not.toMatch(/Skip/);
    expect(toInfotext(tuned, 1, { nfe: 5, image: FMNIST })).toMatch(/, Size: 28x28, Skip tuning: 0\.8$/);
    const text = toInfotext(tuned, 2, { nfe: 5, image: FMNIST });
    expect(text).toMatch(/, Skip tuning: 0\.75, Skip tuning top: 0\.95$/);
    const restored = parse(text);
    expect(restored.notices).toEqual([]);
    expect(restored.state.panels[0]).toEqual(euler({ skipBottom: 0.75, skipTop: 0.95 }));
    // Any case, as A1111 keys are read.
    expect(parse('World: fmnist, Sampler: Euler, SKIP TUNING: 0.6').state.panels[0].skipBottom).toBe(0.6);
  });

  it('the PNG: the JSON chunk and, without it, the infotext restore the panel’s ρ', () => {
    const image = { data: new Uint8Array(4 * 4).fill(200), width: 2, height: 2 };
    const infotext = toInfotext(tuned, 2, { nfe: 5, image: FMNIST });
    expect(decodePngState(encodePng(image, tuned, infotext), WORLDS, SAMPLER_LIST)).toEqual({
      state: tuned,
      notices: [],
      source: 'sandbox-state',
    });
  });

  it('hostile values are ignored with a notice naming the field and the range', () => {
    const { state, notices } = fromHash(
      '#world=fmnist&count=4&p=euler:5:karras:0:skip=0~euler:5:karras:0:skip=%3Cimg%3E:skiptop=1.6~euler:5:karras:0:skip=-0.5',
    );
    expect(state.panels).toEqual([euler(), euler(), euler()]);
    expect(notices).toEqual([
      'panels[0].skipBottom: must be a number in (0, 1.5], got 0; using 1',
      'panels[1].skipBottom: must be a number in (0, 1.5], got "<img>"; using 1',
      'panels[1].skipTop: must be a number in (0, 1.5], got 1.6; using 1',
      'panels[2].skipBottom: must be a number in (0, 1.5], got -0.5; using 1',
    ]);
    expect(parse('World: fmnist, Skip tuning: NaN, Skip tuning top: 1e400').notices).toEqual([
      'panels[0].skipBottom: must be a number in (0, 1.5], got "NaN"; using 1',
      'panels[0].skipTop: must be a number in (0, 1.5], got Infinity; using 1',
    ]);
    expect(sanitize(imageState([euler({ skipBottom: true }), euler({ skipTop: 0.5 })])).notices).toEqual([
      'panels[0].skipBottom: must be a number in (0, 1.5], got true; using 1',
    ]);
    // A 2D world has no UNet skips: dropped, visibly.
    expect(fromHash('#world=gmm:ring8&p=euler:5:karras:0:skip=0.8~heun:5:karras:0').notices).toEqual([
      'panels[0].skipBottom: only image worlds have this setting; ignored',
    ]);
  });

  it('reaches the run request of its own panel only, as the API’s skipTuning, which the API accepts', () => {
    const request = (i: number) => panelRequest(tuned, i, SAMPLERS, WORLDS);
    expect('skipTuning' in request(0)).toBe(false);
    expect(request(1).skipTuning).toEqual({ bottom: 0.8, top: 1 });
    expect(request(2).skipTuning).toEqual({ bottom: 0.75, top: 0.95 });
    const registry = new WorldRegistry(shippedWorlds());
    expect(resolveSampleOptions(request(2) as never, registry).skipTuning).toEqual({ bottom: 0.75, top: 0.95 });
    // Requests differ, so the panels' runs are told apart (the engine keys on the denoiser, which carries ρ).
    expect(JSON.stringify(request(1))).not.toBe(JSON.stringify(request(0)));
  });

  it('an X/Y axis over ρ_bottom: values in (0, 1.5], each cell’s panel holding its ρ', () => {
    expect(parseAxis('skipBottom', '0.7-1 [4]', SAMPLERS, [])).toEqual({ values: [0.7, 0.8, 0.9, 1] });
    expect(parseAxis('skipBottom', '0, 0.5', SAMPLERS, [])).toEqual({
      error: 'skipBottom: 0 (from "0") is outside (0, 1.5]',
    });
    expect(parseAxis('skipTop', '2', SAMPLERS, [])).toEqual({ error: 'skipTop: 2 (from "2") is outside 0–1.5' });
    const cells = gridCells(
      imageState([euler()]),
      { param: 'skipBottom', values: [0.8, 1] },
      { param: 'cfg', values: [1, 3] },
    );
    expect(cells.map((row) => row.map((c) => [c.cfg, c.panels[0].skipBottom]))).toEqual([
      [
        [1, 0.8],
        [1, 1],
      ],
      [
        [3, 0.8],
        [3, 1],
      ],
    ]);
    expect(panelRequest(cells[1][0], 0, SAMPLERS, WORLDS)).toMatchObject({
      cfg: 3,
      skipTuning: { bottom: 0.8, top: 1 },
    });
    expect('skipTuning' in panelRequest(cells[1][1], 0, SAMPLERS, WORLDS)).toBe(false);
  });

  it('the declarations: (0, 1.5], default 1, as the engine’s API checks them', () => {
    for (const spec of [SKIP_BOTTOM_OPTION, SKIP_TOP_OPTION])
      expect([spec.min, spec.exclusiveMin, spec.max, spec.default]).toEqual([0, true, 1.5, 1]);
  });
});

describe('the Skip-Tuning comparison preset', () => {
  it('one sampler at a few steps without and with ρ_bottom < 1, and many more steps of a solver as the target', () => {
    const [plain, tunedPanel, target] = comparisonPanels(SKIP_TUNING_COMPARISON);
    const { skipBottom, ...untuned } = tunedPanel;
    expect(untuned).toEqual(plain);
    expect(skipBottom).toBeLessThan(1);
    const nfe = (p: PanelState) => SAMPLERS.find((s) => s.id === p.sampler)!.nfe(p.steps, {});
    expect(nfe(target)).toBeGreaterThanOrEqual(4 * nfe(plain));
    // It is a valid state as it stands, the caption shows over it, and the two low-NFE panels are told apart.
    const state = imageState(comparisonPanels(SKIP_TUNING_COMPARISON));
    expect(sanitizeState(state, WORLDS, SAMPLER_LIST)).toEqual({ state, notices: [] });
    expect(storyCaption('image', 'fmnist', state.panels)).toBe(SKIP_TUNING_COMPARISON.caption);
    expect(storyCaption('image', 'fmnist', [plain, plain, target])).toBe('');
    const metas = SAMPLERS.map((s) => ({ ...s, options: s.options ?? [] })) as never;
    expect(state.panels.map((_, i) => panelTitle(state, i, metas, WORLDS).short)).toEqual([
      'Euler 5',
      'Euler 5 · Skip ρ_bottom 0.7',
      'Heun 20',
    ]);
  });
});
