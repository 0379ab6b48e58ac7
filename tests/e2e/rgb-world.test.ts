/**
 * A 3-channel world on the built page, served from the test fixture (fixture-worlds.ts; tools/train/make_test_world.py):
 * the picker lists it from the index alone, panels sample it and draw RGB grids, its own classifier judges them, a
 * panel exports an RGB PNG of the grid at full resolution with the state inside, and opening that PNG on a fresh
 * page restores the state.
 */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from 'fast-png';
import type { ElementHandle, Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { STATE_CHUNK } from '../../src/export/png';
import { defaultState, type SandboxState } from '../../src/state/params';
import { stateToHash } from '../../src/state/url';
import { closeAfterEach, download, downloadDir, openApp, panelsDone, settledHash, type AppSession } from './app-page';
import { serveFixtureWorlds } from './fixture-worlds';

const downloads = downloadDir('sandbox-rgb-');
let session: AppSession | undefined;
closeAfterEach(
  () => session,
  () => (session = undefined),
);

const state: SandboxState = {
  ...defaultState(),
  world: 'tiny-rgb',
  seed: 77,
  count: 4,
  panels: [
    { sampler: 'euler', steps: 2, schedule: 'karras', eta: 0 },
    { sampler: 'heun', steps: 2, schedule: 'karras', eta: 0 },
  ],
};

/** Pixels of panel `n`'s sample grid as drawn on its canvas. */
const canvasPixels = (page: Page, n: number): Promise<{ width: number; height: number; data: number[] }> =>
  page.evaluate((n) => {
    const panel = document.querySelector('sandbox-app')!.shadowRoot!.querySelectorAll('sampler-panel')[n];
    const canvas = panel.shadowRoot!.querySelector('image-grid-view')!.shadowRoot!.querySelector('canvas')!;
    const { width, height, data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    return { width, height, data: Array.from(data) };
  }, n);

describe('an RGB world from the index', () => {
  it('samples, draws colour grids, classifies, exports an RGB PNG and restores from it', async () => {
    session = await openApp(stateToHash(state), { prepare: serveFixtureWorlds });
    const { page } = session;
    const options = await page.$$eval('sandbox-app >>> world-controls >>> select option', (o) =>
      o.map((e) => (e as HTMLOptionElement).value),
    );
    expect(options).toContain('tiny-rgb');
    await panelsDone(page);

    // 4 images of 8×8 in a 2×2 grid with a 1-pixel gap; some pixel is coloured (its channels differ).
    const pixels = await canvasPixels(page, 0);
    expect([pixels.width, pixels.height]).toEqual([17, 17]);
    const coloured = Array.from({ length: pixels.width * pixels.height }, (_, p) =>
      pixels.data.slice(4 * p, 4 * p + 3),
    ).filter(([r, g, b]) => r !== g || g !== b);
    expect(coloured.length).toBeGreaterThan(4 * 8 * 8 - 10);

    const verdicts = await page.waitForFunction(
      () => {
        const texts = [...document.querySelector('sandbox-app')!.shadowRoot!.querySelectorAll('sampler-panel')].map(
          (p) =>
            p
              .shadowRoot!.querySelector('run-readout')!
              .shadowRoot!.querySelector('[data-field="classifier"]')
              ?.textContent!.trim() ?? '',
        );
        return texts.every((t) => /^[0-4]\/4 match their class$/.test(t)) && texts;
      },
      { timeout: 120_000, polling: 200 },
    );
    expect(await verdicts.jsonValue()).toHaveLength(2);
    const titles = await page.$$eval('sandbox-app >>> sampler-panel >>> image-grid-view >>> .cell', (cells) =>
      cells.map((c) => c.getAttribute('title') ?? ''),
    );
    expect(titles).toHaveLength(8);
    for (const title of titles)
      expect(title).toMatch(/^classifier: (red|green|blue) \(\d+ %\)(; asked for (red|green|blue))?$/);

    const dir = mkdtempSync(join(downloads, 'panel-'));
    const { name, bytes } = await download(
      page,
      'sandbox-app >>> sampler-panel >>> button[aria-label="Export Panel 1 as PNG"]',
      dir,
    );
    const png = decode(bytes);
    expect([png.width, png.height, png.channels]).toEqual([17, 17, 3]);
    // The PNG holds exactly the drawn pixels, without their alpha.
    expect(Array.from(png.data)).toEqual(pixels.data.filter((_, i) => i % 4 !== 3));
    expect(JSON.parse(png.text[STATE_CHUNK])).toEqual(state);
    await session.close();

    // On a 2D page the picker lists the RGB world from the index alone: none of its model files has been fetched.
    const served: string[] = [];
    session = await openApp(stateToHash({ ...defaultState(), count: 64 }), {
      prepare: (p) => serveFixtureWorlds(p, served),
    });
    await panelsDone(session.page);
    const listed = await session.page.$$eval('sandbox-app >>> world-controls >>> select option', (o) =>
      o.map((e) => (e as HTMLOptionElement).value),
    );
    expect(listed).toContain('tiny-rgb');
    expect(served).toEqual(['/models/index.json']);
    const input = (await session.page.$('sandbox-app >>> input[type=file]')) as ElementHandle<HTMLInputElement>;
    await input.uploadFile(join(dir, name));
    expect(await settledHash(session.page, stateToHash(state))).toBe(stateToHash(state));
    await panelsDone(session.page);
    expect(await canvasPixels(session.page, 0)).toEqual(pixels);
  });
});
