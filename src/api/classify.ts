/**
 * `sandbox.classify`: arguments, the reduction of larger images to the classifier's native side, and the verdicts.
 * Images are count × C × side × side, channel-major per image (as the samples are). Pixels are clamped to the data
 * range [-1, 1] first, as the Python scoring does (tools/train/metrics.py): samples overshoot it a little and the
 * network was trained on nothing outside it. A side of m·native is then averaged over m×m blocks per channel (the
 * mean of each block, the same as repeated 2×2 average pooling for m = 2, 4), in float64.
 */
import type { ClassifierOutput } from '../metrics/classifier-network';
import { integerIn } from './validate';

export interface ClassifyOptions {
  /** count × C × side² values, channel-major and row-major per image, in the data range [-1, 1] (clamped); side
   *  the classifier's native one or a multiple of it (averaged down). */
  images: Float32Array;
  /** Images in `images`; default: images.length / (C × native²). */
  count?: number;
  /** The image world whose classifier judges (its manifest names one); default: the first listed world with one. */
  world?: string;
  signal?: AbortSignal;
}

export interface ClassifyResult {
  /** The predicted class per image: the argmax of the logits. */
  labels: Int32Array;
  /** count × classes softmax probabilities. */
  probabilities: Float32Array;
  /** Class names, index = label. */
  classes: string[];
  /** count × classes logits, and count × the penultimate features (FD's). */
  logits: Float32Array;
  features: Float32Array;
}

const MAX_CLASSIFY_COUNT = 16384;

/** Checks the arguments; returns the images, their count and their side. */
export function resolveClassifyOptions(
  options: unknown,
  native: number,
  maxSide: number,
  channels = 1,
): { images: Float32Array; count: number; side: number } {
  if (!options || typeof options !== 'object')
    throw new TypeError('classify: needs an options object { images, count? }');
  const { images, count: countArg } = options as { images?: unknown; count?: unknown };
  const per = channels === 1 ? 'side²' : `${channels} × side²`;
  if (!(images instanceof Float32Array) || images.length === 0) {
    throw new TypeError(
      `images: must be a non-empty Float32Array of count × ${per} values, got ${images instanceof Float32Array ? 'an empty one' : String(images).slice(0, 40)}`,
    );
  }
  const nativeDim = channels * native * native;
  if (countArg === undefined && images.length % nativeDim !== 0) {
    const shape = channels === 1 ? `${native}×${native}` : `${channels}×${native}×${native}`;
    throw new RangeError(
      `images: length must be a multiple of ${nativeDim} (${shape} images) when count is omitted, got ${images.length}`,
    );
  }
  const count = integerIn(countArg ?? images.length / nativeDim, 'count', 1, MAX_CLASSIFY_COUNT);
  const side = Math.round(Math.sqrt(images.length / count / channels));
  const sides = Array.from({ length: maxSide / native }, (_, k) => (k + 1) * native);
  if (channels * side * side * count !== images.length || !sides.includes(side)) {
    throw new RangeError(
      `images: length must be count × ${per} with side ${sides.join(', ')} (for count ${count}: ${sides.map((s) => count * channels * s * s).join(', ')}), got ${images.length}`,
    );
  }
  for (let i = 0; i < images.length; i++)
    if (!Number.isFinite(images[i])) throw new RangeError(`images[${i}]: must be finite, got ${images[i]}`);
  return { images, count, side };
}

/** Clamps to [-1, 1] and averages each channel of each image down to native × native. */
export function toClassifierInput(
  images: Float32Array,
  count: number,
  side: number,
  native: number,
  channels = 1,
): Float32Array<ArrayBuffer> {
  const clamp = (v: number) => Math.min(1, Math.max(-1, v));
  if (side === native) return images.map(clamp);
  const m = side / native;
  // Planes (one per image and channel) are contiguous, so the block mean runs plane by plane.
  const planes = count * channels;
  const out = new Float32Array(planes * native * native);
  for (let p = 0; p < planes; p++)
    for (let y = 0; y < native; y++)
      for (let x = 0; x < native; x++) {
        let sum = 0;
        for (let u = 0; u < m; u++)
          for (let v = 0; v < m; v++) sum += clamp(images[p * side * side + (y * m + u) * side + x * m + v]);
        out[(p * native + y) * native + x] = sum / (m * m);
      }
  return out;
}

/** Labels (argmax, the first on a tie) and softmax probabilities (float64, max-shifted so no exp overflows). */
export function verdicts(output: ClassifierOutput, count: number, classes: readonly string[]): ClassifyResult {
  const k = classes.length;
  const labels = new Int32Array(count);
  const probabilities = new Float32Array(count * k);
  for (let n = 0; n < count; n++) {
    const row = output.logits.subarray(n * k, (n + 1) * k);
    let best = 0;
    for (let j = 1; j < k; j++) if (row[j] > row[best]) best = j;
    labels[n] = best;
    let total = 0;
    for (let j = 0; j < k; j++) total += Math.exp(row[j] - row[best]);
    for (let j = 0; j < k; j++) probabilities[n * k + j] = Math.exp(row[j] - row[best]) / total;
  }
  return { labels, probabilities, classes: [...classes], logits: output.logits, features: output.features };
}
