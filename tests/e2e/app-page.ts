/**
 * Opens the built page (dist/) in the shared Chromium and records what must never happen: console errors, page
 * errors, dialogs, and requests that leave the page's origin. Helpers read the page through its shadow roots
 * (puppeteer's `>>>` combinator), the way a user sees it: controls, readouts, notices.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer-core';
import { afterAll, afterEach, expect, inject } from 'vitest';

export interface AppSession {
  page: Page;
  origin: string;
  /** Console errors, page errors and dialogs. */
  problems: string[];
  /** Requests to any origin but the page's own (data: and blob: URLs are local). */
  foreignRequests: string[];
  close: () => Promise<void>;
}

function distOrigin(): string {
  const url = inject('distUrl');
  if (!url)
    throw new Error(
      'dist/ is missing: run `npm run build` before the e2e tests (.ci/run does this before `npm test`).',
    );
  return url;
}

/** `prepare` runs on the new page before it loads (e.g. to serve test-only worlds through request interception). */
export async function openApp(
  hash = '',
  options: { browser?: Browser; waitForApp?: boolean; prepare?: (page: Page) => Promise<void> } = {},
): Promise<AppSession> {
  const origin = distOrigin();
  const browser =
    options.browser ?? (await puppeteer.connect({ browserWSEndpoint: inject('wsEndpoint'), protocolTimeout: 600_000 }));
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 1000 });
  const problems: string[] = [];
  const foreignRequests: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`pageerror: ${e instanceof Error ? e.message : String(e)}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.protocol !== 'data:' && url.protocol !== 'blob:' && url.origin !== origin) foreignRequests.push(r.url());
  });
  await options.prepare?.(page);
  await page.goto(`${origin}/${hash}`, { waitUntil: 'load' });
  if (options.waitForApp !== false) await page.waitForSelector('sandbox-app', { timeout: 60_000 });
  return {
    page,
    origin,
    problems,
    foreignRequests,
    close: async () => {
      await page.close();
      if (!options.browser) await browser.disconnect();
    },
  };
}

/** Waits until every panel has run this frame's request and has its metrics. */
export async function panelsDone(page: Page, timeout = 120_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const panels = [...(document.querySelector('sandbox-app')?.shadowRoot?.querySelectorAll('sampler-panel') ?? [])];
      return (
        panels.length > 0 &&
        panels.every((p) => p.shadowRoot?.querySelector('.status')?.getAttribute('data-status') === 'done')
      );
    },
    { timeout, polling: 100 },
  );
}

export interface Readout {
  nfe: string;
  gpuMs: string;
  /** '' where the readout has no such field (image worlds have no RMSE or likelihood; cost shows with UG only). */
  rmse: string;
  logLikelihood: string;
  cost: string;
}

export function readouts(page: Page): Promise<Readout[]> {
  return page.evaluate(() =>
    [...document.querySelector('sandbox-app')!.shadowRoot!.querySelectorAll('sampler-panel')].map((p) => {
      const field = (name: string) =>
        p
          .shadowRoot!.querySelector('run-readout')!
          .shadowRoot!.querySelector(`[data-field="${name}"]`)
          ?.textContent!.trim() ?? '';
      return {
        nfe: field('nfe'),
        gpuMs: field('gpu-ms'),
        rmse: field('rmse'),
        logLikelihood: field('log-likelihood'),
        cost: field('cost'),
      };
    }),
  );
}

/** Clicks a button and returns the bytes of the file it downloads into `into` (an empty directory). */
export async function download(
  page: Page,
  selector: string,
  into: string,
): Promise<{ name: string; bytes: Uint8Array }> {
  const cdp = await page.createCDPSession();
  await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: into, eventsEnabled: true });
  const done = new Promise<string>((resolve, reject) => {
    cdp.on('Browser.downloadProgress', (e) => {
      if (e.state === 'completed') resolve(e.guid);
      if (e.state === 'canceled') reject(new Error('download canceled'));
    });
  });
  await (await waitForDeep(page, selector)).click();
  await done;
  const [name] = readdirSync(into).filter((f) => !f.endsWith('.crdownload'));
  return { name, bytes: new Uint8Array(readFileSync(join(into, name))) };
}

/** Chooses an option of a select inside shadow roots, as a user does (change event). */
export async function choose(page: Page, selector: string, value: string): Promise<void> {
  const select = await waitForDeep(page, selector);
  await select.evaluate((el, v) => {
    (el as HTMLSelectElement).value = v;
    el.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
  }, value);
}

/** Texts of the visible notices. */
export function notices(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [
      ...(document
        .querySelector('sandbox-app')
        ?.shadowRoot?.querySelector('notice-area')
        ?.shadowRoot?.querySelectorAll('.notice') ?? []),
    ].map((n) => n.textContent!.replace(/\s+/g, ' ').trim()),
  );
}

/** Sets a number input the way typing and leaving the field does (input + change events). */
export async function setNumber(page: Page, selector: string, value: number): Promise<void> {
  const input = await waitForDeep(page, selector);
  await input.evaluate((el, v) => {
    const field = el as HTMLInputElement;
    field.value = String(v);
    field.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    field.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
  }, value);
}

/** The hash once the page has written it (state changes reach the URL on the next animation frame). */
export async function settledHash(page: Page, expected?: string): Promise<string> {
  if (expected !== undefined) await page.waitForFunction((h) => location.hash === h, { timeout: 30_000 }, expected);
  else await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return page.evaluate(() => location.hash);
}

/** Waits for an element inside shadow roots. puppeteer's waitForSelector re-checks on DOM mutations, and mutations
 *  inside shadow roots do not count, so a late element there would be missed: this polls instead. */
export async function waitForDeep(page: Page, selector: string, timeout = 120_000): Promise<ElementHandle<Element>> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const found = await page.$(selector);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`waitForDeep: no ${selector} after ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A temporary folder for downloaded exports, removed after the file's tests. */
export function downloadDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** After each test, the app it opened (if still open) must have logged no error and requested nothing off-origin. */
export function closeAfterEach(current: () => AppSession | undefined, clear: () => void): void {
  afterEach(async () => {
    const session = current();
    if (!session) return;
    clear();
    try {
      expect(session.problems).toEqual([]);
      expect(session.foreignRequests).toEqual([]);
    } finally {
      await session.close();
    }
  });
}
