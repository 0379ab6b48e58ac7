/**
 * The index of image worlds (public/models/index.json, written by tools/train/world_index.py from each model's
 * manifest): what the picker lists before any weights download, and the folder each world's model lives in. Entries
 * are checked here; a model's own manifest is checked against its entry when its weights load (image-world.ts).
 */
import { IMAGE_CHANNELS } from './unet/manifest';

export interface WorldIndexEntry {
  id: string;
  /** The model folder (manifest.json + weights.bin), relative to the index. */
  folder: string;
  label: string;
  description: string;
  channels: number;
  /** The native side, and the largest side a run may ask for (a multiple of it). */
  size: number;
  max_size: number;
  classes: string[];
  null_class: number;
  /** A classifier's model folder, or null. */
  classifier: string | null;
  amed_predictors: { folder: string; nfe: number[] } | null;
  reflow: { family: string; level: number };
  /** The classifier-free guidance scale the page and the API start from on this world (absent: 1). */
  default_cfg?: number;
}

export interface WorldIndex {
  format: 'diffusion-sandbox-worlds';
  version: 1;
  worlds: WorldIndexEntry[];
}

const FOLDER = /^[a-z0-9][a-z0-9._-]*$/;

/** Throws a message naming the first field of the index that this runtime cannot use. */
export function checkWorldIndex(json: unknown, where = 'index.json'): WorldIndex {
  const fail = (field: string, expected: string): never => {
    throw new Error(`${where}: ${field} must be ${expected}`);
  };
  const index = json as WorldIndex;
  if (!index || typeof index !== 'object') fail('the document', 'a JSON object');
  if (index.format !== 'diffusion-sandbox-worlds') fail('format', '"diffusion-sandbox-worlds"');
  if (index.version !== 1) fail('version', '1');
  if (!Array.isArray(index.worlds)) fail('worlds', 'an array');
  const ids = new Set<string>();
  index.worlds.forEach((w, k) => {
    const at = `worlds[${k}]`;
    if (!w || typeof w !== 'object') fail(at, 'an object');
    if (typeof w.id !== 'string' || !FOLDER.test(w.id) || ids.has(w.id)) fail(`${at}.id`, 'a new lower-case id');
    ids.add(w.id);
    const folders = [['folder', w.folder], ...(w.classifier === null ? [] : [['classifier', w.classifier]])];
    for (const [field, folder] of folders) {
      if (typeof folder !== 'string' || !FOLDER.test(folder)) fail(`${at}.${field}`, 'a folder name beside the index');
    }
    if (typeof w.label !== 'string' || typeof w.description !== 'string') fail(`${at}.label, description`, 'strings');
    if (!(IMAGE_CHANNELS as readonly number[]).includes(w.channels)) {
      fail(`${at}.channels`, IMAGE_CHANNELS.join(' or '));
    }
    if (!Number.isInteger(w.size) || w.size < 4 || w.size % 4 !== 0) fail(`${at}.size`, 'a multiple of 4');
    if (!Number.isInteger(w.max_size) || w.max_size < w.size || w.max_size % w.size !== 0) {
      fail(`${at}.max_size`, `a multiple of size ${w.size}`);
    }
    if (!Array.isArray(w.classes) || w.classes.length < 1 || !w.classes.every((c) => typeof c === 'string')) {
      fail(`${at}.classes`, 'a list of names');
    }
    if (!Number.isInteger(w.null_class) || w.null_class < 0) fail(`${at}.null_class`, 'a non-negative integer');
    const p = w.amed_predictors;
    const nfes = p && Array.isArray(p.nfe) && p.nfe.every(Number.isInteger);
    if (p !== null && (typeof p !== 'object' || !FOLDER.test(p.folder) || !nfes)) {
      fail(`${at}.amed_predictors`, 'null or { folder, nfe: [integers] }');
    }
    if (!w.reflow || typeof w.reflow.family !== 'string' || !Number.isInteger(w.reflow.level) || w.reflow.level < 1) {
      fail(`${at}.reflow`, '{ family, level ≥ 1 }');
    }
    const cfg = w.default_cfg;
    // The range is the CFG option's (../guidance/cfg-options.ts), checked where a run uses it.
    if (cfg !== undefined && !(typeof cfg === 'number' && Number.isFinite(cfg) && cfg >= 0)) {
      fail(`${at}.default_cfg`, 'absent or a non-negative number');
    }
  });
  return index;
}

/** Fetches and checks the index at `url` (a folder's index.json). */
export async function loadWorldIndex(url: string): Promise<WorldIndex> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Loading the world index ${url} failed: HTTP ${response.status}`);
  return checkWorldIndex(await response.json(), url);
}
