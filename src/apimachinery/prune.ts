/**
 * Dropping unknown fields from objects of built-in kinds, the way kube-apiserver's decoding
 * into Go structs does for `fieldValidation=Ignore|Warn` (and after strict validation passed).
 */
import { deepClone, isJsonObject, type JsonObject, type JsonValue } from './json.js';
import { MAX_UNKNOWN_FIELDS } from './schema/unknown-fields.js';
import { lookupField, messageFor, messageInfo, type FieldInfo, type GVK } from './schema/types.js';

/** The pruned copy and the paths of what was dropped. */
export interface PruneResult {
  pruned: JsonObject;
  /** Paths of the dropped fields, formatted and capped exactly like `findUnknownFields`. */
  unknown: string[];
}

/**
 * Returns a deep copy of `obj`, an object of the built-in kind `gvk`, without the object
 * keys that match no field of the Go struct being filled (case-sensitive), and the paths of
 * those keys in `findUnknownFields` format (`spec.template.spec.containers[0].imagee`, in
 * document order, at most `MAX_UNKNOWN_FIELDS`; every unknown field is pruned regardless).
 *
 * As upstream's decoding (sigs.k8s.io/json): `apiVersion`, `kind` and the known fields of
 * `metadata`, `spec`, `status` are kept; map keys (`labels`, `data`, `resources.limits`) are
 * free; values with custom unmarshallers (RawExtension, Quantity, IntOrString, Time,
 * FieldsV1) and fields typed by messages the table lacks are kept as they are; values of
 * the wrong JSON type are left for decoding to reject. Kinds the table does not know
 * (custom resources) return `{ pruned: obj, unknown: [] }` with `obj` itself.
 */
export function pruneUnknownFields(gvk: GVK, obj: JsonObject): PruneResult {
  const message = messageFor(gvk);
  if (!message) return { pruned: obj, unknown: [] };
  const unknown = new Set<string>();
  const pruned = pruneObject(message, obj, '', unknown) as JsonObject;
  return { pruned, unknown: [...unknown].slice(0, MAX_UNKNOWN_FIELDS) };
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** Copies an own property, `__proto__` included. */
function put(o: JsonObject, k: string, v: JsonValue): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

function pruneObject(message: string, value: JsonValue, path: string, unknown: Set<string>): JsonValue {
  if (!isJsonObject(value)) return deepClone(value);
  const out: JsonObject = {};
  for (const [key, v] of Object.entries(value)) {
    const here = join(path, key);
    const field = lookupField(message, key);
    if (field) put(out, key, pruneField(field, v, here, unknown));
    else unknown.add(here);
  }
  return out;
}

function pruneField(field: FieldInfo, value: JsonValue, path: string, unknown: Set<string>): JsonValue {
  if (field.scalar || field.unresolved || value === null) return deepClone(value);
  if (field.map) {
    if (!isJsonObject(value)) return deepClone(value);
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) put(out, k, pruneValue(field.type, v, join(path, k), unknown));
    return out;
  }
  if (field.repeated) {
    if (!Array.isArray(value)) return deepClone(value);
    return value.map((v, i) => pruneValue(field.type, v, `${path}[${i}]`, unknown));
  }
  return pruneValue(field.type, value, path, unknown);
}

function pruneValue(message: string, value: JsonValue, path: string, unknown: Set<string>): JsonValue {
  if (messageInfo(message)?.special) return deepClone(value);
  return pruneObject(message, value, path, unknown);
}
