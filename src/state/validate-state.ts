/**
 * Turns anything (JSON from a URL hash, a PNG chunk, a paste) into a valid SandboxState. Every valid field is kept;
 * every invalid, hostile or out-of-range one falls back to its default from params.ts with a notice that names the
 * field and its allowed range (bad input is ignored visibly and never crashes the page).
 *
 * Only own properties of known names are read, into fresh objects, so `__proto__`/`constructor` keys can't pollute
 * anything; strings reach the state only when they equal a known id.
 */
import { describeRule, isValidOption, type OptionSpec } from '../sampling/option-spec';
import { RANDOM_SEED, randomSeed } from '../api/options';
import { samplerFromName, scheduleFromName } from '../sampling/names';
import { samplerById } from '../sampling/samplers';
import { SCHEDULES, type ScheduleId } from '../sampling/schedules';
import { MAX_COMPONENTS, validateGmm, type GmmSpec } from '../worlds/gmm';
import { PANEL_IMAGE_OPTIONS, SHARED_IMAGE_OPTIONS } from '../guidance/wrapper-options';
import { optionOn, stateDefault, type ImageFacts, type ImageOption } from '../worlds/image-option';
import {
  DEFAULT_IMAGE_COUNT,
  defaultState,
  LIMITS,
  PANEL_DEFAULTS,
  UPSCALE_MODES,
  type PanelState,
  type SandboxState,
} from './params';
import { ETA_SPEC, STORED_OPTIONS } from './panel-options';
import { isRecreatableReflow, liveReflowId, MAX_REFLOW_LEVEL, reflowFamily, reflowLevel } from './reflow-family';

export interface KnownWorld {
  id: string;
  /** '2d' when absent. */
  kind?: '2d' | 'image';
  /** Image worlds: native side, largest side, class names (sandbox.worlds gives all three). */
  image?: { size: number; maxSize: number; classes: readonly string[]; reflow?: { family: string; level: number } };
}

export interface KnownSampler {
  id: string;
  stochastic: boolean;
  /** The options it declares (src/sampling/samplers/). */
  options: readonly OptionSpec[];
}

export interface SanitizedState {
  state: SandboxState;
  notices: string[];
  /** The values refused (absent when none), each with its notice: a caller that has something better to fall back on than the
   *  default (the page's current state, ./hash-change.ts) puts that in their place and words its own notice. */
  rejections?: Rejection[];
}

/** A refused value at a path such as `seed` or `panels[1].steps`. */
export interface Rejection {
  field: string;
  rule: string;
  value: unknown;
  notice: string;
}

/** The `world` value that selects the user's own mixture in `custom`. */
export const CUSTOM_WORLD = 'custom';

const IMAGE_FIELDS: readonly string[] = SHARED_IMAGE_OPTIONS.map((o) => o.spec.key);
const STATE_FIELDS: readonly string[] = [
  'world',
  'custom',
  'seed',
  'count',
  'equalNfe',
  'nfe',
  'sigmaMax',
  'sigmaMin',
  'rho',
  'panels',
  'showTrajectories',
  ...IMAGE_FIELDS,
];
const PANEL_FIELDS: readonly string[] = [
  'sampler',
  'steps',
  'schedule',
  'eta',
  'world',
  'upscale',
  ...STORED_OPTIONS.flatMap((s) => [s.key, ...(s.aliases ?? [])]),
  ...PANEL_IMAGE_OPTIONS.map((o) => o.spec.key),
];

/** A short, inert description of a rejected value for a notice: strings are quoted and cut, objects only named. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string')
    return value.length > 40 ? `${JSON.stringify(value.slice(0, 40))}…` : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined)
    return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return `a${typeof value === 'object' ? 'n object' : ` ${typeof value}`}`;
}

/** `"a", "b" and 3 more`: names of ignored keys for a notice, quoted and capped. */
export function describeNames(names: readonly string[]): string {
  const shown = names.slice(0, 5).map(describeValue).join(', ');
  return names.length > 5 ? `${shown} and ${names.length - 5} more` : shown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An own property only: inherited ones (and `__proto__` getters) are never read. */
function own(record: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

/** Field checks that fall back to a default and record why. A missing field (undefined) falls back silently. */
class FieldChecker {
  readonly notices: string[] = [];
  readonly rejections: Rejection[] = [];

  reject<T>(field: string, rule: string, value: unknown, fallback: T, fallbackText = describeValue(fallback)): T {
    const notice = `${field}: ${rule}, got ${describeValue(value)}; using ${fallbackText}`;
    this.notices.push(notice);
    this.rejections.push({ field, rule, value, notice });
    return fallback;
  }

  integer(value: unknown, field: string, [min, max]: readonly [number, number], fallback: number): number {
    if (value === undefined) return fallback;
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
    return this.reject(field, `must be an integer in ${min}–${max}`, value, fallback);
  }

  number(value: unknown, field: string, [min, max]: readonly [number, number], fallback: number): number {
    if (value === undefined) return fallback;
    if (typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max) return value;
    return this.reject(field, `must be a number in [${min}, ${max}]`, value, fallback);
  }

  boolean(value: unknown, field: string, fallback: boolean): boolean {
    if (value === undefined) return fallback;
    if (typeof value === 'boolean') return value;
    return this.reject(field, 'must be true or false', value, fallback);
  }

  /** A declared option (../sampling/option-spec.ts), by its declared rule. */
  option(value: unknown, field: string, spec: OptionSpec, fallback = spec.default): OptionSpec['default'] {
    if (value === undefined) return fallback;
    if (isValidOption(spec, value)) return value;
    return this.reject(field, `must be ${describeRule(spec)}`, value, fallback);
  }

  /** An image option (../guidance/wrappers.ts), by its rule on this world; the result is in the state's form. */
  imageOption(value: unknown, field: string, option: ImageOption, image: ImageFacts): OptionSpec['default'] {
    const fallback = stateDefault(option, image);
    if (value === undefined) return fallback;
    const spec = optionOn(option, image);
    const candidate = option.stored ? option.stored.fromState(value) : value;
    if (isValidOption(spec, candidate)) return option.stored ? option.stored.toState(candidate) : candidate;
    return this.reject(field, `must be ${describeRule(spec)}`, value, fallback);
  }

  oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[], fallback: T): T {
    if (value === undefined) return fallback;
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    const list = allowed.length > 8 ? `${allowed.slice(0, 8).join(', ')}, …` : allowed.join(', ');
    return this.reject(field, `must be one of ${list}`, value, fallback);
  }

  unknownKeys(record: Record<string, unknown>, known: readonly string[], field: string): void {
    const unknown = Object.keys(record).filter((k) => !known.includes(k));
    if (unknown.length === 0) return;
    this.notices.push(`${field}: ignored unknown field${unknown.length > 1 ? 's' : ''} ${describeNames(unknown)}`);
  }
}

/** Copies a mixture into fresh arrays (holes read as undefined) and validates the copy; throws a RangeError naming the field. */
function cleanMixture(value: unknown, field = 'custom'): GmmSpec {
  if (!isRecord(value) || own(value, 'type') !== 'gmm')
    throw new RangeError(`${field}: must be { type: 'gmm', means, stds, weights }`);
  const [means, stds, weights] = [own(value, 'means'), own(value, 'stds'), own(value, 'weights')];
  if (!Array.isArray(means) || !Array.isArray(stds) || !Array.isArray(weights))
    throw new RangeError(`${field}: means, stds and weights must be arrays`);
  // Check sizes before copying so a hostile 10-million-entry array costs nothing.
  if (means.length < 1 || means.length > MAX_COMPONENTS)
    throw new RangeError(`${field}.means: 1–${MAX_COMPONENTS} components allowed, got ${means.length}`);
  if (stds.length !== means.length || weights.length !== means.length) {
    throw new RangeError(
      `${field}: means, stds and weights must have matching lengths (got ${means.length}, ${stds.length}, ${weights.length})`,
    );
  }
  const copy: GmmSpec = {
    type: 'gmm',
    means: Array.from({ length: means.length }, (_, i) =>
      Array.isArray(means[i]) && means[i].length === 2 ? [means[i][0], means[i][1]] : means[i],
    ),
    stds: Array.from({ length: stds.length }, (_, i) => stds[i]),
    weights: Array.from({ length: weights.length }, (_, i) => weights[i]),
  };
  validateGmm(copy, field);
  return copy;
}

/** The worlds a panel may take instead of the shared one: the shared world's reflow family, made or makeable. */
function panelWorlds(world: string, worlds: readonly KnownWorld[]): string[] {
  if (world === CUSTOM_WORLD) return [];
  const { base } = reflowLevel(world);
  const makeable = Array.from({ length: MAX_REFLOW_LEVEL - 1 }, (_, k) => liveReflowId(base, k + 2)).filter((id) =>
    isRecreatableReflow(id, worlds),
  );
  return reflowFamily(world, worlds, makeable);
}

function firstKnown(preferred: string, known: readonly { id: string }[]): string {
  return known.length === 0 || known.some((k) => k.id === preferred) ? preferred : known[0].id;
}

/** What panels are checked against: the samplers, the worlds a panel may name (the shared world's family), and the
 *  shared world's image facts (image worlds only). */
interface PanelContext {
  samplers: readonly KnownSampler[];
  world: string;
  family: readonly string[];
  image?: ImageFacts;
}

/** The optional panel fields, each kept only when valid and not at its default (so equal panels look equal). */
function sanitizePanelOptions(
  source: Record<string, unknown>,
  field: string,
  context: PanelContext,
  check: FieldChecker,
): Partial<PanelState> {
  const options: Partial<PanelState> = {};
  const world = own(source, 'world');
  if (world !== undefined && world !== context.world) {
    if (typeof world === 'string' && context.family.includes(world)) options.world = world;
    else
      check.reject(
        `${field}.world`,
        context.family.length > 1
          ? `must be one of ${context.family.join(', ')} (the shared world's reflow family)`
          : `must be the shared world's reflow (1-RF, 2-RF, …); ${describeValue(context.world)} has none`,
        world,
        null,
        'the shared world',
      );
  }
  for (const spec of STORED_OPTIONS) {
    // A state saved under an option's earlier name still reads; the current name wins when both are there.
    const name = [spec.key, ...(spec.aliases ?? [])].find((k) => own(source, k) !== undefined) ?? spec.key;
    const value = check.option(own(source, name), `${field}.${name}`, spec);
    if (value !== spec.default) options[spec.key] = value;
  }
  const upscale = check.oneOf(own(source, 'upscale'), `${field}.upscale`, UPSCALE_MODES, PANEL_DEFAULTS.upscale);
  if (upscale !== PANEL_DEFAULTS.upscale) options.upscale = upscale;
  const { image } = context;
  const given = PANEL_IMAGE_OPTIONS.filter((o) => own(source, o.spec.key) !== undefined);
  if (!image && given.length > 0) check.notices.push(imageOnly(given, field));
  for (const option of image ? PANEL_IMAGE_OPTIONS : []) {
    const value = check.imageOption(own(source, option.spec.key), `${field}.${option.spec.key}`, option, image!);
    if (value !== stateDefault(option, image!)) options[option.spec.key] = value;
  }
  return options;
}

/** The sampler (and schedule) a typed name means, among the known samplers, with their registry names. */
function readName(
  value: unknown,
  samplers: readonly KnownSampler[],
): { sampler: string; schedule?: string } | undefined {
  if (typeof value !== 'string' || value.length > 100) return undefined;
  const named = samplers.map((k) => ({ ...samplerById(k.id), id: k.id }));
  return samplerFromName(value, named, SCHEDULES);
}

function sanitizePanel(
  value: unknown,
  field: string,
  fallback: PanelState,
  context: PanelContext,
  check: FieldChecker,
): PanelState {
  const { samplers } = context;
  let source: Record<string, unknown> = { ...fallback };
  if (isRecord(value)) {
    check.unknownKeys(value, PANEL_FIELDS, field);
    source = value;
  } else if (value !== undefined) {
    check.reject(field, 'must be { sampler, steps, schedule, eta }', value, null, 'the default panel');
  }
  // Names people type (A1111's "DPM++ 2M", or "DPM++ 2M Karras" naming the schedule too) become ids here, so the URL,
  // the infotext and pasted JSON all accept them; the schedule a combined name gives yields to an explicit one.
  const named = readName(own(source, 'sampler'), samplers);
  const sampler = check.oneOf(
    named?.sampler ?? own(source, 'sampler'),
    `${field}.sampler`,
    samplers.map((s) => s.id),
    firstKnown(fallback.sampler, samplers),
  );
  const rawSchedule = own(source, 'schedule');
  const schedule =
    rawSchedule === undefined || rawSchedule === ''
      ? (named?.schedule ?? rawSchedule)
      : typeof rawSchedule === 'string'
        ? (scheduleFromName(rawSchedule, SCHEDULES) ?? rawSchedule)
        : rawSchedule;
  const declaresEta = samplers.find((s) => s.id === sampler)?.options.includes(ETA_SPEC) ?? false;
  return {
    sampler,
    steps: check.integer(own(source, 'steps'), `${field}.steps`, LIMITS.steps, fallback.steps),
    schedule: check.oneOf<ScheduleId>(
      schedule,
      `${field}.schedule`,
      SCHEDULES.map((s) => s.id),
      fallback.schedule,
    ),
    // A sampler that declares η defaults to its declared value (as in the public API); the others ignore η.
    eta: check.option(own(source, 'eta'), `${field}.eta`, ETA_SPEC, declaresEta ? ETA_SPEC.default : 0) as number,
    ...sanitizePanelOptions(source, field, context, check),
  };
}

function sanitizePanels(value: unknown, context: PanelContext, check: FieldChecker): PanelState[] {
  const defaults = defaultState().panels;
  const fallbackFor = (i: number) => defaults[i] ?? defaults[0];
  const [min, max] = LIMITS.panels;
  if (value === undefined) return defaults.map((p, i) => sanitizePanel(p, `panels[${i}]`, p, context, check));
  if (!Array.isArray(value)) {
    check.reject('panels', `must be a list of ${min}–${max} panels`, value, null, 'the default panels');
    return sanitizePanels(undefined, context, check);
  }
  let entries: unknown[] = Array.from({ length: Math.min(value.length, max) }, (_, i) => value[i]);
  if (value.length > max)
    check.notices.push(`panels: at most ${max} panels allowed, got ${value.length}; keeping the first ${max}`);
  if (value.length < min) {
    check.notices.push(`panels: at least ${min} panels needed, got ${value.length}; adding defaults`);
    entries = [...entries, ...defaults.slice(entries.length, min)];
  }
  return entries.map((p, i) => sanitizePanel(p, `panels[${i}]`, fallbackFor(i), context, check));
}

/** "label, size: only image worlds have these settings; ignored" (a panel's own as "panels[0].skipBottom"). */
function imageOnly(options: readonly ImageOption[], prefix?: string): string {
  const names = options.map((o) => (prefix ? `${prefix}.${o.spec.key}` : o.spec.key));
  return `${names.join(', ')}: only image worlds have ${names.length > 1 ? 'these settings' : 'this setting'}; ignored`;
}

/** The shared image options of an image world, each left out at its default; for a 2D world they are dropped,
 *  visibly. */
function sanitizeImageFields(
  input: Record<string, unknown>,
  image: ImageFacts | undefined,
  check: FieldChecker,
): Partial<SandboxState> {
  if (!image) {
    const given = SHARED_IMAGE_OPTIONS.filter((o) => own(input, o.spec.key) !== undefined);
    if (given.length > 0) check.notices.push(imageOnly(given));
    return {};
  }
  const fields: Record<string, unknown> = {};
  for (const option of SHARED_IMAGE_OPTIONS) {
    const value = check.imageOption(own(input, option.spec.key), option.spec.key, option, image);
    if (value !== stateDefault(option, image)) fields[option.spec.key] = value;
  }
  return fields as Partial<SandboxState>;
}

function sanitizeFields(
  input: Record<string, unknown>,
  worlds: readonly KnownWorld[],
  samplers: readonly KnownSampler[],
  check: FieldChecker,
): SandboxState {
  const d = defaultState();
  check.unknownKeys(input, STATE_FIELDS, 'state');
  let custom: GmmSpec | undefined;
  const rawCustom = own(input, 'custom');
  if (rawCustom !== undefined) {
    try {
      custom = cleanMixture(rawCustom);
    } catch (error) {
      check.notices.push(`${(error as Error).message}; the custom mixture was dropped`);
    }
  }
  const worldIds = [...worlds.map((w) => w.id), ...(custom ? [CUSTOM_WORLD] : [])];
  const rawWorld = own(input, 'world');
  // A 2D reflow level the page has not made yet is still a valid world: the page makes it again.
  let world = isRecreatableReflow(rawWorld, worlds)
    ? rawWorld
    : check.oneOf(rawWorld, 'world', worldIds, firstKnown(d.world, worlds));
  if (world === CUSTOM_WORLD && !custom) world = firstKnown(d.world, worlds);
  const known = worlds.find((w) => w.id === world);
  const isImage = known?.kind === 'image';
  const image = isImage ? known.image : undefined;
  const countLimits = isImage ? LIMITS.imageCount : LIMITS.count;
  const sigmaMax = check.number(own(input, 'sigmaMax'), 'sigmaMax', LIMITS.sigmaMax, d.sigmaMax);
  let sigmaMin = check.number(own(input, 'sigmaMin'), 'sigmaMin', LIMITS.sigmaMin, d.sigmaMin);
  // The schedules need σ_min < σ_max; the default σ_min sits below the smallest allowed σ_max.
  if (sigmaMin >= sigmaMax)
    sigmaMin = check.reject('sigmaMin', `must be below sigmaMax (${sigmaMax})`, sigmaMin, d.sigmaMin);
  return {
    world,
    ...(custom ? { custom } : {}),
    // A1111's convention: seed −1 asks for a fresh random seed, which the state then holds (and the page shows,
    // writes into the URL and the PNG).
    seed:
      own(input, 'seed') === RANDOM_SEED
        ? randomSeed()
        : check.integer(own(input, 'seed'), 'seed', LIMITS.seed, d.seed),
    count: check.integer(own(input, 'count'), 'count', countLimits, isImage ? DEFAULT_IMAGE_COUNT : d.count),
    equalNfe: check.boolean(own(input, 'equalNfe'), 'equalNfe', d.equalNfe),
    nfe: check.integer(own(input, 'nfe'), 'nfe', LIMITS.nfe, d.nfe),
    sigmaMax,
    sigmaMin,
    rho: check.number(own(input, 'rho'), 'rho', LIMITS.rho, d.rho),
    panels: sanitizePanels(own(input, 'panels'), { samplers, world, family: panelWorlds(world, worlds), image }, check),
    showTrajectories: check.boolean(own(input, 'showTrajectories'), 'showTrajectories', d.showTrajectories),
    ...sanitizeImageFields(input, image, check),
  };
}

/**
 * A valid state from anything, with one notice per field that was replaced. Never throws: even an object whose
 * getters throw yields the defaults and a notice.
 */
export function sanitizeState(
  input: unknown,
  worlds: readonly KnownWorld[],
  samplers: readonly KnownSampler[],
): SanitizedState {
  const check = new FieldChecker();
  if (!isRecord(input)) {
    check.reject('state', 'must be an object', input, null, 'the defaults');
    return { state: sanitizeFields({}, worlds, samplers, check), notices: check.notices };
  }
  try {
    const state = sanitizeFields(input, worlds, samplers, check);
    return { state, notices: check.notices, ...(check.rejections.length > 0 ? { rejections: check.rejections } : {}) };
  } catch (error) {
    const fresh = new FieldChecker();
    return {
      state: sanitizeFields({}, worlds, samplers, fresh),
      notices: [...check.notices, `state: could not be read (${describeValue(String(error))}); using the defaults`],
    };
  }
}
