/**
 * The page state in the URL hash, through one typed property table (as tensorflow/playground does), so a link
 * reproduces the view. Example:
 *
 *   #world=gmm:ring8&seed=42&count=2048&p=euler:10:karras:0~heun:5:karras:0~sde:10:karras:1&equal=0&nfe=10
 *    &smax=80&smin=0.002&rho=7&traj=0[&mix=x,y,std,weight;…]
 *
 * Panels are `sampler:steps:schedule:eta` joined by `~`, followed by `:key=value` for a panel option away from its
 * default (`w` its own world, `up` the upscale mode, and each sampler option under the URL key its sampler declares:
 * `sv` σ_var, `base` AMED's base, `afs` 0/1), e.g.
 * `reflow:1:linear_t:0:w=gmm%3Aring8%3A2rf`. Image worlds add their options away from their defaults, under the URL
 * keys their modules declare (../guidance/wrappers.ts): the shared ones as `&class=7&cfg=2&size=56&ugw=1.2`, a
 * panel's own after its other options (`:skip=0.8`). Every other field is always written, so a link keeps its
 * meaning if those defaults change.
 * Reading never throws: the text becomes a plain object that sanitizeState validates field by field.
 */
import { PANEL_DEFAULTS, type PanelState, type SandboxState } from './params';
import { decodeMixture, encodeMixture } from './mixture-text';
import { numberOrText } from './number-text';
import { STORED_OPTIONS } from './panel-options';
import { formatUrlValue, parseOptionText, type OptionSpec } from '../sampling/option-spec';
import { PANEL_IMAGE_OPTIONS, SHARED_IMAGE_OPTIONS } from '../guidance/wrapper-options';
import type { ImageOption } from '../worlds/image-option';
import { heldValue } from './image-values';
import {
  describeNames,
  describeValue,
  sanitizeState,
  type KnownSampler,
  type KnownWorld,
  type SanitizedState,
} from './validate-state';

/** A 1024-component mixture takes about 60 000 characters; anything much longer is not ours. */
export const MAX_HASH_CHARS = 200_000;

interface HashProperty {
  key: string;
  field: keyof SandboxState;
  /** The value as hash text, or undefined to leave the key out. */
  write(state: SandboxState): string | undefined;
  /** A raw value for sanitizeState; throws URIError on a bad percent escape. */
  read(text: string): unknown;
}

const PANEL_SEPARATOR = '~';
const PANEL_FIELD_SEPARATOR = ':';

/** Percent-encodes, but leaves `:` readable where it is not a separator (world ids like `gmm:ring8`). */
const encodeText = (text: string) => encodeURIComponent(text).replace(/%3A/gi, ':');
/** Inside a panel both separators must be escaped; encodeURIComponent leaves `~` as it is. */
const encodePanelPart = (text: string) => encodeURIComponent(text).replace(/~/g, '%7E');
const number = (field: keyof SandboxState, key: string): HashProperty => ({
  key,
  field,
  write: (s) => String(s[field]),
  read: (t) => numberOrText(decodeURIComponent(t)),
});
const flag = (field: keyof SandboxState, key: string): HashProperty => ({
  key,
  field,
  write: (s) => (s[field] ? '1' : '0'),
  read: (t) => (t === '1' ? true : t === '0' ? false : decodeURIComponent(t)),
});

interface PanelOption {
  key: string;
  field: string;
  /** The default, which is never written. */
  default?: unknown;
  write: (value: NonNullable<PanelState[string]>) => string;
  read: (t: string) => unknown;
}

/** A declared option a panel holds, under its URL key. */
const declaredPanelOption = (spec: OptionSpec): PanelOption => ({
  key: spec.url!,
  field: spec.key,
  default: spec.default,
  write: (v) => formatUrlValue(spec, v),
  read: (t) => parseOptionText(spec, t),
});

/** Panel options after the four positional parts: short key, field, and how the value reads back. The sampler
 *  options and a panel's own image options come from their declarations. */
const PANEL_OPTIONS: readonly PanelOption[] = [
  { key: 'w', field: 'world', write: String, read: (t) => t },
  ...STORED_OPTIONS.filter((spec) => spec.url !== undefined).map(declaredPanelOption),
  { key: 'up', field: 'upscale', default: PANEL_DEFAULTS.upscale, write: String, read: (t) => t },
  ...PANEL_IMAGE_OPTIONS.map((o) => declaredPanelOption(o.spec)),
];

function writePanelOptions(panel: PanelState): string[] {
  return PANEL_OPTIONS.flatMap(({ key, field, default: fallback, write }) => {
    const value = panel[field];
    if (value === undefined || value === fallback) return [];
    return [`${key}=${encodePanelPart(write(value))}`];
  });
}

function writePanels(state: SandboxState): string {
  return state.panels
    .map((p) =>
      [...[p.sampler, String(p.steps), p.schedule, String(p.eta)].map(encodePanelPart), ...writePanelOptions(p)].join(
        PANEL_FIELD_SEPARATOR,
      ),
    )
    .join(PANEL_SEPARATOR);
}

/** Each panel as an object; one without the four positional parts, or with an option that is not `key=value`,
 *  stays text, so its notice quotes it. An unknown option key is kept under its name, for a notice. */
function readPanels(text: string): unknown[] {
  return text.split(PANEL_SEPARATOR).map((panel) => {
    const parts = panel.split(PANEL_FIELD_SEPARATOR);
    if (parts.length < 4 || parts.slice(4).some((part) => !part.includes('='))) return decodeURIComponent(panel);
    const [sampler, steps, schedule, eta] = parts.slice(0, 4).map((part) => decodeURIComponent(part));
    // No prototype: an option named __proto__ is then an ordinary (unknown) key.
    const read: Record<string, unknown> = Object.assign(Object.create(null), {
      sampler,
      steps: numberOrText(steps),
      schedule,
      eta: numberOrText(eta),
    });
    for (const part of parts.slice(4)) {
      const eq = part.indexOf('=');
      const key = decodeURIComponent(part.slice(0, eq));
      const value = decodeURIComponent(part.slice(eq + 1));
      const option = PANEL_OPTIONS.find((o) => o.key === key);
      read[option ? option.field : key] = option ? option.read(value) : value;
    }
    return read;
  });
}

/** A shared image option (../guidance/wrappers.ts) under the URL key it declares, written only when the state holds
 *  it: a valid state holds it only away from its default on the state's world (a world may start elsewhere, e.g.
 *  its own CFG scale), so a held value is always worth writing. Its text reads back as the declaration's type (a
 *  number, a switch, else text), which sanitizeState then checks against the world. */
const imageSetting = (option: ImageOption): HashProperty => ({
  key: option.spec.url!,
  field: option.spec.key as keyof SandboxState,
  write: (s) => {
    const value = heldValue(s, 0, option);
    return value === undefined ? undefined : encodeText(formatUrlValue(option.spec, value));
  },
  read: (t) => parseOptionText(option.spec, decodeURIComponent(t)),
});

const PROPERTIES: readonly HashProperty[] = [
  { key: 'world', field: 'world', write: (s) => encodeText(s.world), read: (t) => decodeURIComponent(t) },
  number('seed', 'seed'),
  number('count', 'count'),
  { key: 'p', field: 'panels', write: writePanels, read: readPanels },
  flag('equalNfe', 'equal'),
  number('nfe', 'nfe'),
  number('sigmaMax', 'smax'),
  number('sigmaMin', 'smin'),
  number('rho', 'rho'),
  flag('showTrajectories', 'traj'),
  {
    key: 'mix',
    field: 'custom',
    write: (s) => (s.custom ? encodeMixture(s.custom) : undefined),
    read: (t) => decodeMixture(decodeURIComponent(t)),
  },
  ...SHARED_IMAGE_OPTIONS.map(imageSetting),
];

export function stateToHash(state: SandboxState): string {
  const pairs = PROPERTIES.flatMap((p) => {
    const value = p.write(state);
    return value === undefined ? [] : [`${p.key}=${value}`];
  });
  return `#${pairs.join('&')}`;
}

/** The fields a hash names, as raw values for sanitizeState (a key without a value, with a bad %-escape or unknown
 *  is left out, with a notice). */
export function hashToRaw(hash: string, notices: string[]): Record<string, unknown> {
  const raw: Record<string, unknown> = Object.create(null);
  const unknown: string[] = [];
  for (const pair of hash.replace(/^#/, '').split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    const property = PROPERTIES.find((p) => p.key === key);
    if (!property) {
      unknown.push(key);
      continue;
    }
    if (eq < 0) {
      notices.push(`URL: "${property.key}" has no value; ignored`);
      continue;
    }
    try {
      raw[property.field] = property.read(pair.slice(eq + 1));
    } catch {
      notices.push(`URL: "${property.key}" has a malformed %-escape; ignored`);
    }
  }
  if (unknown.length > 0)
    notices.push(`URL: ignored unknown key${unknown.length > 1 ? 's' : ''} ${describeNames(unknown)}`);
  return raw;
}

/** The state a hash describes (with or without the leading `#`); garbage gives the defaults and notices. */
export function stateFromHash(
  hash: string,
  worlds: readonly KnownWorld[],
  samplers: readonly KnownSampler[],
): SanitizedState {
  const notices: string[] = [];
  if (typeof hash !== 'string')
    notices.push(`URL: the hash must be text, got ${describeValue(hash)}; using the defaults`);
  else if (hash.length > MAX_HASH_CHARS)
    notices.push(`URL: the hash is ${hash.length} characters, at most ${MAX_HASH_CHARS} allowed; using the defaults`);
  const raw = notices.length === 0 ? hashToRaw(hash, notices) : {};
  const result = sanitizeState(raw, worlds, samplers);
  return { state: result.state, notices: [...notices, ...result.notices] };
}
