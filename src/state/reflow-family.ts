/**
 * Reflowed worlds and their names. The engine names the k-rectified flow of a world after it: reflowing `gmm:ring8`
 * gives `gmm:ring8:2rf`, reflowing that gives `gmm:ring8:3rf` (src/api/reflow.ts); an image world reflowed offline
 * ships as `<family>-2rf` (its manifest names the family; tools/train/world_index.py). A world, its base (the 1-RF, the exact flow of the independent
 * coupling; Liu et al. 2023, §2.3) and its reflows form a family, which panels may mix to compare 1-RF with 2-RF.
 *
 * A live reflow is deterministic (fixed pairs, teacher and seed), so a link may name a 2D reflow level the page has
 * not made yet: the page makes it again, up to MAX_REFLOW_LEVEL.
 */

export interface FamilyWorld {
  id: string;
  kind?: '2d' | 'image';
  /** Image worlds declare their family and level in their manifest (the world index repeats it). */
  image?: { reflow?: { family: string; level: number } };
}

/** 4-RF: the paths are already straight after one reflow on the 2D presets (bench/results), more is only cost. */
export const MAX_REFLOW_LEVEL = 4;

const LIVE_SUFFIX = /:(\d+)rf$/;
const SHIPPED_SUFFIX = /-(\d+)rf$/;

/** The base world and the reflow level of an id: `gmm:ring8:3rf` → { base: 'gmm:ring8', level: 3 }; a plain id
 *  is level 1. */
export function reflowLevel(id: string): { base: string; level: number } {
  const m = LIVE_SUFFIX.exec(id) ?? SHIPPED_SUFFIX.exec(id);
  return m ? { base: id.slice(0, m.index), level: Number(m[1]) } : { base: id, level: 1 };
}

/** The id of a 2D world's live reflow at `level` (level 1 is the base itself). */
export function liveReflowId(base: string, level: number): string {
  return level === 1 ? base : `${base}:${level}rf`;
}

export function isReflowed(id: string): boolean {
  return reflowLevel(id).level > 1;
}

/** A live reflow level of a known 2D base world that the page can make (again): `gmm:moons:2rf` … `:4rf`. */
export function isRecreatableReflow(id: unknown, worlds: readonly FamilyWorld[]): id is string {
  if (typeof id !== 'string') return false;
  const m = LIVE_SUFFIX.exec(id);
  if (!m) return false;
  const level = Number(m[1]);
  const base = worlds.find((w) => w.id === id.slice(0, m.index));
  return (
    level >= 2 &&
    level <= MAX_REFLOW_LEVEL &&
    String(level) === m[1] &&
    !!base &&
    (base.kind ?? '2d') === '2d' &&
    !isReflowed(base.id)
  );
}

/**
 * The family of a world among the known ones, by level: the base, then its reflows (live or shipped). `extra` ids
 * (levels a state names but the page has not made yet) are included.
 */
export function reflowFamily(worldId: string, worlds: readonly FamilyWorld[], extra: readonly string[] = []): string[] {
  const declared = worlds.find((w) => w.id === worldId)?.image?.reflow;
  if (declared) {
    const members = worlds.filter((w) => w.image?.reflow?.family === declared.family);
    return members.sort((a, b) => a.image!.reflow!.level - b.image!.reflow!.level).map((w) => w.id);
  }
  const { base } = reflowLevel(worldId);
  const ids = new Set([...worlds.map((w) => w.id), ...extra].filter((id) => reflowLevel(id).base === base));
  return [...ids].sort((a, b) => reflowLevel(a).level - reflowLevel(b).level);
}

/** "1-RF", "2-RF", …: how panels and pickers name a family member. */
export function reflowLabel(id: string): string {
  return `${reflowLevel(id).level}-RF`;
}
