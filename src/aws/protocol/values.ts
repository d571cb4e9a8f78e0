/**
 * Scalar conversions shared by the protocols: timestamps and blobs in and out, and the Coral-style
 * rendering of a value in validation messages.
 */

/**
 * A handler's timestamp as a Date. Handlers may return a Date, an ISO 8601 string or a number of
 * epoch **milliseconds** (what `clock.now()` gives).
 */
export function toDate(v: unknown): Date | undefined {
  const d = v instanceof Date ? v : typeof v === 'number' || typeof v === 'string' ? new Date(v) : undefined;
  return d && !Number.isNaN(d.getTime()) ? d : undefined;
}

/**
 * Sets `obj[key]` as an own data property even for `__proto__`, so client-chosen map keys can
 * never reach an object's prototype.
 */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/** Epoch seconds with millisecond fraction, as rest-json / JSON 1.1 write timestamps (`1527807879.988`). */
export function epochSeconds(d: Date): number {
  return d.getTime() / 1000;
}

/** ISO 8601 with milliseconds in UTC, as the query protocols write timestamps. */
export function iso8601(d: Date): string {
  return d.toISOString();
}

/** Formats a timestamp for a wire that uses `format` (the model's timestampFormat trait). */
export function formatTimestamp(d: Date, format: 'iso8601' | 'unixTimestamp' | 'rfc822'): string | number {
  if (format === 'unixTimestamp') return epochSeconds(d);
  if (format === 'rfc822') return d.toUTCString();
  return iso8601(d);
}

/** Parses a timestamp sent by a client: epoch seconds (number or numeric text) or an ISO 8601 / HTTP date. */
export function parseTimestamp(v: unknown): Date | undefined {
  let d: Date | undefined;
  if (typeof v === 'number' && Number.isFinite(v)) d = new Date(v * 1000);
  else if (typeof v === 'string' && v) d = /^-?\d+(\.\d+)?$/.test(v) ? new Date(Number(v) * 1000) : new Date(v);
  return d && !Number.isNaN(d.getTime()) ? d : undefined;
}

/** A blob for the wire: bytes become base64; a string is taken as already base64. */
export function blobOut(v: unknown): string | undefined {
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
  if (typeof v === 'string') return v;
  return undefined;
}

/** A base64 blob from a client; undefined when the text is not base64. */
export function blobIn(v: unknown): Buffer | undefined {
  if (typeof v !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(v)) return undefined;
  return Buffer.from(v, 'base64');
}

/** How Coral-style messages show a value: `null`, `'text'`, `'[a, b]'`. */
export function showValue(v: unknown): string {
  if (v === undefined || v === null) return 'null';
  return `'${describe(v)}'`;
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(describe).join(', ')}]`;
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return `java.nio.HeapByteBuffer[pos=0 lim=${v.byteLength} cap=${v.byteLength}]`;
  if (typeof v === 'object' && v) return `{${Object.entries(v).map(([k, x]) => `${k}=${describe(x)}`).join(', ')}}`;
  return String(v);
}
