import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { resolveSampleOptions } from '../../src/api/options';
import { encodePng, PARAMETERS_CHUNK } from '../../src/export/png';
import { samplerFromName, scheduleFromName } from '../../src/sampling/names';
import { SAMPLERS } from '../../src/sampling/samplers';
import { SCHEDULES } from '../../src/sampling/schedules';
import { parseAxis, gridRuns, axisLabel } from '../../src/state/axis';
import { fromInfotext, toInfotext } from '../../src/state/infotext';
import { defaultState } from '../../src/state/params';
import { stateFromHash, stateToHash } from '../../src/state/url';
import { sanitizeState } from '../../src/state/validate-state';
import { WorldRegistry } from '../../src/worlds/registry';
import { shippedWorlds } from '../reference/shipped-worlds';
import { SAMPLER_LIST, stateWith, WORLDS } from './state-random-state';

/** What people type (A1111 / ComfyUI names, combined "sampler schedule" forms), and what it means here. */
const NAMES: Array<[string, string, string?]> = [
  ['Euler a', 'euler_ancestral'],
  ['Euler', 'euler'],
  ['DPM++ 2M', 'dpmpp_2m'],
  ['DPM++ 2M Karras', 'dpmpp_2m', 'karras'],
  ['DPM++ 2M SDE', 'dpmpp_2m_sde'],
  ['DPM++ 2M SDE Karras', 'dpmpp_2m_sde', 'karras'],
  ['DPM++ 3M SDE', 'dpmpp_3m_sde'],
  ['DPM++ 3M SDE Exponential', 'dpmpp_3m_sde', 'logsnr'],
  ['DPM++ SDE', 'dpmpp_sde'],
  ['DPM++ SDE Karras', 'dpmpp_sde', 'karras'],
  ['DPM++ 2S a', 'dpmpp_2s_ancestral'],
  ['DPM2', 'dpm_2'],
  ['DPM2 Karras', 'dpm_2', 'karras'],
  ['DPM2 a', 'dpm_2_ancestral'],
  ['DPM2 a Karras', 'dpm_2_ancestral', 'karras'],
  ['LMS', 'lms'],
  ['LMS Karras', 'lms', 'karras'],
  ['Heun', 'heun'],
  ['UniPC', 'unipc'],
  ['DEIS', 'deis'],
  ['DDIM', 'ddim'],
  ['iPNDM', 'ipndm'],
  // Case and spacing do not matter; ids and our labels still work.
  ['euler A', 'euler_ancestral'],
  ['dpm++2m karras', 'dpmpp_2m', 'karras'],
  ['  DPM++   2M  SDE  ', 'dpmpp_2m_sde'],
  ['dpmpp_2m_sde', 'dpmpp_2m_sde'],
  ['DPM++(2M) SDE', 'dpmpp_2m_sde'],
  ['unipc beta', 'unipc', 'beta'],
  ['Euler KL Optimal', 'euler', 'kl_optimal'],
];

describe('names people type: samplers and combined sampler + schedule', () => {
  it.each(NAMES)('%s → %s (%s)', (text, sampler, schedule) => {
    expect(samplerFromName(text, SAMPLERS, SCHEDULES)).toEqual(schedule ? { sampler, schedule } : { sampler });
    // The infotext (with no Schedule type key) and the URL read the same name the same way.
    const info = fromInfotext(`Steps: 7, Sampler: ${text}`, WORLDS, SAMPLER_LIST);
    expect(info.notices).toEqual([]);
    expect(info.state.panels[0]).toMatchObject({ sampler, schedule: schedule ?? 'karras', steps: 7 });
    const url = stateFromHash(`#p=${encodeURIComponent(text)}:7::0~euler:5:karras:0`, WORLDS, SAMPLER_LIST);
    expect(url.state.panels[0]).toMatchObject({ sampler, steps: 7, ...(schedule ? { schedule } : {}) });
    // The X/Y grid: a combined name sets the schedule of its cells.
    const axis = parseAxis('sampler', text, SAMPLER_LIST, SCHEDULES);
    expect(axis).toEqual({ values: [schedule ? `${sampler}@${schedule}` : sampler] });
    const [[cell]] = gridRuns(
      defaultState(),
      { param: 'sampler', values: (axis as { values: string[] }).values },
      {
        param: 'steps',
        values: [3],
      },
    );
    expect(cell).toMatchObject({ sampler, schedule: schedule ?? 'karras', steps: 3 });
  });

  it('unknown names stay unknown; a whole sampler name wins over a split', () => {
    expect(samplerFromName('DPM++ 9M', SAMPLERS, SCHEDULES)).toBeUndefined();
    expect(samplerFromName('Karras', SAMPLERS, SCHEDULES)).toBeUndefined();
    expect(samplerFromName('', SAMPLERS, SCHEDULES)).toBeUndefined();
    expect(parseAxis('sampler', 'Euler a, Euler z', SAMPLER_LIST, SCHEDULES)).toMatchObject({
      error: expect.stringMatching(/^sampler: unknown "Euler z"/),
    });
  });

  it('schedules by label, id or alias, any case and spacing', () => {
    const cases: Array<[string, string]> = [
      ['Karras', 'karras'],
      ['exponential', 'logsnr'],
      ['LogSNR', 'logsnr'],
      ['KL Optimal', 'kl_optimal'],
      ['kl-optimal', 'kl_optimal'],
      ['Polyexponential', 'polyexponential'],
      ['Simple', 'simple'],
      ['Beta', 'beta'],
      ['VP', 'vp'],
      ['time uniform', 'time_uniform'],
    ];
    for (const [text, id] of cases) expect(scheduleFromName(text, SCHEDULES), text).toBe(id);
    expect(parseAxis('schedule', 'Karras, Exponential', SAMPLER_LIST, SCHEDULES)).toEqual({
      values: ['karras', 'logsnr'],
    });
  });

  it('an explicit schedule wins over the one in a combined sampler name, in the infotext and the grid', () => {
    const info = fromInfotext('Sampler: DPM++ 2M Karras, Schedule type: Exponential', WORLDS, SAMPLER_LIST);
    expect(info.state.panels[0]).toMatchObject({ sampler: 'dpmpp_2m', schedule: 'logsnr' });
    const runs = gridRuns(
      defaultState(),
      { param: 'schedule', values: ['simple'] },
      { param: 'sampler', values: ['dpmpp_2m@karras'] },
    );
    expect(runs[0][0]).toMatchObject({ sampler: 'dpmpp_2m', schedule: 'simple' });
    expect(axisLabel('sampler', 'dpmpp_2m_sde@karras')).toBe('Sampler: DPM++ 2M SDE Karras');
  });
});

describe('the infotext we write uses the A1111 names and reads back', () => {
  it('Sampler: DPM++ 2M, Schedule type: Karras', () => {
    const state = stateWith({
      panels: [{ sampler: 'dpmpp_2m', steps: 20, schedule: 'karras', eta: 0 }, defaultState().panels[1]],
    });
    expect(toInfotext(state, 0)).toMatch(/^Steps: 20, Sampler: DPM\+\+ 2M, Schedule type: Karras, Seed: 42, /);
  });

  it.each(SAMPLERS.filter((s) => s.a1111 !== undefined && !s.prepare).map((s) => [s.id, s.a1111!]))(
    '%s is written as "%s" and restored, with every schedule',
    (id, name) => {
      for (const schedule of SCHEDULES) {
        const sampler = SAMPLERS.find((s) => s.id === id)!;
        const eta = sampler.options.some((o) => o.key === 'eta') ? 0.5 : 0;
        const state = stateWith({
          panels: [{ sampler: id, steps: 9, schedule: schedule.id, eta }, defaultState().panels[1]],
        });
        const text = toInfotext(state, 0);
        expect(text).toContain(`Sampler: ${name}, Schedule type: ${schedule.label},`);
        const back = fromInfotext(text, WORLDS, SAMPLER_LIST);
        expect(back.notices).toEqual([]);
        expect(back.state.panels[0]).toEqual(state.panels[0]);
      }
    },
  );

  it('the PNG text chunk is keyed literally "parameters", as A1111 writes and reads it', () => {
    expect(PARAMETERS_CHUNK).toBe('parameters');
    const state = defaultState();
    const bytes = encodePng({ width: 1, height: 1, data: new Uint8ClampedArray(4) }, state, toInfotext(state, 0));
    expect(Object.keys(decode(bytes).text)).toContain('parameters');
  });
});

describe('seed −1 means a fresh random seed', () => {
  const inRange = (seed: number) => Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff;

  it('the state, the URL and the infotext draw one, hold it and write it', () => {
    const a = sanitizeState({ seed: -1 }, WORLDS, SAMPLER_LIST);
    const b = sanitizeState({ seed: -1 }, WORLDS, SAMPLER_LIST);
    expect(a.notices).toEqual([]);
    expect(inRange(a.state.seed) && inRange(b.state.seed)).toBe(true);
    // Two draws of 2³² values: equal with probability 2⁻³².
    expect(a.state.seed).not.toBe(b.state.seed);
    const fromUrl = stateFromHash('#seed=-1', WORLDS, SAMPLER_LIST);
    expect(inRange(fromUrl.state.seed)).toBe(true);
    expect(stateToHash(fromUrl.state)).toContain(`seed=${fromUrl.state.seed}&`);
    const fromInfo = fromInfotext('Seed: -1, Steps: 4', WORLDS, SAMPLER_LIST);
    expect(inRange(fromInfo.state.seed)).toBe(true);
    expect(toInfotext(fromInfo.state, 0)).toContain(`Seed: ${fromInfo.state.seed},`);
  });

  it('the API picks one (the run reports it: SampleResult.seed); other negatives are refused', () => {
    const worlds = new WorldRegistry(shippedWorlds());
    const run = (seed: number) => resolveSampleOptions({ world: 'gmm:ring8', sampler: 'unipc', seed }, worlds);
    expect(inRange(run(-1).seed)).toBe(true);
    expect(run(-1).seed).not.toBe(run(-1).seed);
    expect(run(7).seed).toBe(7);
    expect(() => run(-2)).toThrow(/seed: must be an integer in 0–4294967295/);
  });
});
