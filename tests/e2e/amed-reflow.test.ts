/** AMED and ReFlow on the built page: an AMED panel calibrates and shows its
 *  (r, c) per step, whose JSON exports and imports back; the Reflow button makes a 2-RF world, adds it to the
 *  picker and shows the straightness before and after; the one-step preset puts 1-RF and 2-RF side by side. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ElementHandle, Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { defaultState, type SandboxState } from '../../src/state/params';
import { stateToHash } from '../../src/state/url';
import {
  download,
  notices,
  openApp,
  panelsDone,
  readouts,
  settledHash,
  waitForDeep,
  type AppSession,
  closeAfterEach,
  downloadDir,
} from './app-page';

const downloads = downloadDir('sandbox-e2e-amed-');
let session: AppSession | undefined;
closeAfterEach(
  () => session,
  () => (session = undefined),
);

const small = (panels: SandboxState['panels']): SandboxState => ({ ...defaultState(), count: 128, panels });

function amedRows(page: Page): Promise<Array<{ r: number; c: number }>> {
  return page.$$eval('sandbox-app >>> sampler-panel >>> amed-table >>> tbody tr', (rows) =>
    rows.map((row) => ({
      r: Number(row.querySelector('[data-field="r"]')!.textContent),
      c: Number(row.querySelector('[data-field="c"]')!.textContent),
    })),
  );
}

const worldOptions = (page: Page) =>
  page.$$eval('sandbox-app >>> world-controls >>> select[aria-label="World"] option', (os) =>
    os.map((o) => (o as HTMLOptionElement).value),
  );

describe('AMED on the page', () => {
  it('an AMED panel shows its calibrated (r, c) per step; the calibration exports as JSON and imports back', async () => {
    session = await openApp(
      stateToHash(
        small([
          { sampler: 'amed', steps: 3, schedule: 'time_uniform', eta: 0 },
          { sampler: 'euler', steps: 2, schedule: 'karras', eta: 0 },
        ]),
      ),
    );
    const { page } = session;
    await panelsDone(page);
    expect((await readouts(page))[0].nfe).toBe('5');
    const rows = await amedRows(page);
    expect(rows).toHaveLength(3);
    for (const { r, c } of rows) {
      expect(r).toBeGreaterThan(0);
      expect(r).toBeLessThan(1);
      expect(c).toBeGreaterThanOrEqual(0.5);
      expect(c).toBeLessThanOrEqual(1.5);
    }
    const dir = mkdtempSync(join(downloads, 'amed-'));
    const { name, bytes } = await download(
      page,
      'sandbox-app >>> sampler-panel >>> button[aria-label="Export Panel 1 AMED calibration as JSON"]',
      dir,
    );
    expect(name).toBe('amed-gmm_ring8-solver-afs-3steps.json');
    const calibration = JSON.parse(new TextDecoder().decode(bytes));
    expect(calibration).toMatchObject({
      format: 'diffusion-sandbox/amed-calibration@1',
      world: 'gmm:ring8',
      variant: 'solver',
      afs: true,
    });
    expect(calibration.steps.map((s: { r: number }) => s.r.toFixed(3))).toEqual(rows.map((s) => s.r.toFixed(3)));

    // Import it with one scale changed: the panel runs again with it and says so.
    calibration.steps[0].c = 1.25;
    const edited = join(dir, 'edited.json');
    writeFileSync(edited, JSON.stringify(calibration));
    const input = (await page.$(
      'sandbox-app >>> sampler-panel >>> amed-table >>> input[type=file]',
    )) as ElementHandle<HTMLInputElement>;
    await input.uploadFile(edited);
    await page.waitForFunction(() =>
      document
        .querySelector('sandbox-app')!
        .shadowRoot!.querySelector('notice-area')!
        .shadowRoot!.textContent!.includes('runs with the imported AMED calibration'),
    );
    await panelsDone(page);
    expect((await amedRows(page))[0].c).toBe(1.25);

    // A file that is not a calibration is refused with a notice.
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"format": "<script>x</script>"}');
    await input.uploadFile(bad);
    await page.waitForFunction(() =>
      document
        .querySelector('sandbox-app')!
        .shadowRoot!.querySelector('notice-area')!
        .shadowRoot!.textContent!.includes('not imported'),
    );
    expect((await notices(page)).join('\n')).toMatch(
      /AMED calibration "bad.json" not imported: calibration.format: must be/,
    );
  });
});

describe('ReFlow on the page', () => {
  it('the Reflow button makes a 2-RF world, adds it to the picker, switches to it and shows the straightness', async () => {
    session = await openApp(
      stateToHash(
        small([
          { sampler: 'reflow', steps: 1, schedule: 'linear_t', eta: 0 },
          { sampler: 'euler', steps: 2, schedule: 'karras', eta: 0 },
        ]),
      ),
    );
    const { page } = session;
    await panelsDone(page);
    expect(await worldOptions(page)).not.toContain('gmm:ring8:2rf');
    await (
      await waitForDeep(page, 'sandbox-app >>> world-controls >>> reflow-controls >>> button[data-action="reflow"]')
    ).click();
    await page.waitForFunction(() => location.hash.startsWith('#world=gmm:ring8:2rf&'), { timeout: 60_000 });
    expect(await worldOptions(page)).toContain('gmm:ring8:2rf');
    const straightness = await (
      await waitForDeep(page, 'sandbox-app >>> world-controls >>> reflow-controls >>> [data-straightness]')
    ).evaluate((e) => e.textContent!.replace(/\s+/g, ' ').trim());
    const [, before, after] = /1-RF ([\d.e-]+) → 2-RF ([\d.e-]+) \(10,000 pairs/.exec(straightness)!;
    expect(Number(after)).toBeLessThan(Number(before) / 10);
    await panelsDone(page);
    // A reflowed world has no affordable reference: log-likelihood, no RMSE.
    const [reflowed] = await readouts(page);
    expect([reflowed.nfe, reflowed.rmse]).toEqual(['1', '']);
    expect(Number(reflowed.logLikelihood)).toBeGreaterThan(-10);
  });

  it('the one-step preset puts 1-RF and 2-RF side by side at 1, 2 and 4 steps of the reflow sampler', async () => {
    session = await openApp(stateToHash(small(defaultState().panels.slice(0, 2))));
    const { page } = session;
    await panelsDone(page);
    await (
      await waitForDeep(page, 'sandbox-app >>> world-controls >>> reflow-controls >>> button[data-action="one-step"]')
    ).click();
    const own = ':w=gmm%3Aring8%3A2rf';
    const panels = [1, 2, 4].map((n) => `reflow:${n}:linear_t:0~reflow:${n}:linear_t:0${own}`).join('~');
    expect(await settledHash(page)).toContain(`#world=gmm:ring8&seed=42&count=128&p=${panels}&`);
    await panelsDone(page);
    const shown = await readouts(page);
    expect(shown.map((r) => r.nfe)).toEqual(['1', '1', '2', '2', '4', '4']);
    // One step of 1-RF lands between the modes; one step of 2-RF lands on them.
    expect(Number(shown[1].logLikelihood)).toBeGreaterThan(Number(shown[0].logLikelihood) + 5);
    const flows = await page.$$eval(
      'sandbox-app >>> sampler-panel >>> panel-controls >>> select[aria-label$="flow"]',
      (ss) => ss.map((s) => (s as HTMLSelectElement).value),
    );
    expect(flows).toEqual(['gmm:ring8', 'gmm:ring8:2rf', 'gmm:ring8', 'gmm:ring8:2rf', 'gmm:ring8', 'gmm:ring8:2rf']);
  });

  it('image worlds: fmnist-2rf is in the picker, and the one-step preset compares the shipped 1-RF and 2-RF models', async () => {
    session = await openApp(
      stateToHash({
        ...defaultState(),
        world: 'fmnist',
        count: 1,
        label: 7,
        panels: defaultState().panels.slice(0, 1),
      }),
    );
    const { page } = session;
    await panelsDone(page);
    expect(await worldOptions(page)).toEqual(expect.arrayContaining(['fmnist', 'fmnist-2rf']));
    await (
      await waitForDeep(page, 'sandbox-app >>> world-controls >>> reflow-controls >>> button[data-action="one-step"]')
    ).click();
    const panels = [1, 2, 4].map((n) => `reflow:${n}:linear_t:0~reflow:${n}:linear_t:0:w=fmnist-2rf`).join('~');
    expect(await settledHash(page)).toContain(`#world=fmnist&seed=42&count=1&p=${panels}&`);
    await panelsDone(page);
    expect((await readouts(page)).map((r) => r.nfe)).toEqual(['1', '1', '2', '2', '4', '4']);
    const flows = await page.$$eval(
      'sandbox-app >>> sampler-panel >>> panel-controls >>> select[aria-label$="flow"]',
      (ss) => ss.map((s) => (s as HTMLSelectElement).value),
    );
    expect(flows).toEqual(['fmnist', 'fmnist-2rf', 'fmnist', 'fmnist-2rf', 'fmnist', 'fmnist-2rf']);
  });
});
