/** Fashion-MNIST on the built page, at SwiftShader sizes:
 *  1–4 images and 1–2 steps. Panels draw sample grids and scrub to x_t and D(x_t); the class picker reaches the run
 *  (its PNG says so); 56×56 with Upsample Guidance shows its extra cost and exports at full resolution; the
 *  comparison preset lines up naive, guided and bilinear panels. */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from 'fast-png';
import type { Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { PARAMETERS_CHUNK, STATE_CHUNK } from '../../src/export/png';
import { defaultState, type SandboxState } from '../../src/state/params';
import { stateToHash } from '../../src/state/url';
import {
  choose,
  download,
  openApp,
  panelsDone,
  readouts,
  settledHash,
  waitForDeep,
  type AppSession,
  closeAfterEach,
  downloadDir,
} from './app-page';
import { differingPixels, distinctColors, elementPixels } from './pixels';

const downloads = downloadDir('sandbox-e2e-image-');
let session: AppSession | undefined;
closeAfterEach(
  () => session,
  () => (session = undefined),
);

function imageState(fields: Partial<SandboxState>, steps: number[]): SandboxState {
  return {
    ...defaultState(),
    world: 'fmnist',
    panels: steps.map((n) => ({ sampler: 'euler', steps: n, schedule: 'karras', eta: 0 })),
    ...fields,
  };
}

const firstView = (page: Page) => waitForDeep(page, 'sandbox-app >>> sampler-panel >>> image-grid-view');

describe('image worlds', () => {
  it('panels draw a grid of samples after the weights load; the scrubber shows x_t beside D(x_t)', async () => {
    session = await openApp(stateToHash(imageState({ count: 4 }, [1, 2])));
    const { page } = session;
    await panelsDone(page);
    expect((await readouts(page)).map((r) => [r.nfe, r.rmse, r.logLikelihood])).toEqual([
      ['1', '', ''],
      ['2', '', ''],
    ]);
    const view = await firstView(page);
    // Four 28×28 images in a 2×2 grid with one pixel between them.
    expect(
      await view.evaluate((v) => [...v.shadowRoot!.querySelectorAll('canvas')].map((c) => [c.width, c.height])),
    ).toEqual([[57, 57]]);
    const samples = await elementPixels(view);
    expect(distinctColors(samples)).toBeGreaterThan(30);

    const slider = await waitForDeep(page, 'sandbox-app >>> sampler-panel:nth-of-type(2) >>> step-scrubber >>> input');
    await slider.evaluate((e) => {
      (e as HTMLInputElement).value = '0';
      e.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    });
    const second = await waitForDeep(page, 'sandbox-app >>> sampler-panel:nth-of-type(2) >>> image-grid-view');
    await page.waitForFunction((v) => v.shadowRoot!.querySelectorAll('canvas').length === 2, { polling: 100 }, second);
    expect(
      await second.evaluate((v) => [...v.shadowRoot!.querySelectorAll('figcaption')].map((f) => f.textContent)),
    ).toEqual(['x_t (shown as x_t/√(1+σ²)), σ = 80.0', 'D(x_t): the denoiser’s guess']);
  });

  it('the class picker reaches the run: the images change and the exported PNG says Class: Sneaker', async () => {
    session = await openApp(stateToHash(imageState({ count: 2 }, [1, 1])));
    const { page } = session;
    await panelsDone(page);
    const before = await elementPixels(await firstView(page));
    await choose(page, 'sandbox-app >>> world-controls >>> image-controls >>> select[aria-label="Class"]', '7');
    await page.waitForFunction(() => location.hash.includes('class=7'));
    await panelsDone(page);
    expect(differingPixels(before, await elementPixels(await firstView(page)))).toBeGreaterThan(50);

    const { name, bytes } = await download(
      page,
      'sandbox-app >>> sampler-panel >>> button[aria-label="Export Panel 1 as PNG"]',
      mkdtempSync(join(downloads, 'class-')),
    );
    expect(name).toBe('sandbox-euler-1steps-seed42-28px.png');
    const png = decode(bytes);
    // Two 28×28 images side by side at full resolution.
    expect([png.width, png.height]).toEqual([57, 28]);
    expect(png.text[PARAMETERS_CHUNK]).toBe(
      'Steps: 1, Sampler: Euler, Schedule type: Karras, Seed: 42, World: fmnist, NFE: 1, Count: 2, Class: Sneaker, CFG scale: 1, Size: 28x28',
    );
    expect(JSON.parse(png.text[STATE_CHUNK])).toMatchObject({ world: 'fmnist', label: 7, count: 2 });
  });

  it('56×56 with Upsample Guidance: w and η appear, the readout shows the extra cost, the PNG is 56 px with UG settings; the preset lines up naive, guided and bilinear', async () => {
    session = await openApp(stateToHash(imageState({ count: 1 }, [2, 2])));
    const { page } = session;
    await panelsDone(page);
    expect(await page.$('sandbox-app >>> world-controls >>> image-controls >>> input[aria-label="UG w"]')).toBeNull();
    await choose(page, 'sandbox-app >>> world-controls >>> image-controls >>> select[aria-label="Resolution"]', '56');
    await page.waitForFunction(() => location.hash.includes('size=56'));
    await waitForDeep(page, 'sandbox-app >>> world-controls >>> image-controls >>> input[aria-label="UG w"]');
    await panelsDone(page);
    // Two Euler steps; the first lies in the η = 0.6 window and adds one 28×28 evaluation: 1/2² of a 56×56 one.
    expect((await readouts(page)).map((r) => [r.nfe, r.cost])).toEqual([
      ['2', '2.25 (+13%)'],
      ['2', '2.25 (+13%)'],
    ]);
    const { bytes } = await download(
      page,
      'sandbox-app >>> sampler-panel >>> button[aria-label="Export Panel 1 as PNG"]',
      mkdtempSync(join(downloads, 'ug-')),
    );
    const png = decode(bytes);
    expect([png.width, png.height]).toEqual([56, 56]);
    expect(png.text[PARAMETERS_CHUNK]).toMatch(
      /, NFE: 2, Cost: 2.25, Count: 1, Class: mixed, CFG scale: 1, Size: 56x56, Upscale: Upsample Guidance, UG weight: 1, UG eta: 0.6$/,
    );

    await (
      await waitForDeep(
        page,
        'sandbox-app >>> world-controls >>> image-controls >>> button[data-action="ug-comparison"]',
      )
    ).click();
    await page.waitForFunction(() =>
      location.hash.includes('p=euler:2:karras:0:up=naive~euler:2:karras:0~euler:2:karras:0:up=bilinear&'),
    );
    await panelsDone(page);
    expect((await readouts(page)).map((r) => r.cost)).toEqual(['', '2.25 (+13%)', '']);
    // The bilinear panel ran at 28 and is drawn at 56, like the others.
    const widths = await page.$$eval('sandbox-app >>> sampler-panel >>> image-grid-view >>> canvas', (cs) =>
      cs.map((c) => (c as HTMLCanvasElement).width),
    );
    expect(widths).toEqual([56, 56, 56]);
    expect(await settledHash(page)).toContain('size=56');
  });

  it('the X/Y grid composes image cells and exports them with the image settings', async () => {
    session = await openApp(stateToHash(imageState({ count: 1, label: 3 }, [1, 1])));
    const { page } = session;
    for (const [label, text] of [
      ['X axis values', '1'],
      ['Y axis values', 'euler, dpmpp_2m'],
    ]) {
      await (
        await waitForDeep(page, `sandbox-app >>> xy-grid >>> input[aria-label="${label}"]`)
      ).evaluate((el, t) => {
        (el as HTMLInputElement).value = t;
        el.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      }, text);
    }
    await page.waitForFunction(
      () =>
        document
          .querySelector('sandbox-app')!
          .shadowRoot!.querySelector('xy-grid')!
          .shadowRoot!.querySelector('[data-run-count]')!
          .getAttribute('data-run-count') === '2',
    );
    await (await waitForDeep(page, 'sandbox-app >>> xy-grid >>> button')).click();
    const canvas = await waitForDeep(page, 'sandbox-app >>> xy-grid >>> canvas[data-columns]');
    expect(await canvas.evaluate((c) => [c.getAttribute('data-columns'), c.getAttribute('data-rows')])).toEqual([
      '1',
      '2',
    ]);
    const { bytes } = await download(
      page,
      'sandbox-app >>> xy-grid >>> button:last-of-type',
      mkdtempSync(join(downloads, 'grid-')),
    );
    // Cells of one 28×28 image, enlarged by whole pixels to about 192 px.
    expect(decode(bytes).height).toBeGreaterThan(2 * 6 * 28);
    expect(decode(bytes).text[PARAMETERS_CHUNK]).toMatch(
      /Class: Dress, CFG scale: 1, Size: 28x28, Grid: "X steps: 1; Y sampler: euler, dpmpp_2m"$/,
    );
  });
});
