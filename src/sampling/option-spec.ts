/**
 * One declaration per option (tensorflow/playground's property table, one table per owner): a sampler declares its
 * options on its registry entry, a denoiser wrapper in its own module. The API validation, the page state's
 * sanitizer, the URL, the PNG infotext, the panel controls and the X/Y axes are all derived from these
 * declarations, so adding an option touches only the module that owns it.
 */

export type OptionValue = number | boolean | string;
export type OptionValues = Readonly<Record<string, OptionValue>>;

interface OptionBase {
  /** The name in the public API, the page state and the JSON state. */
  key: string;
  /** The control's label (may hold Unicode, e.g. "σ_var"). */
  label: string;
  /** A one-line explanation with its source, shown as the control's tooltip. */
  description: string;
  /** The A1111-style infotext key, e.g. "Sigma var". */
  infotext: string;
  /** The short key in the URL hash; absent where the link format carries the value elsewhere. */
  url?: string;
  /** Earlier names of the same option, still read from saved states. */
  aliases?: readonly string[];
  /** The rule in words, where the generic one reads poorly (a class list: "a class 0–9, "mixed" or …"). */
  rule?: string;
}

export interface NumberOption extends OptionBase {
  type: 'number';
  min: number;
  max: number;
  /** The control's increment. */
  step: number;
  default: number;
  integer?: boolean;
  /** The minimum itself is not allowed: (min, max]. */
  exclusiveMin?: boolean;
  /** Only multiples of this (an image side: multiples of the network's native side). */
  multipleOf?: number;
}

export interface BooleanOption extends OptionBase {
  type: 'boolean';
  default: boolean;
}

export interface ChoiceOption extends OptionBase {
  type: 'choice';
  choices: ReadonlyArray<{ value: string; label: string }>;
  default: string;
}

export type OptionSpec = NumberOption | BooleanOption | ChoiceOption;

/** The rule a value must follow, for messages: "a number in [0, 2]", "true or false", "one of a, b". */
export function describeRule(spec: OptionSpec): string {
  if (spec.rule !== undefined) return spec.rule;
  if (spec.type === 'number') {
    if (spec.multipleOf !== undefined) return `a multiple of ${spec.multipleOf} from ${spec.min} to ${spec.max}`;
    if (spec.integer) return `an integer in ${spec.min}–${spec.max}`;
    return `a number in ${spec.exclusiveMin ? '(' : '['}${spec.min}, ${spec.max}]`;
  }
  if (spec.type === 'boolean') return 'true or false';
  return `one of ${spec.choices.map((c) => c.value).join(', ')}`;
}

/** Whether a value satisfies the declaration (type and range, or one of the choices). */
export function isValidOption(spec: OptionSpec, value: unknown): value is OptionValue {
  if (spec.type === 'number') {
    return (
      typeof value === 'number' &&
      Number.isFinite(value) &&
      (spec.exclusiveMin ? value > spec.min : value >= spec.min) &&
      value <= spec.max &&
      (!spec.integer || Number.isInteger(value)) &&
      (spec.multipleOf === undefined || value % spec.multipleOf === 0)
    );
  }
  if (spec.type === 'boolean') return typeof value === 'boolean';
  return typeof value === 'string' && spec.choices.some((c) => c.value === value);
}

function shortText(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return typeof value === 'object' && value !== null ? 'an object' : String(value);
}

/** The value, or its default when undefined; throws a RangeError naming the field and its rule (the public API). */
export function validateOption(spec: OptionSpec, value: unknown, field = spec.key): OptionValue {
  if (value === undefined) return spec.default;
  if (!isValidOption(spec, value))
    throw new RangeError(`${field}: must be ${describeRule(spec)}, got ${shortText(value)}`);
  return value;
}

/** Every declared option of `specs` read from `raw` (defaults filled in), validated. */
export function resolveOptions(
  specs: readonly OptionSpec[],
  raw: Readonly<Record<string, unknown>>,
): Record<string, OptionValue> {
  return Object.fromEntries(specs.map((spec) => [spec.key, validateOption(spec, raw[spec.key])]));
}

/** The value as text for the URL hash (booleans as 1/0). */
export function formatUrlValue(spec: OptionSpec, value: OptionValue): string {
  return spec.type === 'boolean' ? (value ? '1' : '0') : String(value);
}

/** The value as infotext text (booleans as on/off, as A1111 writes switches). */
export function formatInfotextValue(spec: OptionSpec, value: OptionValue): string {
  return spec.type === 'boolean' ? (value ? 'on' : 'off') : String(value);
}

/** Strict decimal text as String(number) writes it: no hex, no blanks, no "Infinity". */
const NUMBER_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/**
 * Reads URL or infotext text back into a raw value: a number, a switch (1/0, on/off, true/false), a choice by value
 * or label (any case). Text that is none of these stays text, so the validator can quote it in its notice.
 */
export function parseOptionText(spec: OptionSpec, text: string): unknown {
  const t = text.trim();
  if (spec.type === 'number') return t.length <= 32 && NUMBER_TEXT.test(t) ? Number(t) : text;
  if (spec.type === 'boolean') {
    const v = t.toLowerCase();
    return ['1', 'on', 'true'].includes(v) ? true : ['0', 'off', 'false'].includes(v) ? false : text;
  }
  const v = t.toLowerCase();
  return spec.choices.find((c) => c.value.toLowerCase() === v || c.label.toLowerCase() === v)?.value ?? text;
}

/** The label of a value for grid axes and readouts, e.g. "σ_var: 0.5" or "Base: Euler". */
export function valueLabel(spec: OptionSpec, value: OptionValue): string {
  if (spec.type === 'choice') return spec.choices.find((c) => c.value === value)?.label ?? String(value);
  if (spec.type === 'boolean') return value ? 'on' : 'off';
  return String(value);
}
