/** Strict reading of numbers typed into URLs, infotexts and axis fields. */

/** A decimal number as written by String(number): no hex, no blanks, no "Infinity". The pattern is unambiguous
 *  (no two quantifiers compete for the same digits), so a failing match costs linear time. */
const NUMBER_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;
/** String(number) never needs more (e.g. "-1.2345678901234567e-100" is 24 characters). */
const MAX_NUMBER_CHARS = 32;

/** The number a text spells, or NaN (unlike Number(), which reads "" as 0 and "0x10" as 16). */
export function parseNumberText(text: string): number {
  const t = text.trim();
  return t.length <= MAX_NUMBER_CHARS && NUMBER_TEXT.test(t) ? Number(t) : NaN;
}

/** The number a text spells, or the text itself, so that validation can quote what was given in its notice. */
export function numberOrText(text: string): number | string {
  const n = parseNumberText(text);
  return Number.isNaN(n) ? text : n;
}
