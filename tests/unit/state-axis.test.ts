import { describe, expect, it } from 'vitest';
import { SCHEDULES } from '../../src/sampling/schedules';
import {
  AXIS_PARAMS,
  axisLabel,
  gridAxesText,
  gridCellCount,
  gridRuns,
  MAX_GRID_CELLS,
  parseAxis,
  type AxisParam,
} from '../../src/state/axis';
import { defaultState } from '../../src/state/params';
import { SAMPLER_LIST, stateWith } from './state-random-state';

const CORE = SAMPLER_LIST.filter((s) => ['euler', 'heun', 'dpmpp_2m', 'ipndm', 'sde'].includes(s.id));
const parse = (param: AxisParam, text: string) => parseAxis(param, text, CORE, SCHEDULES);

describe('parseAxis: the A1111 X/Y plot syntax', () => {
  it('lists of samplers and schedules, by id or label, any case', () => {
    expect(parse('sampler', 'euler, heun')).toEqual({ values: ['euler', 'heun'] });
    expect(parse('sampler', ' Euler ,HEUN,DPM++(2M), η-SDE (Euler–Maruyama) ')).toEqual({
      values: ['euler', 'heun', 'dpmpp_2m', 'sde'],
    });
    expect(parse('schedule', 'karras, Linear t (RF), LOGSNR')).toEqual({ values: ['karras', 'linear_t', 'logsnr'] });
  });

  it('integer steps: single values, a-b, a-b (+d), a-b [n], counting down, mixed lists', () => {
    expect(parse('steps', '10, 20')).toEqual({ values: [10, 20] });
    expect(parse('steps', '1-5')).toEqual({ values: [1, 2, 3, 4, 5] });
    expect(parse('steps', '3-15 (+2)')).toEqual({ values: [3, 5, 7, 9, 11, 13, 15] });
    expect(parse('steps', '3-14 (+2)')).toEqual({ values: [3, 5, 7, 9, 11, 13] });
    expect(parse('steps', '10-40 [4]')).toEqual({ values: [10, 20, 30, 40] });
    expect(parse('steps', '1-10 [4]')).toEqual({ values: [1, 4, 7, 10] });
    expect(parse('steps', '1-2 [4]')).toEqual({ values: [1, 1, 2, 2] });
    expect(parse('steps', '7-7 [1]')).toEqual({ values: [7] });
    expect(parse('steps', '15-3 (-4)')).toEqual({ values: [15, 11, 7, 3] });
    expect(parse('steps', '5-1')).toEqual({ values: [5, 4, 3, 2, 1] });
    expect(parse('steps', '1-3, 10,20-30 [2] , 8-8')).toEqual({ values: [1, 2, 3, 10, 20, 30, 8] });
    expect(parse('steps', '3 - 9 ( + 3 )')).toEqual({ values: [3, 6, 9] });
  });

  it('η takes decimals: lists, a-b [n], a-b (+d) with exact-looking values', () => {
    expect(parse('eta', '0.2, 0.5, 1')).toEqual({ values: [0.2, 0.5, 1] });
    expect(parse('eta', '0-1 [5]')).toEqual({ values: [0, 0.25, 0.5, 0.75, 1] });
    expect(parse('eta', '0-1 (+0.1)')).toEqual({ values: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1] });
    expect(parse('eta', '0-0.3 [4]')).toEqual({ values: [0, 0.1, 0.2, 0.3] });
    expect(parse('eta', '.5-1 (+.25)')).toEqual({ values: [0.5, 0.75, 1] });
    expect(parse('eta', '0-1')).toEqual({ values: [0, 1] });
  });

  it('errors name the axis, the item and the allowed range or syntax', () => {
    const usage = 'write e.g. "10, 20", "1-5", "3-15 (+2)" or "10-40 [4]"';
    expect(parse('steps', 'abc')).toEqual({ error: `steps: "abc" is not a number or a range; ${usage}` });
    expect(parse('steps', '10, 2.5')).toEqual({ error: 'steps: 2.5 (from "2.5") is not a whole number' });
    expect(parse('steps', '0')).toEqual({ error: 'steps: 0 (from "0") is outside 1–1000' });
    expect(parse('steps', '990-1010 (+10)')).toEqual({
      error: 'steps: 1010 (from "990-1010 (+10)") is outside 1–1000',
    });
    expect(parse('steps', '1-2 (+0.5)')).toEqual({ error: 'steps: 1.5 (from "1-2 (+0.5)") is not a whole number' });
    expect(parse('steps', '1-10 (-1)')).toEqual({ error: 'steps: the step in "1-10 (-1)" goes away from 10' });
    expect(parse('steps', '1-10 (+0)')).toEqual({ error: 'steps: the step in "1-10 (+0)" must not be 0' });
    expect(parse('steps', '1-5 [0]')).toEqual({ error: `steps: a count [n] must be 1–${MAX_GRID_CELLS}, got [0]` });
    expect(parse('steps', '1-1000')).toEqual({
      error: `steps: "1-1000" gives 1000 values, at most ${MAX_GRID_CELLS} allowed`,
    });
    expect(parse('steps', '1-40, 1-40')).toEqual({ error: `steps: 80 values, at most ${MAX_GRID_CELLS} allowed` });
    expect(parse('steps', '-5')).toEqual({ error: 'steps: -5 (from "-5") is outside 1–1000' });
    expect(parse('steps', '5-')).toEqual({ error: `steps: "5-" is not a number or a range; ${usage}` });
    expect(parse('steps', ' , ')).toEqual({ error: `steps: give at least one value; ${usage}` });
    expect(parse('eta', '1.5')).toEqual({ error: 'eta: 1.5 (from "1.5") is outside 0–1' });
    expect(parse('eta', '0-2 [3]')).toEqual({ error: 'eta: 2 (from "0-2 [3]") is outside 0–1' });
    expect(parse('sampler', 'euler, ddim')).toEqual({
      error: 'sampler: unknown "ddim"; known: euler, heun, dpmpp_2m, ipndm, sde',
    });
    expect(parse('schedule', '<script>')).toEqual({
      error:
        'schedule: unknown "<script>"; known: karras, time_uniform, logsnr, linear_t, polyexponential, vp, simple, beta, kl_optimal, gits',
    });
    expect(parse('sampler', '')).toEqual({ error: 'sampler: give at least one value; e.g. "euler, heun"' });
    // The seed is shared by every cell (the grid compares settings on one noise): never an axis.
    expect(parse('seed' as AxisParam, '1')).toEqual({
      error: `axis: must be one of ${AXIS_PARAMS.join(', ')}, got "seed"`,
    });
    // The axes are sampler, steps, schedule, then every option a sampler declares.
    expect(AXIS_PARAMS.slice(0, 3)).toEqual(['sampler', 'steps', 'schedule']);
    expect(AXIS_PARAMS).toEqual(expect.arrayContaining(['eta', 'sigmaVar', 'afs', 'base']));
    expect(parse('steps', '1,'.repeat(1500))).toEqual({ error: 'steps: at most 2000 characters, got 3000' });
  });

  it('a long digit run is rejected', () => {
    expect('error' in parse('steps', `${'1'.repeat(1990)}-x`)).toBe(true);
  });
});

describe('gridRuns', () => {
  const base = stateWith({
    panels: [{ sampler: 'sde', steps: 10, schedule: 'karras', eta: 0.5 }, defaultState().panels[1]],
  });

  it('rows follow Y, columns follow X; other settings come from panel 0', () => {
    const x = { param: 'steps' as const, values: [5, 10, 20] };
    const y = { param: 'sampler' as const, values: ['euler', 'heun'] };
    expect(gridCellCount(x, y)).toBe(6);
    expect(gridRuns(base, x, y)).toEqual([
      [5, 10, 20].map((steps) => ({ sampler: 'euler', steps, schedule: 'karras', eta: 0.5 })),
      [5, 10, 20].map((steps) => ({ sampler: 'heun', steps, schedule: 'karras', eta: 0.5 })),
    ]);
    expect(gridRuns(base, { param: 'eta', values: [0, 1] }, { param: 'schedule', values: ['logsnr'] })).toEqual([
      [
        { sampler: 'sde', steps: 10, schedule: 'logsnr', eta: 0 },
        { sampler: 'sde', steps: 10, schedule: 'logsnr', eta: 1 },
      ],
    ]);
  });

  it('guards: at most 64 cells, two different settings, values of the right type, no empty axis', () => {
    const steps = (n: number) => ({ param: 'steps' as const, values: Array.from({ length: n }, (_, i) => i + 1) });
    const etas = (n: number) => ({ param: 'eta' as const, values: Array.from({ length: n }, (_, i) => i / n) });
    expect(gridRuns(base, steps(8), etas(8)).flat()).toHaveLength(64);
    expect(() => gridRuns(base, steps(9), etas(8))).toThrow('grid: 9 × 8 = 72 runs, at most 64 allowed');
    expect(() => gridRuns(base, steps(2), steps(3))).toThrow(
      'grid: the X and Y axes must vary different settings, both vary steps',
    );
    expect(() => gridRuns(base, { param: 'steps', values: ['10'] }, etas(2))).toThrow(
      'x.values[0]: steps needs a number, got "10"',
    );
    expect(() => gridRuns(base, steps(2), { param: 'sampler', values: [3] })).toThrow(
      'y.values[0]: sampler needs a string, got 3',
    );
    expect(() => gridRuns(base, steps(2), { param: 'sampler', values: [] })).toThrow(
      'y.values: at least one value needed',
    );
  });

  it('labels and the infotext description', () => {
    expect(axisLabel('sampler', 'dpmpp_2m')).toBe('Sampler: DPM++ 2M');
    expect(axisLabel('sampler', 'dpmpp_2m@karras')).toBe('Sampler: DPM++ 2M Karras');
    expect(axisLabel('schedule', 'linear_t')).toBe('Schedule: Linear t (RF)');
    expect(axisLabel('steps', 12)).toBe('Steps: 12');
    expect(axisLabel('eta', 0.25)).toBe('η: 0.25');
    expect(gridAxesText({ param: 'steps', values: [5, 10] }, { param: 'sampler', values: ['euler', 'heun'] })).toBe(
      'X steps: 5, 10; Y sampler: euler, heun',
    );
  });
});

describe('axes over the options samplers declare', () => {
  it('a number option takes its declared range, a choice its values or labels, a switch on/off', () => {
    expect(parse('sigmaVar', '0-1 [3]')).toEqual({ values: [0, 0.5, 1] });
    expect(parse('sigmaVar', '2.5')).toEqual({ error: 'sigmaVar: 2.5 (from "2.5") is outside 0–2' });
    expect(parse('base', 'iPNDM, dpm2, EULER')).toEqual({ values: ['ipndm', 'dpm2', 'euler'] });
    expect(parse('base', 'rk4')).toEqual({ error: 'base: unknown "rk4"; known: ipndm, euler, dpm2' });
    expect(parse('afs', 'on, off')).toEqual({ values: ['on', 'off'] });
    expect(parse('afs', 'maybe')).toEqual({ error: 'afs: "maybe" is not on or off' });
  });

  it('cells hold the option as the panel stores it (switches as booleans), labelled by its declaration', () => {
    const amed = stateWith({
      panels: [{ sampler: 'amed_plugin', steps: 3, schedule: 'time_uniform', eta: 0 }, defaultState().panels[1]],
    });
    const rows = gridRuns(amed, { param: 'afs', values: ['on', 'off'] }, { param: 'base', values: ['euler'] });
    expect(rows).toEqual([
      [true, false].map((afs) => ({
        sampler: 'amed_plugin',
        steps: 3,
        schedule: 'time_uniform',
        eta: 0,
        afs,
        base: 'euler',
      })),
    ]);
    expect(axisLabel('base', 'dpm2')).toBe('Base: DPM-Solver-2');
    expect(axisLabel('sigmaVar', 0.5)).toBe('σ_var: 0.5');
    expect(axisLabel('afs', 'off')).toBe('AFS: off');
  });
});
