/** Opens the harness page in the shared Chromium and checks, after each test, that nothing went wrong silently. */
import puppeteer, { type Page } from 'puppeteer-core';
import { inject } from 'vitest';

export async function openPage(
  path = '/tests/browser/harness.html',
): Promise<{ page: Page; problems: string[]; close: () => Promise<void> }> {
  const browser = await puppeteer.connect({ browserWSEndpoint: inject('wsEndpoint'), protocolTimeout: 600_000 });
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e instanceof Error ? e.message : String(e)}`));
  await page.goto(`${inject('baseUrl')}${path}`, { waitUntil: 'load' });
  await page.waitForFunction(
    () => document.title === 'ready' || (window as unknown as { harness?: unknown }).harness !== undefined,
    { timeout: 120_000 },
  );
  return {
    page,
    problems,
    close: async () => {
      await page.close();
      await browser.disconnect();
    },
  };
}

/** Uncaptured GPU errors recorded by the harness; any of them fails the test that caused it. */
export function gpuErrors(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { harness: { gpuErrors: string[] } }).harness.gpuErrors.slice());
}
