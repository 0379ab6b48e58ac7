/** Argument checks for the public API: every message names the field and its allowed range. */

export function integerIn(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${field}: must be an integer in ${min}–${max}, got ${describe(value)}`);
  }
  return value;
}

export function numberIn(
  value: unknown,
  field: string,
  min: number,
  max: number,
  { exclusiveMin = false } = {},
): number {
  const ok =
    typeof value === 'number' && Number.isFinite(value) && (exclusiveMin ? value > min : value >= min) && value <= max;
  if (!ok)
    throw new RangeError(
      `${field}: must be a number in ${exclusiveMin ? '(' : '['}${min}, ${max}], got ${describe(value)}`,
    );
  return value as number;
}

export function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw new RangeError(`${field}: must be one of ${allowed.join(', ')}, got ${describe(value)}`);
  }
  return value as T;
}

export function finiteArray(value: unknown, field: string, length: number): Float32Array {
  if (!(value instanceof Float32Array))
    throw new TypeError(`${field}: must be a Float32Array of length ${length}, got ${describe(value)}`);
  if (value.length !== length)
    throw new RangeError(`${field}: length must be ${length} (count × dim), got ${value.length}`);
  for (let i = 0; i < value.length; i++)
    if (!Number.isFinite(value[i])) throw new RangeError(`${field}[${i}]: must be finite, got ${value[i]}`);
  return value;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  if (value instanceof Float32Array) return `Float32Array(${value.length})`;
  if (Array.isArray(value)) return `array(${value.length})`;
  return String(value);
}
