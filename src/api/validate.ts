/** Argument checks for the public API: every message names the field and its allowed range. */

/** The options argument of a method: a plain object (not null, an array or a primitive). Returns a shallow copy of
 *  its own fields, read once: a getter that throws (or a Proxy trap) fails here, with a message naming the
 *  argument, and a getter can't hand validation one value and the run another. */
export function requireObject(value: unknown, field: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new TypeError(`${field}: must be an options object, got ${describe(value)}`);
  try {
    return { ...value };
  } catch (error) {
    throw new TypeError(`${field}: could not be read (${String((error as Error)?.message ?? 'error').slice(0, 60)})`, {
      cause: error,
    });
  }
}

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

/** A Float32Array of exactly `length` finite values with |v| ≤ maxAbs (the bound keeps float32 arithmetic on them
 *  finite: squares and sums of values near float max overflow). */
export function finiteArray(value: unknown, field: string, length: number, maxAbs = Infinity): Float32Array {
  if (!(value instanceof Float32Array))
    throw new TypeError(`${field}: must be a Float32Array of length ${length}, got ${describe(value)}`);
  if (value.length !== length)
    throw new RangeError(`${field}: length must be ${length} (count × dim), got ${value.length}`);
  checkValues(value, field, maxAbs);
  return value;
}

/** A non-empty Float32Array whose length is a multiple of `dim`, of finite values with |v| ≤ maxAbs. */
export function samplesArray(value: unknown, field: string, dim: number, maxAbs: number): Float32Array {
  if (!(value instanceof Float32Array) || value.length === 0 || value.length % dim !== 0)
    throw new RangeError(
      `${field}: must be a non-empty Float32Array whose length is a multiple of dim ${dim}, got ${describe(value)}`,
    );
  checkValues(value, field, maxAbs);
  return value;
}

function checkValues(value: Float32Array, field: string, maxAbs: number): void {
  for (let i = 0; i < value.length; i++) {
    const v = value[i];
    if (!Number.isFinite(v)) throw new RangeError(`${field}[${i}]: must be finite, got ${v}`);
    if (Math.abs(v) > maxAbs) throw new RangeError(`${field}[${i}]: must be in [-${maxAbs}, ${maxAbs}], got ${v}`);
  }
}

/** A function-valued option, when given. */
export function optionalFunction(value: unknown, field: string): void {
  if (value !== undefined && typeof value !== 'function')
    throw new TypeError(`${field}: must be a function, got ${describe(value)}`);
}

/** An AbortSignal, when given. */
export function optionalSignal(value: unknown, field = 'signal'): void {
  if (value !== undefined && !(typeof AbortSignal !== 'undefined' && value instanceof AbortSignal))
    throw new TypeError(`${field}: must be an AbortSignal, got ${describe(value)}`);
}

/** Results are finite or the call fails: the documented input ranges keep them so, and this is the last guard. */
export function finiteResult<T extends ArrayLike<number>>(values: T, what: string): T {
  for (let i = 0; i < values.length; i++)
    if (!Number.isFinite(values[i]))
      throw new RangeError(`${what}[${i}]: the result is not finite (${values[i]}); no finite answer for these inputs`);
  return values;
}

/** A short, inert description: never calls a hostile toString or getter. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  if (Array.isArray(value)) return `array(${value.length})`;
  if (ArrayBuffer.isView(value))
    return `${Object.prototype.toString.call(value).slice(8, -1)}(${(value as unknown as ArrayLike<number>).length ?? value.byteLength})`;
  return 'an object';
}
