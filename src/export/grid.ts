/**
 * Composes an X/Y grid of panel images into one labelled image, as AUTOMATIC1111's X/Y plot does,
 * ready for encodePng. Text is drawn with an OffscreenCanvas 2D context, so this runs in browsers only.
 */
import { layoutGrid, type GridLayout, type TextBlock } from './grid-layout';

export interface GridCellImage {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

export interface ComposedGrid extends GridCellImage {
  /** Where each cell and label went (cellLeft[column], cellTop[row]), e.g. to map a click back to a cell. */
  layout: GridLayout;
}

/** Canvas backing stores fail above about 16k pixels a side in Chromium and Firefox. */
const MAX_GRID_SIDE = 16384;
const FONT_FAMILY = 'system-ui, "DejaVu Sans", sans-serif';

function checkCells(cells: GridCellImage[][], xLabels: string[], yLabels: string[]): { width: number; height: number } {
  if (cells.length === 0 || cells.length !== yLabels.length)
    throw new RangeError(`cells: need one row per Y label (${yLabels.length}), got ${cells.length} rows`);
  const first = cells[0][0];
  if (!first) throw new RangeError('cells: every row needs at least one cell');
  cells.forEach((row, r) => {
    if (row.length !== xLabels.length)
      throw new RangeError(`cells[${r}]: need one cell per X label (${xLabels.length}), got ${row.length}`);
    row.forEach((cell, c) => {
      if (cell.width !== first.width || cell.height !== first.height)
        throw new RangeError(
          `cells[${r}][${c}]: all cells must be ${first.width} × ${first.height}, got ${cell.width} × ${cell.height}`,
        );
      if (cell.data.length !== cell.width * cell.height * 4)
        throw new RangeError(
          `cells[${r}][${c}].data: must hold ${cell.width * cell.height * 4} RGBA bytes, got ${cell.data.length}`,
        );
    });
  });
  return first;
}

function drawBlock(ctx: OffscreenCanvasRenderingContext2D, block: TextBlock, lineHeight: number): void {
  block.lines.forEach((line, i) =>
    ctx.fillText(line, block.x + block.width / 2, block.y + i * lineHeight, block.width),
  );
}

/** A labelled grid: cells[row][column] with xLabels over the columns, yLabels beside the rows, and a title. */
export function composeGrid(
  cells: GridCellImage[][],
  xLabels: string[],
  yLabels: string[],
  title?: string,
): ComposedGrid {
  if (typeof OffscreenCanvas === 'undefined')
    throw new Error('composeGrid: needs OffscreenCanvas (a browser); it is not available here');
  const cell = checkCells(cells, xLabels, yLabels);
  // Labels scale with the cells so that a grid of large images stays legible, within 12–32 px.
  const fontPx = Math.min(32, Math.max(12, Math.round(Math.min(cell.width, cell.height) / 12)));
  const font = `${fontPx}px ${FONT_FAMILY}`;
  const measurer = new OffscreenCanvas(1, 1).getContext('2d')!;
  measurer.font = font;
  const layout = layoutGrid(
    cell.width,
    cell.height,
    xLabels.length,
    yLabels.length,
    xLabels,
    yLabels,
    title,
    (t) => measurer.measureText(t).width,
    fontPx,
  );
  if (layout.width > MAX_GRID_SIDE || layout.height > MAX_GRID_SIDE)
    throw new RangeError(`grid: ${layout.width} × ${layout.height} pixels, at most ${MAX_GRID_SIDE} a side`);

  const canvas = new OffscreenCanvas(layout.width, layout.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, layout.width, layout.height);
  ctx.fillStyle = '#000000';
  ctx.font = font;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  if (layout.title) drawBlock(ctx, layout.title, layout.lineHeight);
  layout.xLabels.forEach((b) => drawBlock(ctx, b, layout.lineHeight));
  layout.yLabels.forEach((b) => drawBlock(ctx, b, layout.lineHeight));
  cells.forEach((row, r) =>
    row.forEach((c, k) =>
      ctx.putImageData(
        new ImageData(new Uint8ClampedArray(c.data), c.width, c.height),
        layout.cellLeft[k],
        layout.cellTop[r],
      ),
    ),
  );
  const image = ctx.getImageData(0, 0, layout.width, layout.height);
  return { data: image.data, width: image.width, height: image.height, layout };
}
