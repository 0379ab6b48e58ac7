/** Failure paths of the built page: no adapter, a GPU error, a lost device. */
import { describe, expect, it } from 'vitest';
import { launchChromium } from '../browser/chromium';
import { defaultState } from '../../src/state/params';
import { stateToHash } from '../../src/state/url';
import {
  notices,
  openApp,
  panelsDone,
  readouts,
  setNumber,
  waitForDeep,
  type AppSession,
  closeAfterEach,
} from './app-page';
import { distinctColors, elementPixels, orangePixels } from './pixels';

let session: AppSession | undefined;
closeAfterEach(
  () => session,
  () => (session = undefined),
);

const tiny = stateToHash({ ...defaultState(), count: 64 });

describe('failure paths', () => {
  it('a browser without a WebGPU adapter gets a page naming what is missing and where WebGPU is available', async () => {
    const browser = await launchChromium({ webgpu: false });
    try {
      session = await openApp(tiny, { browser, waitForApp: false });
      const page = await waitForDeep(session.page, 'unsupported-page');
      const text = await page.evaluate((e) => e.shadowRoot!.textContent!.replace(/\s+/g, ' '));
      expect(
        await page.evaluate((e) => e.shadowRoot!.querySelector('[data-reason]')!.getAttribute('data-reason')),
      ).toBe('no-adapter');
      expect(text).toMatch(/no usable GPU adapter/);
      for (const where of [
        'Chrome and Edge 113+',
        'Safari 26+',
        'Firefox 141+',
        'enable-unsafe-webgpu',
        'hardware acceleration',
      ])
        expect(text).toContain(where);
      expect(await session.page.$('sandbox-app')).toBeNull();
      // The public API reports the same failure to scripts.
      expect(
        await session.page.evaluate(() =>
          Promise.resolve(window.sandbox).then(
            () => 'resolved',
            (e: Error) => e.name,
          ),
        ),
      ).toBe('WebGpuUnavailableError');
      await session.close();
      session = undefined;
    } finally {
      await browser.close();
    }
  });

  it('an uncaptured GPU error shows a dismissible banner with its message', async () => {
    session = await openApp(tiny);
    const { page } = session;
    await panelsDone(page);
    await page.evaluate(async () => {
      const sandbox = await window.sandbox;
      const { device } = sandbox.gpu.resources;
      // A storage buffer cannot be mappable: a validation error outside any error scope. The browser reports it
      // when the device next does work.
      device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.STORAGE });
      await device.queue.onSubmittedWorkDone();
    });
    const banner = await waitForDeep(page, 'sandbox-app >>> notice-area >>> .notice[data-kind="gpu-error"]');
    expect(await banner.evaluate((e) => e.getAttribute('role'))).toBe('alert');
    expect(await banner.evaluate((e) => e.textContent)).toMatch(/GPU error:.*usage/i);
    await (await banner.$('button'))!.click();
    await page.waitForFunction(
      () =>
        !document
          .querySelector('sandbox-app')!
          .shadowRoot!.querySelector('notice-area')!
          .shadowRoot!.querySelector('[data-kind="gpu-error"]'),
    );
  });

  it('a lost device is recovered with a notice; the state and the drawing survive and runs continue', async () => {
    session = await openApp(tiny);
    const { page } = session;
    await panelsDone(page);
    const before = await readouts(page);
    await page.evaluate(async () => (await window.sandbox).gpu.resources.device.destroy());
    await page.waitForFunction(
      () =>
        document
          .querySelector('sandbox-app')!
          .shadowRoot!.querySelector('notice-area')!
          .shadowRoot!.textContent!.includes('Recovered on a new GPU device'),
      { polling: 100, timeout: 60_000 },
    );
    expect((await notices(page)).join('\n')).toMatch(/GPU device:\s*Recovered/);
    expect(await page.evaluate(() => location.hash)).toBe(tiny);
    expect((await readouts(page)).map((r) => r.rmse)).toEqual(before.map((r) => r.rmse));
    const canvas = (await page.$('sandbox-app >>> sampler-panel >>> density-view >>> canvas'))!;
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const pixels = await elementPixels(canvas);
    expect(distinctColors(pixels)).toBeGreaterThan(50);
    expect(orangePixels(pixels)).toBeGreaterThan(10);
    // New runs go to the new device.
    await setNumber(page, 'sandbox-app >>> sampler-panel >>> panel-controls >>> input[type=number]', 4);
    await page.waitForFunction(() => location.hash.includes('p=euler:4:'));
    await panelsDone(page);
    expect((await readouts(page))[0].nfe).toBe('4');
  });
});
