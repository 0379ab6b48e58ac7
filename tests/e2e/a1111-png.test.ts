/** A PNG written by AUTOMATIC1111 (only a `parameters` text chunk, its names) restores exactly the settings it
 *  states; a stochastic panel's readout leads with the distribution metrics; the picker groups the samplers. */
import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { defaultState, type SandboxState } from '../../src/state/params';
import { stateToHash } from '../../src/state/url';
import {
  closeAfterEach,
  openApp,
  panelsDone,
  readouts,
  setNumber,
  settledHash,
  waitForDeep,
  type AppSession,
} from './app-page';

let session: AppSession | undefined;
closeAfterEach(
  () => session,
  () => (session = undefined),
);

describe('an A1111 PNG', () => {
  it('"Sampler: DPM++ 2M SDE, Schedule type: Karras, Steps: 20, Seed: 5" restores exactly that', async () => {
    const start = { ...defaultState(), count: 64 };
    session = await openApp(stateToHash(start));
    const bytes = encode({
      width: 1,
      height: 1,
      channels: 4,
      data: new Uint8Array([0, 0, 0, 255]),
      text: {
        parameters:
          'a photo of a cat\nNegative prompt: blurry\nSampler: DPM++ 2M SDE, Schedule type: Karras, Steps: 20, Seed: 5',
      },
    });
    await session.page.evaluate((data: number[]) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(data)], 'a1111.png', { type: 'image/png' }));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, cancelable: true }));
    }, Array.from(bytes));
    // The infotext's panel becomes panel 1 and the rest of the state takes its defaults; DPM++ 2M SDE declares η,
    // which takes its declared default (1) as A1111 does.
    const expected: SandboxState = {
      ...defaultState(),
      seed: 5,
      panels: [{ sampler: 'dpmpp_2m_sde', steps: 20, schedule: 'karras', eta: 1 }, ...defaultState().panels.slice(1)],
    };
    expect(await settledHash(session.page, stateToHash(expected))).toBe(stateToHash(expected));
    await panelsDone(session.page);
    // Panel 1 is stochastic: its readout shows sliced W2 and marks the RMSE as not meaningful.
    const marks = await session.page.evaluate(() => {
      const panel = document.querySelector('sandbox-app')!.shadowRoot!.querySelector('sampler-panel')!;
      const readout = panel.shadowRoot!.querySelector('run-readout')!.shadowRoot!;
      const select = panel.shadowRoot!.querySelector('panel-controls')!.shadowRoot!.querySelector('select')!;
      return {
        w2: readout.querySelector('[data-field="sliced-w2"]')?.textContent?.trim(),
        rmseMarked: readout.querySelector('[data-field="rmse"]')?.classList.contains('not-meaningful'),
        groups: [...select.querySelectorAll('optgroup')].map((g) => g.label),
        selected: select.selectedOptions[0]?.value,
      };
    });
    expect(Number(marks.w2)).toBeGreaterThan(0);
    expect(marks.rmseMarked).toBe(true);
    expect(marks.groups).toEqual(['Single-step ODE', 'Multistep ODE', 'Stochastic', 'Calibrated or learned']);
    expect(marks.selected).toBe('dpmpp_2m_sde');
    expect((await readouts(session.page)).length).toBe(3);
  });

  it('seed −1 typed into the seed box draws a fresh seed, which the box shows and the URL holds', async () => {
    session = await openApp(stateToHash({ ...defaultState(), count: 64 }));
    await setNumber(session.page, 'sandbox-app >>> world-controls >>> input[type=number]', -1);
    await session.page.waitForFunction(() => !location.hash.includes('seed=42&'));
    const seed = Number(/seed=(\d+)&/.exec(await settledHash(session.page))![1]);
    expect(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff && seed !== 42).toBe(true);
    const box = await waitForDeep(session.page, 'sandbox-app >>> world-controls >>> input[type=number]');
    const shown = await box.evaluate((el) => (el as HTMLInputElement).value);
    expect(Number(shown)).toBe(seed);
  });
});
