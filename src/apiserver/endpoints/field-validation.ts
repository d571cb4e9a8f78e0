/**
 * Decoding checks of built-in kinds: values of the wrong JSON type are a 400 (as the Go decoder
 * answers); and server-side field validation (`fieldValidation=Strict|Warn|Ignore`, default Warn): fields the
 * kind does not have are a 400 under Strict, a `Warning` header under Warn, and are dropped from
 * what is stored in every mode (as decoding into the Go types does upstream).
 */
import { badRequest } from '../../apimachinery/errors.js';
import type { JsonObject } from '../../apimachinery/json.js';
import { pruneUnknownFields } from '../../apimachinery/prune.js';
import { findTypeError } from '../../apimachinery/schema/type-check.js';
import type { CustomResourceDef } from '../registry/apiextensions/index.js';
import type { KObject, ResourceDef } from '../registry/resource.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export function fieldValidationMode(q: URLSearchParams): FieldValidation {
  const v = q.get('fieldValidation');
  if (v === null || v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw badRequest(`fieldValidation: Unsupported value: "${v}": supported values: "Ignore", "Strict", "Warn"`);
}

/**
 * Returns the object without unknown fields and the warnings to send; throws the 400 of Strict.
 * Kinds without a built-in schema are passed through unchanged.
 */
export function validateFields(def: ResourceDef, obj: KObject, mode: FieldValidation): { obj: KObject; warnings: string[] } {
  const gvk = { group: def.group, version: def.version, kind: def.kind };
  const typeError = findTypeError(gvk, obj);
  if (typeError) throw badRequest(`${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: ${typeError}`);
  const { pruned, unknown } = 'crd' in def ? (def as CustomResourceDef).crd.prune(obj) : pruneUnknownFields(gvk, obj as JsonObject);
  if (unknown.length === 0) return { obj, warnings: [] };
  if (mode === 'Strict') throw badRequest(`strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`);
  return { obj: pruned as KObject, warnings: mode === 'Warn' ? unknown.map((f) => `unknown field "${f}"`) : [] };
}

/** RFC 7234 warning header values, as kube-apiserver sends them (`299 - "text"`). */
export function warningHeaders(warnings: string[]): Record<string, string[]> {
  return warnings.length ? { warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`) } : {};
}
