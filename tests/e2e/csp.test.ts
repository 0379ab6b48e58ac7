/** The built page's Content-Security-Policy: present, strict, and violated by nothing in a normal session (load,
 *  run, export a PNG). A real `securitypolicyviolation` listener records every report; a deliberate inline style
 *  proves the listener hears them. */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { defaultState } from '../../src/state/params';
import { stateToHash } from '../../src/state/url';
import { closeAfterEach, download, downloadDir, openApp, panelsDone, type AppSession } from './app-page';
import { serveFixtureWorlds } from './fixture-worlds';

const downloads = downloadDir('sandbox-csp-');
let session: AppSession | undefined;
closeAfterEach(
  () => session,
  () => (session = undefined),
);

/** Installed before any of the page's scripts run (CDP, not a page script, so the CSP does not apply to it). */
async function recordViolations(page: Page): Promise<void> {
  await page.evaluateOnNewDocument(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) =>
      seen.push(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`),
    );
  });
}

const violations = (page: Page) =>
  page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations.slice());

describe('Content-Security-Policy', () => {
  it('is strict, and a session that loads, runs and exports a PNG violates nothing', async () => {
    const state = { ...defaultState(), count: 64 };
    session = await openApp(stateToHash(state), { prepare: recordViolations });
    const policy = await session.page.$eval('meta[http-equiv="Content-Security-Policy"]', (m) =>
      m.getAttribute('content'),
    );
    expect(policy).toMatch(/(^|; )default-src 'self'(;|$)/);
    expect(policy).not.toMatch(/unsafe-eval|unsafe-inline|\*/);
    await panelsDone(session.page);
    const { bytes } = await download(
      session.page,
      'sandbox-app >>> sampler-panel >>> button[aria-label="Export Panel 1 as PNG"]',
      mkdtempSync(join(downloads, 'panel-')),
    );
    expect(bytes.length).toBeGreaterThan(1000);
    expect(await violations(session.page)).toEqual([]);

    // The listener works: an inline style element is blocked and reported. The console error it causes is expected.
    await session.page.evaluate(() => {
      const style = document.createElement('style');
      style.textContent = 'body { color: red }';
      document.head.append(style);
    });
    await session.page.waitForFunction(
      () => (window as unknown as { cspViolations: string[] }).cspViolations.length > 0,
    );
    expect(await violations(session.page)).toEqual([expect.stringMatching(/^style-src-elem blocked inline/)]);
    session.problems.splice(0, session.problems.length, ...session.problems.filter((p) => !/Content Security/.test(p)));
  });

  it('an image world (its grid cells are positioned by CSSOM, not style attributes) violates nothing', async () => {
    const state = {
      ...defaultState(),
      world: 'tiny-rgb',
      count: 4,
      panels: [
        { sampler: 'euler', steps: 2, schedule: 'karras' as const, eta: 0 },
        { sampler: 'heun', steps: 2, schedule: 'karras' as const, eta: 0 },
      ],
    };
    session = await openApp(stateToHash(state), {
      prepare: async (page) => {
        await recordViolations(page);
        await serveFixtureWorlds(page);
      },
    });
    await panelsDone(session.page);
    const cells = await session.page.$$eval('sandbox-app >>> sampler-panel >>> image-grid-view >>> .cell', (spans) =>
      spans.map((s) => (s as HTMLElement).style.width),
    );
    expect(cells.length).toBeGreaterThan(0);
    expect(cells.every((w) => w.endsWith('%'))).toBe(true);
    expect(await violations(session.page)).toEqual([]);
  });
});
