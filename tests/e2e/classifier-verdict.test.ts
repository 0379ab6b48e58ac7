/** The classifier's verdict on the built page, at SwiftShader sizes (4 images, 2 Euler steps): after a
 *  panel's grid is drawn, its readout says how many images the shipped classifier recognises as the class asked
 *  for, 'mixed' by default and then a picked class, and every image carries its verdict as a tooltip. */
import type { Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { defaultState } from '../../src/state/params';
import { stateToHash } from '../../src/state/url';
import { choose, closeAfterEach, openApp, panelsDone, type AppSession } from './app-page';

let session: AppSession | undefined;
closeAfterEach(
  () => session,
  () => (session = undefined),
);

/** Each panel's classifier readout, once every panel's matches `pattern` (the verdict comes after the samples). */
async function verdicts(page: Page, pattern: RegExp): Promise<string[]> {
  const found = await page.waitForFunction(
    (source) => {
      const texts = [...document.querySelector('sandbox-app')!.shadowRoot!.querySelectorAll('sampler-panel')].map(
        (p) =>
          p
            .shadowRoot!.querySelector('run-readout')!
            .shadowRoot!.querySelector('[data-field="classifier"]')
            ?.textContent!.trim() ?? '',
      );
      return texts.length > 0 && texts.every((t) => new RegExp(source).test(t)) && texts;
    },
    { timeout: 120_000, polling: 200 },
    pattern.source,
  );
  return (await found.jsonValue()) as string[];
}

/** The tooltips over every panel's images, panel by panel. */
const tooltips = (page: Page): Promise<string[]> =>
  page.$$eval('sandbox-app >>> sampler-panel >>> image-grid-view >>> .cell', (cells) =>
    cells.map((c) => c.getAttribute('title') ?? ''),
  );

describe('the classifier verdict', () => {
  it("shows the share matching the class asked for: 'mixed', then a picked class; every image has its verdict as a tooltip", async () => {
    const state = {
      ...defaultState(),
      world: 'fmnist',
      count: 4,
      panels: [1, 2].map(() => ({ sampler: 'euler', steps: 2, schedule: 'karras' as const, eta: 0 })),
    };
    session = await openApp(stateToHash(state));
    const { page } = session;
    await panelsDone(page);
    expect(await verdicts(page, /^[0-4]\/4 match their class$/)).toHaveLength(2);
    const mixed = await tooltips(page);
    expect(mixed).toHaveLength(2 * 4);
    for (const title of mixed)
      expect(title).toMatch(
        /^classifier: (T-shirt\/top|Trouser|Pullover|Dress|Coat|Sandal|Shirt|Sneaker|Bag|Ankle boot) \(\d+ %\)(; asked for .+)?$/,
      );

    await choose(page, 'sandbox-app >>> world-controls >>> image-controls >>> select[aria-label="Class"]', '7');
    await page.waitForFunction(() => location.hash.includes('class=7'));
    const texts = await verdicts(page, /^[0-4]\/4 look like Sneaker$/);
    expect(texts).toHaveLength(2);
    // A verdict other than Sneaker names what was asked for; a Sneaker verdict does not.
    for (const title of await tooltips(page))
      expect(title.startsWith('classifier: Sneaker') !== title.endsWith('; asked for Sneaker')).toBe(true);
  });
});
