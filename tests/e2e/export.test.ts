/** PNG export and restore, and the X/Y grid, on the built page: an exported PNG carries the A1111 infotext and the
 *  full state, opening or dropping it restores that state exactly, and a grid has the requested cells. */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { PARAMETERS_CHUNK, STATE_CHUNK } from '../../src/export/png';
import { defaultState, type SandboxState } from '../../src/state/params';
import { stateToHash } from '../../src/state/url';
import {
  download,
  notices,
  openApp,
  panelsDone,
  setNumber,
  settledHash,
  waitForDeep,
  type AppSession,
  closeAfterEach,
  downloadDir,
} from './app-page';

const downloads = downloadDir('sandbox-e2e-');
let session: AppSession | undefined;
closeAfterEach(
  () => session,
  () => (session = undefined),
);

const state: SandboxState = {
  ...defaultState(),
  world: 'gmm:spiral',
  seed: 31337,
  count: 96,
  panels: [
    { sampler: 'heun', steps: 3, schedule: 'time_uniform', eta: 0 },
    { sampler: 'sde', steps: 4, schedule: 'karras', eta: 0.25 },
  ],
};

describe('export and restore', () => {
  it('a panel PNG carries the infotext and the state; opening it or dropping it restores the state', async () => {
    session = await openApp(stateToHash(state));
    await panelsDone(session.page);
    const dir = mkdtempSync(join(downloads, 'panel-'));
    const { name, bytes } = await download(
      session.page,
      'sandbox-app >>> sampler-panel >>> button[aria-label="Export Panel 1 as PNG"]',
      dir,
    );
    expect(name).toBe('sandbox-heun-3steps-seed31337.png');
    const png = decode(bytes);
    expect([png.width, png.height]).toEqual([512, 512]);
    const parameters = png.text[PARAMETERS_CHUNK];
    expect(parameters).toMatch(
      /^Steps: 3, Sampler: Heun, Schedule type: [^,]+, Seed: 31337, World: gmm:spiral, NFE: 5\b/,
    );
    expect(JSON.parse(png.text[STATE_CHUNK])).toEqual(state);
    await session.close();

    // Open it from the file button on a page showing the defaults.
    session = await openApp(stateToHash({ ...defaultState(), count: 64 }));
    const input = (await session.page.$('sandbox-app >>> input[type=file]'))!;
    await (input as import('puppeteer-core').ElementHandle<HTMLInputElement>).uploadFile(join(dir, name));
    expect(await settledHash(session.page, stateToHash(state))).toBe(stateToHash(state));
    expect((await notices(session.page)).join('\n')).toMatch(
      /Restored the settings stored in "sandbox-heun-3steps-seed31337.png"/,
    );
    await panelsDone(session.page);
    await session.close();

    // Drop it on another page.
    session = await openApp(stateToHash({ ...defaultState(), count: 64, seed: 1 }));
    await session.page.evaluate((data: number[]) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(data)], 'dropped.png', { type: 'image/png' }));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, cancelable: true }));
    }, Array.from(bytes));
    expect(await settledHash(session.page, stateToHash(state))).toBe(stateToHash(state));

    // Change something, then paste the PNG: the state comes back again.
    await setNumber(session.page, 'sandbox-app >>> world-controls >>> input[type=number]', 5);
    await settledHash(session.page, stateToHash({ ...state, seed: 5 }));
    await session.page.evaluate((data: number[]) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(data)], 'pasted.png', { type: 'image/png' }));
      window.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, cancelable: true }));
    }, Array.from(bytes));
    expect(await settledHash(session.page, stateToHash(state))).toBe(stateToHash(state));
  });

  it('a PNG without our metadata restores nothing and says so', async () => {
    session = await openApp(stateToHash({ ...defaultState(), count: 64 }));
    const before = await settledHash(session.page);
    await session.page.evaluate(() => {
      // A 1×1 PNG with no text chunks.
      const bytes = Uint8Array.from(
        atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='),
        (c) => c.charCodeAt(0),
      );
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], 'plain.png', { type: 'image/png' }));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, cancelable: true }));
    });
    await session.page.waitForFunction(() =>
      document
        .querySelector('sandbox-app')!
        .shadowRoot!.querySelector('notice-area')!
        .shadowRoot!.textContent!.includes('no sandbox settings'),
    );
    expect(await settledHash(session.page)).toBe(before);
  });
});

describe('X/Y grid', () => {
  it('shows the run count first, then composes the requested columns × rows and exports them as one PNG', async () => {
    session = await openApp(stateToHash({ ...defaultState(), count: 64 }));
    const { page } = session;
    const setText = async (label: string, text: string) => {
      const field = await waitForDeep(page, `sandbox-app >>> xy-grid >>> input[aria-label="${label}"]`);
      await field.evaluate((el, t) => {
        (el as HTMLInputElement).value = t;
        el.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      }, text);
    };
    await setText('X axis values', '2-6 (+2)');
    await setText('Y axis values', 'euler, heun');
    await page.waitForFunction(
      () =>
        document
          .querySelector('sandbox-app')!
          .shadowRoot!.querySelector('xy-grid')!
          .shadowRoot!.querySelector('[data-run-count]')!
          .getAttribute('data-run-count') === '6',
    );
    expect(await page.$eval('sandbox-app >>> xy-grid >>> [data-run-count]', (e) => e.textContent)).toBe(
      '3 × 2 = 6 runs',
    );
    await (await page.$('sandbox-app >>> xy-grid >>> button'))!.click();
    const canvas = await waitForDeep(page, 'sandbox-app >>> xy-grid >>> canvas[data-columns]');
    const shape = await canvas.evaluate((c) => ({
      columns: c.getAttribute('data-columns'),
      rows: c.getAttribute('data-rows'),
      width: (c as HTMLCanvasElement).width,
      height: (c as HTMLCanvasElement).height,
    }));
    expect([shape.columns, shape.rows]).toEqual(['3', '2']);
    // Cells are 192 px; labels add margins on the left and top.
    expect(shape.width).toBeGreaterThan(3 * 192);
    expect(shape.height).toBeGreaterThan(2 * 192);

    const dir = mkdtempSync(join(downloads, 'grid-'));
    const { bytes } = await download(page, 'sandbox-app >>> xy-grid >>> button:last-of-type', dir);
    const png = decode(bytes);
    expect([png.width, png.height]).toEqual([shape.width, shape.height]);
    expect(png.text[PARAMETERS_CHUNK]).toMatch(/X steps: 2, 4, 6; Y sampler: euler, heun/);
  });
});
