/**
 * Test-only image worlds for the built page, without shipping them: puppeteer intercepts the page's requests for
 * the world index and for the fixture's model folders and answers from tests/fixtures/models. The index the page
 * receives is the shipped one plus the fixture's worlds, so the picker lists both and nothing in dist/ changes.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Page } from 'puppeteer-core';

const FIXTURE = 'tests/fixtures/models';

/** `served` collects the paths answered from the fixture (the index included). */
export async function serveFixtureWorlds(page: Page, served: string[] = []): Promise<void> {
  const shipped = JSON.parse(readFileSync('public/models/index.json', 'utf8'));
  const fixture = JSON.parse(readFileSync(`${FIXTURE}/index.json`, 'utf8'));
  const index = JSON.stringify({ ...shipped, worlds: [...shipped.worlds, ...fixture.worlds] });
  const folders = new Set<string>(
    fixture.worlds.flatMap((w: { folder: string; classifier: string | null }) => [
      w.folder,
      ...(w.classifier ? [w.classifier] : []),
    ]),
  );
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    const model = /\/models\/([^/]+)\/(manifest\.json|weights\.bin)$/.exec(path);
    if (path.endsWith('/models/index.json')) {
      served.push(path);
      void request.respond({ status: 200, contentType: 'application/json', body: index });
    } else if (model && folders.has(model[1]) && existsSync(`${FIXTURE}/${model[1]}/${model[2]}`)) {
      const body = readFileSync(`${FIXTURE}/${model[1]}/${model[2]}`);
      served.push(path);
      const contentType = model[2].endsWith('.json') ? 'application/json' : 'application/octet-stream';
      void request.respond({ status: 200, contentType, body });
    } else {
      void request.continue();
    }
  });
}
