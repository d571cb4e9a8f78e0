/**
 * JSON text as Go's encoding/json writes it: object keys sorted, `<`, `>`, `&`, U+2028 and
 * U+2029 escaped as `\u00XX`. Server-side apply needs this byte-for-byte in two places: the
 * `k:`/`v:` path elements of FieldsV1 (structured-merge-diff writes them with json-iterator's
 * standard-library-compatible config) and the `last-applied-configuration` annotation that
 * kubectl's server-side apply keeps in sync (written by `json.Encoder`).
 */
import type { JsonValue } from '../json.js';

const ESCAPE_RE = /[<>&\u2028\u2029]/g;

function escapeChar(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** `JSON.stringify` of a string with Go's HTML-safe escaping. */
export function goQuote(s: string): string {
  const json = JSON.stringify(s);
  return ESCAPE_RE.test(json) ? json.replace(ESCAPE_RE, escapeChar) : json;
}

/** Go's `json.Marshal` of a decoded JSON value (maps with sorted keys, HTML-safe strings). */
export function goJson(v: JsonValue | undefined): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  const keys = Object.keys(v)
    .filter((k) => v[k] !== undefined)
    .sort(compareStrings);
  return `{${keys.map((k) => `${goQuote(k)}:${goJson(v[k])}`).join(',')}}`;
}

/** Byte order of two strings as Go's `strings.Compare` sees them (UTF-16 order for the BMP). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
