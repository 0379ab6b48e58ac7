/**
 * A URL hash that changes while the page is open (edited by hand, a link followed within the page, Back) is read
 * against the state the page already has, never against the defaults: what the hash says validly is taken; a
 * value it gets wrong keeps the current one; a field a partial hash leaves out keeps the current one; a current
 * value that does not fit what the hash asks for (the count of a 2D world in an image world) is repaired to the
 * default; what has no place in the state is dropped. Each notice says which of these happened, per field, and a
 * hash that is read without a fault says nothing.
 *
 * A complete hash (every key that stateToHash always writes) still means exactly what it says: the settings it
 * leaves out are at their defaults, as when the link is opened in a new tab.
 */
import { LIMITS, defaultState, type PanelState, type SandboxState } from './params';
import { hashToRaw, MAX_HASH_CHARS, stateToHash } from './url';
import {
  CUSTOM_WORLD,
  describeValue,
  sanitizeState,
  type KnownSampler,
  type KnownWorld,
  type Rejection,
  type SanitizedState,
} from './validate-state';

/** The fields every hash holds; the others (image settings, a drawn mixture) are written only away from their
 *  defaults, so a complete hash without them means the defaults. */
const ALWAYS_WRITTEN: readonly string[] = Object.keys(hashToRaw(stateToHash(defaultState()), []));
const IMAGE_SETTINGS = ['label', 'cfg', 'size', 'ugWeight', 'ugEta'] as const;

const KEEP_ALL = 'kept the current settings';
/** sanitizeState's words for a drawn mixture it could not read (validate-state.ts). */
const MIXTURE_DROPPED = '; the custom mixture was dropped';

type Raw = Record<string, unknown>;

export function stateFromHashChange(
  hash: string,
  current: SandboxState,
  worlds: readonly KnownWorld[],
  samplers: readonly KnownSampler[],
): SanitizedState {
  if (hash.length > MAX_HASH_CHARS)
    return {
      state: current,
      notices: [`URL: the hash is ${hash.length} characters, at most ${MAX_HASH_CHARS} allowed; ${KEEP_ALL}`],
    };
  const notices: string[] = [];
  const raw = hashToRaw(hash, notices);
  if (Object.keys(raw).length === 0)
    return {
      state: current,
      notices: notices.length > 0 ? [...notices, `URL: no setting could be read; ${KEEP_ALL}`] : [],
    };

  const base = structuredClone(current);
  const merged = mergeOverCurrent(raw, base, notices);
  let first = sanitizeState(merged, worlds, samplers);
  // The drawn mixture first (the world is checked against it), then the world (the panels' own worlds and the
  // count are checked against that). A mixture the hash gives that cannot be read leaves the one drawn on the page.
  const unreadMixture = first.notices.find((n) => n.endsWith(MIXTURE_DROPPED));
  if ('custom' in raw && unreadMixture !== undefined && base.custom !== undefined) {
    notices.push(`${unreadMixture.slice(0, -MIXTURE_DROPPED.length)}; kept the current mixture`);
    merged.custom = base.custom;
    first = sanitizeState(merged, worlds, samplers);
  }
  const world = first.rejections?.find((r) => r.field === 'world');
  if (world) {
    restore(merged, base, 'world');
    first = sanitizeState(merged, worlds, samplers);
  }
  const refused = [...(world ? [world] : []), ...(first.rejections ?? [])];
  for (const { field } of refused) restore(merged, base, field);
  const dropped = dropUnreadablePanels(merged, base, refused);
  const second = sanitizeState(merged, worlds, samplers);

  const refusedNotices = new Set(refused.map((r) => r.notice));
  const repaired = new Map((second.rejections ?? []).map((r) => [r.field, r]));
  notices.push(...first.notices.filter((notice) => !refusedNotices.has(notice)));
  for (const rejection of refused) {
    notices.push(outcome(rejection, raw, second.state, repaired.has(rejection.field), dropped.has(rejection.field)));
    repaired.delete(rejection.field);
  }
  // Values refused only once others were kept (a panel's own world outside a kept world's family).
  for (const rejection of repaired.values()) notices.push(outcome(rejection, raw, second.state, true));
  return { state: second.state, notices };
}

/** The hash's fields over the current state: the always-written fields it leaves out (or could not read) keep
 *  their current values; in a partial hash on the same world, so do the image settings and the drawn mixture. */
function mergeOverCurrent(raw: Raw, base: SandboxState, notices: string[]): Raw {
  const current = base as unknown as Raw;
  const merged: Raw = { ...raw };
  for (const field of ALWAYS_WRITTEN) if (!(field in raw)) merged[field] = current[field];
  const partial = ALWAYS_WRITTEN.some((field) => !(field in raw));
  if (partial && merged.world === base.world)
    for (const field of IMAGE_SETTINGS)
      if (!(field in raw) && current[field] !== undefined) merged[field] = current[field];
  if (merged.world === CUSTOM_WORLD && !('custom' in raw)) merged.custom = base.custom;
  const [min] = LIMITS.panels;
  const given = raw.panels;
  if (Array.isArray(given) && given.length < min) {
    const added = base.panels.slice(given.length, min);
    merged.panels = [...given, ...added];
    const numbers = added.map((_, k) => given.length + k + 1).join(', ');
    notices.push(`panels: at least ${min} panels needed, got ${given.length}; kept the current panel ${numbers}`);
  }
  return merged;
}

/** Puts the current value back at a refused path (`seed`, `panels[1]`, `panels[1].steps`), or takes the value
 *  out where the current state has none there (the default then applies). */
function restore(merged: Raw, base: SandboxState, path: string): void {
  const panel = /^panels\[(\d+)\](?:\.(.+))?$/.exec(path);
  if (!panel) {
    const value = (base as unknown as Raw)[path];
    if (value === undefined) delete merged[path];
    else merged[path] = value;
    if (path === 'world' && base.world === CUSTOM_WORLD) merged.custom = base.custom;
    return;
  }
  const index = Number(panel[1]);
  const panels = merged.panels as unknown[];
  const kept: PanelState | undefined = base.panels[index];
  if (!kept) return;
  if (panel[2] === undefined) {
    panels[index] = kept;
    return;
  }
  const target = panels[index] as Raw;
  const value = kept[panel[2]];
  if (value === undefined) delete target[panel[2]];
  else target[panel[2]] = value;
}

/** Unreadable panels at the end, past the current ones, are dropped rather than made up while enough remain;
 *  returns their paths. */
function dropUnreadablePanels(merged: Raw, base: SandboxState, refused: readonly Rejection[]): Set<string> {
  const dropped = new Set<string>();
  const panels = merged.panels;
  if (!Array.isArray(panels)) return dropped;
  const unreadable = new Set(refused.map((r) => r.field));
  let end = Math.min(panels.length, LIMITS.panels[1]);
  while (end > Math.max(LIMITS.panels[0], base.panels.length) && unreadable.has(`panels[${end - 1}]`))
    dropped.add(`panels[${--end}]`);
  if (dropped.size > 0) merged.panels = panels.slice(0, end);
  return dropped;
}

/** A refused value's notice: kept (the current value stands) or repaired (the default stands, since the current
 *  value does not fit either). */
function outcome(rejection: Rejection, raw: Raw, state: SandboxState, repaired: boolean, dropped = false): string {
  const { field, rule, value } = rejection;
  const panel = /^panels\[(\d+)\](?:\.(.+))?$/.exec(field);
  let now: string;
  if (panel && panel[2] === undefined && dropped) return `${field}: ${rule}, got ${describeValue(value)}; dropped`;
  if (panel && panel[2] === undefined)
    now = repaired ? 'the default panel' : `the current panel ${Number(panel[1]) + 1}`;
  else {
    const at = panel ? state.panels[Number(panel[1])]?.[panel[2]] : (state as unknown as Raw)[field];
    now = at !== undefined ? describeValue(at) : field.endsWith('.world') ? 'the shared world' : 'the default';
  }
  if (!repaired) return `${field}: ${rule}, got ${describeValue(value)}; kept ${now}`;
  return field.replace(/[.[].*$/, '') in raw
    ? `${field}: ${rule}, got ${describeValue(value)}; repaired to ${now}`
    : `${field}: the current ${describeValue(value)} does not fit (${rule}); repaired to ${now}`;
}
