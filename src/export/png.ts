/**
 * PNG export and import with the sandbox settings inside, via fast-png. Two tEXt chunks:
 * `parameters`, the A1111-style infotext other tools read, and `sandbox-state`, the full state as JSON, which
 * restores the exact view. Reading prefers `sandbox-state`, falls back to `parameters`, and never throws: damaged,
 * foreign or oversized files restore nothing (the page keeps its settings) and say so in a notice.
 */
import { encode } from 'fast-png';
import type { SandboxState } from '../state/params';
import { sanitizeState, type KnownSampler, type KnownWorld, type SanitizedState } from '../state/validate-state';
import { jsonToLatin1, textFromLatin1, textToLatin1 } from './latin1-text';
import { readPngText } from './png-read';
import { fromInfotext, MAX_INFOTEXT_CHARS } from '../state/infotext';

export const PARAMETERS_CHUNK = 'parameters';
export const STATE_CHUNK = 'sandbox-state';

export { MAX_PNG_BYTES } from './png-read';

export interface RgbaImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
}

export interface DecodedPngState extends SanitizedState {
  /** Where the state came from: our JSON chunk, the infotext, or nothing usable (then the defaults). */
  source: 'sandbox-state' | 'parameters' | 'none';
}

/** An 8-bit PNG carrying the infotext and the state as tEXt chunks: RGBA, or RGB (`rgb`: the alpha is dropped, for
 *  opaque colour pictures such as an RGB world's sample grid). */
export function encodePng(
  image: RgbaImage,
  state: SandboxState,
  parameters: string,
  { rgb = false }: { rgb?: boolean } = {},
): Uint8Array {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || width < 1 || !Number.isInteger(height) || height < 1)
    throw new RangeError(`image: width and height must be positive integers, got ${width} × ${height}`);
  if (data.length !== width * height * 4)
    throw new RangeError(
      `image.data: must hold width × height × 4 = ${width * height * 4} RGBA bytes, got ${data.length}`,
    );
  const pixels = rgb ? data.filter((_, i) => i % 4 !== 3) : data;
  return encode({
    width,
    height,
    data: pixels,
    channels: rgb ? 3 : 4,
    depth: 8,
    text: { [PARAMETERS_CHUNK]: textToLatin1(parameters), [STATE_CHUNK]: jsonToLatin1(JSON.stringify(state)) },
  });
}

const own = (text: Record<string, string>, key: string) =>
  Object.prototype.hasOwnProperty.call(text, key) ? text[key] : undefined;

/** What the page does when a PNG gives nothing usable: it keeps the current settings (source 'none'). */
const KEPT = 'nothing restored; the current settings are kept';

/** The sandbox state a PNG carries. Never throws. With source 'none' the state is the defaults, for callers that
 *  need one, but nothing was restored: the page keeps its settings, and the notices say so. */
export function decodePngState(
  bytes: Uint8Array,
  worlds: readonly KnownWorld[],
  samplers: readonly KnownSampler[],
): DecodedPngState {
  const read = readPngText(bytes);
  const notices: string[] = [];
  if (typeof read === 'string') notices.push(`${read}; ${KEPT}`);
  else {
    const { text } = read;
    notices.push(...read.skipped);
    const json = own(text, STATE_CHUNK);
    if (json !== undefined) {
      try {
        const result = sanitizeState(JSON.parse(json), worlds, samplers);
        return { ...result, notices: [...notices, ...result.notices], source: 'sandbox-state' };
      } catch {
        notices.push(`PNG: the "${STATE_CHUNK}" chunk is not valid JSON; ignored`);
      }
    }
    let parameters = own(text, PARAMETERS_CHUNK);
    if (parameters !== undefined && parameters.length > MAX_INFOTEXT_CHARS) {
      // An infotext this long is not ours; reading it would replace every setting with its default.
      notices.push(
        `PNG: the "${PARAMETERS_CHUNK}" chunk has ${parameters.length} characters, at most ${MAX_INFOTEXT_CHARS} allowed; ignored`,
      );
      parameters = undefined;
    }
    if (parameters !== undefined) {
      const result = fromInfotext(textFromLatin1(parameters), worlds, samplers);
      return { state: result.state, notices: [...notices, ...result.notices], source: 'parameters' };
    }
    notices.push(
      json === undefined && own(text, PARAMETERS_CHUNK) === undefined
        ? `PNG: no sandbox settings in this image (no "${STATE_CHUNK}" or "${PARAMETERS_CHUNK}" chunk); ${KEPT}`
        : `PNG: no usable "${PARAMETERS_CHUNK}" chunk to fall back on; ${KEPT}`,
    );
  }
  return { ...sanitizeState({}, worlds, samplers), notices, source: 'none' };
}
