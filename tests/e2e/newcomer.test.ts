/** The page as a newcomer meets it: one drawn world however often it is edited, panels that say what they are
 *  doing (queued, running, stopped, stale) and can be stopped, titles that tell panels apart, a stale mark on an
 *  outdated X/Y grid, two panels per row on a phone, a caption per world kind, help, and messages beside their
 *  fields. Runs are tiny: SwiftShader is slow. */
import { mkdirSync } from 'node:fs';
import type { Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { defaultState, type PanelState, type SandboxState } from '../../src/state/params';
import { stateToHash } from '../../src/state/url';
import {
  choose,
  closeAfterEach,
  notices,
  openApp,
  panelsDone,
  setNumber,
  waitForDeep,
  type AppSession,
} from './app-page';

let session: AppSession | undefined;
closeAfterEach(
  () => session,
  () => (session = undefined),
);

const euler = (steps: number): PanelState => ({ sampler: 'euler', steps, schedule: 'karras', eta: 0 });

/** Each panel's state line: data-state and text. */
function panelStates(page: Page): Promise<Array<{ state: string; text: string; afterStop: string }>> {
  return page.evaluate(() =>
    [...document.querySelector('sandbox-app')!.shadowRoot!.querySelectorAll('sampler-panel')].map((p) => {
      const line = p.shadowRoot!.querySelector('.state')!;
      return {
        state: line.getAttribute('data-state') ?? '',
        text: line.textContent!.replace(/\s+/g, ' ').trim(),
        afterStop: p.shadowRoot!.querySelector('.status')?.getAttribute('data-submissions-after-stop') ?? '',
      };
    }),
  );
}

function titles(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelector('sandbox-app')!.shadowRoot!.querySelectorAll('sampler-panel')].map((p) =>
      p.shadowRoot!.querySelector('h2')!.textContent!.replace(/\s+/g, ' ').trim(),
    ),
  );
}

/** Waits until panel `index` is in `state` and its line contains `contains` (or matches `pattern`). */
async function waitForPanel(page: Page, index: number, state: string, contains = '', pattern = ''): Promise<void> {
  await page.waitForFunction(
    (i, wanted, part, source) => {
      const p = document.querySelector('sandbox-app')?.shadowRoot?.querySelectorAll('sampler-panel')[i];
      const line = p?.shadowRoot?.querySelector('.state');
      if (!line || line.getAttribute('data-state') !== wanted) return false;
      const text = line.textContent!.replace(/\s+/g, ' ');
      return text.includes(part) && (!source || new RegExp(source).test(text));
    },
    { timeout: 170_000, polling: 50 },
    index,
    state,
    contains,
    pattern,
  );
}

const worldCount = (page: Page) =>
  page.evaluate(async () => {
    const sandbox = await (window as unknown as { sandbox: Promise<{ worlds: unknown[] }> }).sandbox;
    const picker = document
      .querySelector('sandbox-app')!
      .shadowRoot!.querySelector('world-controls')!
      .shadowRoot!.querySelectorAll('select[aria-label="World"] option');
    return { api: sandbox.worlds.length, picker: picker.length };
  });

describe('the page for a newcomer', () => {
  it('20 edits of a drawn mixture keep one custom world: the picker and sandbox.worlds do not grow', async () => {
    const state: SandboxState = {
      ...defaultState(),
      world: 'custom',
      custom: {
        type: 'gmm',
        means: [
          [0, 0],
          [3, 0],
        ],
        stds: [0.5, 0.5],
        weights: [1, 1],
      },
      count: 32,
      panels: [euler(2), euler(3)],
    };
    session = await openApp(stateToHash(state));
    const { page } = session;
    await panelsDone(page);
    const before = await worldCount(page);
    const view = await waitForDeep(page, 'sandbox-app >>> sampler-panel >>> density-view >>> canvas');
    await view.focus();
    await page.keyboard.press(']');
    for (let i = 0; i < 20; i++) {
      const hash = await page.evaluate(() => location.hash);
      await page.keyboard.press(i % 2 ? 'ArrowUp' : 'ArrowRight');
      await page.waitForFunction((h) => location.hash !== h, { timeout: 30_000 }, hash);
      // Each edit reaches the runs (one commit per frame), so each resolves its mixture.
      await panelsDone(page);
    }
    expect(await worldCount(page)).toEqual(before);
    // Leaving the drawn world takes its mixture out of the URL.
    expect(await page.evaluate(() => location.hash)).toContain('mix=');
    await choose(page, 'sandbox-app >>> world-controls >>> select[aria-label="World"]', 'gmm:ring8');
    await page.waitForFunction(() => location.hash.includes('ring8') && !location.hash.includes('mix='));
  });

  it('an image panel waits its turn as "queued", Stop aborts a running one within one submission and keeps its last result, Esc stops the rest', async () => {
    const state: SandboxState = { ...defaultState(), world: 'fmnist', count: 1, panels: [euler(1), euler(1)] };
    session = await openApp(stateToHash(state));
    const { page } = session;
    await panelsDone(page, 170_000);
    await page.evaluate(() => {
      const app = document.querySelector('sandbox-app')!;
      const store = (app as unknown as { store: { update: (f: (d: SandboxState) => void) => void } }).store;
      store.update((d) => {
        d.panels[0].steps = 40;
        d.panels[1].steps = 40;
      });
    });
    await waitForPanel(page, 1, 'queued', 'waits for panel 1');
    expect((await panelStates(page))[1].text).toContain('showing the previous run');
    await waitForPanel(page, 0, 'running', '', '[1-9]\\d* %');
    await (await waitForDeep(page, 'sandbox-app >>> sampler-panel >>> button[aria-label="Stop Panel 1"]')).click();
    await waitForPanel(page, 0, 'stopped');
    const [first] = await panelStates(page);
    expect(first.text).toContain('stopped: showing the last finished run (changed since: steps)');
    expect(first.afterStop).not.toBe('');
    expect(Number(first.afterStop)).toBeLessThanOrEqual(1);
    expect(
      await page.evaluate(() =>
        document
          .querySelector('sandbox-app')!
          .shadowRoot!.querySelector('sampler-panel')!
          .shadowRoot!.querySelector('.status')!
          .getAttribute('data-status'),
      ),
    ).toBe('stopped');
    // Panel 2 gets the lane once panel 1 stops; Esc stops it too.
    await waitForPanel(page, 1, 'running');
    await page.keyboard.press('Escape');
    await waitForPanel(page, 1, 'stopped');
  });

  it('titles name what differs, on one line, after the one-step and the Upsample Guidance presets', async () => {
    session = await openApp(stateToHash({ ...defaultState(), count: 16, panels: [euler(2), euler(3)] }));
    const { page } = session;
    await (
      await waitForDeep(page, 'sandbox-app >>> world-controls >>> reflow-controls >>> [data-action="one-step"]')
    ).click();
    await page.waitForFunction(() => location.hash.split('~').length === 6);
    expect(await titles(page)).toEqual([
      '1 · ReFlow 1 · 1-RF',
      '2 · ReFlow 1 · 2-RF',
      '3 · ReFlow 2 · 1-RF',
      '4 · ReFlow 2 · 2-RF',
      '5 · ReFlow 4 · 1-RF',
      '6 · ReFlow 4 · 2-RF',
    ]);
    await choose(page, 'sandbox-app >>> world-controls >>> select[aria-label="World"]', 'fmnist');
    await (await waitForDeep(page, 'sandbox-app >>> [data-action="ug-comparison"]')).click();
    await page.waitForFunction(() => location.hash.split('~').length === 3);
    expect(await titles(page)).toEqual([
      '1 · Euler 10 · naive ×2',
      '2 · Euler 10 · UG ×2',
      '3 · Euler 10 · bilinear ×2',
    ]);
    // One line each, with the buttons on the same row; the full name in the tooltip.
    const header = await page.evaluate(() => {
      const p = document.querySelector('sandbox-app')!.shadowRoot!.querySelector('sampler-panel')!.shadowRoot!;
      const h2 = p.querySelector('h2')!;
      const png = p.querySelector('button[aria-label="Export Panel 1 as PNG"]')!;
      const lineHeight = parseFloat(getComputedStyle(h2).lineHeight) || parseFloat(getComputedStyle(h2).fontSize) * 1.5;
      return {
        lines: h2.getBoundingClientRect().height / lineHeight,
        sameRow: Math.abs(png.getBoundingClientRect().top - h2.getBoundingClientRect().top) < h2.offsetHeight,
        tooltip: h2.title,
      };
    });
    expect(header.lines).toBeLessThan(1.5);
    expect(header.sameRow).toBe(true);
    expect(header.tooltip).toContain('Euler');
    expect(header.tooltip).toContain('naive');
  });

  it('an X/Y grid is marked out of date once the settings it was made from change', async () => {
    session = await openApp(stateToHash({ ...defaultState(), count: 16, panels: [euler(2), euler(3)] }));
    const { page } = session;
    await panelsDone(page);
    await setNumber(page, 'sandbox-app >>> xy-grid >>> input[aria-label="X axis values"]', 2);
    await page.evaluate(() => {
      const y = document
        .querySelector('sandbox-app')!
        .shadowRoot!.querySelector('xy-grid')!
        .shadowRoot!.querySelector('input[aria-label="Y axis values"]') as HTMLInputElement;
      y.value = 'euler';
      y.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    });
    const run = await waitForDeep(page, 'sandbox-app >>> xy-grid >>> button:not([disabled])');
    await run.click();
    await waitForDeep(page, 'sandbox-app >>> xy-grid >>> canvas', 170_000);
    expect(await page.$('sandbox-app >>> xy-grid >>> [data-stale]')).toBeNull();
    await setNumber(page, 'sandbox-app >>> world-controls >>> input[type=number]', 7);
    const mark = await waitForDeep(page, 'sandbox-app >>> xy-grid >>> [data-stale]', 30_000);
    expect(await mark.evaluate((el) => el.textContent)).toContain('seed');
  });

  it('at 400 px two panels share a row; a rejected seed is put back with the reason beside it; notices go all at once', async () => {
    session = await openApp(`${stateToHash({ ...defaultState(), count: 16 })}&junk=1&more=2`);
    const { page } = session;
    await page.setViewport({ width: 400, height: 900 });
    await panelsDone(page);
    const layout = await page.evaluate(() => {
      const panels = [...document.querySelector('sandbox-app')!.shadowRoot!.querySelectorAll('sampler-panel')];
      const [a, b] = panels.map((p) => p.getBoundingClientRect());
      return { aTop: a.top, bTop: b.top, aRight: a.right, bLeft: b.left, scroll: document.documentElement.scrollWidth };
    });
    expect(layout.bTop).toBe(layout.aTop);
    expect(layout.bLeft).toBeGreaterThanOrEqual(layout.aRight);
    expect(layout.scroll).toBeLessThanOrEqual(400);

    await setNumber(page, 'sandbox-app >>> world-controls >>> input[type=number]', -5);
    const seed = await page.evaluate(() => {
      const root = document.querySelector('sandbox-app')!.shadowRoot!.querySelector('world-controls')!.shadowRoot!;
      const input = root.querySelector('input[type=number]') as HTMLInputElement;
      return { value: input.value, error: input.closest('label')?.querySelector('.error')?.textContent ?? '' };
    });
    expect(seed.value).toBe('42');
    expect(seed.error).toContain('seed');

    if ((await notices(page)).length < 2) {
      // The junk parameters may be reported as one notice: add a second the way the page does (a dropped file).
      await page.evaluate(() =>
        (document.querySelector('sandbox-app') as unknown as { notify: (t: string[]) => void }).notify(['a', 'b']),
      );
    }
    expect((await notices(page)).length).toBeGreaterThan(1);
    await (await waitForDeep(page, 'sandbox-app >>> notice-area >>> .dismiss-all')).click();
    await page.waitForFunction(
      () =>
        document
          .querySelector('sandbox-app')!
          .shadowRoot!.querySelector('notice-area')!
          .shadowRoot!.querySelectorAll('.notice').length === 0,
    );
  });

  it('each world kind opens with its panel set and caption (screenshots in docs/); help links every sampler’s paper', async () => {
    session = await openApp('', { prepare: async (p) => p.setViewport({ width: 1280, height: 1000 }) });
    const { page } = session;
    const caption = await waitForDeep(page, 'sandbox-app >>> [data-caption]');
    expect(await caption.evaluate((el) => el.textContent)).toContain('AMED');
    expect(await titles(page)).toEqual(['1 · Euler 10', '2 · Heun 5', '3 · AMED-Solver 3']);
    const shots = process.env.SCREENSHOT_DIR;
    if (shots) {
      mkdirSync(shots, { recursive: true });
      await panelsDone(page, 170_000);
      await page.screenshot({ path: `${shots}/first-load-2d.png` });
    }
    await choose(page, 'sandbox-app >>> world-controls >>> select[aria-label="World"]', 'fmnist');
    await page.waitForFunction(() =>
      document
        .querySelector('sandbox-app')!
        .shadowRoot!.querySelector('[data-caption]')
        ?.textContent?.includes('DPM++(2M)'),
    );
    expect(await titles(page)).toEqual(['1 · Euler 10', '2 · DPM++(2M) 10', '3 · iPNDM 10']);
    if (shots) {
      await panelsDone(page, 170_000);
      // The classifier's verdict follows the images: wait for it in every readout.
      await page.waitForFunction(
        () =>
          [...document.querySelector('sandbox-app')!.shadowRoot!.querySelectorAll('sampler-panel')].every((p) =>
            /match/.test(p.shadowRoot!.querySelector('run-readout')!.shadowRoot!.textContent ?? ''),
          ),
        { timeout: 170_000 },
      );
      await page.screenshot({ path: `${shots}/first-load-images.png` });
    }

    await (await waitForDeep(page, 'sandbox-app >>> .help-toggle')).click();
    const help = await page.evaluate(() => {
      const root = document.querySelector('sandbox-app')!.shadowRoot!.querySelector('help-panel')!.shadowRoot!;
      return [...root.querySelectorAll('li')].map((li) => ({
        text: li.textContent!.replace(/\s+/g, ' '),
        href: li.querySelector('a')?.getAttribute('href') ?? '',
      }));
    });
    for (const name of ['Euler:', 'Heun:', 'AMED-Solver:', 'DPM++(2M):', 'iPNDM:', 'Upsample Guidance:'])
      expect(help.find((h) => h.text.includes(name))?.href).toMatch(/^https:\/\/arxiv\.org\/abs\//);
    // The docs links resolve on the built site (dist/ ships docs/*.md), each to its Markdown document.
    const docs = await page.evaluate(async () => {
      const root = document.querySelector('sandbox-app')!.shadowRoot!.querySelector('help-panel')!.shadowRoot!;
      const links = [...root.querySelectorAll<HTMLAnchorElement>('a.doc')];
      return Promise.all(
        links.map(async (a) => {
          const response = await fetch(a.href);
          return { href: a.getAttribute('href'), status: response.status, head: (await response.text()).slice(0, 2) };
        }),
      );
    });
    expect(docs.map((d) => d.href)).toEqual(['docs/algorithms.md', 'docs/architecture.md', 'docs/measured.md']);
    for (const d of docs) expect([d.status, d.head], d.href!).toEqual([200, '# ']);
  });
});
