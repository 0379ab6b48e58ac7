/**
 * What an image panel shows of a run: the final samples, or at a pinned step x_t beside D(x_t) (what the step
 * scrubber shows). A panel that upscales bilinearly has run at the native size; its pictures are upscaled
 * here, in the view only (Hwang et al. 2024's baseline: the same sample, enlarged).
 */
import type { ImageFrame } from './image-frame';
import { mosaic, upscaleBilinear, type ImageBatch } from './image-mosaic';
import type { RgbaImage } from './offscreen';

export interface ImageRun {
  /** count × C × side², channel-major per sample. */
  samples: Float32Array;
  trajectory?: Float32Array[];
  denoised?: Float32Array[];
  sigmas: ArrayLike<number>;
}

/** One pixel between the images of a grid, on screen and in the PNG. */
export const GAP_PX = 1;

function batch(values: Float32Array, count: number, upscale: number, channels: number): ImageBatch {
  const side = Math.round(Math.sqrt(values.length / count / channels));
  const native = { values, count, side, channels };
  return upscale > 1 ? upscaleBilinear(native, upscale) : native;
}

/** The final samples as one grid image (what a panel exports, at full resolution); `channels` per pixel (1 or 3). */
export function samplesImage(run: ImageRun, count: number, upscale: number, channels = 1): RgbaImage {
  return mosaic(batch(run.samples, count, upscale, channels), { gap: GAP_PX });
}

/** The frames to show: the samples (step null or the last record), else x_t (variance-preserving scale, so the
 *  noise does not saturate) and D(x_t). */
export function imageFrames(
  run: ImageRun,
  count: number,
  step: number | null,
  upscale: number,
  channels = 1,
): ImageFrame[] {
  const records = run.trajectory?.length ?? 0;
  if (step === null || !run.trajectory || !run.denoised || step >= records - 1)
    return [{ caption: 'samples', image: samplesImage(run, count, upscale, channels) }];
  const sigma = Number(run.sigmas[step]);
  return [
    {
      caption: `x_t (shown as x_t/√(1+σ²)), σ = ${sigma.toPrecision(3)}`,
      image: mosaic(batch(run.trajectory[step], count, upscale, channels), {
        gap: GAP_PX,
        scale: 1 / Math.sqrt(1 + sigma * sigma),
      }),
    },
    {
      caption: 'D(x_t): the denoiser’s guess',
      image: mosaic(batch(run.denoised[step], count, upscale, channels), { gap: GAP_PX }),
    },
  ];
}
