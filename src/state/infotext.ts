/**
 * One panel's settings as an AUTOMATIC1111-style infotext line (the `parameters` text A1111 writes into PNGs), e.g.
 *
 *   Steps: 10, Sampler: Euler, Schedule type: Karras, Seed: 42, World: gmm:ring8, NFE: 10, Count: 2048
 *
 * `Key: value` pairs joined by ", "; a value holding a comma or a quote is written as a JSON string, as A1111 does.
 * Samplers appear under their A1111 names where A1111 has them (else their labels), schedules under their labels;
 * reading accepts ids, labels, A1111 names and A1111's combined "DPM++ 2M Karras" (../sampling/names.ts). The stochastic samplers add
 * `Eta`; non-default σ settings, an equal-NFE budget, a drawn mixture and grid axes appear only when they apply, and
 * so do panel options away from their defaults (`Sigma var`, `AMED base`, `AFS`). `World` is the panel's own world.
 * An image world's export adds its options (../guidance/wrappers.ts) under the infotext names they declare, e.g.
 *
 *   Class: Sneaker, CFG scale: 2, Size: 56x56, Upscale: Upsample Guidance, UG weight: 1, UG eta: 0.6, Skip tuning: 0.8
 *
 * (A1111's own key names where it has them; the options of a module only where it acts on the panel, e.g. the UG
 * keys above the native size; `Upscale` after the size, above the native one; an option that A1111 always writes
 * also at its default, the others only away from it).
 */
import { samplerById } from '../sampling/samplers';
import { DEFAULT_SCHEDULE_OPTIONS, scheduleById } from '../sampling/schedules';
import { decodeMixture, encodeMixture } from './mixture-text';
import { numberOrText } from './number-text';
import { ETA_SPEC, STORED_OPTIONS } from './panel-options';
import { formatInfotextValue, parseOptionText } from '../sampling/option-spec';
import { IMAGE_OPTIONS } from '../guidance/wrapper-options';
import { optionOn, stateDefault, type ImageFacts, type ImageOption } from '../worlds/image-option';
import { SIZE_OPTION } from '../worlds/image-world-options';
import { imageValue, panelOptions } from './image-values';
import { defaultState, PANEL_DEFAULTS, UPSCALE_MODES, type SandboxState, type UpscaleMode } from './params';
import {
  CUSTOM_WORLD,
  describeNames,
  describeValue,
  sanitizeState,
  type KnownSampler,
  type KnownWorld,
  type SanitizedState,
} from './validate-state';

/** A 1024-component mixture takes about 60 000 characters; anything much longer is not ours. */
export const MAX_INFOTEXT_CHARS = 200_000;

export interface InfotextExtra {
  /** Evaluations the panel's run used. */
  nfe?: number;
  /** A description of the X/Y grid the image belongs to. */
  gridAxes?: string;
  /** Network cost in full-size evaluations, when it differs from the NFE (Upsample Guidance). */
  cost?: number;
  /** The panel's world is an image world: write its class, CFG scale and size (and how it was upscaled). */
  image?: ImageFacts;
}

export const UPSCALE_LABELS: Record<UpscaleMode, string> = {
  guided: 'Upsample Guidance',
  naive: 'naive',
  bilinear: 'bilinear',
};

/** The image options that act on this panel, in list order, each at its default only where A1111 always writes it;
 *  `Upscale` follows the size where the panel is above the native one. */
function imageEntries(
  state: SandboxState,
  panelIndex: number,
  image: NonNullable<InfotextExtra['image']>,
): Array<[string, string | number]> {
  const entries: Array<[string, string | number]> = [];
  for (const option of panelOptions(state, panelIndex, image)) {
    const { spec } = option;
    const value = imageValue(state, panelIndex, option, image);
    if (option.infotextAlways || value !== stateDefault(option, image))
      entries.push([spec.infotext, option.infotextText?.write(value, image) ?? formatInfotextValue(spec, value)]);
    const size = state.size ?? image.size;
    if (option === SIZE_OPTION && size > image.size)
      entries.push(['Upscale', UPSCALE_LABELS[state.panels[panelIndex].upscale ?? PANEL_DEFAULTS.upscale]]);
  }
  return entries;
}

function quoteIfNeeded(value: string): string {
  return /[,"\n\r]|^\s|\s$/.test(value) ? JSON.stringify(value) : value;
}

export function toInfotext(state: SandboxState, panelIndex: number, extra: InfotextExtra = {}): string {
  const panel = state.panels[panelIndex];
  if (!Number.isInteger(panelIndex) || !panel)
    throw new RangeError(`panelIndex: must be an integer in 0–${state.panels.length - 1}, got ${panelIndex}`);
  const sampler = samplerById(panel.sampler);
  const entries: Array<[string, string | number]> = [
    ['Steps', panel.steps],
    // A1111's own name where it has the sampler ("DPM++ 2M", "Euler a"), so A1111 and ComfyUI readers know it.
    ['Sampler', sampler?.a1111 ?? sampler?.label ?? panel.sampler],
    ['Schedule type', scheduleById(panel.schedule)?.label ?? panel.schedule],
    ['Seed', state.seed],
    ['World', panel.world ?? state.world],
  ];
  if (extra.nfe !== undefined) entries.push(['NFE', extra.nfe]);
  if (extra.cost !== undefined && extra.cost !== extra.nfe) entries.push(['Cost', Number(extra.cost.toPrecision(6))]);
  // η whenever the sampler declares it (A1111 writes Eta for its ancestral samplers); the other declared options
  // whenever the panel holds them (it holds only values away from their defaults).
  if (sampler?.options.includes(ETA_SPEC)) entries.push([ETA_SPEC.infotext, panel.eta]);
  for (const spec of STORED_OPTIONS) {
    const value = panel[spec.key];
    if (value !== undefined && value !== spec.default) entries.push([spec.infotext, formatInfotextValue(spec, value)]);
  }
  entries.push(['Count', state.count]);
  if (extra.image) entries.push(...imageEntries(state, panelIndex, extra.image));
  if (state.equalNfe) entries.push(['NFE budget', state.nfe]);
  if (state.sigmaMax !== DEFAULT_SCHEDULE_OPTIONS.sigmaMax) entries.push(['Sigma max', state.sigmaMax]);
  if (state.sigmaMin !== DEFAULT_SCHEDULE_OPTIONS.sigmaMin) entries.push(['Sigma min', state.sigmaMin]);
  if (state.rho !== DEFAULT_SCHEDULE_OPTIONS.rho) entries.push(['Rho', state.rho]);
  if (state.world === CUSTOM_WORLD && state.custom) entries.push(['Mixture', encodeMixture(state.custom)]);
  if (extra.gridAxes !== undefined) entries.push(['Grid', extra.gridAxes]);
  return entries.map(([key, value]) => `${key}: ${quoteIfNeeded(String(value))}`).join(', ');
}

interface RawInfo {
  state: Record<string, unknown>;
  panel: Record<string, unknown>;
  /** The image options' texts, read once the world is known (a class by its name on that world). */
  imageText: Map<ImageOption, string>;
}

/** An image option's text as the option (on the world, when it is an image world), into the state or the panel. */
function readImageOption(option: ImageOption, text: string, raw: RawInfo, image: ImageFacts | undefined): void {
  const spec = image ? optionOn(option, image) : option.spec;
  const value = option.infotextText?.read ? option.infotextText.read(text) : parseOptionText(spec, text);
  (option.scope === 'panel' ? raw.panel : raw.state)[option.spec.key] = value;
}

type Reader = (value: string, raw: RawInfo) => void;

/** What each key sets; keys are matched case-insensitively. NFE, Cost and Grid describe the image, not settings. */
function readers(): Map<string, (value: string, raw: RawInfo) => void> {
  return new Map<string, (value: string, raw: RawInfo) => void>([
    ['steps', (v, r) => (r.panel.steps = numberOrText(v))],
    // Names as typed ("DPM++ 2M Karras", "Exponential"): sanitizeState reads them as ids (../sampling/names.ts).
    ['sampler', (v, r) => (r.panel.sampler = v)],
    ['schedule type', (v, r) => (r.panel.schedule = v)],
    [ETA_SPEC.infotext.toLowerCase(), (v, r) => (r.panel.eta = parseOptionText(ETA_SPEC, v))],
    ['seed', (v, r) => (r.state.seed = numberOrText(v))],
    ['world', (v, r) => (r.state.world = v)],
    ['count', (v, r) => (r.state.count = numberOrText(v))],
    ['nfe budget', (v, r) => ((r.state.equalNfe = true), (r.state.nfe = numberOrText(v)))],
    ['sigma max', (v, r) => (r.state.sigmaMax = numberOrText(v))],
    ['sigma min', (v, r) => (r.state.sigmaMin = numberOrText(v))],
    ['rho', (v, r) => (r.state.rho = numberOrText(v))],
    ['mixture', (v, r) => (r.state.custom = decodeMixture(v))],
    ...STORED_OPTIONS.map((spec): [string, Reader] => [
      spec.infotext.toLowerCase(),
      (v, r) => (r.panel[spec.key] = parseOptionText(spec, v)),
    ]),
    ...IMAGE_OPTIONS.map((option): [string, Reader] => [
      option.spec.infotext.toLowerCase(),
      (v, r) => r.imageText.set(option, v),
    ]),
    [
      'upscale',
      (v, r) =>
        (r.panel.upscale = UPSCALE_MODES.find((m) => UPSCALE_LABELS[m].toLowerCase() === v.trim().toLowerCase()) ?? v),
    ],
    ['nfe', () => {}],
    ['cost', () => {}],
    ['grid', () => {}],
  ]);
}

/** Index of the quote closing the JSON string that opens at `start`, or −1. */
function closingQuote(line: string, start: number): number {
  for (let i = start + 1; i < line.length; i++) {
    if (line[i] === '\\') i++;
    else if (line[i] === '"') return i;
  }
  return -1;
}

/** Splits `Key: value, Key: "quoted, value", …` into pairs; what can't be read is skipped with a notice. */
function parsePairs(line: string, notices: string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  let i = 0;
  while (i < line.length) {
    const colon = line.indexOf(':', i);
    if (colon < 0) {
      if (line.slice(i).trim() !== '')
        notices.push(`infotext: ignored ${describeValue(line.slice(i).trim())} (not "Key: value")`);
      break;
    }
    let key = line.slice(i, colon).trim();
    const junkEnd = key.lastIndexOf(',');
    if (junkEnd >= 0) {
      notices.push(`infotext: ignored ${describeValue(key.slice(0, junkEnd).trim())} (not "Key: value")`);
      key = key.slice(junkEnd + 1).trim();
    }
    let j = colon + 1;
    while (line[j] === ' ') j++;
    let value: string | undefined;
    if (line[j] === '"') {
      const end = closingQuote(line, j);
      try {
        if (end < 0) throw new SyntaxError('unterminated');
        value = String(JSON.parse(line.slice(j, end + 1)));
      } catch {
        notices.push(`infotext: the quoted value of ${describeValue(key)} is malformed; ignored the rest`);
        break;
      }
      j = end + 1;
    }
    const comma = line.indexOf(',', j);
    const next = comma < 0 ? line.length : comma + 1;
    value ??= line.slice(j, comma < 0 ? line.length : comma).trim();
    pairs.push([key, value]);
    i = next;
  }
  return pairs;
}

/**
 * The state an infotext describes: its panel becomes panel 0, the other panels keep their defaults. Missing keys
 * take their defaults; unknown keys and bad values are ignored with notices. Never throws.
 */
export function fromInfotext(
  text: string,
  worlds: readonly KnownWorld[],
  samplers: readonly KnownSampler[],
): SanitizedState {
  const notices: string[] = [];
  const raw: RawInfo = { state: Object.create(null), panel: Object.create(null), imageText: new Map() };
  if (typeof text !== 'string') notices.push(`infotext: must be text, got ${describeValue(text)}; using the defaults`);
  else if (text.length > MAX_INFOTEXT_CHARS)
    notices.push(`infotext: ${text.length} characters, at most ${MAX_INFOTEXT_CHARS} allowed; using the defaults`);
  else {
    // A1111 puts prompts on the lines above; the settings are the last line.
    const line =
      text
        .split(/\r?\n/)
        .filter((l) => l.trim() !== '')
        .pop() ?? '';
    const read = readers();
    const unknown: string[] = [];
    for (const [key, value] of parsePairs(line, notices)) {
      const reader = read.get(key.toLowerCase());
      if (reader) reader(value, raw);
      else unknown.push(key);
    }
    if (unknown.length > 0)
      notices.push(`infotext: ignored unknown key${unknown.length > 1 ? 's' : ''} ${describeNames(unknown)}`);
    const image = worlds.find((w) => w.id === raw.state.world)?.image;
    for (const [option, value] of raw.imageText) readImageOption(option, value, raw, image);
  }
  const result = sanitizeState(
    { ...raw.state, panels: [raw.panel, ...defaultState().panels.slice(1)] },
    worlds,
    samplers,
  );
  return { state: result.state, notices: [...notices, ...result.notices] };
}
