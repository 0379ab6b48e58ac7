/** The shipped world index (public/models/index.json) as the registry reads it, in Node: the image worlds the page
 *  lists, without fetching anything. */
import { readFileSync } from 'node:fs';
import type { ImageWorldSource } from '../../src/worlds/registry';
import { checkWorldIndex } from '../../src/worlds/world-index';

export function shippedWorlds(path = 'public/models/index.json'): ImageWorldSource {
  const index = checkWorldIndex(JSON.parse(readFileSync(path, 'utf8')), path);
  return { index, url: `http://127.0.0.1/${path.replace(/^public\//, '')}` };
}
