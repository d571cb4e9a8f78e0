/**
 * JSON type checking of built-in kinds: the first value whose JSON type the Go field cannot hold,
 * reported as kube-apiserver's decoder does
 * (`json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32`),
 * so strategies only ever see well-typed objects and bad input is a 400, never a 500.
 *
 * Like decoding into Go and encoding back, nulls are normalized on the way: a null struct field
 * is dropped, and a null inside a map or list becomes the element type's zero value.
 */
import { lookupField, messageFor, messageInfo, type FieldInfo, type GVK } from './types.js';

const INTS = new Set(['int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'fixed32', 'fixed64', 'sfixed32', 'sfixed64']);
const FLOATS = new Set(['double', 'float']);

/**
 * The decoder's message for the first mistyped value in `obj`, or undefined when all types fit.
 * Normalizes nulls in `obj` in place (see the module comment).
 */
export function findTypeError(gvk: GVK, obj: unknown): string | undefined {
  const message = messageFor(gvk);
  return message ? checkMessage(message, obj, '') : undefined;
}

function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'number';
  return typeof v;
}

function goName(message: string): string {
  const parts = message.split('.');
  return `${parts[parts.length - 2]}.${parts[parts.length - 1]}`;
}

/** The Go type of one element of a field (the field's own type when it is neither map nor list). */
function elemType(f: FieldInfo): string {
  return f.scalar ? (f.type === 'double' ? 'float64' : f.type === 'float' ? 'float32' : f.type === 'bytes' ? '[]uint8' : f.type) : goName(f.type);
}

function goType(f: FieldInfo): string {
  const base = elemType(f);
  if (f.map) return `map[string]${base}`;
  return f.repeated ? `[]${base}` : base;
}

function checkMessage(message: string, obj: unknown, path: string): string | undefined {
  if (obj === null) return undefined;
  const info = messageInfo(message);
  if (!info) return undefined;
  if (info.special) return checkSpecial(info.special, obj, path, goName(message));
  if (typeof obj !== 'object' || Array.isArray(obj)) return `json: cannot unmarshal ${jsonType(obj)} into Go value of type ${goName(message)}`;
  const rec = obj as Record<string, unknown>;
  for (const [key, value] of Object.entries(rec)) {
    const f = lookupField(message, key);
    if (!f || f.unresolved) continue;
    if (value === null) {
      delete rec[key];
      continue;
    }
    const err = checkField(f, value, path ? `${path}.${key}` : key, message);
    if (err) return err;
  }
  return undefined;
}

/**
 * Checks one struct field. The decoder's path names struct fields only (no list indexes, no map
 * keys), and a bad element reports the element's type: `ConfigMap.data of type string`.
 */
function checkField(f: FieldInfo, v: unknown, path: string, owner: string): string | undefined {
  if (v === null) return undefined;
  const struct = owner.split('.').pop();
  const mismatch = (x: unknown, type: string) => () => `json: cannot unmarshal ${jsonType(x)} into Go struct field ${struct}.${path} of type ${type}`;
  if (f.map) {
    if (typeof v !== 'object' || Array.isArray(v)) return mismatch(v, goType(f))();
    const m = v as Record<string, unknown>;
    for (const [k, x] of Object.entries(m)) {
      if (x === null) m[k] = zero(f);
      const err = checkValue(f, m[k], path, owner, mismatch(m[k], elemType(f)));
      if (err) return err;
    }
    return undefined;
  }
  if (f.repeated && f.type !== 'bytes') {
    if (!Array.isArray(v)) return mismatch(v, goType(f))();
    for (let i = 0; i < v.length; i++) {
      if (v[i] === null) v[i] = zero(f);
      const err = checkValue(f, v[i], path, owner, mismatch(v[i], elemType(f)));
      if (err) return err;
    }
    return undefined;
  }
  return checkValue(f, v, path, owner, mismatch(v, goType(f)));
}

function checkValue(f: FieldInfo, v: unknown, path: string, owner: string, mismatch: () => string): string | undefined {
  if (v === null) return undefined;
  if (!f.scalar) return checkMessage(f.type, v, path);
  const t = f.type;
  if (t === 'string' || t === 'bytes') return typeof v === 'string' ? undefined : mismatch();
  if (t === 'bool') return typeof v === 'boolean' ? undefined : mismatch();
  if (INTS.has(t)) {
    if (typeof v !== 'number') return mismatch();
    return Number.isInteger(v) ? undefined : `json: cannot unmarshal number ${v} into Go struct field ${owner.split('.').pop()}.${path} of type ${t}`;
  }
  if (FLOATS.has(t)) return typeof v === 'number' ? undefined : mismatch();
  return undefined;
}

/** The zero value of a field's element type, as Go gives a null element. */
function zero(f: FieldInfo): unknown {
  if (!f.scalar) return messageInfo(f.type)?.special ? '' : {};
  if (f.type === 'string' || f.type === 'bytes') return '';
  if (f.type === 'bool') return false;
  return 0;
}

function checkSpecial(kind: string, v: unknown, path: string, type: string): string | undefined {
  const bad = () => `json: cannot unmarshal ${jsonType(v)} into Go struct field .${path} of type ${type}`;
  switch (kind) {
    case 'time':
    case 'micro-time':
    case 'duration':
      return typeof v === 'string' ? undefined : bad();
    case 'int-or-string':
      return typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v)) ? undefined : bad();
    case 'quantity':
      return typeof v === 'string' || typeof v === 'number' ? undefined : bad();
    case 'string-list':
      return Array.isArray(v) && v.every((x) => typeof x === 'string') ? undefined : bad();
    default:
      return undefined;
  }
}
