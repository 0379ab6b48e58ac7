/**
 * Runs an X/Y grid (AUTOMATIC1111's X/Y plot): every cell is panel 0 of the base state with two settings replaced
 * (gridCells), sampled from the same seed, so the cells differ only by those settings, drawn into one offscreen view
 * of a fixed size (2D worlds) or laid out as a sample grid at full resolution (image worlds), and composed into a
 * labelled image.
 */
import type { Sandbox } from '../../api/sandbox';
import { composeGrid, type ComposedGrid } from '../../export/grid';
import { axisLabel, gridCells, type Axis } from '../../state/axis';
import type { SandboxState } from '../../state/params';
import type { GmmSpec } from '../../worlds/gmm';
import type { Camera } from '../view/camera';
import { OffscreenView, type RgbaImage } from '../view/offscreen';
import { samplesImage } from '../view/image-frames';
import { enlargeNearest } from '../view/image-mosaic';
import { SAMPLE_COLOR } from '../view/palette';
import type { ViewPipelines } from '../view/view-pipelines';
import { panelImage, panelRequest, panelUpscale } from './run-request';

const GRID_CELL_PX = 192;

export interface GridJob {
  base: SandboxState;
  x: Axis;
  y: Axis;
  /** 2D worlds: the mixture under the samples. */
  spec?: GmmSpec;
  camera: Camera;
  title: string;
}

export async function runGrid(
  sandbox: Pick<Sandbox, 'sample' | 'samplers' | 'worlds'>,
  pipelines: ViewPipelines,
  job: GridJob,
  { signal, onProgress }: { signal: AbortSignal; onProgress: (fraction: number) => void },
): Promise<ComposedGrid> {
  const rows = gridCells(job.base, job.x, job.y);
  const total = rows.length * rows[0].length;
  const image = panelImage(job.base, 0, sandbox.worlds);
  const view = new OffscreenView(pipelines, { width: GRID_CELL_PX, height: GRID_CELL_PX });
  const cells: RgbaImage[][] = [];
  let done = 0;
  onProgress(0);
  try {
    for (const row of rows) {
      const images: RgbaImage[] = [];
      for (const cell of row) {
        // A grid cell is a plain run: its own steps even in equal-NFE mode (an axis may vary the steps), no trajectory.
        const request = {
          ...panelRequest({ ...cell, equalNfe: false }, 0, sandbox.samplers, sandbox.worlds),
          trajectory: false,
        };
        const result = await sandbox.sample({ ...request, signal });
        images.push(
          image
            ? gridCell(samplesImage(result, job.base.count, panelUpscale(job.base, 0, image), image.channels))
            : await view.render({
                spec: job.spec!,
                camera: job.camera,
                dots: [{ positions: result.samples, color: SAMPLE_COLOR, radiusPx: 1.5 }],
              }),
        );
        onProgress(++done / total);
      }
      cells.push(images);
    }
  } finally {
    view.destroy();
  }
  return composeGrid(
    cells,
    job.x.values.map((v) => axisLabel(job.x.param, v)),
    job.y.values.map((v) => axisLabel(job.y.param, v)),
    job.title,
  );
}

/** An image cell enlarged by whole pixels to about the size of a 2D cell, so the labels do not dwarf it. */
function gridCell(image: RgbaImage): RgbaImage {
  return enlargeNearest(image, Math.max(1, Math.floor(GRID_CELL_PX / Math.max(image.width, image.height))));
}
