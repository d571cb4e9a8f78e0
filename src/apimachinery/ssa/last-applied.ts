/**
 * The bridge between kubectl's client-side apply annotation and server-side apply, for the
 * manager `kubectl` only (upstream lastappliedmanager.go and lastappliedupdater.go): fields whose
 * live value still matches `kubectl.kubernetes.io/last-applied-configuration` may be taken over
 * without a conflict, and a server-side apply keeps that annotation in sync.
 */
import type { JsonObject, JsonValue } from '../json.js';
import { FieldSet } from './fieldpath.js';
import { goJson } from './go-json.js';
import type { ApplyType } from './schema.js';
import { compare, fieldsOf } from './typed.js';

/** The client-side apply annotation. */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
/** The only manager whose applies upgrade from, and sync, the annotation. */
export const KUBECTL_MANAGER = 'kubectl';
/** Upstream drops the annotation rather than exceed the total annotation size limit. */
const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function annotationsOf(obj: JsonObject): JsonObject | undefined {
  const meta = obj.metadata;
  return isObject(meta) && isObject(meta.annotations) ? meta.annotations : undefined;
}

/** The annotation's value when present and non-empty. */
export function lastAppliedOf(obj: JsonObject): string | undefined {
  const v = annotationsOf(obj)?.[LAST_APPLIED_ANNOTATION];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/**
 * Fields an apply by `kubectl` may take without a conflict: those set in the last-applied
 * annotation with the same value live. Undefined when there is no usable annotation (absent,
 * not JSON, or for another apiVersion than `apiVersion`).
 */
export function allowedConflictsFromLastApplied(root: ApplyType, live: JsonObject, apiVersion: string): FieldSet | undefined {
  const text = lastAppliedOf(live);
  if (!text) return undefined;
  let last: unknown;
  try {
    last = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(last as JsonValue) || (last as JsonObject).apiVersion !== apiVersion) return undefined;
  const lastObj = last as JsonObject;
  const c = compare(lastObj, live, root);
  return fieldsOf(lastObj, root).difference(c.modified).difference(c.added).difference(c.removed);
}

/**
 * Sets the annotation on `obj` to the applied configuration (without the annotation itself),
 * encoded as Go's JSON encoder writes it, trailing newline included; dropped when the
 * annotations would exceed 256 KiB. Mutates `obj`.
 */
export function syncLastApplied(obj: JsonObject, applied: JsonObject): void {
  const copy: JsonObject = { ...applied };
  if (isObject(applied.metadata)) {
    const meta: JsonObject = { ...applied.metadata };
    if (isObject(meta.annotations)) {
      const ann: JsonObject = { ...meta.annotations };
      delete ann[LAST_APPLIED_ANNOTATION];
      meta.annotations = ann;
    }
    copy.metadata = meta;
  }
  const value = `${goJson(copy)}\n`;
  const meta: JsonObject = isObject(obj.metadata) ? obj.metadata : (obj.metadata = {});
  const ann: JsonObject = isObject(meta.annotations) ? { ...meta.annotations } : {};
  ann[LAST_APPLIED_ANNOTATION] = value;
  let size = 0;
  for (const [k, v] of Object.entries(ann)) size += Buffer.byteLength(k) + (typeof v === 'string' ? Buffer.byteLength(v) : 0);
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) delete ann[LAST_APPLIED_ANNOTATION];
  meta.annotations = ann;
}
