/**
 * PNG export and import with the sandbox settings inside, via fast-png. Two tEXt chunks:
 * `parameters`, the A1111-style infotext other tools read, and `sandbox-state`, the full state as JSON, which
 * restores the exact view. Reading prefers `sandbox-state`, falls back to `parameters`, and never throws: damaged,
 * foreign or oversized files give the defaults and a notice.
 */
import { decode, encode, hasPngSignature } from 'fast-png';
import { fromInfotext } from '../state/infotext';
import type { SandboxState } from '../state/params';
import { sanitizeState, type KnownSampler, type KnownWorld, type SanitizedState } from '../state/validate-state';
import { jsonToLatin1, textFromLatin1, textToLatin1 } from './latin1-text';

export const PARAMETERS_CHUNK = 'parameters';
export const STATE_CHUNK = 'sandbox-state';

/** Far above any grid the page exports (6 × 10 cells of 512² RGBA is 60 MB raw, less compressed). */
export const MAX_PNG_BYTES = 64 * 2 ** 20;
/** Decoding allocates width × height × 4 bytes (or ×8 at 16 bits); the header is checked before that happens. */
const MAX_PNG_PIXELS = 2 ** 26;

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

/** Width × height from the IHDR chunk, which the PNG spec requires first, right after the signature. */
function headerSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  if (bytes.length < 24 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** The tEXt chunks of a PNG, or a reason it can't be read. */
function readTextChunks(bytes: unknown): Record<string, string> | string {
  if (!(bytes instanceof Uint8Array)) return 'PNG: expected the bytes of a file';
  if (bytes.length > MAX_PNG_BYTES) return `PNG: the file is ${bytes.length} bytes, at most ${MAX_PNG_BYTES} allowed`;
  if (!hasPngSignature(bytes)) return 'PNG: not a PNG file (wrong signature)';
  const size = headerSize(bytes);
  if (!size) return 'PNG: the file is damaged (no IHDR header)';
  if (size.width * size.height > MAX_PNG_PIXELS)
    return `PNG: ${size.width} × ${size.height} pixels is too large to read (at most ${MAX_PNG_PIXELS} pixels)`;
  try {
    return decode(bytes).text;
  } catch (error) {
    return `PNG: the file is damaged or truncated (${String((error as Error)?.message ?? error).slice(0, 80)})`;
  }
}

const own = (text: Record<string, string>, key: string) =>
  Object.prototype.hasOwnProperty.call(text, key) ? text[key] : undefined;

/** The sandbox state a PNG carries. Never throws. */
export function decodePngState(
  bytes: Uint8Array,
  worlds: readonly KnownWorld[],
  samplers: readonly KnownSampler[],
): DecodedPngState {
  const text = readTextChunks(bytes);
  const notices: string[] = [];
  if (typeof text === 'string') notices.push(`${text}; using the defaults`);
  else {
    const json = own(text, STATE_CHUNK);
    if (json !== undefined) {
      try {
        const result = sanitizeState(JSON.parse(json), worlds, samplers);
        return { ...result, source: 'sandbox-state' };
      } catch {
        notices.push(`PNG: the "${STATE_CHUNK}" chunk is not valid JSON; ignored`);
      }
    }
    const parameters = own(text, PARAMETERS_CHUNK);
    if (parameters !== undefined) {
      const result = fromInfotext(textFromLatin1(parameters), worlds, samplers);
      return { state: result.state, notices: [...notices, ...result.notices], source: 'parameters' };
    }
    notices.push(
      json === undefined
        ? `PNG: no sandbox settings in this image (no "${STATE_CHUNK}" or "${PARAMETERS_CHUNK}" chunk); using the defaults`
        : `PNG: no "${PARAMETERS_CHUNK}" chunk to fall back on; using the defaults`,
    );
  }
  return { ...sanitizeState({}, worlds, samplers), notices, source: 'none' };
}
