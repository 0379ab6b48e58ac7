/** Reading numbers typed into the page: out-of-range or malformed input is refused with a message that names the
 *  field and its allowed range, and the state keeps its last good value. */
export type Parsed = { value: number } | { error: string };

export function parseBounded(
  text: string,
  field: string,
  [min, max]: readonly [number, number],
  integer: boolean,
): Parsed {
  const value = Number(text.trim());
  const range = `${min}–${max}`;
  if (text.trim() === '' || !Number.isFinite(value)) return { error: `${field}: enter a number in ${range}` };
  if (integer && !Number.isInteger(value))
    return { error: `${field}: must be a whole number in ${range}, got ${text.trim()}` };
  if (value < min || value > max) return { error: `${field}: must be in ${range}, got ${value}` };
  return { value };
}
