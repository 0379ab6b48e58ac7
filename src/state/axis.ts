/**
 * X/Y grid axes in the AUTOMATIC1111 "X/Y/Z plot" syntax: comma-separated items, each a value
 * or a range.
 *
 *   euler, heun          a list (ids, labels or A1111 names, any case and spacing: "Euler a, DPM++ 2M Karras")
 *   1-5                  every integer from 1 to 5
 *   3-15 (+2)            3, 5, …, 15: a step (negative steps count down: 15-3 (-4))
 *   10-40 [4]            4 evenly spaced values, 10, 20, 30, 40 (rounded for integer settings)
 *   0-1 [5], 0.2, 0.5    η takes decimals
 *   on, off              a switch option (AFS); a choice option takes its values or labels (AMED base)
 *
 * Besides sampler, steps and schedule, every option a sampler or a schedule declares is an axis
 * (src/sampling/samplers/, src/sampling/schedules.ts), and so is
 * every image option whose range does not depend on the world (../guidance/wrappers.ts: CFG scale, UG w and η,
 * Skip-Tuning's ρ), on image worlds.
 * Parsing never throws; it returns the values or one error naming the axis, the bad item and the allowed range.
 */
import { parseOptionText, valueLabel, type OptionSpec } from '../sampling/option-spec';
import { IMAGE_OPTIONS } from '../guidance/wrapper-options';
import { samplerFromName, scheduleFromName, type NamedSampler, type NamedSchedule } from '../sampling/names';
import { samplerById } from '../sampling/samplers';
import { scheduleById } from '../sampling/schedules';
import { LIMITS, type PanelState, type SandboxState } from './params';
import { describeValue } from './validate-state';
import { PANEL_OPTIONS } from './panel-options';
import { parseNumberText } from './number-text';

/** The image options an axis can vary: those whose range is the same on every world. */
const AXIS_IMAGE_OPTIONS = IMAGE_OPTIONS.filter((o) => o.onWorld === undefined);

/** sampler, steps, schedule, or the key of a declared sampler option or image option. */
export type AxisParam = string;
export const AXIS_PARAMS: readonly AxisParam[] = [
  'sampler',
  'steps',
  'schedule',
  ...PANEL_OPTIONS.map((s) => s.key),
  ...AXIS_IMAGE_OPTIONS.map((o) => o.spec.key),
];

/** Whether an axis varies an image option (only image worlds have them). */
export const isImageAxis = (param: AxisParam): boolean => AXIS_IMAGE_OPTIONS.some((o) => o.spec.key === param);

const optionSpec = (param: AxisParam): OptionSpec | undefined =>
  PANEL_OPTIONS.find((s) => s.key === param) ?? AXIS_IMAGE_OPTIONS.find((o) => o.spec.key === param)?.spec;
/** An axis over an option every panel shares sets it on the cell's state, not on its panel. */
const isSharedAxis = (param: AxisParam): boolean =>
  AXIS_IMAGE_OPTIONS.some((o) => o.spec.key === param && o.scope === 'shared');
const CORE_LABELS: Record<string, string> = { sampler: 'Sampler', steps: 'Steps', schedule: 'Schedule' };

/** The name of an axis setting, e.g. "Steps" or "σ_var". */
export function axisParamLabel(param: AxisParam): string {
  return CORE_LABELS[param] ?? optionSpec(param)?.label ?? param;
}

export interface Axis {
  param: AxisParam;
  values: (string | number)[];
}

/** One grid runs every cell; 64 keeps a grid to about a minute of SwiftShader time and a readable image. */
export const MAX_GRID_CELLS = 64;
const MAX_AXIS_TEXT = 2000;

export type AxisResult = { values: (string | number)[] } | { error: string };

const USAGE = 'write e.g. "10, 20", "1-5", "3-15 (+2)" or "10-40 [4]"';
const NUM = String.raw`(\d+(?:\.\d*)?|\.\d+)`;
/** `a-b`, then optionally `(+d)` or `[n]`. Anchored, and no two quantifiers compete for the same characters. */
const RANGE = new RegExp(String.raw`^${NUM}\s*-\s*${NUM}\s*(?:\(\s*([+-]?)\s*${NUM}\s*\)|\[\s*(\d+)\s*\])?$`);

/** Keeps float ranges readable: 0.1 × 3 is 0.3, not 0.30000000000000004. */
const tidy = (v: number) => Number(v.toPrecision(12));

function expandRange(item: string, integer: boolean, param: AxisParam): number[] | string {
  const m = RANGE.exec(item);
  if (!m) return `${param}: ${describeValue(item)} is not a number or a range; ${USAGE}`;
  const [start, end] = [Number(m[1]), Number(m[2])];
  if (m[5] !== undefined) {
    const count = Number(m[5]);
    if (count < 1 || count > MAX_GRID_CELLS) return `${param}: a count [n] must be 1–${MAX_GRID_CELLS}, got [${m[5]}]`;
    return Array.from({ length: count }, (_, k) => {
      const v = count === 1 ? start : start + (k * (end - start)) / (count - 1);
      return integer ? Math.round(v) : tidy(v);
    });
  }
  const step = m[4] === undefined ? (end >= start ? 1 : -1) : (m[3] === '-' ? -1 : 1) * Number(m[4]);
  if (step === 0) return `${param}: the step in ${describeValue(item)} must not be 0`;
  if (end !== start && Math.sign(end - start) !== Math.sign(step))
    return `${param}: the step in ${describeValue(item)} goes away from ${end}`;
  // A small slack so that 0-1 (+0.1) still reaches 1 despite rounding in k × 0.1.
  const count = Math.floor(Math.abs(end - start) / Math.abs(step) + 1e-9) + 1;
  if (count > MAX_GRID_CELLS)
    return `${param}: ${describeValue(item)} gives ${count} values, at most ${MAX_GRID_CELLS} allowed`;
  return Array.from({ length: count }, (_, k) => tidy(start + k * step));
}

function parseNumbers(
  param: AxisParam,
  items: string[],
  [min, max]: readonly [number, number],
  integer: boolean,
  exclusiveMin = false,
): AxisResult {
  const values: number[] = [];
  for (const item of items) {
    const single = parseNumberText(item);
    const expanded = Number.isNaN(single) ? expandRange(item, integer, param) : [single];
    if (typeof expanded === 'string') return { error: expanded };
    for (const v of expanded) {
      if (integer && !Number.isInteger(v))
        return { error: `${param}: ${v} (from ${describeValue(item)}) is not a whole number` };
      if (v < min || v > max) return { error: `${param}: ${v} (from ${describeValue(item)}) is outside ${min}–${max}` };
      if (exclusiveMin && v === min)
        return { error: `${param}: ${v} (from ${describeValue(item)}) is outside (${min}, ${max}]` };
    }
    values.push(...expanded);
  }
  return { values };
}

/** A switch option: each item on/off (or 1/0, true/false). */
function parseSwitches(spec: OptionSpec, items: string[]): AxisResult {
  const values: string[] = [];
  for (const item of items) {
    const v = parseOptionText(spec, item);
    if (typeof v !== 'boolean') return { error: `${spec.key}: ${describeValue(item)} is not on or off` };
    values.push(v ? 'on' : 'off');
  }
  return { values };
}

/** Sampler items by any name people type; a combined "DPM++ 2M Karras" becomes `dpmpp_2m@karras` (the cell then
 *  takes that schedule too, unless the other axis varies the schedule). */
function parseSamplers(
  items: string[],
  samplers: readonly NamedSampler[],
  schedules: readonly NamedSchedule[],
): AxisResult {
  const values: string[] = [];
  for (const item of items) {
    const named = samplerFromName(item, samplers, schedules);
    if (!named)
      return { error: `sampler: unknown ${describeValue(item)}; known: ${samplers.map((k) => k.id).join(', ')}` };
    values.push(named.schedule === undefined ? named.sampler : `${named.sampler}${SCHEDULE_MARK}${named.schedule}`);
  }
  return { values };
}

function parseSchedules(items: string[], schedules: readonly NamedSchedule[]): AxisResult {
  const values: string[] = [];
  for (const item of items) {
    const id = scheduleFromName(item, schedules);
    if (id === undefined)
      return { error: `schedule: unknown ${describeValue(item)}; known: ${schedules.map((k) => k.id).join(', ')}` };
    values.push(id);
  }
  return { values };
}

/** Separates a sampler axis value's sampler from the schedule a combined name gave it. */
const SCHEDULE_MARK = '@';

/** The sampler and, from a combined name, the schedule of a sampler axis value. */
function splitSampler(value: string | number): { sampler: string; schedule?: string } {
  const [sampler, schedule] = String(value).split(SCHEDULE_MARK);
  return schedule === undefined ? { sampler } : { sampler, schedule };
}

function parseIds(param: AxisParam, items: string[], known: ReadonlyArray<{ id: string; label?: string }>): AxisResult {
  const values: string[] = [];
  for (const item of items) {
    const v = item.toLowerCase();
    const match = known.find((k) => k.id.toLowerCase() === v || k.label?.toLowerCase() === v);
    if (!match)
      return { error: `${param}: unknown ${describeValue(item)}; known: ${known.map((k) => k.id).join(', ')}` };
    values.push(match.id);
  }
  return { values };
}

export function parseAxis(
  param: AxisParam,
  text: string,
  samplers: readonly NamedSampler[],
  schedules: readonly NamedSchedule[],
): AxisResult {
  if (!AXIS_PARAMS.includes(param))
    return { error: `axis: must be one of ${AXIS_PARAMS.join(', ')}, got ${describeValue(param)}` };
  if (typeof text !== 'string') return { error: `${param}: expected text, got ${describeValue(text)}` };
  if (text.length > MAX_AXIS_TEXT)
    return { error: `${param}: at most ${MAX_AXIS_TEXT} characters, got ${text.length}` };
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const spec = optionSpec(param);
  const example = spec?.type === 'number' || param === 'steps' ? USAGE : 'e.g. "euler, heun"';
  if (items.length === 0) return { error: `${param}: give at least one value; ${example}` };
  const result =
    param === 'sampler'
      ? parseSamplers(items, samplers, schedules)
      : param === 'schedule'
        ? parseSchedules(items, schedules)
        : param === 'steps'
          ? parseNumbers(param, items, LIMITS.steps, true)
          : spec!.type === 'number'
            ? parseNumbers(param, items, [spec!.min, spec!.max], spec!.integer ?? false, spec!.exclusiveMin)
            : spec!.type === 'choice'
              ? parseIds(
                  param,
                  items,
                  spec!.choices.map((c) => ({ id: c.value, label: c.label })),
                )
              : parseSwitches(spec!, items);
  if ('values' in result && result.values.length > MAX_GRID_CELLS)
    return { error: `${param}: ${result.values.length} values, at most ${MAX_GRID_CELLS} allowed` };
  return result;
}

/** How many runs a grid takes (shown before it starts). */
export function gridCellCount(x: Axis, y: Axis): number {
  return x.values.length * y.values.length;
}

function checkAxis(axis: Axis, name: string): void {
  if (!AXIS_PARAMS.includes(axis.param))
    throw new RangeError(`${name}.param: must be one of ${AXIS_PARAMS.join(', ')}, got ${describeValue(axis.param)}`);
  if (axis.values.length === 0) throw new RangeError(`${name}.values: at least one value needed`);
  const numeric = axis.param === 'steps' || optionSpec(axis.param)?.type === 'number';
  axis.values.forEach((v, i) => {
    if (typeof v !== (numeric ? 'number' : 'string'))
      throw new RangeError(
        `${name}.values[${i}]: ${axis.param} needs a ${numeric ? 'number' : 'string'}, got ${describeValue(v)}`,
      );
  });
}

/** The panel value an axis value sets: switches travel as "on"/"off" text (grid labels), panels hold booleans. */
function panelValue(param: AxisParam, value: string | number): Partial<PanelState> {
  if (param === 'sampler') return splitSampler(value) as Partial<PanelState>;
  return { [param]: optionSpec(param)?.type === 'boolean' ? value === 'on' : value };
}

/**
 * The state of every cell, rows (Y) × columns (X): the base state with panel 0 as its only panel and the two axis
 * settings replaced (on the panel, or on the state for an option every panel shares). Every cell shares the base
 * seed, so the grid compares settings on one noise.
 */
export function gridCells(base: SandboxState, x: Axis, y: Axis): SandboxState[][] {
  checkAxis(x, 'x');
  checkAxis(y, 'y');
  if (x.param === y.param)
    throw new RangeError(`grid: the X and Y axes must vary different settings, both vary ${x.param}`);
  const cells = gridCellCount(x, y);
  if (cells > MAX_GRID_CELLS)
    throw new RangeError(
      `grid: ${x.values.length} × ${y.values.length} = ${cells} runs, at most ${MAX_GRID_CELLS} allowed`,
    );
  // A schedule axis wins over the schedule of a combined sampler name, whichever axis holds which.
  const [first, second] = y.param === 'schedule' ? [x, y] : [y, x];
  const cell = (xv: string | number, yv: string | number): SandboxState => {
    const [fv, sv] = first === x ? [xv, yv] : [yv, xv];
    let state: SandboxState = { ...base, panels: [{ ...base.panels[0] }] };
    for (const [param, value] of [
      [first.param, fv],
      [second.param, sv],
    ] as const) {
      if (isSharedAxis(param)) state = { ...state, [param]: value };
      else state.panels[0] = { ...state.panels[0], ...panelValue(param, value) } as PanelState;
    }
    return state;
  };
  return y.values.map((yv) => x.values.map((xv) => cell(xv, yv)));
}

/** The panel settings of every cell (gridCells' panels). */
export function gridRuns(base: SandboxState, x: Axis, y: Axis): PanelState[][] {
  return gridCells(base, x, y).map((row) => row.map((cell) => cell.panels[0]));
}

/** A grid label such as "Sampler: Heun", "η: 0.5" or "Base: Euler". */
export function axisLabel(param: AxisParam, value: string | number): string {
  const spec = optionSpec(param);
  if (param === 'sampler') {
    const { sampler, schedule } = splitSampler(value);
    const entry = samplerById(sampler);
    const name = entry?.a1111 ?? entry?.label ?? sampler;
    return `Sampler: ${schedule === undefined ? name : `${name} ${scheduleById(schedule)?.label ?? schedule}`}`;
  }
  if (param === 'schedule') return `Schedule: ${scheduleById(String(value))?.label ?? value}`;
  if (spec && spec.type !== 'boolean') return `${spec.label}: ${valueLabel(spec, value)}`;
  return `${axisParamLabel(param)}: ${value}`;
}

/** The grid's axes for the infotext `Grid` entry, e.g. "X steps: 5, 10; Y sampler: euler, heun". */
export function gridAxesText(x: Axis, y: Axis): string {
  return `X ${x.param}: ${x.values.join(', ')}; Y ${y.param}: ${y.values.join(', ')}`;
}
