/** The GITS schedule (Chen et al., ICML 2024) on the built page: a panel searches its grid with a live progress bar
 *  ("GITS search"), then the σ chart and the panel's table show the grid it chose; Stop cancels a search, on a 2D and
 *  on the Fashion-MNIST world; the search exports as JSON and a fresh page imports it and runs on it without
 *  searching, with the same grid and the same samples; a bad file is refused with a notice and changes nothing. The
 *  vp and beta schedules' own controls appear and reach the URL. Shapes are small: SwiftShader is slow. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ElementHandle, Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { defaultState, type PanelState, type SandboxState } from '../../src/state/params';
import { stateToHash } from '../../src/state/url';
import {
  choose,
  closeAfterEach,
  download,
  downloadDir,
  notices,
  openApp,
  panelsDone,
  readouts,
  settledHash,
  waitForDeep,
  type AppSession,
} from './app-page';

const downloads = downloadDir('sandbox-e2e-gits-');
let session: AppSession | undefined;
let second: AppSession | undefined;
closeAfterEach(
  () => session,
  () => (session = undefined),
);
closeAfterEach(
  () => second,
  () => (second = undefined),
);

const gits = (steps: number, options: Partial<PanelState> = {}): PanelState => ({
  sampler: 'euler',
  steps,
  schedule: 'gits',
  eta: 0,
  ...options,
});
const karras = (steps: number): PanelState => ({ sampler: 'euler', steps, schedule: 'karras', eta: 0 });

/**
 * Records, every 20 ms from before the page loads, what panel 1 shows of its progress: each progress bar's label
 * with the values it showed, and each phase its state line named. `window.seen` is cleared by `forget`.
 */
async function recordProgress(page: Page): Promise<void> {
  await page.evaluateOnNewDocument(() => {
    const w = window as unknown as { seen: { bars: Record<string, number[]>; phases: string[] } };
    w.seen = { bars: {}, phases: [] };
    setInterval(() => {
      const panel = document.querySelector('sandbox-app')?.shadowRoot?.querySelector('sampler-panel')?.shadowRoot;
      const bar = panel?.querySelector('progress-bar')?.shadowRoot?.querySelector('progress');
      if (bar) {
        const values = (w.seen.bars[bar.getAttribute('aria-label') ?? ''] ??= []);
        if (values.at(-1) !== bar.value) values.push(bar.value);
      }
      const phase = /running \(([^)]*)\)/.exec(panel?.querySelector('.state')?.textContent ?? '')?.[1];
      if (phase && w.seen.phases.at(-1) !== phase) w.seen.phases.push(phase);
    }, 20);
  });
}

const seen = (page: Page) =>
  page.evaluate(() => (window as unknown as { seen: { bars: Record<string, number[]>; phases: string[] } }).seen);
const forget = (page: Page) =>
  page.evaluate(() => {
    (window as unknown as { seen: object }).seen = { bars: {}, phases: [] };
  });

/** Panel 1's GITS table: its summary and each grid point's fine index and σ as shown. */
function gitsTable(page: Page): Promise<{ summary: string; fine: string[]; sigmas: string[] }> {
  return page.$eval('sandbox-app >>> sampler-panel >>> gits-table', (t) => {
    const root = t.shadowRoot!;
    const column = (field: string) =>
      [...root.querySelectorAll(`tbody [data-field="${field}"]`)].map((c) => c.textContent!.trim());
    return {
      summary: root.querySelector('summary')!.textContent!.replace(/\s+/g, ' ').trim(),
      fine: column('fine'),
      sigmas: column('sigma'),
    };
  });
}

/** The σ chart's series (data[0] is the step axis) and its legend. */
function sigmaChart(page: Page): Promise<{ series: number[][]; legend: string }> {
  return page.$eval('sandbox-app >>> sigma-chart >>> uplot-chart', (c) => ({
    series: ((c as unknown as { data: ArrayLike<number | null>[] }).data ?? [])
      .slice(1)
      .map((s) => Array.from(s).filter((v): v is number => v !== null)),
    legend: c.shadowRoot!.textContent!.replace(/\s+/g, ' '),
  }));
}

/** Panel `index`'s state line. */
const stateLine = (page: Page, index: number) =>
  page.evaluate((i) => {
    const p = document.querySelector('sandbox-app')!.shadowRoot!.querySelectorAll('sampler-panel')[i].shadowRoot!;
    return {
      state: p.querySelector('.state')!.getAttribute('data-state'),
      text: p.querySelector('.state')!.textContent!.trim(),
      afterStop: Number(p.querySelector('.status')!.getAttribute('data-submissions-after-stop')),
    };
  }, index);

/** Waits until panel 1 is searching (its state line names the GITS search), with `min` of it done. */
const searching = (page: Page, min = 0) =>
  page.waitForFunction(
    (least) => {
      const p = document.querySelector('sandbox-app')?.shadowRoot?.querySelector('sampler-panel')?.shadowRoot;
      const match = /running \(GITS search\) (\d+) %/.exec(p?.querySelector('.state')?.textContent ?? '');
      return !!match && Number(match[1]) >= least;
    },
    { timeout: 170_000, polling: 20 },
    min,
  );

const noticeIncludes = (page: Page, text: string) =>
  page.waitForFunction(
    (t) =>
      document
        .querySelector('sandbox-app')!
        .shadowRoot!.querySelector('notice-area')!
        .shadowRoot!.textContent!.includes(t),
    { timeout: 120_000 },
    text,
  );

/** Whether panel 1 shows a progress bar. */
const barShown = (page: Page) =>
  page.evaluate(
    () =>
      !!document
        .querySelector('sandbox-app')!
        .shadowRoot!.querySelector('sampler-panel')!
        .shadowRoot!.querySelector('progress-bar')!
        .shadowRoot!.querySelector('progress'),
  );

async function stopPanel1(page: Page): Promise<void> {
  await (await waitForDeep(page, 'sandbox-app >>> sampler-panel >>> button[aria-label="Stop Panel 1"]')).click();
  await page.waitForFunction(
    () =>
      document
        .querySelector('sandbox-app')!
        .shadowRoot!.querySelector('sampler-panel')!
        .shadowRoot!.querySelector('.status')!
        .getAttribute('data-status') === 'stopped',
    { timeout: 60_000 },
  );
  // The bar goes with the run: a stopped search must not look as if it went on.
  expect(await barShown(page)).toBe(false);
}

describe('the GITS schedule on the page', () => {
  it('searches with a progress bar, then the σ chart shows the searched grid; the search exports and a fresh page imports it without searching', async () => {
    const state: SandboxState = { ...defaultState(), count: 128, panels: [gits(6), karras(6)] };
    const hash = stateToHash(state);
    session = await openApp(hash, { prepare: recordProgress });
    const { page } = session;
    await panelsDone(page);

    // Live progress: the bar is labelled with the phase, and it moved during the search.
    const progress = await seen(page);
    expect(progress.phases).toContain('GITS search');
    const bar = progress.bars['Panel 1 GITS search'];
    expect(bar, JSON.stringify(progress)).toBeDefined();
    expect(new Set(bar).size).toBeGreaterThan(1);

    // The table: the default search (61 fine points, deviation metric, coeff 1.15, 64 trajectories) and its grid.
    const table = await gitsTable(page);
    expect(table.summary).toBe(
      'GITS search: 6 steps from 61 fine points (deviation metric, coeff 1.15, 64 trajectories)',
    );
    expect(table.sigmas).toHaveLength(7);
    expect(table.fine[0]).toBe('0');
    expect(table.fine[5]).toBe('60');
    expect(table.sigmas.slice(-1)).toEqual(['0.000']);
    expect(Number(table.sigmas[0])).toBe(80);
    expect(Number(table.sigmas[5])).toBeCloseTo(0.002, 6);

    // The σ chart draws that grid, marked as searched, and it is not the Karras grid the search started from.
    const chart = await sigmaChart(page);
    expect(chart.legend).toContain('Panel 1: GITS (searched), 6 steps');
    const [searched, karrasGrid] = chart.series;
    expect(searched.map((s) => s.toPrecision(4))).toEqual(table.sigmas.slice(0, 6));
    expect(karrasGrid).toHaveLength(6);
    expect(searched.some((s, i) => Math.abs(s / karrasGrid[i] - 1) > 1e-3)).toBe(true);
    const shown = (await readouts(page))[0];
    expect(Number(shown.rmse)).toBeGreaterThan(0);

    // Export the search.
    const dir = mkdtempSync(join(downloads, 'gits-'));
    const { name, bytes } = await download(
      page,
      'sandbox-app >>> sampler-panel >>> button[aria-label="Export Panel 1 GITS search as JSON"]',
      dir,
    );
    expect(name).toBe('gits-gmm_ring8-dev-61points-64paths.json');
    const exported = JSON.parse(new TextDecoder().decode(bytes));
    expect(exported).toMatchObject({
      format: 'diffusion-sandbox/gits-calibration@1',
      world: 'gmm:ring8',
      metric: 'dev',
      count: 64,
    });
    expect(exported.fine).toHaveLength(61);
    expect(exported.cost).toHaveLength(60);
    expect(exported.sigmas.map((s: number) => s.toPrecision(4))).toEqual(table.sigmas.map((s) => (+s).toPrecision(4)));

    // A fresh page (a new sandbox: nothing searched) starts its own search: Stop cancels it within one submission.
    second = await openApp(hash, { prepare: recordProgress });
    const fresh = second.page;
    await searching(fresh);
    await stopPanel1(fresh);
    expect(await stateLine(fresh, 0)).toMatchObject({ state: 'stopped', text: expect.stringContaining('stopped') });
    expect((await stateLine(fresh, 0)).afterStop).toBeLessThanOrEqual(1);
    expect((await gitsTable(fresh)).summary).toBe('GITS search: not searched for these settings');

    // Importing the exported search runs the panel on it without searching: the same grid, the same samples.
    await forget(fresh);
    const file = join(dir, name);
    const input = (await fresh.$(
      'sandbox-app >>> sampler-panel >>> gits-table >>> input[type=file]',
    )) as ElementHandle<HTMLInputElement>;
    await input.uploadFile(file);
    await noticeIncludes(fresh, 'Panel 1 runs with the imported GITS search (gmm:ring8, 61 fine points, dev metric');
    await panelsDone(fresh);
    expect((await seen(fresh)).phases).not.toContain('GITS search');
    expect(Object.keys((await seen(fresh)).bars)).not.toContain('Panel 1 GITS search');
    const imported = await gitsTable(fresh);
    expect(imported.summary).toContain(', from the imported search)');
    expect(imported.sigmas).toEqual(table.sigmas);
    expect(imported.fine).toEqual(table.fine);
    expect((await sigmaChart(fresh)).series[0]).toEqual(searched);
    const again = (await readouts(fresh))[0];
    expect([again.rmse, again.logLikelihood]).toEqual([shown.rmse, shown.logLikelihood]);

    // A file that is not a search is refused with a notice naming the problem, and the panel keeps what it had.
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...exported, cost: exported.cost.slice(1) }));
    await input.uploadFile(bad);
    await noticeIncludes(fresh, 'not imported');
    expect((await notices(fresh)).join('\n')).toContain(
      'GITS search "bad.json" not imported: calibration.cost: must have fine.length − 1 = 60 rows',
    );
    await panelsDone(fresh);
    expect(await gitsTable(fresh)).toEqual(imported);
    expect((await readouts(fresh))[0].rmse).toBe(shown.rmse);
  });

  it('the vp and beta schedules show their own controls, which reach the URL and the σ chart', async () => {
    session = await openApp(stateToHash({ ...defaultState(), count: 64, panels: [karras(4), karras(4)] }));
    const { page } = session;
    await panelsDone(page);
    await choose(page, 'sandbox-app >>> sampler-panel >>> select[aria-label="Panel 1 schedule"]', 'vp');
    const slide = async (option: string, value: number) => {
      const input = await waitForDeep(page, `sandbox-app >>> sampler-panel >>> input[data-option="${option}"]`);
      await input.evaluate((e, v) => {
        (e as HTMLInputElement).value = String(v);
        e.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      }, value);
    };
    const labels = () =>
      page.$$eval('sandbox-app >>> sampler-panel >>> panel-controls >>> input[data-option]', (inputs) =>
        inputs.map((i) => i.getAttribute('aria-label')),
      );
    expect(await labels()).toEqual(['Panel 1 β_d', 'Panel 1 β_min', 'Panel 1 ε_s']);
    await slide('vpBetaD', 12);
    expect(await settledHash(page)).toContain('p=euler:4:vp:0:vbd=12~');
    expect((await sigmaChart(page)).legend).toContain('Panel 1: VP, 4 steps');

    await choose(page, 'sandbox-app >>> sampler-panel >>> select[aria-label="Panel 1 schedule"]', 'beta');
    expect(await labels()).toEqual(['Panel 1 Beta α', 'Panel 1 Beta β']);
    const before = (await sigmaChart(page)).series[0];
    await slide('betaAlpha', 2);
    expect(await settledHash(page)).toContain(':beta:0:');
    expect(await settledHash(page)).toContain('ba=2~');
    const after = (await sigmaChart(page)).series[0];
    expect(after).toHaveLength(before.length);
    expect(after.some((s, i) => Math.abs(s - before[i]) > 1e-6)).toBe(true);
    await panelsDone(page);
  });

  it('on Fashion-MNIST a GITS panel shows its search progress, and Stop cancels the search', async () => {
    const state: SandboxState = {
      ...defaultState(),
      world: 'fmnist',
      count: 1,
      panels: [gits(3, { gitsFinePoints: 11, gitsBatch: 4 }), karras(1)],
    };
    session = await openApp(stateToHash(state), { prepare: recordProgress });
    const { page } = session;
    // One teacher step of the 10 done: the bar shows and has moved.
    await searching(page, 9);
    await page.waitForFunction(
      () =>
        !!document
          .querySelector('sandbox-app')!
          .shadowRoot!.querySelector('sampler-panel')!
          .shadowRoot!.querySelector('progress-bar')!
          .shadowRoot!.querySelector('progress[aria-label="Panel 1 GITS search"]'),
      { timeout: 60_000, polling: 20 },
    );
    expect((await gitsTable(page)).summary).toBe('GITS search: searching…');
    await stopPanel1(page);
    const line = await stateLine(page, 0);
    expect(line.text).toBe('stopped before a result: change a setting or Re-run');
    expect(line.afterStop).toBeLessThanOrEqual(1);
    expect((await gitsTable(page)).summary).toBe('GITS search: not searched for these settings');
    // Nothing runs on after Stop: the search made no further progress.
    const stoppedAt = (await seen(page)).bars['Panel 1 GITS search'];
    await new Promise((r) => setTimeout(r, 3000));
    expect((await seen(page)).bars['Panel 1 GITS search']).toEqual(stoppedAt);
    expect(await stateLine(page, 0)).toMatchObject({ state: 'stopped' });
  });
});
