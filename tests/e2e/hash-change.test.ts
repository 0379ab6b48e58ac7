/** The hash changed while the page is open: what it gets wrong keeps the current settings, with a notice per field
 *  that says so (and none for a good hash); a switch from an image world to a 2D world never measures the previous
 *  run's samples against the new reference (no panel fails, nothing in the console). Runs are tiny: SwiftShader is
 *  slow. */
import type { Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { defaultState, type PanelState, type SandboxState } from '../../src/state/params';
import { stateToHash } from '../../src/state/url';
import { closeAfterEach, notices, openApp, panelsDone, readouts, settledHash, type AppSession } from './app-page';
import { serveFixtureWorlds } from './fixture-worlds';

let session: AppSession | undefined;
closeAfterEach(
  () => session,
  () => (session = undefined),
);

const panel = (sampler: string, steps: number, schedule: PanelState['schedule'] = 'karras'): PanelState => ({
  sampler,
  steps,
  schedule,
  eta: 0,
});

/** Records, every animation frame from now on, each status any panel shows (window.__seenStatuses). */
function recordStatuses(page: Page): Promise<void> {
  return page.evaluate(() => {
    const seen = new Set<string>();
    (window as unknown as { __seenStatuses: Set<string> }).__seenStatuses = seen;
    const look = () => {
      for (const p of document.querySelector('sandbox-app')?.shadowRoot?.querySelectorAll('sampler-panel') ?? [])
        seen.add(p.shadowRoot?.querySelector('.status')?.getAttribute('data-status') ?? '');
      requestAnimationFrame(look);
    };
    look();
  });
}

const seenStatuses = (page: Page) =>
  page.evaluate(() => [...(window as unknown as { __seenStatuses: Set<string> }).__seenStatuses].sort());

describe('the hash changed while the page is open', () => {
  it('a bad value or an unreadable hash keeps the current settings and says so per field; a good one changes them quietly', async () => {
    const state: SandboxState = {
      ...defaultState(),
      seed: 1234,
      count: 64,
      panels: [panel('heun', 3), panel('euler', 4)],
    };
    session = await openApp(stateToHash(state));
    const { page } = session;
    await panelsDone(page);
    const go = (hash: string) => page.evaluate((h) => (location.hash = h), hash);

    await go('#seed=abc&count=7');
    const edited = stateToHash({ ...state, count: 7 });
    expect(await settledHash(page, edited)).toBe(edited);
    expect(await notices(page)).toEqual([
      expect.stringMatching(/seed: must be an integer in 0–4294967295, got "abc"; kept 1234/),
    ]);

    await go('#%%%');
    await page.waitForFunction(() => location.hash !== '#%%%');
    expect(await settledHash(page)).toBe(edited);
    expect((await notices(page)).slice(1)).toEqual([
      expect.stringMatching(/URL: ignored unknown key "%%%"/),
      expect.stringMatching(/URL: no setting could be read; kept the current settings/),
    ]);

    const good = stateToHash({ ...state, seed: 99, panels: [panel('euler', 2), panel('heun', 2)] });
    const before = (await notices(page)).length;
    await go(good);
    expect(await settledHash(page, good)).toBe(good);
    await panelsDone(page);
    expect(await notices(page)).toHaveLength(before);
  });

  it('image world → 2D world with AMED panels: no panel measures the earlier run, none fails', async () => {
    const image: SandboxState = {
      ...defaultState(),
      world: 'tiny-rgb',
      count: 2,
      panels: [panel('euler', 1), panel('euler', 2)],
    };
    // AMED calibrates first, so the image runs stay on show for a while beside the new world's reference.
    const plane: SandboxState = {
      ...defaultState(),
      count: 32,
      panels: [panel('amed', 3, 'time_uniform'), panel('euler', 2)],
    };
    session = await openApp(stateToHash(image), { prepare: serveFixtureWorlds });
    const { page } = session;
    await panelsDone(page);
    await recordStatuses(page);
    await page.evaluate((hash) => (location.hash = hash), stateToHash(plane));
    await settledHash(page, stateToHash(plane));
    // Done with the new runs: AMED with AFS spends 5 evaluations on 3 steps.
    const deadline = Date.now() + 120_000;
    while ((await readouts(page)).map((r) => r.nfe).join() !== '5,2' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    await panelsDone(page);
    expect((await readouts(page)).map((r) => r.nfe)).toEqual(['5', '2']);
    expect(await seenStatuses(page)).not.toContain('error');
    expect(session.problems).toEqual([]);
  });
});
