/** The labelled X/Y grid in Chromium (it draws text with OffscreenCanvas), then exported and re-read as a PNG. */
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import type { ComposedGrid } from '../../src/export/grid';
import { decodePngState, encodePng } from '../../src/export/png';
import { gridAxesText } from '../../src/state/axis';
import { toInfotext } from '../../src/state/infotext';
import { defaultState } from '../../src/state/params';
import { SAMPLER_LIST, WORLDS } from '../unit/state-random-state';
import { useHarnessPage } from './gpu-session';

const holder = useHarnessPage();

const CELL = { width: 48, height: 32 };
/** A distinct opaque colour per cell, so a misplaced cell cannot go unnoticed. */
const colour = (r: number, c: number) => [40 + 60 * c, 200 - 80 * r, 30 + 50 * r + 20 * c, 255];

describe('composeGrid in the browser', () => {
  it('puts every cell where the layout says, draws every label, and leaves the rest white', async () => {
    const xLabels = ['Steps: 5', 'Steps: 10', 'Steps: 20'];
    const yLabels = ['Sampler: Euler', 'Sampler: η-SDE (Euler–Maruyama)'];
    const grid = (await holder.session.page.evaluate(
      (cell, xLabels, yLabels, colours) => {
        const cells = colours.map((row) =>
          row.map((rgba) => ({
            ...cell,
            data: Uint8ClampedArray.from({ length: cell.width * cell.height * 4 }, (_, i) => rgba[i % 4]),
          })),
        );
        const g = (window as any).harness.composeGrid(cells, xLabels, yLabels, 'X/Y grid: steps × sampler');
        return { ...g, data: Array.from(g.data as Uint8ClampedArray) };
      },
      CELL,
      xLabels,
      yLabels,
      yLabels.map((_, r) => xLabels.map((_, c) => colour(r, c))),
    )) as Omit<ComposedGrid, 'data'> & { data: number[] };

    const { width, height, layout, data } = grid;
    expect([width, height]).toEqual([layout.width, layout.height]);
    expect(data).toHaveLength(width * height * 4);
    const pixel = (x: number, y: number) => data.slice(4 * (y * width + x), 4 * (y * width + x) + 4);

    // Cells: every pixel exactly its colour (putImageData copies opaque pixels verbatim).
    const inCell = (x: number, y: number) =>
      layout.cellLeft.some((l) => x >= l && x < l + CELL.width) &&
      layout.cellTop.some((t) => y >= t && y < t + CELL.height);
    layout.cellTop.forEach((top, r) =>
      layout.cellLeft.forEach((left, c) => {
        for (let y = top; y < top + CELL.height; y++)
          for (let x = left; x < left + CELL.width; x++)
            expect(pixel(x, y), `cell ${r},${c} at ${x},${y}`).toEqual(colour(r, c));
      }),
    );

    // Labels: each text box holds dark ink; nothing outside the cells and the text boxes (2 px of slack for glyph
    // overhang) is anything but white.
    const blocks = [layout.title!, ...layout.xLabels, ...layout.yLabels];
    const inBlock = (x: number, y: number, b: (typeof blocks)[number]) =>
      x >= b.x - 2 && x < b.x + b.width + 2 && y >= b.y - 2 && y < b.y + b.lines.length * layout.lineHeight + 2;
    for (const b of blocks) {
      let ink = 0;
      for (let y = Math.max(0, b.y); y < Math.min(height, b.y + b.lines.length * layout.lineHeight); y++) {
        for (let x = Math.max(0, b.x); x < Math.min(width, b.x + b.width); x++) if (pixel(x, y)[0] < 128) ink++;
      }
      expect(ink, `label "${b.lines.join(' ')}"`).toBeGreaterThan(10 * b.lines.join('').length);
    }
    let stray = 0;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (inCell(x, y) || blocks.some((b) => inBlock(x, y, b))) continue;
        if (pixel(x, y).join() !== '255,255,255,255') stray++;
      }
    }
    expect(stray).toBe(0);
    expect(layout.yLabels[1].lines.length).toBeGreaterThan(1);

    // The grid exports as one PNG that restores the state it was made from.
    const state = defaultState();
    const parameters = toInfotext(state, 0, {
      gridAxes: gridAxesText({ param: 'steps', values: [5, 10, 20] }, { param: 'sampler', values: ['euler', 'sde'] }),
    });
    const png = encodePng({ width, height, data: Uint8ClampedArray.from(data) }, state, parameters);
    expect(Array.from(decode(png).data)).toEqual(data);
    expect(decodePngState(png, WORLDS, SAMPLER_LIST)).toEqual({ state, notices: [], source: 'sandbox-state' });
  });

  it('refuses cells of different sizes or counts, naming the cell', async () => {
    const errors = await holder.session.page.evaluate(() => {
      const h = (window as any).harness;
      const cell = (w: number, hgt: number) => ({ width: w, height: hgt, data: new Uint8ClampedArray(w * hgt * 4) });
      const attempt = (f: () => unknown) => {
        try {
          f();
          return 'no error';
        } catch (e) {
          return (e as Error).message;
        }
      };
      return [
        attempt(() => h.composeGrid([[cell(4, 4), cell(4, 5)]], ['a', 'b'], ['r'])),
        attempt(() => h.composeGrid([[cell(4, 4)]], ['a', 'b'], ['r'])),
        attempt(() => h.composeGrid([[cell(4, 4)]], ['a'], ['r', 's'])),
        attempt(() => h.composeGrid([[{ width: 2, height: 2, data: new Uint8ClampedArray(3) }]], ['a'], ['r'])),
        attempt(() => h.composeGrid([[cell(20000, 1)]], ['a'], ['r'])),
      ];
    });
    expect(errors).toEqual([
      'cells[0][1]: all cells must be 4 × 4, got 4 × 5',
      'cells[0]: need one cell per X label (2), got 1',
      'cells: need one row per Y label (2), got 1 rows',
      'cells[0][0].data: must hold 16 RGBA bytes, got 3',
      expect.stringMatching(/^grid: \d+ × \d+ pixels, at most 16384 a side$/),
    ]);
  });
});
