/**
 * PNG tEXt chunks hold Latin-1 only (PNG spec §11.3.4.3), and fast-png refuses anything else. Our texts carry
 * labels like "η-SDE (Euler–Maruyama)", so characters above U+00FF are written as \uXXXX escapes (per UTF-16 code
 * unit, so astral characters survive as surrogate pairs).
 */

const BEYOND_LATIN1 = /[\u0100-\uffff]/g;

const escapeUnit = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** For JSON: an escape is only ever needed inside a string literal, where \uXXXX is already JSON, so JSON.parse
 *  reads the result back unchanged. */
export function jsonToLatin1(json: string): string {
  return json.replace(BEYOND_LATIN1, escapeUnit);
}

/** For free text: backslashes are doubled first, so unescaping is exact for any input. */
export function textToLatin1(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(BEYOND_LATIN1, escapeUnit);
}

/** Inverse of textToLatin1; a stray backslash not starting an escape is kept as it is. */
export function textFromLatin1(text: string): string {
  return text.replace(/\\(\\|u[0-9a-fA-F]{4})/g, (_, e: string) =>
    e === '\\' ? '\\' : String.fromCharCode(parseInt(e.slice(1), 16)),
  );
}
