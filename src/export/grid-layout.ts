/**
 * Where everything goes in an A1111-style labelled grid: an optional title on top, column (X) labels above the
 * cells, row (Y) labels to their left, cells in a lattice with thin gaps. Pure arithmetic over a text-measuring
 * function, so the canvas code in grid.ts only draws.
 */

export interface TextBlock {
  lines: string[];
  /** Left edge of the block's box, the box's width (lines are centred in it), and the first baseline's top. */
  x: number;
  y: number;
  width: number;
}

export interface GridLayout {
  width: number;
  height: number;
  fontPx: number;
  lineHeight: number;
  /** Top-left corner of each column's and each row's cells. */
  cellLeft: number[];
  cellTop: number[];
  title?: TextBlock;
  xLabels: TextBlock[];
  yLabels: TextBlock[];
}

export type MeasureText = (text: string) => number;

/** Greedy word wrap to a width; a word wider than the width gets a line of its own. */
export function wrapText(text: string, maxWidth: number, measure: MeasureText): string[] {
  const lines: string[] = [];
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    const last = lines.length - 1;
    if (last >= 0 && measure(`${lines[last]} ${word}`) <= maxWidth) lines[last] = `${lines[last]} ${word}`;
    else lines.push(word);
  }
  return lines.length > 0 ? lines : [''];
}

export function layoutGrid(
  cellWidth: number,
  cellHeight: number,
  columns: number,
  rows: number,
  xLabels: string[],
  yLabels: string[],
  title: string | undefined,
  measure: MeasureText,
  fontPx: number,
): GridLayout {
  const lineHeight = Math.ceil(fontPx * 1.3);
  const pad = Math.ceil(fontPx / 2);
  const gap = Math.max(2, Math.round(fontPx / 4));
  const xWrapped = xLabels.map((l) => wrapText(l, cellWidth - pad, measure));
  // Row labels may take up to two cell widths (at least 8 em) before they wrap.
  const yMaxWidth = Math.max(2 * cellWidth, 8 * fontPx);
  const yWrapped = yLabels.map((l) => wrapText(l, yMaxWidth, measure));
  const yTextWidth = Math.ceil(Math.max(0, ...yWrapped.flat().map(measure)));
  const left = yTextWidth + 2 * pad;
  const gridWidth = columns * cellWidth + (columns - 1) * gap;
  const width = left + gridWidth + pad;
  const titleLines = title ? wrapText(title, width - 2 * pad, measure) : [];
  const titleHeight = titleLines.length > 0 ? titleLines.length * lineHeight + pad : 0;
  const xLabelHeight = Math.max(...xWrapped.map((l) => l.length)) * lineHeight + 2 * pad;
  const top = titleHeight + xLabelHeight;
  const cellLeft = Array.from({ length: columns }, (_, c) => left + c * (cellWidth + gap));
  const cellTop = Array.from({ length: rows }, (_, r) => top + r * (cellHeight + gap));
  return {
    width,
    height: top + rows * cellHeight + (rows - 1) * gap + pad,
    fontPx,
    lineHeight,
    cellLeft,
    cellTop,
    ...(titleLines.length > 0 ? { title: { lines: titleLines, x: pad, y: pad, width: width - 2 * pad } } : {}),
    // Column labels sit at the bottom of their band, just above the cells.
    xLabels: xWrapped.map((lines, c) => ({
      lines,
      x: cellLeft[c],
      y: top - pad - lines.length * lineHeight,
      width: cellWidth,
    })),
    // Row labels are centred vertically on their row.
    yLabels: yWrapped.map((lines, r) => ({
      lines,
      x: pad,
      y: cellTop[r] + Math.max(0, (cellHeight - lines.length * lineHeight) / 2),
      width: yTextWidth,
    })),
  };
}
