/** The built page end to end: panels render real content and follow their controls, the URL carries the state
 *  both ways, and a garbage URL is survived with visible notices. */
import { describe, expect, it } from 'vitest';
import { defaultState, type SandboxState } from '../../src/state/params';
import { stateToHash } from '../../src/state/url';
import {
  notices,
  openApp,
  panelsDone,
  readouts,
  setNumber,
  settledHash,
  type AppSession,
  closeAfterEach,
} from './app-page';
import { differingPixels, distinctColors, elementPixels, orangePixels } from './pixels';

/** Small runs: SwiftShader is 100–1000× slower than a GPU. */
function tinyState(change: Partial<SandboxState> = {}): SandboxState {
  return { ...defaultState(), count: 256, ...change };
}

let session: AppSession | undefined;
closeAfterEach(
  () => session,
  () => (session = undefined),
);

describe('the sandbox page', () => {
  it('first load: Euler 10, Heun 5 and the η-SDE 10 render samples over the density; changing steps re-renders', async () => {
    session = await openApp(stateToHash(tinyState()));
    const { page } = session;
    await panelsDone(page);
    const before = await readouts(page);
    expect(before.map((r) => r.nfe)).toEqual(['10', '9', '10']);
    for (const r of before) {
      expect(Number(r.rmse)).toBeGreaterThan(0);
      expect(Number.isFinite(Number(r.logLikelihood))).toBe(true);
      expect(Number(r.gpuMs)).toBeGreaterThan(0);
    }
    const canvas = (await page.$('sandbox-app >>> sampler-panel >>> density-view >>> canvas'))!;
    const first = await elementPixels(canvas);
    // A heatmap has many shades; the samples add orange dots.
    expect(distinctColors(first)).toBeGreaterThan(50);
    expect(orangePixels(first)).toBeGreaterThan(50);

    await setNumber(page, 'sandbox-app >>> sampler-panel >>> panel-controls >>> input[type=number]', 2);
    await page.waitForFunction(() => location.hash.includes('p=euler:2:'));
    await panelsDone(page);
    const after = await readouts(page);
    expect(after[0].nfe).toBe('2');
    expect(after[0].rmse).not.toBe(before[0].rmse);
    // The other panels did not change.
    expect(after.slice(1)).toEqual(before.slice(1).map((r, i) => ({ ...r, gpuMs: after[i + 1].gpuMs })));
    const second = await elementPixels(canvas);
    expect(differingPixels(first, second)).toBeGreaterThan(100);
  });

  it('equal-NFE mode gives every panel one budget: its steps follow and its steps box is locked', async () => {
    session = await openApp(stateToHash(tinyState({ count: 64, equalNfe: true, nfe: 6 })));
    const { page } = session;
    await panelsDone(page);
    expect((await readouts(page)).map((r) => r.nfe)).toEqual(['6', '5', '6']);
    const boxes = await page.evaluate(() =>
      [...document.querySelector('sandbox-app')!.shadowRoot!.querySelectorAll('sampler-panel')].map((p) => {
        const box = p
          .shadowRoot!.querySelector('panel-controls')!
          .shadowRoot!.querySelector('input[type=number]') as HTMLInputElement;
        return [box.value, box.disabled];
      }),
    );
    expect(boxes).toEqual([
      ['6', true],
      ['3', true],
      ['6', true],
    ]);
  });

  it('equal-NFE mode shows the steps the engine runs, options included: AMED without AFS fits 4 steps in 9', async () => {
    const panels = [
      { sampler: 'amed', steps: 3, schedule: 'time_uniform' as const, eta: 0, afs: false },
      { sampler: 'amed', steps: 3, schedule: 'time_uniform' as const, eta: 0 },
    ];
    session = await openApp(stateToHash(tinyState({ count: 64, equalNfe: true, nfe: 9, panels })));
    const { page } = session;
    await panelsDone(page);
    const boxes = await page.evaluate(() =>
      [...document.querySelector('sandbox-app')!.shadowRoot!.querySelectorAll('sampler-panel')].map(
        (p) =>
          (
            p
              .shadowRoot!.querySelector('panel-controls')!
              .shadowRoot!.querySelector('input[type=number]') as HTMLInputElement
          ).value,
      ),
    );
    expect(boxes).toEqual(['4', '5']);
    expect((await readouts(page)).map((r) => r.nfe)).toEqual(['8', '9']);
  });

  it('the URL hash round-trips the state, and a control change reaches the hash', async () => {
    const state = tinyState({
      world: 'gmm:moons',
      seed: 7,
      count: 128,
      panels: [
        { sampler: 'dpmpp_2m', steps: 4, schedule: 'logsnr', eta: 0 },
        { sampler: 'sde', steps: 6, schedule: 'karras', eta: 0.5 },
      ],
      showTrajectories: true,
    });
    session = await openApp(stateToHash(state));
    const { page } = session;
    expect(await settledHash(page)).toBe(stateToHash(state));
    const shown = await page.evaluate(() => {
      const app = document.querySelector('sandbox-app')!.shadowRoot!;
      const panels = [...app.querySelectorAll('sampler-panel')].map(
        (p) => p.shadowRoot!.querySelector('panel-controls')!.shadowRoot!,
      );
      return {
        world: (app.querySelector('world-controls')!.shadowRoot!.querySelector('select') as HTMLSelectElement).value,
        samplers: panels.map((c) => (c.querySelector('select') as HTMLSelectElement).value),
        steps: panels.map((c) => (c.querySelector('input[type=number]') as HTMLInputElement).value),
        eta: (panels[1].querySelector('input[data-option="eta"]') as HTMLInputElement).value,
      };
    });
    expect(shown).toEqual({ world: 'gmm:moons', samplers: ['dpmpp_2m', 'sde'], steps: ['4', '6'], eta: '0.5' });

    await setNumber(page, 'sandbox-app >>> world-controls >>> input[type=number]', 12345);
    const changed = stateToHash({ ...state, seed: 12345 });
    await settledHash(page, changed);
    await session.close();
    session = await openApp(changed);
    expect(await settledHash(session.page)).toBe(changed);
  });

  it('a garbage URL is survived: defaults where it was garbage, visible notices, nothing injected', async () => {
    session = await openApp(
      '#world=<img src=x onerror=alert(1)>&seed=abc&count=64&nfe=99999999&p=%%%&nonsense=1&steps',
    );
    const { page } = session;
    await panelsDone(page);
    const shown = await notices(page);
    expect(shown.length).toBeGreaterThanOrEqual(3);
    expect(shown.join('\n')).toMatch(/seed/);
    expect(shown.join('\n')).toMatch(/nfe/);
    expect(shown.join('\n')).toMatch(/nonsense/);
    // The hostile text shows as text, and no element came from it anywhere in the page.
    const injected = await page.evaluate(() => {
      const all: Element[] = [];
      const walk = (root: Document | ShadowRoot) =>
        root.querySelectorAll('*').forEach((e) => {
          all.push(e);
          if (e.shadowRoot) walk(e.shadowRoot);
        });
      walk(document);
      return all.filter((e) => e.tagName === 'IMG' || e.hasAttribute('onerror')).length;
    });
    expect(injected).toBe(0);
    const hash = await settledHash(page);
    expect(hash).toBe(stateToHash({ ...defaultState(), count: 64 }));
    // A notice can be dismissed.
    const before = shown.length;
    await (await page.$('sandbox-app >>> notice-area >>> button'))!.click();
    await page.waitForFunction(
      (n) =>
        document
          .querySelector('sandbox-app')!
          .shadowRoot!.querySelector('notice-area')!
          .shadowRoot!.querySelectorAll('.notice').length ===
        n - 1,
      {},
      before,
    );
  });
});
