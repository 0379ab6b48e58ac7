/** Interacting with the built page: drawing a world, scrubbing steps, trajectories, zoom, panels, the NFE sweep,
 *  the keyboard (Ctrl/Cmd+Enter, Esc, Tab with a visible focus) and labels on every control. */
import type { Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { defaultState, type SandboxState } from '../../src/state/params';
import { stateFromHash, stateToHash } from '../../src/state/url';
import { GMM_PRESETS } from '../../src/worlds/gmm-presets';
import { SAMPLERS } from '../../src/sampling/samplers';
import { openApp, panelsDone, settledHash, waitForDeep, type AppSession, closeAfterEach } from './app-page';
import { differingPixels, elementPixels, orangePixels, type Pixels } from './pixels';

let session: AppSession | undefined;
closeAfterEach(
  () => session,
  () => (session = undefined),
);

const tiny = (change: Partial<SandboxState> = {}) => ({ ...defaultState(), count: 64, ...change });
const worlds = [...GMM_PRESETS.map((p) => ({ id: p.id })), { id: 'custom' }];
const stateOf = async (page: Page) => stateFromHash(await settledHash(page), worlds, SAMPLERS).state;
const firstCanvas = (page: Page) => waitForDeep(page, 'sandbox-app >>> sampler-panel >>> density-view >>> canvas');

/** Screen point of a world point in the first panel's view (default camera: half-height 6, centred at 0). */
async function screenPoint(page: Page, [x, y]: [number, number]): Promise<[number, number]> {
  const box = (await (await firstCanvas(page)).boundingBox())!;
  const scale = box.height / 12;
  return [box.x + box.width / 2 + x * scale, box.y + box.height / 2 - y * scale];
}

/** Pixels with the denoised colour (cyan: blue high, red low). */
function cyanPixels(p: Pixels): number {
  let n = 0;
  for (let i = 0; i < p.data.length; i += 4) if (p.data[i + 2] > 180 && p.data[i] < 140 && p.data[i + 1] > 150) n++;
  return n;
}

describe('interactions', () => {
  it('draw your own world: a copy of the preset, then click adds, drag moves, wheel widens, Delete removes', async () => {
    session = await openApp(stateToHash(tiny()));
    const { page } = session;
    await panelsDone(page);
    await (await waitForDeep(page, 'sandbox-app >>> world-controls >>> select'))!.select('custom');
    let state = await stateOf(page);
    expect(state.world).toBe('custom');
    expect(state.custom!.means).toHaveLength(8);

    // Click in the empty centre of the ring: a ninth component there.
    const [cx, cy] = await screenPoint(page, [0, 0]);
    await page.mouse.click(cx, cy);
    await page.waitForFunction(() => location.hash.match(/mix=([^&]*)/)?.[1].split(/;|%3B/i).length === 9);
    state = await stateOf(page);
    expect(state.custom!.means[8][0]).toBeCloseTo(0, 0);
    expect(state.custom!.means[8][1]).toBeCloseTo(0, 0);

    // Drag the component at (4, 0) up by two world units.
    const [hx, hy] = await screenPoint(page, [4, 0]);
    const [, ty] = await screenPoint(page, [4, 2]);
    await page.mouse.move(hx, hy);
    await page.mouse.down();
    await page.mouse.move(hx, (hy + ty) / 2, { steps: 3 });
    await page.mouse.move(hx, ty, { steps: 3 });
    await page.mouse.up();
    await page.waitForFunction(() => !location.hash.includes('mix=4,0,'));
    state = await stateOf(page);
    expect(state.custom!.means[0][0]).toBeCloseTo(4, 0);
    expect(state.custom!.means[0][1]).toBeCloseTo(2, 0);

    // Wheel up over it widens it.
    await page.mouse.move(hx, ty);
    const widthBefore = state.custom!.stds[0];
    await page.mouse.wheel({ deltaY: -200 });
    await page.waitForFunction(
      (w) => location.hash.match(/mix=([^;&]*)/)![1].split(',')[2] !== String(w),
      {},
      widthBefore,
    );
    state = await stateOf(page);
    expect(state.custom!.stds[0]).toBeGreaterThan(widthBefore);

    // The dragged component is selected: Delete removes it; the runs follow the new world.
    await page.keyboard.press('Delete');
    await page.waitForFunction(() => location.hash.match(/mix=([^&]*)/)![1].split(/;|%3B/i).length === 8);
    state = await stateOf(page);
    expect(state.custom!.means.some(([x, y]) => Math.abs(x - 4) < 0.5 && Math.abs(y - 2) < 0.5)).toBe(false);
    await panelsDone(page);
  });

  it('the step scrubber shows x_t and D(x_t); trajectories and zoom change the drawing', async () => {
    session = await openApp(stateToHash(tiny({ count: 512 })));
    const { page } = session;
    await panelsDone(page);
    const canvas = await firstCanvas(page);
    const final = await elementPixels(canvas);
    expect(cyanPixels(final)).toBe(0);

    // Step 5 of 10: x_t near the data, D(x_t) (cyan) next to it.
    const slider = await waitForDeep(page, 'sandbox-app >>> sampler-panel >>> step-scrubber >>> input');
    await slider.evaluate((e) => {
      (e as HTMLInputElement).value = '5';
      e.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    });
    await page.waitForFunction(() =>
      document
        .querySelector('sandbox-app')!
        .shadowRoot!.querySelector('sampler-panel')!
        .shadowRoot!.querySelector('step-scrubber')!
        .shadowRoot!.textContent!.includes('step 5 of 10'),
    );
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const scrubbed = await elementPixels(canvas);
    expect(cyanPixels(scrubbed)).toBeGreaterThan(20);
    expect(orangePixels(scrubbed)).toBeGreaterThan(20);

    await (
      await waitForDeep(page, 'sandbox-app >>> world-controls >>> label:nth-of-type(5) input[type=checkbox]')
    ).evaluate((e) => (e as HTMLInputElement).click());
    expect((await stateOf(page)).showTrajectories).toBe(true);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const withPaths = await elementPixels(canvas);
    expect(differingPixels(scrubbed, withPaths)).toBeGreaterThan(200);

    await canvas.focus();
    await page.keyboard.press('+');
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const zoomed = await elementPixels(canvas);
    expect(differingPixels(withPaths, zoomed)).toBeGreaterThan(500);
    await page.keyboard.press('0');
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    expect(differingPixels(withPaths, await elementPixels(canvas))).toBeLessThan(50);
  });

  it('panels are added, duplicated and removed (2–6); Ctrl+Enter re-runs them', async () => {
    session = await openApp(stateToHash(tiny()));
    const { page } = session;
    await panelsDone(page);
    await (await waitForDeep(page, 'sandbox-app >>> button.add')).click();
    await page.waitForFunction(() => location.hash.split('~').length === 4);
    const added = (await stateOf(page)).panels[3];
    expect(['euler', 'heun', 'sde']).not.toContain(added.sampler);
    await (await waitForDeep(page, 'sandbox-app >>> sampler-panel >>> button[aria-label="Duplicate Panel 2"]')).click();
    await page.waitForFunction(() => location.hash.split('~').length === 5);
    expect((await stateOf(page)).panels.map((p) => p.sampler).slice(0, 3)).toEqual(['euler', 'heun', 'heun']);
    await panelsDone(page);
    for (const n of [5, 4, 3]) {
      await (await waitForDeep(page, `sandbox-app >>> sampler-panel >>> button[aria-label="Remove Panel 1"]`)).click();
      await page.waitForFunction((k) => location.hash.split('~').length === k - 1, {}, n);
    }
    // Two panels is the minimum.
    expect(
      await (
        await waitForDeep(page, 'sandbox-app >>> sampler-panel >>> button[aria-label="Remove Panel 1"]')
      ).evaluate((b) => (b as HTMLButtonElement).disabled),
    ).toBe(true);
    await panelsDone(page);

    const statuses = await page.evaluateHandle(() => {
      const seen: string[] = [];
      const status = document
        .querySelector('sandbox-app')!
        .shadowRoot!.querySelector('sampler-panel')!
        .shadowRoot!.querySelector('.status')!;
      new MutationObserver(() => seen.push(status.getAttribute('data-status')!)).observe(status, {
        attributes: true,
        attributeFilter: ['data-status'],
      });
      return seen;
    });
    await page.keyboard.down('Control');
    await page.keyboard.press('Enter');
    await page.keyboard.up('Control');
    await page.waitForFunction(
      (seen) => seen.includes('running') && seen.at(-1) === 'done',
      { polling: 50, timeout: 60_000 },
      statuses,
    );
  });

  it('the NFE sweep fills the error chart with a progress bar; Esc cancels a running sweep', async () => {
    session = await openApp(stateToHash(tiny()));
    const { page } = session;
    await panelsDone(page);
    const points = () =>
      page.$eval('sandbox-app >>> error-chart >>> uplot-chart', (e) => Number(e.getAttribute('data-points')));
    await (await waitForDeep(page, 'sandbox-app >>> error-chart >>> button')).click();
    // Euler and the η-SDE: 11 distinct step counts each for budgets 2–64; Heun (2n − 1 NFE): 10.
    await page.waitForFunction(
      () =>
        Number(
          document
            .querySelector('sandbox-app')!
            .shadowRoot!.querySelector('error-chart')!
            .shadowRoot!.querySelector('uplot-chart')!
            .getAttribute('data-points'),
        ) === 32,
      { polling: 200, timeout: 120_000 },
    );
    const legend = await page.$eval('sandbox-app >>> error-chart >>> uplot-chart', (e) => e.shadowRoot!.textContent!);
    expect(legend).toMatch(/Euler, Karras/);
    expect(legend).toMatch(/Heun, Karras/);

    await (await waitForDeep(page, 'sandbox-app >>> error-chart >>> button')).click();
    await page.waitForFunction(
      () =>
        Number(
          document
            .querySelector('sandbox-app')!
            .shadowRoot!.querySelector('error-chart')!
            .shadowRoot!.querySelector('uplot-chart')!
            .getAttribute('data-points'),
        ) >= 2,
      { polling: 50 },
    );
    await page.keyboard.press('Escape');
    await page.waitForFunction(
      () =>
        !document
          .querySelector('sandbox-app')!
          .shadowRoot!.querySelector('error-chart')!
          .shadowRoot!.querySelector('button')!.disabled,
      { polling: 50 },
    );
    const stopped = await points();
    await new Promise((r) => setTimeout(r, 1000));
    expect(await points()).toBe(stopped);
    expect(stopped).toBeLessThan(32);
  });

  it('every control has a label, Tab reaches the controls and the views, and focus is visible', async () => {
    session = await openApp(stateToHash(tiny()));
    const { page } = session;
    await panelsDone(page);
    const unlabelled = await page.evaluate(() => {
      const missing: string[] = [];
      const walk = (root: Document | ShadowRoot) =>
        root.querySelectorAll('*').forEach((e) => {
          if (e.shadowRoot) walk(e.shadowRoot);
          if (!['INPUT', 'SELECT', 'BUTTON', 'TEXTAREA', 'CANVAS'].includes(e.tagName)) return;
          if (e.tagName === 'CANVAS' && !e.hasAttribute('tabindex')) return;
          if ((e as HTMLInputElement).type === 'hidden' || (e as HTMLElement).hidden) return;
          const named =
            e.getAttribute('aria-label') || e.closest('label') || (e.tagName === 'BUTTON' && e.textContent!.trim());
          if (!named) missing.push(e.outerHTML.slice(0, 80));
        });
      walk(document);
      return missing;
    });
    expect(unlabelled).toEqual([]);

    const visited: Array<{ tag: string; outline: string }> = [];
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press('Tab');
      visited.push(
        await page.evaluate(() => {
          let e: Element | null = document.activeElement;
          while (e?.shadowRoot?.activeElement) e = e.shadowRoot.activeElement;
          const style = getComputedStyle(e!);
          return {
            tag: `${e!.tagName.toLowerCase()}${e!.getAttribute('aria-label') ? `[${e!.getAttribute('aria-label')}]` : ''}`,
            outline: `${style.outlineStyle} ${style.outlineWidth}`,
          };
        }),
      );
    }
    const tags = visited.map((v) => v.tag);
    expect(tags).toContain('select[World]');
    expect(tags.some((t) => t.startsWith('input[Panel 1 steps'))).toBe(true);
    expect(tags.some((t) => t.startsWith('canvas['))).toBe(true);
    for (const v of visited) expect(v.outline, v.tag).toBe('solid 3px');
  });
});
