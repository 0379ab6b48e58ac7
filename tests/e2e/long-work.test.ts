/** Long work on the page shows its progress and can be stopped, and a link's reflow family is made in order, once:
 *  three AMED/ReFlow panels at 1,000 steps (the most allowed) calibrate with a progress line and Esc stops them,
 *  calibrations included; a link naming 3-RF beside 2-RF makes 2-RF, then starts 3-RF with its progress shown, and
 *  Esc stops it. Making 3-RF itself is a reflow of the 2-RF world, a regression over all 10,000 pairs at each of the
 *  teacher's 128 evaluations: over 9 minutes on SwiftShader (seconds on a GPU), so the settled page is tested with
 *  a 2-RF link, and the rest of the order in ui-world-preparer.test.ts. Runs are tiny: SwiftShader is slow. */
import type { Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { defaultState, type PanelState, type SandboxState } from '../../src/state/params';
import { stateToHash } from '../../src/state/url';
import { closeAfterEach, openApp, panelsDone, readouts, type AppSession } from './app-page';

let session: AppSession | undefined;
closeAfterEach(
  () => session,
  () => (session = undefined),
);

/** Counts the page's calls of sandbox.reflow (by the world reflowed) in window.__reflows, from before the page
 *  starts: the instance is wrapped as main.ts exposes it. */
const countReflows = () => {
  const calls: string[] = [];
  let value: unknown;
  Object.defineProperty(window, '__reflows', { value: calls });
  Object.defineProperty(window, 'sandbox', {
    configurable: true,
    get: () => value,
    set(next: { reflow?: (options: { world: unknown }) => Promise<unknown> }) {
      if (next && typeof next.reflow === 'function') {
        const reflow = next.reflow.bind(next);
        next.reflow = (options) => {
          calls.push(String(options.world));
          return reflow(options);
        };
      }
      value = next;
    },
  });
};
const reflowsMade = (page: Page) => page.evaluate(() => (window as unknown as { __reflows: string[] }).__reflows);

/** Each panel's state line and its count of progress reports after Stop. */
function panelLines(page: Page): Promise<Array<{ state: string; text: string; afterStop: number }>> {
  return page.evaluate(() =>
    [...document.querySelector('sandbox-app')!.shadowRoot!.querySelectorAll('sampler-panel')].map((p) => {
      const line = p.shadowRoot!.querySelector('.state')!;
      return {
        state: line.getAttribute('data-state') ?? '',
        text: line.textContent!.replace(/\s+/g, ' ').trim(),
        afterStop: Number(p.shadowRoot!.querySelector('.status')?.getAttribute('data-submissions-after-stop') ?? 0),
      };
    }),
  );
}

async function until(page: Page, check: (lines: Awaited<ReturnType<typeof panelLines>>) => boolean, ms = 120_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const lines = await panelLines(page);
    if (check(lines)) return lines;
    if (Date.now() > deadline) throw new Error(`panels never got there: ${JSON.stringify(lines)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const preparing = (page: Page) =>
  page.$$eval('sandbox-app >>> world-controls >>> [data-preparing]', (els) =>
    els.map((e) => e.textContent!.replace(/\s+/g, ' ').trim()),
  );

const panel = (sampler: string, steps: number, extra: Partial<PanelState> = {}): PanelState => ({
  sampler,
  steps,
  schedule: 'time_uniform',
  eta: 0,
  ...extra,
});

/** A link on the 2-RF ring with equal NFE at 2, the given panels, its reflows counted from before the page starts. */
async function openReflowLink(panels: PanelState[]): Promise<Page> {
  const state: SandboxState = { ...defaultState(), world: 'gmm:ring8:2rf', count: 16, equalNfe: true, nfe: 2, panels };
  session = await openApp(stateToHash(state), {
    prepare: async (page) => void (await page.evaluateOnNewDocument(countReflows)),
  });
  return session.page;
}

describe('long work', () => {
  it('three AMED/ReFlow panels at 1,000 steps show their progress; Esc stops them, calibrations included', async () => {
    const state: SandboxState = {
      ...defaultState(),
      count: 16,
      panels: [panel('amed', 1000), panel('amed_plugin', 1000), panel('reflow', 1000, { schedule: 'linear_t' })],
    };
    session = await openApp(stateToHash(state));
    const { page } = session;
    await until(page, (lines) => lines.some((l) => /running \(AMED calibration\) [1-9]\d* %/.test(l.text)));
    await page.keyboard.press('Escape');
    // The two AMED panels were calibrating (ReFlow at 1,000 steps on a 2D world may be done by now).
    await until(page, (lines) => lines[0].state === 'stopped' && lines[1].state === 'stopped', 30_000);
    // Nothing runs on after Stop: at most the one GPU submission under way.
    await new Promise((r) => setTimeout(r, 3000));
    const after = await panelLines(page);
    expect(after.slice(0, 2).map((l) => [l.state, l.afterStop <= 1])).toEqual([
      ['stopped', true],
      ['stopped', true],
    ]);
    expect(after[2].state).toMatch(/^(stopped|done)$/);
  });

  it('a link naming 3-RF beside 2-RF with equal NFE: 1-RF → 2-RF → 3-RF once each, with progress; Esc stops the 3-RF reflow', async () => {
    const page = await openReflowLink([
      panel('euler', 2, { schedule: 'karras', world: 'gmm:ring8:3rf' }),
      panel('euler', 2, { schedule: 'karras' }),
      panel('euler', 2, { schedule: 'karras', world: 'gmm:ring8' }),
    ]);
    await until(page, (lines) => lines[0].text.includes('waiting for the world'));
    const deadline = Date.now() + 150_000;
    while (!(await preparing(page)).join().match(/\(2-RF\) → 3-RF \(pairs\)/) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 250));
    expect((await preparing(page)).join()).toMatch(/Reflowing Ring of 8 \(2-RF\) → 3-RF \(pairs\)/);
    expect(await reflowsMade(page)).toEqual(['gmm:ring8', 'gmm:ring8:2rf']);
    await page.keyboard.press('Escape');
    await until(page, (lines) => lines[0].state === 'stopped', 30_000);
    // The 3-RF reflow stops with the panel that waited for it, within one GPU submission (its progress line goes).
    await page.waitForFunction(
      () =>
        !document
          .querySelector('sandbox-app')!
          .shadowRoot!.querySelector('world-controls')!
          .shadowRoot!.querySelector('[data-preparing]'),
      { timeout: 60_000, polling: 200 },
    );
    expect(await reflowsMade(page)).toEqual(['gmm:ring8', 'gmm:ring8:2rf']);
    const worlds = await page.evaluate(() => (window.sandbox as { worlds: { id: string }[] }).worlds.map((w) => w.id));
    expect(worlds).toContain('gmm:ring8:2rf');
    expect(worlds).not.toContain('gmm:ring8:3rf');
  });

  it('a link naming 2-RF beside 1-RF with equal NFE settles, 2-RF made once', async () => {
    const page = await openReflowLink([
      panel('euler', 2, { schedule: 'karras' }),
      panel('euler', 2, { schedule: 'karras', world: 'gmm:ring8' }),
    ]);
    await until(page, (lines) => lines.every((l) => l.state === 'done'));
    await panelsDone(page);
    expect(await reflowsMade(page)).toEqual(['gmm:ring8']);
    expect((await readouts(page)).map((r) => r.nfe)).toEqual(['2', '2']);
  });
});
