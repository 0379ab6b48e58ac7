/** The option declarations and the helpers every layer derives from them (src/sampling/option-spec.ts). */
import { describe, expect, it } from 'vitest';
import {
  describeRule,
  formatInfotextValue,
  formatUrlValue,
  isValidOption,
  parseOptionText,
  resolveOptions,
  validateOption,
  valueLabel,
  type OptionSpec,
} from '../../src/sampling/option-spec';
import { SAMPLER_OPTIONS, SAMPLERS } from '../../src/sampling/samplers';
import { SCHEDULE_OPTIONS, SCHEDULES } from '../../src/sampling/schedules';
import { PANEL_OPTIONS } from '../../src/state/panel-options';

const NUMBER: OptionSpec = {
  key: 'k',
  label: 'K',
  description: '',
  infotext: 'Kay',
  url: 'k',
  type: 'number',
  min: 0,
  max: 2,
  step: 0.1,
  default: 0,
};
const INTEGER: OptionSpec = { ...NUMBER, integer: true, min: 1, max: 9, default: 1 };
const SWITCH: OptionSpec = { key: 's', label: 'S', description: '', infotext: 'Ess', type: 'boolean', default: true };
const CHOICE: OptionSpec = {
  key: 'c',
  label: 'C',
  description: '',
  infotext: 'See',
  type: 'choice',
  default: 'a',
  choices: [
    { value: 'a', label: 'Alpha' },
    { value: 'b', label: 'Beta' },
  ],
};

describe('option declarations', () => {
  it('validate type and range, naming the field and its rule', () => {
    expect(validateOption(NUMBER, undefined)).toBe(0);
    expect(validateOption(NUMBER, 1.5)).toBe(1.5);
    expect(() => validateOption(NUMBER, 3)).toThrow('k: must be a number in [0, 2], got 3');
    expect(() => validateOption(NUMBER, Number.NaN)).toThrow(/k: must be a number/);
    expect(() => validateOption(INTEGER, 2.5, 'x.y')).toThrow('x.y: must be an integer in 1–9, got 2.5');
    expect(() => validateOption(SWITCH, 'yes')).toThrow('s: must be true or false, got "yes"');
    expect(() => validateOption(CHOICE, 'Alpha')).toThrow('c: must be one of a, b, got "Alpha"');
    expect([isValidOption(CHOICE, 'b'), isValidOption(SWITCH, false), isValidOption(NUMBER, '1')]).toEqual([
      true,
      true,
      false,
    ]);
    expect(describeRule(SWITCH)).toBe('true or false');
    expect(resolveOptions([NUMBER, SWITCH], { s: false, other: 1 })).toEqual({ k: 0, s: false });
  });

  it('text for URLs and infotexts reads back to the same value; other text stays text for the notice', () => {
    for (const [spec, value] of [
      [NUMBER, 0.30000000000000004],
      [SWITCH, false],
      [SWITCH, true],
      [CHOICE, 'b'],
    ] as const) {
      expect(parseOptionText(spec, formatUrlValue(spec, value))).toBe(value);
      expect(parseOptionText(spec, formatInfotextValue(spec, value))).toBe(value);
    }
    expect(formatUrlValue(SWITCH, false)).toBe('0');
    expect(formatInfotextValue(SWITCH, false)).toBe('off');
    expect(parseOptionText(CHOICE, 'beta')).toBe('b');
    expect(parseOptionText(NUMBER, '0x10')).toBe('0x10');
    expect(parseOptionText(SWITCH, 'maybe')).toBe('maybe');
    expect(valueLabel(CHOICE, 'b')).toBe('Beta');
  });

  it('every sampler declaration is consistent: one declaration per key, URL and infotext names unique, defaults valid', () => {
    const keys = SAMPLER_OPTIONS.map((s) => s.key);
    expect(new Set(keys).size).toBe(keys.length);
    const urls = SAMPLER_OPTIONS.flatMap((s) => (s.url ? [s.url] : []));
    expect(new Set(urls).size).toBe(urls.length);
    expect(new Set(SAMPLER_OPTIONS.map((s) => s.infotext.toLowerCase())).size).toBe(SAMPLER_OPTIONS.length);
    for (const spec of SAMPLER_OPTIONS) expect(isValidOption(spec, spec.default), spec.key).toBe(true);
    // Only η travels without a URL key of its own: the link format carries it as a panel's fourth part.
    expect(SAMPLER_OPTIONS.filter((s) => !s.url).map((s) => s.key)).toEqual(['eta']);
    expect(SAMPLERS.find((s) => s.id === 'amed_plugin')!.options.map((s) => s.key)).toEqual(['base', 'afs']);
  });

  it('schedule declarations join them without a clash: keys, URL keys and infotext names unique across both', () => {
    const keys = PANEL_OPTIONS.map((s) => s.key);
    expect(new Set(keys).size).toBe(keys.length);
    const urls = PANEL_OPTIONS.flatMap((s) => (s.url ? [s.url] : []));
    expect(new Set([...urls, 'w', 'up']).size).toBe(urls.length + 2);
    expect(new Set(PANEL_OPTIONS.map((s) => s.infotext.toLowerCase())).size).toBe(PANEL_OPTIONS.length);
    for (const spec of SCHEDULE_OPTIONS) expect(isValidOption(spec, spec.default), spec.key).toBe(true);
    expect(SCHEDULES.filter((s) => s.options.length > 0).map((s) => [s.id, s.options.map((o) => o.key)])).toEqual([
      ['vp', ['vpBetaD', 'vpBetaMin', 'vpEpsilonS']],
      ['beta', ['betaAlpha', 'betaBeta']],
      ['gits', ['gitsFinePoints', 'gitsBatch', 'gitsCoeff', 'gitsMetric']],
    ]);
  });
});

describe('ranges open at the minimum, multiples and rules in words', () => {
  const OPEN: OptionSpec = { ...NUMBER, exclusiveMin: true, max: 1.5, default: 1 };
  const SIDE: OptionSpec = { ...INTEGER, min: 28, max: 112, default: 28, multipleOf: 28 };

  it('(min, max]: the minimum itself is refused, with the interval written open', () => {
    expect([0, 1e-9, 1.5, 1.5000001].map((v) => isValidOption(OPEN, v))).toEqual([false, true, true, false]);
    expect(describeRule(OPEN)).toBe('a number in (0, 1.5]');
    expect(() => validateOption(OPEN, 0, 'skipTuning.bottom')).toThrow(
      /^skipTuning\.bottom: must be a number in \(0, 1\.5\], got 0$/,
    );
  });

  it('multiples: only multiples of the step between min and max', () => {
    expect([28, 56, 57, 84.5, 112, 140, 0].map((v) => isValidOption(SIDE, v))).toEqual([
      true,
      true,
      false,
      false,
      true,
      false,
      false,
    ]);
    expect(describeRule(SIDE)).toBe('a multiple of 28 from 28 to 112');
  });

  it('a rule given in words replaces the generic one', () => {
    expect(describeRule({ ...CHOICE, rule: 'a class 0–9, "mixed" or "unconditional"' })).toBe(
      'a class 0–9, "mixed" or "unconditional"',
    );
  });
});
