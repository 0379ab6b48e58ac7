/**
 * A PNG reader for untrusted files that wants only their tEXt chunks, but checks the whole file first: every chunk's
 * CRC, an IHDR first and sane, and image data that inflates to exactly the size the header implies. The image data
 * is inflated as a stream, a slice at a time, counting bytes and keeping none, so a zlib bomb (a few megabytes that
 * inflate to gigabytes) stops at the header's size plus one slice's worth, and memory stays bounded.
 */
import { Unzlib } from 'fflate';

/** Far above any grid the page exports (6 × 10 cells of 512² RGBA is 60 MB raw, less compressed). */
export const MAX_PNG_BYTES = 64 * 2 ** 20;
/** The header's width × height; the decoded size follows from it and the pixel format. */
const MAX_PNG_PIXELS = 2 ** 26;
/** Filtered scanline bytes the header may imply: twice the largest grid the page exports. */
export const MAX_DECODED_BYTES = 2 ** 27;
/** A tEXt chunk's bytes (keyword and text): our state and infotext chunks are far smaller (a 1024-component mixture
 *  takes about 60 000 characters). */
export const MAX_TEXT_CHUNK_BYTES = 2 ** 20;
/** tEXt chunks read from one file; more are ignored. */
const MAX_TEXT_CHUNKS = 64;
/** Compressed bytes fed to the inflater at a time: deflate expands at most ~1032:1, so one slice yields ≤ ~1 MB. */
const INFLATE_SLICE = 1024;

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];
/** Samples per pixel by colour type (PNG spec, 11.2.2). */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const BIT_DEPTHS: Record<number, number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

export interface PngText {
  /** tEXt chunks by keyword (the first of each), Latin-1 decoded. */
  text: Record<string, string>;
  /** Notices about chunks that were skipped (oversized text, too many chunks). */
  skipped: string[];
  /** Bytes the image data inflated to (for tests: it never runs far past the header's size). */
  inflated: number;
}

let crcTable: Uint32Array | undefined;

/** CRC-32 as PNG uses it (ISO 3309, polynomial 0xEDB88320). */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Bytes of filtered scanlines (one filter byte per row) the header implies, over the 7 Adam7 passes if
 *  interlaced. */
function decodedBytes(width: number, height: number, bitsPerPixel: number, interlaced: boolean): number {
  const rows = (w: number, h: number) => (w === 0 || h === 0 ? 0 : h * (1 + Math.ceil((w * bitsPerPixel) / 8)));
  if (!interlaced) return rows(width, height);
  const passes = [
    [0, 0, 8, 8],
    [4, 0, 8, 8],
    [0, 4, 4, 8],
    [2, 0, 4, 4],
    [0, 2, 2, 4],
    [1, 0, 2, 2],
    [0, 1, 1, 2],
  ];
  let total = 0;
  for (const [x0, y0, dx, dy] of passes) total += rows(Math.ceil((width - x0) / dx), Math.ceil((height - y0) / dy));
  return total;
}

const latin1 = (bytes: Uint8Array) => {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
};

const typeOf = (bytes: Uint8Array, at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));

/** The tEXt chunks of a verified PNG, or a reason it was refused (a sentence starting with "PNG: "). Never throws. */
export function readPngText(bytes: unknown): PngText | string {
  if (!(bytes instanceof Uint8Array)) return 'PNG: expected the bytes of a file';
  if (bytes.length > MAX_PNG_BYTES) return `PNG: the file is ${bytes.length} bytes, at most ${MAX_PNG_BYTES} allowed`;
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) return 'PNG: not a PNG file (wrong signature)';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text: Record<string, string> = Object.create(null);
  const skipped: string[] = [];
  let expected = 0;
  let inflated = 0;
  let inflateError: string | undefined;
  let ended = false;
  const inflater = new Unzlib((chunk, final) => {
    inflated += chunk.length;
    if (final) ended = true;
  });
  const inflate = (data: Uint8Array, final: boolean): string | undefined => {
    try {
      for (let at = 0; at < data.length || (final && at === 0); at += INFLATE_SLICE) {
        const last = final && at + INFLATE_SLICE >= data.length;
        inflater.push(data.subarray(at, at + INFLATE_SLICE), last);
        if (inflated > expected)
          return `PNG: the image data inflates to more than the ${expected} bytes its header implies; refused`;
        if (last) break;
      }
    } catch (error) {
      return `PNG: the image data is damaged (${String((error as Error)?.message ?? error).slice(0, 60)})`;
    }
    return undefined;
  };

  let at = 8;
  let index = 0;
  let textChunks = 0;
  let sawIdat = false;
  let idatDone = false;
  while (true) {
    if (at + 12 > bytes.length) return 'PNG: the file is truncated (no IEND chunk)';
    const length = view.getUint32(at);
    const type = typeOf(bytes, at + 4);
    if (length > 2 ** 31 - 1 || at + 12 + length > bytes.length)
      return `PNG: the file is truncated or damaged (chunk ${JSON.stringify(type)} runs past the end)`;
    const dataStart = at + 8;
    const dataEnd = dataStart + length;
    if (crc32(bytes, at + 4, dataEnd) !== view.getUint32(dataEnd))
      return `PNG: the file is damaged (chunk ${JSON.stringify(type)} fails its CRC check)`;
    const data = bytes.subarray(dataStart, dataEnd);
    if (index === 0) {
      if (type !== 'IHDR' || length !== 13) return 'PNG: the file is damaged (no IHDR header)';
      const width = view.getUint32(dataStart);
      const height = view.getUint32(dataStart + 4);
      const [depth, colour, compression, filter, interlace] = data.subarray(8, 13);
      if (width < 1 || height < 1 || width > 2 ** 31 - 1 || height > 2 ** 31 - 1)
        return `PNG: the header's size ${width} × ${height} is invalid`;
      if (width * height > MAX_PNG_PIXELS)
        return `PNG: ${width} × ${height} pixels is too large to read (at most ${MAX_PNG_PIXELS} pixels)`;
      if (!BIT_DEPTHS[colour]?.includes(depth) || compression !== 0 || filter !== 0 || interlace > 1)
        return `PNG: the header's pixel format (bit depth ${depth}, colour type ${colour}) is invalid`;
      expected = decodedBytes(width, height, depth * CHANNELS[colour], interlace === 1);
      if (expected > MAX_DECODED_BYTES)
        return `PNG: ${width} × ${height} pixels decode to ${expected} bytes, at most ${MAX_DECODED_BYTES} allowed`;
    } else if (type === 'IDAT') {
      // IDAT chunks must be consecutive (PNG spec, 5.6).
      if (idatDone) return 'PNG: the file is damaged (IDAT chunks are not consecutive)';
      sawIdat = true;
      inflateError = inflateError ?? inflate(data, false);
      if (inflateError) return inflateError;
    } else {
      if (sawIdat) idatDone = true;
      if (type === 'IEND') break;
      if (type === 'tEXt') {
        const keywordEnd = data.indexOf(0);
        const keyword = latin1(data.subarray(0, keywordEnd < 0 ? 0 : keywordEnd));
        if (keywordEnd < 1 || keywordEnd > 79) skipped.push('PNG: a tEXt chunk without a valid keyword was skipped');
        else if (length > MAX_TEXT_CHUNK_BYTES)
          skipped.push(
            `PNG: the ${JSON.stringify(keyword)} chunk is ${length} bytes, at most ${MAX_TEXT_CHUNK_BYTES} allowed; skipped`,
          );
        else if (++textChunks > MAX_TEXT_CHUNKS) {
          if (textChunks === MAX_TEXT_CHUNKS + 1)
            skipped.push(`PNG: more than ${MAX_TEXT_CHUNKS} text chunks; the rest were skipped`);
        } else if (!(keyword in text)) text[keyword] = latin1(data.subarray(keywordEnd + 1));
      }
    }
    at = dataEnd + 4;
    index++;
  }
  if (!sawIdat) return 'PNG: the file is damaged (no image data)';
  const error = inflate(new Uint8Array(0), true);
  if (error) return error;
  if (!ended || inflated !== expected)
    return `PNG: the image data inflates to ${inflated} bytes, its header implies ${expected}; refused`;
  return { text, skipped, inflated };
}
