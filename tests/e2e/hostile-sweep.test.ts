/**
 * A generated hostile-input sweep on the built page, the way a user or a link could deliver it: hashes typed into
 * an open page (canonical links of small generated states with one value replaced, removed or junk appended, and
 * plain junk), then PNG files opened with generated state and infotext chunks. After every input the hash is back
 * in canonical form (it reads back without a notice), notices are plain text, no panel ever enters the error state
 * and nothing reaches the console; at the end a small link settles. Inputs come from a fixed fast-check seed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import type { ElementHandle, Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { PARAMETERS_CHUNK, STATE_CHUNK } from '../../src/export/png';
import { defaultState, type SandboxState } from '../../src/state/params';
import { stateFromHash, stateToHash } from '../../src/state/url';
import { chunk, ihdr, png, textChunk } from '../unit/png-bytes';
import { randomState, SAMPLER_LIST, WORLDS } from '../unit/state-random-state';
import { closeAfterEach, downloadDir, notices, openApp, panelsDone, type AppSession } from './app-page';

const dir = downloadDir('sandbox-hostile-sweep-');
let session: AppSession | undefined;
closeAfterEach(
  () => session,
  () => (session = undefined),
);

/** A generated state made cheap enough for SwiftShader: few samples, steps and NFE. σ_min stays below 0.05: above about
 *  0.133 the time-uniform schedule refuses σ_min (its fitted VP curve is not monotone; tested on its own below). */
function small(seed: number): SandboxState {
  const state = randomState(seed);
  return {
    ...state,
    sigmaMin: Math.min(state.sigmaMin, 0.05),
    count: Math.min(state.count, 8),
    // The equal-NFE mode sets every panel's steps from this budget, so it is kept as small as the steps below.
    nfe: Math.min(state.nfe, 6),
    panels: state.panels.slice(0, 3).map((p) => ({ ...p, steps: Math.min(p.steps, 3) })),
  };
}

const junk = fc.oneof(
  fc.constantFrom('abc', '', '-1', 'NaN', '1e999', '%', '%E0%A4%A', '~', '~~~', ':::', '<img src=x onerror=alert(1)>'),
  fc.string({ maxLength: 10 }),
);
const hashes = fc.oneof(
  fc
    .tuple(fc.integer({ min: 1, max: 1e6 }), fc.nat(), junk, fc.constantFrom('replace', 'remove', 'append'))
    .map(([seed, which, text, edit]) => {
      const pairs = stateToHash(small(seed)).slice(1).split('&');
      const k = which % pairs.length;
      if (edit === 'remove') pairs.splice(k, 1);
      else if (edit === 'append') pairs.push(text);
      else pairs[k] = `${pairs[k].split('=')[0]}=${text}`;
      return `#${pairs.join('&')}`;
    }),
  junk.map((text) => `#${text}`),
);
const pngs = fc
  .tuple(
    fc.oneof(
      fc.integer({ min: 1, max: 1e6 }).map((seed) => JSON.stringify(small(seed))),
      fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
      fc.constant(JSON.stringify({ ...defaultState(), count: 4, panels: Array.from({ length: 1000 }, () => ({})) })),
    ),
    fc.oneof(fc.constant(''), fc.constantFrom('Steps: 2, Sampler: Euler, World: gmm:ring8:2rf', 'Steps: -1, Seed: x')),
    fc.boolean(),
  )
  .map(([state, infotext, withState]) =>
    png(
      ihdr(1, 1),
      // One RGBA pixel: a filter byte and four zero bytes.
      chunk('IDAT', new Uint8Array(deflateSync(new Uint8Array(5)))),
      ...(withState ? [textChunk(STATE_CHUNK, state)] : []),
      ...(infotext ? [textChunk(PARAMETERS_CHUNK, infotext)] : []),
      chunk('IEND', new Uint8Array()),
    ),
  );

/** Every status any panel shows from now on, by animation frame (window.__statuses). */
const recordStatuses = (page: Page) =>
  page.evaluate(() => {
    const seen = new Set<string>();
    (window as unknown as { __statuses: Set<string> }).__statuses = seen;
    const look = () => {
      for (const p of document.querySelector('sandbox-app')?.shadowRoot?.querySelectorAll('sampler-panel') ?? [])
        seen.add(p.shadowRoot?.querySelector('.status')?.getAttribute('data-status') ?? '');
      requestAnimationFrame(look);
    };
    look();
  });
const statuses = (page: Page) =>
  page.evaluate(() => [...(window as unknown as { __statuses: Set<string> }).__statuses]);

/** The hash once the page has rewritten it, which must read back as it is. */
async function canonicalHash(page: Page): Promise<string> {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const hash = await page.evaluate(() => location.hash);
  expect(stateFromHash(hash, WORLDS, SAMPLER_LIST).notices, hash).toEqual([]);
  return hash;
}

describe('a hostile-input sweep on the page', () => {
  it('24 generated hashes typed into the open page and 6 generated PNGs: canonical hash, no panel error, nothing in the console', async () => {
    const tiny = stateToHash({
      ...defaultState(),
      count: 8,
      panels: [defaultState().panels[0], defaultState().panels[1]],
    });
    session = await openApp(tiny);
    const { page } = session;
    await panelsDone(page);
    await recordStatuses(page);
    for (const hash of fc.sample(hashes, { numRuns: 24, seed: 20261204 })) {
      await page.evaluate((h) => (location.hash = h), hash);
      await canonicalHash(page);
    }
    const input = (await page.$('sandbox-app >>> input[type=file]')) as ElementHandle<HTMLInputElement>;
    for (const [i, bytes] of fc.sample(pngs, { numRuns: 6, seed: 20261205 }).entries()) {
      const file = join(dir, `hostile-${i}.png`);
      writeFileSync(file, bytes);
      await input.uploadFile(file);
      await new Promise((r) => setTimeout(r, 300));
      await canonicalHash(page);
    }
    for (const notice of await notices(page)) expect(notice.length).toBeLessThan(2000);
    await page.evaluate((h) => (location.hash = h), tiny);
    await panelsDone(page, 170_000);
    expect(await statuses(page)).not.toContain('error');
  }, 300_000);

  it('a valid state whose schedule has no finite grid (time-uniform, σ_min 5): the chart draws the rest, the panel says why, nothing in the console', async () => {
    const state: SandboxState = {
      ...defaultState(),
      count: 8,
      sigmaMin: 5,
      panels: [
        { sampler: 'euler', steps: 3, schedule: 'time_uniform', eta: 0 },
        { sampler: 'euler', steps: 3, schedule: 'karras', eta: 0 },
      ],
    };
    session = await openApp(stateToHash(state));
    const { page } = session;
    await page.waitForFunction(
      () =>
        [...document.querySelector('sandbox-app')!.shadowRoot!.querySelectorAll('sampler-panel')]
          .map((p) => p.shadowRoot!.querySelector('.state')?.textContent?.trim())
          .join() === 'failed,done',
      { timeout: 150_000, polling: 250 },
    );
    const shown = await page.$eval('sandbox-app >>> sampler-panel >>> .error', (e) => e.textContent);
    expect(shown).toMatch(/sigmaMin: the time-uniform schedule needs σ_min ≤ 0\.133 at σ_max 80, got 5/);
  });
});
