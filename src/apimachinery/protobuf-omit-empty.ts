/**
 * Makes a decoded protobuf object look like the JSON a client would have sent. gogo-protobuf
 * writes every non-pointer field, so decoded objects carry `""`, `false` and zero-valued
 * structs that Go's JSON encoding (`omitempty`) would have left out and that defaulting treats
 * as "unset". The wire cannot tell a non-pointer zero from a pointer set to zero, so numbers
 * are kept (a `replicas: 0` must survive) except under `status` and for metadata.generation.
 */
import type { JsonObject, JsonValue } from './json.js';
import { fieldsOf, messageInfo } from './schema/types.js';

export function omitEmpty(message: string, obj: JsonObject): JsonObject {
  return walk(message, obj, false) as JsonObject;
}

function walk(message: string, obj: JsonObject, inStatus: boolean): JsonObject | undefined {
  const info = messageInfo(message);
  if (!info || info.special) return obj;
  const fields = new Map(fieldsOf(message).map((f) => [f.json, f]));
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(obj)) {
    const f = fields.get(k);
    if (!f || v === null) {
      if (v !== null) out[k] = v;
      continue;
    }
    const status = inStatus || (k === 'status' && !!info.typeMeta);
    let kept: JsonValue | undefined = v;
    if (f.map || f.repeated) {
      if (Array.isArray(v) && !f.scalar && !f.unresolved) kept = v.map((x) => (isObj(x) ? (walk(f.type, x, status) ?? {}) : x));
      else if (f.map && isObj(v) && !f.scalar && !f.unresolved) kept = Object.fromEntries(Object.entries(v).map(([mk, mv]) => [mk, isObj(mv) ? (walk(f.type, mv, status) ?? {}) : mv]));
      if ((Array.isArray(kept) && kept.length === 0) || (isObj(kept) && Object.keys(kept).length === 0)) kept = undefined;
    } else if (f.scalar) {
      if (v === '' || v === false) kept = undefined;
      else if (v === 0 && (status || (k === 'generation' && message.endsWith('.ObjectMeta')))) kept = undefined;
    } else if (isObj(v) && !f.unresolved) {
      kept = walk(f.type, v, status);
      if (kept && Object.keys(kept).length === 0 && !messageInfo(f.type)?.special) kept = undefined;
    }
    if (kept !== undefined) out[k] = kept;
  }
  return out;
}

function isObj(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
