import { describe, expect, it } from 'vitest';
import { composeGrid } from '../../src/export/grid';
import { layoutGrid, wrapText, type TextBlock } from '../../src/export/grid-layout';

/** A monospace stand-in for canvas measureText: 6 px per character. */
const measure = (t: string) => 6 * t.length;
const bottom = (b: TextBlock, lineHeight: number) => b.y + b.lines.length * lineHeight;

describe('grid layout', () => {
  it('wraps greedily at spaces; an over-long word keeps a line of its own', () => {
    expect(wrapText('Sampler: η-SDE (Euler–Maruyama)', 60, measure)).toEqual(['Sampler:', 'η-SDE', '(Euler–Maruyama)']);
    expect(wrapText('Steps: 10', 60, measure)).toEqual(['Steps: 10']);
    expect(wrapText('a b c d e', 18, measure)).toEqual(['a b', 'c d', 'e']);
    expect(wrapText('   ', 60, measure)).toEqual(['']);
  });

  it('places title, column labels, row labels and cells without overlap, exactly', () => {
    const l = layoutGrid(
      50,
      40,
      3,
      2,
      ['Steps: 5', 'Steps: 10', 'Steps: 20 and more'],
      ['Euler', 'Heun'],
      'A grid',
      measure,
      12,
    );
    // lineHeight ⌈12·1.3⌉ = 16, pad 6, gap 3; row labels 30 px wide ("Euler"), so cells start at 30 + 12 = 42.
    expect(l.lineHeight).toBe(16);
    expect(l.cellLeft).toEqual([42, 95, 148]);
    expect(l.width).toBe(148 + 50 + 6);
    // Title: 1 line + pad = 22; the longest column label wraps to 3 lines of 16 + 2 pads = 60.
    expect(l.xLabels[2].lines).toEqual(['Steps:', '20 and', 'more']);
    expect(l.cellTop).toEqual([82, 125]);
    expect(l.height).toBe(125 + 40 + 6);
    expect(l.title).toEqual({ lines: ['A grid'], x: 6, y: 6, width: l.width - 12 });
    expect(bottom(l.title!, 16)).toBeLessThanOrEqual(Math.min(...l.xLabels.map((b) => b.y)));
    for (const [c, b] of l.xLabels.entries()) {
      expect(b.x).toBe(l.cellLeft[c]);
      expect(bottom(b, 16)).toBe(l.cellTop[0] - 6);
    }
    for (const [r, b] of l.yLabels.entries()) {
      expect(b.x + b.width).toBeLessThanOrEqual(l.cellLeft[0]);
      expect(b.y).toBeGreaterThanOrEqual(l.cellTop[r]);
      expect(bottom(b, 16)).toBeLessThanOrEqual(l.cellTop[r] + 40);
    }
  });

  it('no title: the column labels start at the top', () => {
    const l = layoutGrid(64, 64, 1, 1, ['x'], ['y'], undefined, measure, 12);
    expect(l.title).toBeUndefined();
    expect(l.cellTop).toEqual([16 + 12]);
  });

  it('composeGrid explains that it needs a browser when OffscreenCanvas is missing', () => {
    expect(typeof OffscreenCanvas).toBe('undefined');
    expect(() => composeGrid([[{ data: new Uint8ClampedArray(4), width: 1, height: 1 }]], ['x'], ['y'])).toThrow(
      'composeGrid: needs OffscreenCanvas (a browser); it is not available here',
    );
  });
});
