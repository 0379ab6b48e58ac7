/** Skip-Tuning on the built page (Fashion-MNIST, one image, two steps: SwiftShader sizes): a panel's ρ_bottom slider
 *  changes that panel's images and no other's, reaches the URL and the exported PNG; the comparison preset lines up
 *  the untuned and tuned few-step panels beside a many-step target, under its caption. */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { PARAMETERS_CHUNK, STATE_CHUNK } from '../../src/export/png';
import { defaultState } from '../../src/state/params';
import { SKIP_TUNING_COMPARISON } from '../../src/state/stories';
import { stateToHash } from '../../src/state/url';
import { closeAfterEach, download, downloadDir, openApp, panelsDone, waitForDeep, type AppSession } from './app-page';
import { differingPixels, elementPixels } from './pixels';

const downloads = downloadDir('sandbox-e2e-skip-');
let session: AppSession | undefined;
closeAfterEach(
  () => session,
  () => (session = undefined),
);

const panel = (n: number) => `sandbox-app >>> sampler-panel:nth-of-type(${n})`;

describe('Skip-Tuning on the page', () => {
  it('the panel’s ρ_bottom slider changes its images only, and goes into the URL and the PNG', async () => {
    const euler = { sampler: 'euler', steps: 2, schedule: 'karras' as const, eta: 0 };
    session = await openApp(stateToHash({ ...defaultState(), world: 'fmnist', count: 1, panels: [euler, euler] }));
    const { page } = session;
    await panelsDone(page);
    const views = async () =>
      Promise.all([1, 2].map(async (n) => elementPixels(await waitForDeep(page, `${panel(n)} >>> image-grid-view`))));
    const [first, second] = await views();

    const slider = await waitForDeep(page, `${panel(2)} >>> panel-controls >>> input[data-option="skipBottom"]`);
    await slider.evaluate((e) => {
      (e as HTMLInputElement).value = '0.5';
      e.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    });
    await page.waitForFunction(() => location.hash.includes('~euler:2:karras:0:skip=0.5&'));
    await panelsDone(page);
    const [firstAfter, secondAfter] = await views();
    expect(differingPixels(first, firstAfter)).toBe(0);
    expect(differingPixels(second, secondAfter)).toBeGreaterThan(20);

    const { bytes } = await download(
      page,
      `${panel(2)} >>> button[aria-label="Export Panel 2 as PNG"]`,
      mkdtempSync(join(downloads, 'panel-')),
    );
    const png = decode(bytes);
    expect(png.text[PARAMETERS_CHUNK]).toMatch(/, Class: mixed, CFG scale: 1, Size: 28x28, Skip tuning: 0\.5$/);
    expect(JSON.parse(png.text[STATE_CHUNK]).panels[1]).toMatchObject({ sampler: 'euler', skipBottom: 0.5 });
  });

  it('the comparison preset: untuned and tuned few-step panels beside the target, under its caption', async () => {
    session = await openApp(stateToHash({ ...defaultState(), world: 'fmnist', count: 1 }));
    const { page } = session;
    await (
      await waitForDeep(
        page,
        'sandbox-app >>> world-controls >>> image-controls >>> button[data-action="skip-tuning-comparison"]',
      )
    ).click();
    await page.waitForFunction(() =>
      location.hash.includes('p=euler:5:karras:0~euler:5:karras:0:skip=0.7~heun:20:karras:0&'),
    );
    const caption = await waitForDeep(page, 'sandbox-app >>> [data-caption]');
    expect(await caption.evaluate((c) => c.textContent)).toBe(SKIP_TUNING_COMPARISON.caption);
  });
});
