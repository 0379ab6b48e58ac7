/**
 * Image samples as pictures: a batch of count × C × side² values (channel-major per image, as the samples are) laid
 * out as one grid (a 4×4 for 16 images), grey for C = 1 and RGB for C = 3, and the bilinear upscaling that gives
 * Upsample Guidance its baseline (Hwang et al. 2024 compare against the native-size sample upscaled). Pure
 * arithmetic on the CPU: a 4×4 grid of 112² images is 200k pixels, less work than one upload, and the same pixels go
 * to the screen and into the exported PNG.
 */
import type { RgbaImage } from './offscreen';

export interface ImageBatch {
  /** count × channels × side² values, channel-major then row-major per image, in the data range [-1, 1]. */
  values: Float32Array;
  count: number;
  side: number;
  /** 1 (grey, when absent) or 3 (RGB). */
  channels?: number;
}

/** The page background between cells, so the grid reads as separate images. */
const GAP_RGB = [11, 13, 30] as const;

/**
 * Upscales every image by an integer factor with half-pixel centres, as PyTorch's
 * `interpolate(mode='bilinear', align_corners=False)`: output pixel centre (i + ½)/f − ½ in input pixels, clamped at
 * the edges.
 */
export function upscaleBilinear(batch: ImageBatch, factor: number): ImageBatch {
  if (!Number.isInteger(factor) || factor < 1)
    throw new RangeError(`factor: must be a positive integer, got ${factor}`);
  const { values, count, side } = batch;
  const channels = batch.channels ?? 1;
  const out = side * factor;
  const result = new Float32Array(count * channels * out * out);
  // Per output coordinate: the two input neighbours and the weight of the second (the same for rows and columns).
  const lo = new Int32Array(out);
  const hi = new Int32Array(out);
  const weight = new Float64Array(out);
  for (let i = 0; i < out; i++) {
    const centre = Math.min(side - 1, Math.max(0, (i + 0.5) / factor - 0.5));
    lo[i] = Math.floor(centre);
    hi[i] = Math.min(side - 1, lo[i] + 1);
    weight[i] = centre - lo[i];
  }
  // Each channel of each image is a plane of its own.
  for (let n = 0; n < count * channels; n++) {
    const src = n * side * side;
    const dst = n * out * out;
    for (let y = 0; y < out; y++) {
      const top = src + lo[y] * side;
      const bottom = src + hi[y] * side;
      const wy = weight[y];
      for (let x = 0; x < out; x++) {
        const wx = weight[x];
        const upper = values[top + lo[x]] * (1 - wx) + values[top + hi[x]] * wx;
        const lower = values[bottom + lo[x]] * (1 - wx) + values[bottom + hi[x]] * wx;
        result[dst + y * out + x] = upper * (1 - wy) + lower * wy;
      }
    }
  }
  return { values: result, count, side: out, channels };
}

/** The gray level of a value: −1 is black, 1 white, outside clamped; `scale` multiplies first. */
export function grayLevel(value: number, scale = 1): number {
  const v = Math.min(1, Math.max(-1, value * scale));
  return Math.round((v + 1) * 127.5);
}

/** Columns of the grid: as square as possible, 4 for 16 images, 2 for 4, 1 for 1. */
export function mosaicColumns(count: number): number {
  return Math.ceil(Math.sqrt(count));
}

/**
 * One RGBA image of the batch in a grid, `gap` pixels between cells. `scale` maps values into the data range first:
 * a noisy x_t = x_0 + σ·ε is shown as x_t/√(1+σ²) (the variance-preserving form), so noise fills the gray range
 * instead of saturating it. One channel is grey; three are red, green and blue, each from its own plane.
 */
export function mosaic(batch: ImageBatch, { gap = 1, scale = 1 }: { gap?: number; scale?: number } = {}): RgbaImage {
  const { values, count, side } = batch;
  const channels = batch.channels ?? 1;
  if (channels !== 1 && channels !== 3) throw new RangeError(`channels: must be 1 (grey) or 3 (RGB), got ${channels}`);
  const plane = side * side;
  const per = channels === 1 ? 'side²' : `${channels} × side²`;
  if (values.length !== count * channels * plane)
    throw new RangeError(
      `values: must hold count × ${per} = ${count * channels * plane} numbers, got ${values.length}`,
    );
  const columns = mosaicColumns(count);
  const rows = Math.ceil(count / columns);
  const width = columns * side + (columns - 1) * gap;
  const height = rows * side + (rows - 1) * gap;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) data.set([...GAP_RGB, 255], 4 * p);
  for (let n = 0; n < count; n++) {
    const left = (n % columns) * (side + gap);
    const top = Math.floor(n / columns) * (side + gap);
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const at = n * channels * plane + y * side + x;
        const o = 4 * ((top + y) * width + left + x);
        for (let k = 0; k < 3; k++) data[o + k] = grayLevel(values[at + (channels === 3 ? k * plane : 0)], scale);
      }
    }
  }
  return { data, width, height };
}

/** Each pixel as a factor × factor block: larger without inventing values (grid cells of small images). */
export function enlargeNearest(image: RgbaImage, factor: number): RgbaImage {
  if (!Number.isInteger(factor) || factor < 1)
    throw new RangeError(`factor: must be a positive integer, got ${factor}`);
  const width = image.width * factor;
  const height = image.height * factor;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    const row = Math.floor(y / factor) * image.width;
    for (let x = 0; x < width; x++) {
      const from = 4 * (row + Math.floor(x / factor));
      data.set(image.data.subarray(from, from + 4), 4 * (y * width + x));
    }
  }
  return { data, width, height };
}
