/** The image-world arguments of `sample` and `denoise` (label, cfg, size), checked against the world. */
import { CFG_OPTION } from '../guidance/cfg-options';
import { SKIP_TUNING_FIELDS } from '../guidance/skip-tuning-options';
import { UPSAMPLE_GUIDANCE_FIELDS } from '../guidance/upsample-options';
import { validateOption } from '../sampling/option-spec';
import { optionOn } from '../worlds/image-option';
import { SIZE_OPTION } from '../worlds/image-world-options';
import type { World } from '../worlds/types';
import { skipTuningOff, type SkipTuning } from '../worlds/unet/skip-tuning';

/** A 4×4 grid. */
export const DEFAULT_IMAGE_COUNT = 16;

export interface ImageOptions {
  /** Image worlds: a class for every sample, 'mixed' (sample i gets class i mod the class count), or omitted for the
   *  null class (unconditional). */
  label?: number | 'mixed';
  /** Image worlds: classifier-free guidance scale s in D_∅ + s·(D_c − D_∅); default 1 (the conditional model). */
  cfg?: number;
  /** Image worlds: side in pixels, a multiple of the native side (the network is fully convolutional). */
  size?: number;
  /** Image worlds above the native size: Upsample Guidance weight w (default 1) and guided fraction η (default 0.6). */
  upsampleGuidance?: { w?: number; eta?: number };
  /** Image worlds: Skip-Tuning (Ma et al. 2024), each long skip scaled by ρ from `top` (nearest the input) to `bottom`
   *  (deepest), linearly; each in (0, 1.5], default 1 (off). */
  skipTuning?: { bottom?: number; top?: number };
}

/** Upsample Guidance settings, only meaningful above the native size (Hwang et al. 2024). */
export function resolveUpsampleGuidance(
  world: World,
  size: number | undefined,
  ug: unknown,
): { weight: number; eta: number } | undefined {
  if (ug === undefined) return undefined;
  const native = world.image?.size;
  if (!native || size === undefined || size <= native) {
    throw new RangeError(
      `upsampleGuidance: needs an image world at a size above its native ${native ?? '(none)'}, got size ${String(size)}`,
    );
  }
  if (!ug || typeof ug !== 'object') throw new TypeError('upsampleGuidance: must be an object { w, eta }');
  const { w, eta } = ug as { w?: unknown; eta?: unknown };
  return {
    weight: validateOption(UPSAMPLE_GUIDANCE_FIELDS.w, w, 'upsampleGuidance.w') as number,
    eta: validateOption(UPSAMPLE_GUIDANCE_FIELDS.eta, eta, 'upsampleGuidance.eta') as number,
  };
}

/** The image side (undefined for 2D worlds) and the per-sample dimension it implies: C × side², channel-major. */
export function resolveSize(world: World, size: unknown): { size?: number; dim: number } {
  const image = world.image;
  if (!image) {
    if (size !== undefined) throw new RangeError(`size: world ${world.id} is not an image world`);
    return { dim: world.dim };
  }
  // The page's own declaration of the side (../worlds/image-world-options.ts): multiples of the native side.
  const side = validateOption(optionOn(SIZE_OPTION, image), size) as number;
  return { size: side, dim: (image.channels ?? 1) * side * side };
}

/** One label per sample, or undefined for the null class. */
export function resolveLabels(world: World, label: unknown, count: number): Uint32Array | undefined {
  if (label === undefined) return undefined;
  const classes = world.image?.classes.length;
  if (!classes) throw new RangeError(`label: world ${world.id} has no classes`);
  if (label === 'mixed') return Uint32Array.from({ length: count }, (_, i) => i % classes);
  if (typeof label !== 'number' || !Number.isInteger(label) || label < 0 || label >= classes) {
    throw new RangeError(
      `label: must be an integer in 0–${classes - 1} or 'mixed', got ${typeof label === 'string' ? JSON.stringify(label.slice(0, 40)) : String(label)}`,
    );
  }
  return new Uint32Array(count).fill(label);
}

export function resolveCfg(world: World, cfg: unknown): number {
  if (cfg === undefined) return world.image?.defaultCfg ?? CFG_OPTION.default;
  if (!world.image) throw new RangeError(`cfg: world ${world.id} has no classes to guide`);
  return validateOption(CFG_OPTION, cfg) as number;
}

/** The count a run uses when none is given: the noise's, else a 4×4 grid for images, else `fallback`. */
export function defaultCount(world: World, dim: number, noise: Float32Array | undefined, fallback: number): number {
  return noise ? noise.length / dim : world.image ? DEFAULT_IMAGE_COUNT : fallback;
}

/** Skip-Tuning's ρ, or undefined when off (ρ = 1 everywhere is the untuned network, with the untuned key). */
export function resolveSkipTuning(world: World, value: unknown): SkipTuning | undefined {
  if (value === undefined) return undefined;
  if (!world.image) throw new RangeError(`skipTuning: world ${world.id} has no UNet skips to tune`);
  return parseSkipTuning(value);
}

/** Checks { bottom?, top? } by their declarations (../guidance/skip-tuning-options.ts: each in (0, 1.5], default
 *  1); undefined when it is the untuned network. */
function parseSkipTuning(value: unknown): SkipTuning | undefined {
  if (!value || typeof value !== 'object') throw new TypeError('skipTuning: must be an object { bottom, top? }');
  const { bottom, top } = value as { bottom?: unknown; top?: unknown };
  const rho = (v: unknown, field: keyof typeof SKIP_TUNING_FIELDS) =>
    validateOption(SKIP_TUNING_FIELDS[field], v, `skipTuning.${field}`) as number;
  const tuning = { bottom: rho(bottom, 'bottom'), top: rho(top, 'top') };
  return skipTuningOff(tuning) ? undefined : tuning;
}
