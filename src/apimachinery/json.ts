/**
 * JSON value helpers shared by patches, strategies and tests: a type for "anything JSON.parse can
 * return", structural equality and deep copies.
 */

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** True for `{...}` values: not null, not an array. */
export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Structural equality of two JSON values: same type, same array order, same object members in
 * any key order. An object member whose value is `undefined` counts as absent (it would not be
 * serialized), so `{a: undefined}` equals `{}`. Unlike Go's apiequality.Semantic.DeepEqual, an
 * empty array is not equal to null/absent: JSON tells them apart and so do patches.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') {
    return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
  }
  const aArr = Array.isArray(a);
  if (aArr !== Array.isArray(b)) return false;
  if (aArr) {
    const x = a as unknown[];
    const y = b as unknown[];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!deepEqual(x[i], y[i])) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let xCount = 0;
  for (const k of Object.keys(x)) {
    if (x[k] === undefined) continue;
    xCount++;
    if (!Object.hasOwn(y, k) || !deepEqual(x[k], y[k])) return false;
  }
  let yCount = 0;
  for (const k of Object.keys(y)) if (y[k] !== undefined) yCount++;
  return xCount === yCount;
}

/**
 * A deep copy that shares nothing with the input (structuredClone). Meant for JSON data; class
 * instances lose their prototype, which is fine for API objects.
 */
export function deepClone<T>(v: T): T {
  return structuredClone(v);
}
