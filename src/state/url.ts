/**
 * The page state in the URL hash, through one typed property table (as tensorflow/playground does), so a link
 * reproduces the view (issue "page" §8). Example:
 *
 *   #world=gmm:ring8&seed=42&count=2048&p=euler:10:karras:0~heun:5:karras:0~sde:10:karras:1&equal=0&nfe=10
 *    &smax=80&smin=0.002&rho=7&traj=0[&mix=x,y,std,weight;…]
 *
 * Panels are `sampler:steps:schedule:eta` joined by `~`. Every field is written, so a link keeps its meaning if the
 * defaults change. Reading never throws: the text becomes a plain object that sanitizeState validates field by field.
 */
import type { SandboxState } from './params';
import { decodeMixture, encodeMixture } from './mixture-text';
import { numberOrText } from './number-text';
import { describeNames, describeValue, sanitizeState, type KnownSampler, type KnownWorld, type SanitizedState } from './validate-state';

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

function writePanels(state: SandboxState): string {
  return state.panels.map((p) => [p.sampler, String(p.steps), p.schedule, String(p.eta)].map(encodePanelPart).join(PANEL_FIELD_SEPARATOR)).join(PANEL_SEPARATOR);
}

/** Each panel as an object; one that does not have four parts stays text, so its notice quotes it. */
function readPanels(text: string): unknown[] {
  return text.split(PANEL_SEPARATOR).map((panel) => {
    const parts = panel.split(PANEL_FIELD_SEPARATOR).map((part) => decodeURIComponent(part));
    if (parts.length !== 4) return decodeURIComponent(panel);
    const [sampler, steps, schedule, eta] = parts;
    return { sampler, steps: numberOrText(steps), schedule, eta: numberOrText(eta) };
  });
}

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
  { key: 'mix', field: 'custom', write: (s) => (s.custom ? encodeMixture(s.custom) : undefined), read: (t) => decodeMixture(decodeURIComponent(t)) },
];

export function stateToHash(state: SandboxState): string {
  const pairs = PROPERTIES.flatMap((p) => {
    const value = p.write(state);
    return value === undefined ? [] : [`${p.key}=${value}`];
  });
  return `#${pairs.join('&')}`;
}

function hashToRaw(hash: string, notices: string[]): Record<string, unknown> {
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
  if (unknown.length > 0) notices.push(`URL: ignored unknown key${unknown.length > 1 ? 's' : ''} ${describeNames(unknown)}`);
  return raw;
}

/** The state a hash describes (with or without the leading `#`); garbage gives the defaults and notices. */
export function stateFromHash(hash: string, worlds: readonly KnownWorld[], samplers: readonly KnownSampler[]): SanitizedState {
  const notices: string[] = [];
  if (typeof hash !== 'string') notices.push(`URL: the hash must be text, got ${describeValue(hash)}; using the defaults`);
  else if (hash.length > MAX_HASH_CHARS) notices.push(`URL: the hash is ${hash.length} characters, at most ${MAX_HASH_CHARS} allowed; using the defaults`);
  const raw = notices.length === 0 ? hashToRaw(hash, notices) : {};
  const result = sanitizeState(raw, worlds, samplers);
  return { state: result.state, notices: [...notices, ...result.notices] };
}
