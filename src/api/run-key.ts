/**
 * Cache keys for runs. A run's result is a function of its denoiser and of the run's own inputs, nothing else:
 * the denoiser is named by its key() (which covers every option that changes D: world, weights, image size,
 * guidance), the inputs are the noise (seed, count and shape, or the explicit noise), the labels and the plan (the
 * sampler, its options and the σ grid). No denoiser option is listed here, so a new one cannot be forgotten.
 */
import type { ResolvedSample } from './options';

/** The key of a sample() run on a denoiser whose key() is `denoiser`. */
export function sampleKey(denoiser: string, run: ResolvedSample): string {
  const sorted = (o: object) => Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  // The schedule and its parameters name a searched grid (GITS) that the static σ grid does not show.
  const plan = [
    run.sampler.id,
    sorted(run.options),
    run.schedule,
    sorted(run.scheduleParams),
    digest(run.sigmas),
    run.trajectory,
  ];
  return JSON.stringify(['sample', denoiser, ...noiseInputs(run), ...plan]);
}

/** The key of a reference solve: its plan is fixed but for the σ range (metrics/reference.ts). */
export function referenceKey(denoiser: string, run: ResolvedSample): string {
  return JSON.stringify(['reference', denoiser, ...noiseInputs(run), run.sigmaMax, run.sigmaMin]);
}

function noiseInputs(run: ResolvedSample): unknown[] {
  return [run.seed, run.count, run.dim, run.noise ? digest(run.noise) : null, run.labels ? digest(run.labels) : null];
}

/** A 53-bit hash (cyrb53) of an array's bytes, with its length: explicit noise can be megabytes, too long for a key. */
function digest(array: ArrayBufferView): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (const byte of new Uint8Array(array.buffer, array.byteOffset, array.byteLength)) {
    h1 = Math.imul(h1 ^ byte, 2654435761);
    h2 = Math.imul(h2 ^ byte, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return `${array.byteLength}:${(4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36)}`;
}
