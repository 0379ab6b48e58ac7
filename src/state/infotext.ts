/**
 * One panel's settings as an AUTOMATIC1111-style infotext line (issue "page" §8), e.g.
 *
 *   Steps: 10, Sampler: Euler, Schedule type: Karras, Seed: 42, World: gmm:ring8, NFE: 10, Count: 2048
 *
 * `Key: value` pairs joined by ", "; a value holding a comma or a quote is written as a JSON string, as A1111 does.
 * Samplers and schedules appear under their labels (ids are accepted too when reading). The stochastic samplers add
 * `Eta`; non-default σ settings, an equal-NFE budget, a drawn mixture and grid axes appear only when they apply.
 */
import { samplerById, SAMPLERS } from '../sampling/samplers';
import { DEFAULT_SCHEDULE_OPTIONS, scheduleById, SCHEDULES } from '../sampling/schedules';
import { decodeMixture, encodeMixture } from './mixture-text';
import { numberOrText } from './number-text';
import { defaultState, type SandboxState } from './params';
import { CUSTOM_WORLD, describeNames, describeValue, sanitizeState, type KnownSampler, type KnownWorld, type SanitizedState } from './validate-state';

/** A 1024-component mixture takes about 60 000 characters; anything much longer is not ours. */
export const MAX_INFOTEXT_CHARS = 200_000;

export interface InfotextExtra {
  /** Evaluations the panel's run used. */
  nfe?: number;
  /** A description of the X/Y grid the image belongs to. */
  gridAxes?: string;
}

function quoteIfNeeded(value: string): string {
  return /[,"\n\r]|^\s|\s$/.test(value) ? JSON.stringify(value) : value;
}

export function toInfotext(state: SandboxState, panelIndex: number, extra: InfotextExtra = {}): string {
  const panel = state.panels[panelIndex];
  if (!Number.isInteger(panelIndex) || !panel) throw new RangeError(`panelIndex: must be an integer in 0–${state.panels.length - 1}, got ${panelIndex}`);
  const sampler = samplerById(panel.sampler);
  const entries: Array<[string, string | number]> = [
    ['Steps', panel.steps],
    ['Sampler', sampler?.label ?? panel.sampler],
    ['Schedule type', scheduleById(panel.schedule)?.label ?? panel.schedule],
    ['Seed', state.seed],
    ['World', state.world],
  ];
  if (extra.nfe !== undefined) entries.push(['NFE', extra.nfe]);
  if (sampler?.stochastic) entries.push(['Eta', panel.eta]);
  entries.push(['Count', state.count]);
  if (state.equalNfe) entries.push(['NFE budget', state.nfe]);
  if (state.sigmaMax !== DEFAULT_SCHEDULE_OPTIONS.sigmaMax) entries.push(['Sigma max', state.sigmaMax]);
  if (state.sigmaMin !== DEFAULT_SCHEDULE_OPTIONS.sigmaMin) entries.push(['Sigma min', state.sigmaMin]);
  if (state.rho !== DEFAULT_SCHEDULE_OPTIONS.rho) entries.push(['Rho', state.rho]);
  if (state.world === CUSTOM_WORLD && state.custom) entries.push(['Mixture', encodeMixture(state.custom)]);
  if (extra.gridAxes !== undefined) entries.push(['Grid', extra.gridAxes]);
  return entries.map(([key, value]) => `${key}: ${quoteIfNeeded(String(value))}`).join(', ');
}

/** The id whose id or label a value names (case-insensitive), or the value itself for validation to reject. */
function idFromLabel(value: string, known: ReadonlyArray<{ id: string; label?: string }>): string {
  const v = value.trim().toLowerCase();
  return known.find((k) => k.id.toLowerCase() === v || k.label?.toLowerCase() === v)?.id ?? value;
}

interface RawInfo {
  state: Record<string, unknown>;
  panel: Record<string, unknown>;
}

/** What each key sets; keys are matched case-insensitively. NFE and Grid describe the image, not settings. */
function readers(samplers: readonly KnownSampler[]): Map<string, (value: string, raw: RawInfo) => void> {
  const samplerNames = [...SAMPLERS, ...samplers];
  return new Map<string, (value: string, raw: RawInfo) => void>([
    ['steps', (v, r) => (r.panel.steps = numberOrText(v))],
    ['sampler', (v, r) => (r.panel.sampler = idFromLabel(v, samplerNames))],
    ['schedule type', (v, r) => (r.panel.schedule = idFromLabel(v, SCHEDULES))],
    ['eta', (v, r) => (r.panel.eta = numberOrText(v))],
    ['seed', (v, r) => (r.state.seed = numberOrText(v))],
    ['world', (v, r) => (r.state.world = v)],
    ['count', (v, r) => (r.state.count = numberOrText(v))],
    ['nfe budget', (v, r) => ((r.state.equalNfe = true), (r.state.nfe = numberOrText(v)))],
    ['sigma max', (v, r) => (r.state.sigmaMax = numberOrText(v))],
    ['sigma min', (v, r) => (r.state.sigmaMin = numberOrText(v))],
    ['rho', (v, r) => (r.state.rho = numberOrText(v))],
    ['mixture', (v, r) => (r.state.custom = decodeMixture(v))],
    ['nfe', () => {}],
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
      if (line.slice(i).trim() !== '') notices.push(`infotext: ignored ${describeValue(line.slice(i).trim())} (not "Key: value")`);
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
export function fromInfotext(text: string, worlds: readonly KnownWorld[], samplers: readonly KnownSampler[]): SanitizedState {
  const notices: string[] = [];
  const raw: RawInfo = { state: Object.create(null), panel: Object.create(null) };
  if (typeof text !== 'string') notices.push(`infotext: must be text, got ${describeValue(text)}; using the defaults`);
  else if (text.length > MAX_INFOTEXT_CHARS) notices.push(`infotext: ${text.length} characters, at most ${MAX_INFOTEXT_CHARS} allowed; using the defaults`);
  else {
    // A1111 puts prompts on the lines above; the settings are the last line.
    const line = text.split(/\r?\n/).filter((l) => l.trim() !== '').pop() ?? '';
    const read = readers(samplers);
    const unknown: string[] = [];
    for (const [key, value] of parsePairs(line, notices)) {
      const reader = read.get(key.toLowerCase());
      if (reader) reader(value, raw);
      else unknown.push(key);
    }
    if (unknown.length > 0) notices.push(`infotext: ignored unknown key${unknown.length > 1 ? 's' : ''} ${describeNames(unknown)}`);
  }
  const result = sanitizeState({ ...raw.state, panels: [raw.panel, ...defaultState().panels.slice(1)] }, worlds, samplers);
  return { state: result.state, notices: [...notices, ...result.notices] };
}
