/**
 * Generated inputs for the state parsers (URL hash, PNG chunks): whatever comes in, a well-formed state comes out
 * (one the sanitizer keeps exactly, without a notice) with notices that are plain text; and valid states survive
 * state → URL → state and state → PNG → state unchanged, with no notice.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePngState, encodePng, PARAMETERS_CHUNK, STATE_CHUNK } from '../../src/export/png';
import { toInfotext } from '../../src/state/infotext';
import { defaultState } from '../../src/state/params';
import { stateFromHash, stateToHash } from '../../src/state/url';
import { sanitizeState, type SanitizedState } from '../../src/state/validate-state';
import { chunk, ihdr, png, textChunk } from './png-bytes';
import { randomState, SAMPLER_LIST, WORLDS } from './state-random-state';

const RUNS = 150;
const settings = { numRuns: RUNS, seed: 20261202 };

/** The state is one the sanitizer keeps as it is, and the notices are short strings. */
function wellFormed({ state, notices }: SanitizedState): void {
  expect(sanitizeState(state, WORLDS, SAMPLER_LIST)).toEqual({ state, notices: [] });
  for (const notice of notices) {
    expect(typeof notice).toBe('string');
    expect(notice.length).toBeLessThan(2000);
  }
}

const KEYS = [
  'world',
  'seed',
  'count',
  'p',
  'equal',
  'nfe',
  'smax',
  'smin',
  'rho',
  'traj',
  'mix',
  'label',
  'cfg',
  'size',
  'ugw',
  'uge',
];
const hostileText = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('NaN', 'Infinity', '-0', '1e309', '%', '%E0%A4%A', '__proto__', 'euler:10:karras:0~x', '0x10', ''),
  fc.double().map(String),
  fc.integer().map(String),
);
const hash = fc.oneof(
  fc.string({ maxLength: 64 }),
  fc
    .array(fc.tuple(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 6 })), hostileText), { maxLength: 12 })
    .map((pairs) => `#${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`),
);

const latin1 = fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x20-\xff]/g, ''));
const stateJson = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc
    .record({ world: hostileText, seed: fc.anything(), count: fc.anything(), panels: fc.anything() })
    .map((v) => JSON.stringify(v)),
  latin1,
);
const anyChunk = fc.oneof(
  fc
    .tuple(
      fc.integer({ min: 0, max: 70000 }),
      fc.integer({ min: 0, max: 70000 }),
      fc.constantFrom(1, 2, 4, 8, 16, 3),
      fc.constantFrom(0, 2, 3, 4, 6, 5),
      fc.constantFrom(0, 1, 2),
    )
    .map(([w, h, d, c, i]) => ihdr(w, h, d, c, i)),
  fc.uint8Array({ maxLength: 64 }).map((data) => chunk('IDAT', data)),
  stateJson.map((text) => textChunk(STATE_CHUNK, text)),
  latin1.map((text) => textChunk(PARAMETERS_CHUNK, text)),
  fc
    .tuple(fc.string({ minLength: 4, maxLength: 4 }), fc.uint8Array({ maxLength: 16 }))
    .map(([type, data]) => chunk(type.replace(/[^\x20-\x7e]/g, 'a'), data)),
  fc.constant(chunk('IEND', new Uint8Array())),
);
/** A chunk list, or a real exported PNG; then sometimes a byte flipped or the file cut short. */
const pngFile = fc
  .tuple(
    fc.oneof(
      fc.array(anyChunk, { maxLength: 6 }).map((chunks) => png(...chunks)),
      fc
        .integer({ min: 1, max: 10_000 })
        .map((seed) => encodePng({ width: 2, height: 2, data: new Uint8Array(16) }, randomState(seed), 'Steps: 3')),
    ),
    fc.option(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 }))),
    fc.option(fc.nat()),
  )
  .map(([bytes, flip, cut]) => {
    const out = bytes.slice();
    if (flip && out.length > 0) out[flip[0] % out.length] ^= flip[1];
    return cut === null ? out : out.subarray(0, cut % (out.length + 1));
  });

describe('generated inputs for the state parsers', () => {
  it(`URL hashes (${RUNS}): a well-formed state and plain notices, never a throw`, () => {
    fc.assert(
      fc.property(hash, (h) => wellFormed(stateFromHash(h, WORLDS, SAMPLER_LIST))),
      settings,
    );
  });

  it(`PNG files from generated chunks, flips and cuts (${RUNS}): a well-formed state, never a throw; nothing restored says so`, () => {
    fc.assert(
      fc.property(pngFile, (bytes) => {
        const result = decodePngState(bytes, WORLDS, SAMPLER_LIST);
        wellFormed(result);
        if (result.source === 'none')
          expect(result.notices.at(-1)).toMatch(/nothing restored; the current settings are kept$/);
      }),
      settings,
    );
  });

  it(`state → URL → state (${RUNS} generated valid states): the same state, no notice`, () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const state = randomState(seed);
        expect(stateFromHash(stateToHash(state), WORLDS, SAMPLER_LIST)).toEqual({ state, notices: [] });
      }),
      settings,
    );
  });

  it(`state → PNG → state (${RUNS} generated valid states): the same state, no notice`, () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const state = randomState(seed);
        const bytes = encodePng(
          { width: 3, height: 1, data: new Uint8Array(12).fill(seed & 0xff) },
          state,
          toInfotext(state, 0),
        );
        expect(decodePngState(bytes, WORLDS, SAMPLER_LIST)).toEqual({ state, notices: [], source: 'sandbox-state' });
      }),
      settings,
    );
  });

  it('the defaults restore with no notice', () => {
    expect(stateFromHash(stateToHash(defaultState()), WORLDS, SAMPLER_LIST)).toEqual({
      state: defaultState(),
      notices: [],
    });
  });
});
