import { decode, encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { jsonToLatin1, textFromLatin1, textToLatin1 } from '../../src/export/latin1-text';
import { decodePngState, encodePng, MAX_PNG_BYTES, PARAMETERS_CHUNK, STATE_CHUNK } from '../../src/export/png';
import { fixCrc } from './png-bytes';
import { toInfotext } from '../../src/state/infotext';
import { defaultState } from '../../src/state/params';
import { lcg } from '../reference/random-mixture';
import { CORE_SAMPLERS, randomState, SAMPLER_LIST, stateWith, WORLDS } from './state-random-state';

const read = (bytes: Uint8Array) => decodePngState(bytes, WORLDS, CORE_SAMPLERS);

function randomImage(seed: number, width = 7, height = 5) {
  const u = lcg(seed);
  return { width, height, data: Uint8ClampedArray.from({ length: width * height * 4 }, () => Math.floor(256 * u())) };
}

const LATIN1_ONLY = /^[^\u0100-\uffff]*$/;

describe('encodePng / decodePngState', () => {
  it('round-trips pixels and 100 random states; both chunks are present and Latin-1', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const state = randomState(seed);
      const image = randomImage(seed, 1 + (seed % 9), 1 + (seed % 4));
      const infotext = toInfotext(state, seed % state.panels.length, { nfe: 12 });
      const bytes = encodePng(image, state, infotext);
      const png = decode(bytes);
      expect(png.width).toBe(image.width);
      expect(png.channels).toBe(4);
      expect(Array.from(png.data)).toEqual(Array.from(image.data));
      expect(Object.keys(png.text).sort()).toEqual([PARAMETERS_CHUNK, STATE_CHUNK]);
      expect(png.text[PARAMETERS_CHUNK]).toMatch(LATIN1_ONLY);
      expect(png.text[STATE_CHUNK]).toMatch(LATIN1_ONLY);
      expect(textFromLatin1(png.text[PARAMETERS_CHUNK])).toBe(infotext);
      expect(decodePngState(bytes, WORLDS, SAMPLER_LIST)).toEqual({ state, notices: [], source: 'sandbox-state' });
    }
  });

  it('an image panel: the state chunk restores it exactly, the infotext alone restores class and size by name, hostile image values give notices', () => {
    const fmnist = WORLDS.find((w) => w.id === 'fmnist')!.image!;
    const state = stateWith({
      world: 'fmnist',
      count: 4,
      label: 9,
      cfg: 2,
      size: 56,
      panels: [{ ...defaultState().panels[0], upscale: 'naive' }, defaultState().panels[1]],
    });
    const infotext = toInfotext(state, 0, { nfe: 10, image: fmnist });
    expect(decodePngState(encodePng(randomImage(1), state, infotext), WORLDS, SAMPLER_LIST)).toEqual({
      state,
      notices: [],
      source: 'sandbox-state',
    });
    const onlyInfotext = encode({
      width: 1,
      height: 1,
      data: new Uint8Array(4),
      channels: 4,
      depth: 8,
      text: { [PARAMETERS_CHUNK]: textToLatin1(infotext) },
    });
    expect(decodePngState(onlyInfotext, WORLDS, SAMPLER_LIST)).toEqual({
      state: { ...state, panels: [state.panels[0], ...defaultState().panels.slice(1)] },
      notices: [],
      source: 'parameters',
    });
    const hostile = encode({
      width: 1,
      height: 1,
      data: new Uint8Array(4),
      channels: 4,
      depth: 8,
      text: { [STATE_CHUNK]: JSON.stringify({ world: 'fmnist', count: 9999, label: '<img src=x>', size: 1e9 }) },
    });
    expect(decodePngState(hostile, WORLDS, SAMPLER_LIST).notices).toEqual([
      'count: must be an integer in 1–64, got 9999; using 16',
      'label: must be a class 0–9, "mixed" or "unconditional", got "<img src=x>"; using "mixed"',
      'size: must be a multiple of 28 from 28 to 112, got 1000000000; using 28',
    ]);
  });

  it('non-Latin-1 text survives in both chunks (η, en dash, emoji, backslashes)', () => {
    const samplers = [...CORE_SAMPLERS, { id: 'η\\u03b7😀–', stochastic: true, options: [] }];
    const state = stateWith({
      panels: [{ sampler: 'η\\u03b7😀–', steps: 3, schedule: 'karras', eta: 0.5 }, defaultState().panels[2]],
    });
    const infotext = toInfotext(state, 1);
    expect(infotext).toContain('η-SDE (Euler–Maruyama)');
    const bytes = encodePng(randomImage(1), state, `${infotext} \\u00e9 \\`);
    expect(decodePngState(bytes, WORLDS, samplers)).toEqual({ state, notices: [], source: 'sandbox-state' });
    expect(textFromLatin1(decode(bytes).text[PARAMETERS_CHUNK])).toBe(`${infotext} \\u00e9 \\`);
  });

  it('falls back to the infotext when there is no state chunk, or when it is not JSON', () => {
    const state = stateWith({
      seed: 77,
      panels: [{ sampler: 'heun', steps: 3, schedule: 'logsnr', eta: 0 }, defaultState().panels[2]],
    });
    const parameters = textToLatin1(toInfotext(state, 0));
    const expected = stateWith({
      seed: 77,
      panels: [{ sampler: 'heun', steps: 3, schedule: 'logsnr', eta: 0 }, ...defaultState().panels.slice(1)],
    });
    const only = encode({ ...randomImage(2), text: { [PARAMETERS_CHUNK]: parameters } });
    expect(read(only)).toEqual({ state: expected, notices: [], source: 'parameters' });
    const broken = encode({
      ...randomImage(2),
      text: { [PARAMETERS_CHUNK]: parameters, [STATE_CHUNK]: '{"seed": 5,' },
    });
    expect(read(broken)).toEqual({
      state: expected,
      notices: [`PNG: the "${STATE_CHUNK}" chunk is not valid JSON; ignored`],
      source: 'parameters',
    });
    const neither = encode({ ...randomImage(2), text: { [STATE_CHUNK]: 'nope' } });
    expect(read(neither)).toEqual({
      state: defaultState(),
      notices: [
        `PNG: the "${STATE_CHUNK}" chunk is not valid JSON; ignored`,
        `PNG: no usable "${PARAMETERS_CHUNK}" chunk to fall back on; nothing restored; the current settings are kept`,
      ],
      source: 'none',
    });
  });

  it('hostile JSON in the state chunk is sanitized field by field', () => {
    const json =
      '{"__proto__": {"polluted": 1}, "world": "<img src=x onerror=alert(1)>", "seed": 5, "count": 1e308, "panels": "x"}';
    const { state, notices, source } = read(encode({ ...randomImage(3), text: { [STATE_CHUNK]: json } }));
    expect(source).toBe('sandbox-state');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(state).toEqual(stateWith({ seed: 5 }));
    expect(notices).toEqual([
      'state: ignored unknown field "__proto__"',
      'world: must be one of gmm:ring8, gmm:checkerboard, gmm:spiral, gmm:moons, fmnist, fmnist-2rf, emoji, got "<img src=x onerror=alert(1)>"; using "gmm:ring8"',
      'count: must be an integer in 1–16384, got 1e+308; using 2048',
      'panels: must be a list of 2–6 panels, got "x"; using the default panels',
    ]);
  });

  it('a PNG without our chunks, a truncated PNG, a PNG missing its header, not a PNG, not bytes', () => {
    const plain = encode(randomImage(4));
    expect(read(plain)).toEqual({
      state: defaultState(),
      notices: [
        `PNG: no sandbox settings in this image (no "${STATE_CHUNK}" or "${PARAMETERS_CHUNK}" chunk); nothing restored; the current settings are kept`,
      ],
      source: 'none',
    });
    const full = encodePng(randomImage(5, 40, 40), defaultState(), 'Steps: 3');
    // Cuts inside the header, the pixels, the text chunks, and just before IEND (the text chunks follow IDAT).
    for (const cut of [9, 30, 60, full.length >> 1, full.length - 13, full.length - 12]) {
      const result = read(full.slice(0, cut));
      expect(result.state).toEqual(defaultState());
      expect(result.source).toBe('none');
      expect(result.notices).toHaveLength(1);
      expect(result.notices[0]).toMatch(/^PNG: the file is (damaged|truncated)/);
    }
    const noHeader = full.slice();
    noHeader.set([0x58, 0x58, 0x58, 0x58], 12);
    fixCrc(noHeader, 8);
    expect(read(noHeader).notices).toEqual([
      'PNG: the file is damaged (no IHDR header); nothing restored; the current settings are kept',
    ]);
    expect(read(new TextEncoder().encode('GIF89a not a png at all')).notices).toEqual([
      'PNG: not a PNG file (wrong signature); nothing restored; the current settings are kept',
    ]);
    expect(read(new Uint8Array(0)).notices).toEqual([
      'PNG: not a PNG file (wrong signature); nothing restored; the current settings are kept',
    ]);
    expect(read('‰PNG' as unknown as Uint8Array).notices).toEqual([
      'PNG: expected the bytes of a file; nothing restored; the current settings are kept',
    ]);
    expect(read(full.buffer as unknown as Uint8Array).notices).toEqual([
      'PNG: expected the bytes of a file; nothing restored; the current settings are kept',
    ]);
  });

  it('refuses oversized files and headers that promise huge images, before decoding anything', () => {
    const big = new Uint8Array(MAX_PNG_BYTES + 1);
    big.set(encodePng(randomImage(6), defaultState(), ''));
    expect(read(big).notices).toEqual([
      `PNG: the file is ${MAX_PNG_BYTES + 1} bytes, at most ${MAX_PNG_BYTES} allowed; nothing restored; the current settings are kept`,
    ]);
    const huge = encodePng(randomImage(6), stateWith({ seed: 3 }), '');
    new DataView(huge.buffer).setUint32(16, 100_000);
    new DataView(huge.buffer).setUint32(20, 100_000);
    fixCrc(huge, 8);
    expect(read(huge).notices).toEqual([
      'PNG: 100000 × 100000 pixels is too large to read (at most 67108864 pixels); nothing restored; the current settings are kept',
    ]);
  });

  it('encodePng checks the image', () => {
    expect(() => encodePng({ width: 2, height: 2, data: new Uint8Array(15) }, defaultState(), '')).toThrow(
      'image.data: must hold width × height × 4 = 16 RGBA bytes, got 15',
    );
    expect(() => encodePng({ width: 0, height: 2, data: new Uint8Array(0) }, defaultState(), '')).toThrow(
      'image: width and height must be positive integers, got 0 × 2',
    );
  });
});

describe('Latin-1 text for tEXt chunks', () => {
  it('any UTF-16 text round-trips, and the escaped form is Latin-1', () => {
    const u = lcg(11);
    for (let i = 0; i < 300; i++) {
      const text = String.fromCharCode(
        ...Array.from({ length: 40 }, () => (u() < 0.3 ? 0x5c : u() < 0.5 ? 0x75 : Math.floor(u() * 0x10000))),
      );
      expect(textToLatin1(text)).toMatch(LATIN1_ONLY);
      expect(textFromLatin1(textToLatin1(text))).toBe(text);
      const json = JSON.stringify({ text });
      expect(jsonToLatin1(json)).toMatch(LATIN1_ONLY);
      expect(JSON.parse(jsonToLatin1(json))).toEqual({ text });
    }
  });

  it('keeps Latin-1 as it is and escapes only beyond U+00FF', () => {
    expect(textToLatin1('Eta: 1, é ü')).toBe('Eta: 1, é ü');
    expect(textToLatin1('η-SDE')).toBe('\\u03b7-SDE');
    expect(textToLatin1('a\\b')).toBe('a\\\\b');
    expect(textFromLatin1('stray \\ and \\x')).toBe('stray \\ and \\x');
  });
});
