/**
 * AMED calibrations per denoiser and grid: computed on first use (forward-only, ./calibrate.ts) with the run's own
 * denoiser through the prepare hook's services, memoised by (denoiser key(), labels, variant, AFS, grid), and
 * exportable/importable as JSON. The JSON names the denoiser by its facts (world, size, CFG, guidance): readable, and
 * stable across versions; an import maps them to the key of the denoiser they describe, so a calibration is only ever
 * reused for the very function it was made with.
 */
import { calibrationObject, isDecreasingSigmas, parseDenoiserFacts } from '../calibration-json';
import { initialNoise } from '../noise';
import type { DenoiserFacts, PrepareContext, PrepareMemo } from '../prepare';
import { calibrateAmed, type CalibrationResult } from './calibrate';
import type { AmedParams } from './params';
import type { AmedVariant } from './step';

export const CALIBRATION_FORMAT = 'diffusion-sandbox/amed-calibration@1';
/** A seed of its own: calibrating on the evaluation noise would flatter the result. */
const CALIBRATION_SEED = 0x0a3ed;
const VARIANTS: readonly AmedVariant[] = ['solver', 'ipndm', 'euler', 'dpm2'];

export interface AmedCalibration extends CalibrationResult {
  format: typeof CALIBRATION_FORMAT;
  world: string;
  denoiser: DenoiserFacts;
  sigmas: number[];
  /** Samples in the calibration batch. */
  count: number;
}

function memoKey(
  denoiserKey: string,
  conditional: boolean,
  variant: string,
  afs: boolean,
  sigmas: ArrayLike<number>,
): string {
  const grid = Array.from(sigmas, (s) => Math.fround(s));
  return JSON.stringify(['amed-calibration', denoiserKey, conditional, variant, afs, grid]);
}

/** The calibration for a run, computed on first request (2D worlds: 512 samples; image worlds: 16). */
export function calibrationFor(context: PrepareContext, variant: AmedVariant, afs: boolean): Promise<AmedCalibration> {
  const key = memoKey(context.denoiserKey, context.denoiser.conditional, variant, afs, context.sigmas);
  return context.memo(key, async ({ signal, onProgress }) => {
    const count = context.nativeSize === undefined ? 512 : 16;
    const result = await calibrateAmed({
      variant,
      afs,
      sigmas: context.sigmas,
      denoise: (batches) => context.denoiseBatches(batches, count),
      solve: (plan, noise, control) => context.solve(plan, noise, count, control),
      noise: initialNoise(CALIBRATION_SEED, count, context.dim),
      signal,
      onProgress,
    });
    return {
      format: CALIBRATION_FORMAT,
      world: context.world,
      denoiser: context.denoiser,
      sigmas: Array.from(context.sigmas),
      count,
      ...result,
    };
  });
}

/** Accepts a calibration exported earlier (JSON text or object), validating every field, and installs it so the
 *  runs it was made for use it: `denoiserKey` maps its world and denoiser facts to the key() of that denoiser. */
export async function importCalibration(
  memo: PrepareMemo,
  input: unknown,
  denoiserKey: (world: string, denoiser: DenoiserFacts) => Promise<string>,
): Promise<AmedCalibration> {
  const calibration = parseCalibration(input);
  const key = await denoiserKey(calibration.world, calibration.denoiser);
  const { variant, afs, sigmas } = calibration;
  memo.set(memoKey(key, calibration.denoiser.conditional, variant, afs, sigmas), calibration);
  return calibration;
}

/** Validates an exported calibration (JSON text or object) without installing it. */
export function parseCalibration(input: unknown): AmedCalibration {
  const c = calibrationObject(input) as Partial<AmedCalibration>;
  if (c.format !== CALIBRATION_FORMAT) throw new RangeError(`calibration.format: must be "${CALIBRATION_FORMAT}"`);
  if (typeof c.world !== 'string') throw new RangeError('calibration.world: must be a world id');
  if (!VARIANTS.includes(c.variant as AmedVariant))
    throw new RangeError(`calibration.variant: must be one of ${VARIANTS.join(', ')}`);
  if (typeof c.afs !== 'boolean') throw new RangeError('calibration.afs: must be true or false');
  if (!isDecreasingSigmas(c.sigmas))
    throw new RangeError('calibration.sigmas: must be a decreasing list of positive numbers');
  if (!Array.isArray(c.steps) || c.steps.length !== c.sigmas.length - 1)
    throw new RangeError(`calibration.steps: must have sigmas.length − 1 = ${c.sigmas.length - 1} entries`);
  c.steps.forEach((s, i) => {
    if (!(s && s.r > 0 && s.r < 1)) throw new RangeError(`calibration.steps[${i}].r: must be in (0, 1)`);
    if (!(s && s.c >= 0.5 && s.c <= 1.5)) throw new RangeError(`calibration.steps[${i}].c: must be in [0.5, 1.5]`);
  });
  const denoiser = parseDenoiserFacts(c.denoiser);
  return {
    ...c,
    denoiser,
    losses: Array.isArray(c.losses) ? c.losses : [],
    count: c.count ?? 0,
  } as AmedCalibration;
}

export function toPlanParams(c: AmedCalibration): AmedParams {
  return { variant: c.variant, afs: c.afs, steps: c.steps.map(({ r, c: scale }) => ({ r, c: scale })) };
}

/** The AMED samplers' ids and the step rule each selects (AMED-Plugin: its `base` option, Zhou et al. 2024 Table 3). */
const VARIANT_OF: Record<string, (options: PrepareContext['options']) => AmedVariant> = {
  amed: () => 'solver',
  amed_plugin: (options) => String(options.base ?? 'ipndm') as AmedVariant,
};

/** The calibration of an AMED run's context (the public calibrateAmed): a RangeError for any other sampler. */
export function calibrationForRun(context: PrepareContext): Promise<AmedCalibration> {
  const variantOf = VARIANT_OF[context.samplerId];
  if (!variantOf)
    throw new RangeError(
      `sampler: must be one of ${Object.keys(VARIANT_OF).join(', ')}, got ${JSON.stringify(context.samplerId)}`,
    );
  return calibrationFor(context, variantOf(context.options), context.options.afs !== false);
}
