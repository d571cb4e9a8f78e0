/**
 * Structural defaulting of custom objects, as apiextensions-apiserver's schema/defaulting:
 * `default` values fill absent fields (and nulls where the field is not nullable), and because
 * the fields of an object are visited after its own defaults are set, defaults nested under a
 * newly defaulted object apply too. Nulls of non-nullable fields without a default are dropped
 * first (PruneNonNullableNullsWithoutDefaults), as the CRD handler does on decode.
 */
import { deepClone } from '../json.js';
import type { Structural } from './structural.js';

const isMap = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);
const nonNullableNull = (x: unknown, s: Structural | undefined): s is Structural => x === null && !!s && !s.nullable;

/** PruneNonNullableNullsWithoutDefaults: removes `null` fields the schema neither allows nor defaults (in place). */
export function pruneNonNullableNulls(x: unknown, s: Structural | undefined): void {
  if (!s) return;
  if (Array.isArray(x)) {
    for (const v of x) pruneNonNullableNulls(v, s.items);
    return;
  }
  if (!isMap(x)) return;
  for (const [k, v] of Object.entries(x)) {
    const prop = s.properties?.[k] ?? s.additionalProperties?.schema;
    if (!prop) continue;
    if (v === null && prop.default === undefined && !prop.nullable) delete x[k];
    else pruneNonNullableNulls(v, prop);
  }
}

/** Default: applies the schema's defaults to `x` in place (upstream's structural defaulting algorithm). */
export function applyDefaults(x: unknown, s: Structural | undefined): void {
  if (!s) return;
  if (Array.isArray(x)) {
    x.forEach((v, i) => {
      if (nonNullableNull(v, s.items) && s.items.default !== undefined) x[i] = deepClone(s.items.default);
      applyDefaults(x[i], s.items);
    });
    return;
  }
  if (!isMap(x)) return;
  for (const [k, prop] of Object.entries(s.properties ?? {})) {
    if (prop.default === undefined) continue;
    if (!Object.prototype.hasOwnProperty.call(x, k) || nonNullableNull(x[k], prop)) x[k] = deepClone(prop.default);
  }
  for (const k of Object.keys(x)) {
    const prop = s.properties?.[k];
    if (prop) applyDefaults(x[k], prop);
    else if (s.additionalProperties?.schema) {
      const ap = s.additionalProperties.schema;
      if (nonNullableNull(x[k], ap) && ap.default !== undefined) x[k] = deepClone(ap.default);
      applyDefaults(x[k], ap);
    }
  }
}

/** Drops non-nullable nulls, then applies defaults (what decoding a request body does). */
export function defaultCustomObject(x: unknown, s: Structural | undefined): void {
  pruneNonNullableNulls(x, s);
  applyDefaults(x, s);
}
