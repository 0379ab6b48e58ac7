/**
 * What every exported calibration (AMED's r, c; GITS's cost matrix) shares in its JSON: the text cap, the parse, and
 * the denoiser it was made with, named by its facts (world, size, CFG, guidance), so an import maps it to the key()
 * of the very denoiser it describes.
 */
import type { DenoiserFacts } from './prepare';

/** A calibration is at most a few hundred kilobytes of JSON; the cap keeps a hostile string from being parsed. */
const MAX_CALIBRATION_CHARS = 1 << 20;

/** The object of JSON text (or the object itself), with messages naming `field`. */
export function calibrationObject(input: unknown, field = 'calibration'): Record<string, unknown> {
  let value = input;
  if (typeof input === 'string') {
    if (input.length > MAX_CALIBRATION_CHARS)
      throw new RangeError(`${field}: at most ${MAX_CALIBRATION_CHARS} characters of JSON, got ${input.length}`);
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw new RangeError(`${field}: not valid JSON (${String((error as Error).message).slice(0, 80)})`, {
        cause: error,
      });
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new RangeError(`${field}: must be an object or its JSON text`);
  return value as Record<string, unknown>;
}

/** The denoiser facts of a calibration, validated (absent: the plain unconditional denoiser at CFG 1). */
export function parseDenoiserFacts(input: unknown, field = 'calibration.denoiser'): DenoiserFacts {
  const d = (input ?? { cfg: 1, conditional: false }) as Partial<DenoiserFacts>;
  if (!(typeof d.cfg === 'number' && Number.isFinite(d.cfg)) || typeof d.conditional !== 'boolean')
    throw new RangeError(`${field}: must be { size?, cfg, upsampleGuidance?, skipTuning?, conditional }`);
  const skip = d.skipTuning;
  const factor = (v: unknown) => typeof v === 'number' && v > 0 && v <= 1.5;
  if (skip !== undefined && !(skip && factor(skip.bottom) && factor(skip.top)))
    throw new RangeError(`${field}.skipTuning: must be { bottom, top }, each in (0, 1.5]`);
  return {
    ...(d.size ? { size: d.size } : {}),
    cfg: d.cfg,
    ...(d.upsampleGuidance ? { upsampleGuidance: d.upsampleGuidance } : {}),
    ...(skip ? { skipTuning: { bottom: skip.bottom, top: skip.top } } : {}),
    conditional: d.conditional,
  };
}

/** A strictly decreasing list of positive σ, as a calibration's grid must be. */
export function isDecreasingSigmas(value: unknown): value is number[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((s, i, a) => typeof s === 'number' && Number.isFinite(s) && s > 0 && (i === 0 || s < a[i - 1]))
  );
}
