/** PNG restore under hostile files: verified CRCs, bounded inflation, header/data agreement, capped text. */
import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { decodePngState, encodePng, PARAMETERS_CHUNK, STATE_CHUNK } from '../../src/export/png';
import { MAX_DECODED_BYTES, MAX_TEXT_CHUNK_BYTES, readPngText } from '../../src/export/png-read';
import { defaultState, LIMITS } from '../../src/state/params';
import { CORE_SAMPLERS, stateWith, WORLDS } from './state-random-state';
import { chunk, fixCrc, ihdr, png, textChunk, zlibBomb } from './png-bytes';

const read = (bytes: Uint8Array) => decodePngState(bytes, WORLDS, CORE_SAMPLERS);
const KEPT = 'nothing restored; the current settings are kept';
const image = (width: number, height: number) => ({
  width,
  height,
  data: new Uint8Array(width * height * 4).fill(7),
});

describe('PNG input limits', () => {
  it('a zlib bomb (a 1×1 image whose data inflates to 1 GB) is refused after about one slice, memory bounded', () => {
    const copies = Math.ceil(2 ** 30 / 258);
    const bomb = png(
      ihdr(1, 1),
      chunk('IDAT', zlibBomb(copies)),
      textChunk(STATE_CHUNK, '{}'),
      chunk('IEND', new Uint8Array()),
    );
    const before = process.memoryUsage().arrayBuffers;
    const result = read(bomb);
    // Inflating the whole stream would allocate a gigabyte; the reader keeps no inflated bytes at all.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(32 * 2 ** 20);
    expect(result.source).toBe('none');
    expect(result.notices).toEqual([
      `PNG: the image data inflates to more than the 5 bytes its header implies; refused; ${KEPT}`,
    ]);
  });

  it('the same bomb behind a header that promises a large image: the decoded size is capped from the header', () => {
    const bomb = png(ihdr(8192, 8192), chunk('IDAT', zlibBomb(1000)), chunk('IEND', new Uint8Array()));
    expect(read(bomb).notices).toEqual([
      `PNG: 8192 × 8192 pixels decode to ${8192 * (1 + 4 * 8192)} bytes, at most ${MAX_DECODED_BYTES} allowed; ${KEPT}`,
    ]);
  });

  it('refuses a header that disagrees with the image data, either way', () => {
    const state = stateWith({ seed: 9 });
    const large = encodePng(image(512, 512), state, 'Seed: 9');
    new DataView(large.buffer).setUint32(16, 1);
    new DataView(large.buffer).setUint32(20, 1);
    fixCrc(large, 8);
    expect(read(large).notices).toEqual([
      `PNG: the image data inflates to more than the 5 bytes its header implies; refused; ${KEPT}`,
    ]);
    const small = encodePng(image(1, 1), state, 'Seed: 9');
    new DataView(small.buffer).setUint32(16, 64);
    new DataView(small.buffer).setUint32(20, 64);
    fixCrc(small, 8);
    expect(read(small).notices).toEqual([
      `PNG: the image data inflates to 5 bytes, its header implies ${64 * (1 + 4 * 64)}; refused; ${KEPT}`,
    ]);
    // The untouched files restore.
    expect(read(encodePng(image(3, 2), state, 'Seed: 9'))).toEqual({ state, notices: [], source: 'sandbox-state' });
  });

  it('verifies every chunk CRC: one flipped byte in the state chunk refuses the file', () => {
    const bytes = encodePng(image(2, 2), stateWith({ seed: 11 }), 'Seed: 11');
    const at = bytes.length - 30; // inside the last tEXt chunk, before IEND
    bytes[at] ^= 1;
    const result = read(bytes);
    expect(result.source).toBe('none');
    expect(result.notices).toHaveLength(1);
    expect(result.notices[0]).toMatch(
      /^PNG: the file is damaged \(chunk "tEXt" fails its CRC check\); nothing restored/,
    );
  });

  it('a 10 MB parameters text without a state chunk is skipped: nothing restored, the settings kept, and it says so', () => {
    const bytes = encode({
      ...image(1, 1),
      channels: 4,
      depth: 8,
      text: { [PARAMETERS_CHUNK]: 'Seed: 1, '.repeat(1.2e6) },
    });
    const result = read(bytes);
    expect(result.source).toBe('none');
    expect(result.notices).toEqual([
      `PNG: the "${PARAMETERS_CHUNK}" chunk is ${PARAMETERS_CHUNK.length + 1 + 9 * 1.2e6} bytes, at most ${MAX_TEXT_CHUNK_BYTES} allowed; skipped`,
      `PNG: no sandbox settings in this image (no "${STATE_CHUNK}" or "${PARAMETERS_CHUNK}" chunk); ${KEPT}`,
    ]);
  });

  it('a state with 1,000 panels keeps the first few the page allows, with a notice', () => {
    const panels = Array.from({ length: 1000 }, () => defaultState().panels[0]);
    const bytes = encode({
      ...image(1, 1),
      channels: 4,
      depth: 8,
      text: { [STATE_CHUNK]: JSON.stringify({ ...defaultState(), panels }) },
    });
    const { state, notices } = read(bytes);
    expect(state.panels).toHaveLength(LIMITS.panels[1]);
    expect(notices).toEqual([
      `panels: at most ${LIMITS.panels[1]} panels allowed, got 1000; keeping the first ${LIMITS.panels[1]}`,
    ]);
  });

  it('readPngText: chunks after IEND are never read; IDAT must be consecutive; no IDAT is damage', () => {
    const idat = chunk('IDAT', new Uint8Array([0x78, 0x01, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01]));
    const iend = chunk('IEND', new Uint8Array());
    expect(readPngText(png(ihdr(1, 1, 8, 0), idat, iend))).toMatchObject({ text: {}, inflated: 2 });
    expect(readPngText(png(ihdr(1, 1, 8, 0), iend))).toBe('PNG: the file is damaged (no image data)');
    expect(readPngText(png(ihdr(1, 1, 8, 0), idat, textChunk('a', 'b'), idat, iend))).toBe(
      'PNG: the file is damaged (IDAT chunks are not consecutive)',
    );
    expect(readPngText(png(ihdr(1, 1, 3, 0), idat, iend))).toMatch(/pixel format \(bit depth 3, colour type 0\)/);
  });
});
