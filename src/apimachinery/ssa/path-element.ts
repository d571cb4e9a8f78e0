/**
 * Path elements of field paths, as structured-merge-diff's `fieldpath.PathElement`: their
 * FieldsV1 spelling (`f:`, `k:`, `v:`, `i:`), their order, and their human form in messages.
 */
import type { JsonObject, JsonValue } from '../json.js';
import { compareStrings, goJson } from './go-json.js';

/** One step of a field path. `id` is its FieldsV1 spelling and identifies it in sets. */
export type PathElement =
  | { readonly kind: 'field'; readonly name: string; readonly id: string }
  | { readonly kind: 'key'; readonly fields: readonly (readonly [string, JsonValue])[]; readonly id: string }
  | { readonly kind: 'value'; readonly value: JsonValue; readonly id: string }
  | { readonly kind: 'index'; readonly index: number; readonly id: string };

/** A path from the object root. */
export type FieldPath = readonly PathElement[];

const fieldCache = new Map<string, PathElement>();

/** `f:<name>`: a struct field or a map key. */
export function fieldElement(name: string): PathElement {
  let pe = fieldCache.get(name);
  if (!pe) {
    pe = { kind: 'field', name, id: `f:${name}` };
    if (fieldCache.size < 10_000) fieldCache.set(name, pe);
  }
  return pe;
}

const singleKeyCache = new Map<string, PathElement>();

/** `k:{...}`: an item of a list-type map, by its key fields (sorted by name, as upstream). */
export function keyElement(fields: Iterable<readonly [string, JsonValue]>): PathElement {
  const list = Array.isArray(fields) ? (fields as (readonly [string, JsonValue])[]) : [...fields];
  if (list.length === 1) {
    // The common case (containers, env, volumes by name): cache by name and scalar value.
    const [k, v] = list[0]!;
    if (typeof v === 'string' || typeof v === 'number') {
      const cacheKey = `${k}\u0000${typeof v}\u0000${v}`;
      let pe = singleKeyCache.get(cacheKey);
      if (!pe) {
        pe = { kind: 'key', fields: [[k, v]], id: `k:{${goJson(k)}:${goJson(v)}}` };
        if (singleKeyCache.size >= 50_000) singleKeyCache.clear();
        singleKeyCache.set(cacheKey, pe);
      }
      return pe;
    }
  }
  const sorted = [...list].sort((a, b) => compareStrings(a[0], b[0]));
  const id = `k:{${sorted.map(([k, v]) => `${goJson(k)}:${goJson(v)}`).join(',')}}`;
  return { kind: 'key', fields: sorted, id };
}

/** `v:<json>`: an item of a set, by its value. */
export function valueElement(value: JsonValue): PathElement {
  return { kind: 'value', value, id: `v:${goJson(value)}` };
}

/** `i:<n>`: a list position. */
export function indexElement(index: number): PathElement {
  return { kind: 'index', index, id: `i:${index}` };
}

const KIND_ORDER = { field: 0, key: 1, value: 2, index: 3 } as const;

function typeRank(v: JsonValue): number {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 2;
  if (Array.isArray(v)) return 3;
  if (v !== null) return 4;
  return 5;
}

/** Total order of JSON values (structured-merge-diff `value.Compare`): numbers < strings < bools < lists < maps < null. */
export function compareValues(a: JsonValue, b: JsonValue): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < a.length && i < b.length; i++) {
      const c = compareValues(a[i] as JsonValue, b[i] as JsonValue);
      if (c !== 0) return c;
    }
    return a.length - b.length < 0 ? -1 : a.length === b.length ? 0 : 1;
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const fa = Object.entries(a as JsonObject).sort((x, y) => compareStrings(x[0], y[0]));
    const fb = Object.entries(b as JsonObject).sort((x, y) => compareStrings(x[0], y[0]));
    return compareFieldLists(fa, fb);
  }
  return 0;
}

function compareFieldLists(a: readonly (readonly [string, JsonValue])[], b: readonly (readonly [string, JsonValue])[]): number {
  for (let i = 0; i < a.length && i < b.length; i++) {
    const [an, av] = a[i]!;
    const [bn, bv] = b[i]!;
    const c = compareStrings(an, bn) || compareValues(av, bv);
    if (c !== 0) return c;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Order of path elements (`PathElement.Compare`): fields, then keys, then values, then indexes. */
export function comparePathElements(a: PathElement, b: PathElement): number {
  if (a.kind !== b.kind) return KIND_ORDER[a.kind] < KIND_ORDER[b.kind] ? -1 : 1;
  switch (a.kind) {
    case 'field':
      return compareStrings(a.name, (b as typeof a).name);
    case 'key':
      return compareFieldLists(a.fields, (b as typeof a).fields);
    case 'value':
      return compareValues(a.value, (b as typeof a).value);
    default:
      return a.index - (b as typeof a).index < 0 ? -1 : a.index === (b as typeof a).index ? 0 : 1;
  }
}

/** Go's `%v` of a value inside a path string: strings quoted, numbers and bools bare. */
function valueText(v: JsonValue): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null) return 'null';
  if (Array.isArray(v)) return `[${v.map(valueText).join(',')}]`;
  if (typeof v === 'object') {
    const fields = Object.entries(v).sort((x, y) => compareStrings(x[0], y[0]));
    return `{${fields.map(([k, x]) => `${k}=${valueText(x)}`).join(',')}}`;
  }
  return String(v);
}

/** Human form of one element, as in conflict messages: `.name`, `[name="web"]`, `[="a"]`, `[0]`. */
export function pathElementString(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return `.${pe.name}`;
    case 'key':
      return `[${pe.fields.map(([k, v]) => `${k}=${valueText(v)}`).join(',')}]`;
    case 'value':
      return `[=${valueText(pe.value)}]`;
    default:
      return `[${pe.index}]`;
  }
}

/** Human form of a path, e.g. `.spec.template.spec.containers[name="web"].image`. */
export function pathString(path: FieldPath): string {
  return path.map(pathElementString).join('');
}

/**
 * Parses one FieldsV1 key (`f:`, `k:`, `v:`, `i:`). Undefined for an unknown prefix, which
 * upstream skips so that newer element kinds survive older servers; throws on a malformed key.
 */
export function parsePathElement(s: string): PathElement | undefined {
  const hit = parsed.get(s);
  if (hit) return hit;
  const pe = parseUncached(s);
  if (pe) {
    if (parsed.size >= 50_000) parsed.clear();
    parsed.set(s, pe);
  }
  return pe;
}

const parsed = new Map<string, PathElement>();

function parseUncached(s: string): PathElement | undefined {
  if (s.length < 2) throw new Error(`key must be 2 characters long: ${s}`);
  if (s[1] !== ':') throw new Error(`missing colon: ${s}`);
  const body = s.slice(2);
  switch (s[0]) {
    case 'f':
      return fieldElement(body);
    case 'v':
      return valueElement(JSON.parse(body) as JsonValue);
    case 'k': {
      const obj: unknown = JSON.parse(body);
      if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new Error(`key element is not an object: ${s}`);
      return keyElement(Object.entries(obj as JsonObject));
    }
    case 'i': {
      if (!/^-?\d+$/.test(body)) throw new Error(`invalid index: ${s}`);
      return indexElement(Number(body));
    }
    default:
      return undefined;
  }
}

