/** Pixels of what the page drew, read back through a screenshot of the element (what the user sees). */
import { decode } from 'fast-png';
import type { ElementHandle } from 'puppeteer-core';

export interface Pixels {
  width: number;
  height: number;
  /** RGBA. */
  data: Uint8Array;
}

export async function elementPixels(element: ElementHandle): Promise<Pixels> {
  const png = decode(await element.screenshot({ type: 'png' }));
  const channels = png.channels;
  const data = new Uint8Array(png.width * png.height * 4);
  for (let i = 0; i < png.width * png.height; i++) {
    for (let c = 0; c < 3; c++) data[4 * i + c] = Number(png.data[channels * i + c]);
    data[4 * i + 3] = channels === 4 ? Number(png.data[4 * i + 3]) : 255;
  }
  return { width: png.width, height: png.height, data };
}

/** Distinct RGB colours: a blank or single-colour canvas has one or two. */
export function distinctColors(p: Pixels): number {
  const seen = new Set<number>();
  for (let i = 0; i < p.data.length; i += 4) seen.add((p.data[i] << 16) | (p.data[i + 1] << 8) | p.data[i + 2]);
  return seen.size;
}

/** Pixels whose colour is the samples' orange (red high, blue low), i.e. where dots were drawn. */
export function orangePixels(p: Pixels): number {
  let n = 0;
  for (let i = 0; i < p.data.length; i += 4)
    if (p.data[i] > 180 && p.data[i + 2] < 110 && p.data[i] - p.data[i + 1] > 60) n++;
  return n;
}

export function differingPixels(a: Pixels, b: Pixels): number {
  if (a.width !== b.width || a.height !== b.height)
    throw new Error(`sizes differ: ${a.width}×${a.height} vs ${b.width}×${b.height}`);
  let n = 0;
  for (let i = 0; i < a.data.length; i += 4)
    if (
      Math.abs(a.data[i] - b.data[i]) +
        Math.abs(a.data[i + 1] - b.data[i + 1]) +
        Math.abs(a.data[i + 2] - b.data[i + 2]) >
      24
    )
      n++;
  return n;
}
