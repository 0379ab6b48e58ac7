/** Byte-level PNG helpers for tests that build hostile files: chunks with correct CRCs, and a zlib bomb. */
import { crc32 } from '../../src/export/png-read';

/** Rewrites the CRC of the chunk starting at `at` (its length field), after a test edited the chunk. */
export function fixCrc(bytes: Uint8Array, at: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = at + 8 + view.getUint32(at);
  view.setUint32(end, crc32(bytes, at + 4, end));
}

/** One chunk: length, type, data, CRC. */
export function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(
    [...type].map((c) => c.charCodeAt(0)),
    4,
  );
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

export function ihdr(width: number, height: number, depth = 8, colour = 6, interlace = 0): Uint8Array {
  const data = new Uint8Array(13);
  const view = new DataView(data.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  data.set([depth, colour, 0, 0, interlace], 8);
  return chunk('IHDR', data);
}

export function png(...chunks: Uint8Array[]): Uint8Array {
  const signature = [137, 80, 78, 71, 13, 10, 26, 10];
  const out = new Uint8Array(8 + chunks.reduce((n, c) => n + c.length, 0));
  out.set(signature);
  let at = 8;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export function textChunk(keyword: string, text: string): Uint8Array {
  const bytes = new Uint8Array(keyword.length + 1 + text.length);
  for (let i = 0; i < keyword.length; i++) bytes[i] = keyword.charCodeAt(i);
  for (let i = 0; i < text.length; i++) bytes[keyword.length + 1 + i] = text.charCodeAt(i) & 0xff;
  return chunk('tEXt', bytes);
}

/**
 * A zlib stream that inflates to `1 + 258·copies` zero bytes, written directly (no gigabyte buffer is ever
 * compressed): one fixed-Huffman block holding a literal 0 and then `copies` back-references of length 258 at
 * distance 1, 13 bits each, so a gigabyte takes about 6.5 MB. The Adler-32 is left 0: the reader must refuse the
 * stream long before it would check it.
 */
export function zlibBomb(copies: number): Uint8Array {
  const out = new Uint8Array(2 + Math.ceil((3 + 8 + 13 * copies + 7) / 8) + 4);
  out[0] = 0x78;
  out[1] = 0x01;
  let bit = 16;
  /** Writes `count` bits of `value`, least significant first (deflate's order for header and extra bits). */
  const bits = (value: number, count: number) => {
    for (let i = 0; i < count; i++, bit++) if ((value >> i) & 1) out[bit >> 3] |= 1 << (bit & 7);
  };
  /** Writes a Huffman code, most significant bit first. */
  const code = (value: number, length: number) => {
    for (let i = length - 1; i >= 0; i--, bit++) if ((value >> i) & 1) out[bit >> 3] |= 1 << (bit & 7);
  };
  bits(1, 1); // BFINAL
  bits(1, 2); // fixed Huffman
  code(0x30, 8); // literal 0
  for (let i = 0; i < copies; i++) {
    code(0b11000101, 8); // length code 285: 258 bytes
    code(0, 5); // distance code 0: distance 1
  }
  code(0, 7); // end of block
  return out;
}
