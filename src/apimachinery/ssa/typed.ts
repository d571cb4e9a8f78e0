/**
 * Schema-aware walks over JSON objects (structured-merge-diff's `typed` package): the set of
 * fields an object sets, the comparison of two objects, and removal of a set of fields.
 */
import { deepEqual, type JsonObject, type JsonValue } from '../json.js';
import {
  FieldSet,
  fieldElement,
  indexElement,
  keyElement,
  pathElementString,
  pathString,
  valueElement,
  type FieldPath,
  type PathElement,
} from './fieldpath.js';
import { DEDUCED, DEDUCED_MAP, childTypeOf, resolvePair, resolveType, type ApplyType, type ListType } from './schema.js';

/** A problem with an object that upstream reports while making it a typed value. */
export interface TypedValueError {
  path: string;
  message: string;
}

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Whether `v` is null, absent, or an object without keys. */
export function isEmptyObject(v: JsonObject | undefined): boolean {
  if (!v) return true;
  for (const k in v) if (v[k] !== undefined) return false;
  return true;
}

/**
 * The path element of one list item: `k:` for list-type maps (missing key fields take the
 * schema's default), `v:` for sets, `i:` for atomic lists. Throws an Error with upstream's
 * message when the item cannot be keyed.
 */
export function listItemElement(t: ListType, item: JsonValue, index: number): PathElement {
  if (t.listType === 'map' && t.keys.length > 0) {
    if (item === null) throw new Error('associative list with keys may not have a null element');
    if (!isObject(item)) throw new Error('associative list with keys may not have non-map elements');
    const fields: (readonly [string, JsonValue])[] = [];
    for (const k of t.keys) {
      const v = item[k];
      if (v !== undefined) {
        fields.push([k, v]);
        continue;
      }
      const d = t.keyDefault(k);
      if (d === undefined) throw new Error(`associative list with keys has an element that omits key field ${JSON.stringify(k)} (and doesn't have default value)`);
      fields.push([k, d]);
    }
    return keyElement(fields);
  }
  if (t.listType === 'atomic') return indexElement(index);
  if (isObject(item)) throw new Error("associative list without keys has an element that's a map type");
  if (Array.isArray(item)) throw new Error('not supported: associative list with lists as elements');
  if (item === null) throw new Error("associative list without keys has an element that's an explicit null");
  return valueElement(item);
}

/** The path element of every item of a list; items that cannot be keyed fall back to their index. */
export function listItems(t: ListType, list: readonly JsonValue[]): { pe: PathElement; v: JsonValue }[] {
  return list.map((item, i) => {
    try {
      return { pe: listItemElement(t, item, i), v: item };
    } catch {
      return { pe: indexElement(i), v: item };
    }
  });
}

/** Items of a list by element id, first occurrence wins (as upstream tolerates duplicates in live objects). */
export function indexItems(t: ListType, list: readonly JsonValue[]): Map<string, { pe: PathElement; v: JsonValue }> {
  const out = new Map<string, { pe: PathElement; v: JsonValue }>();
  for (const x of listItems(t, list)) if (!out.has(x.pe.id)) out.set(x.pe.id, x);
  return out;
}

/**
 * The fields `value` sets (upstream `ToFieldSet`): scalars, atomic lists/maps/structs, map keys
 * and list items are members; struct fields with object values are only parents. With `errors`,
 * also collects what upstream rejects when it types an applied configuration (unkeyable or
 * duplicate list items, fields a closed struct does not declare).
 */
export function fieldsOf(value: JsonValue, type: ApplyType, errors?: TypedValueError[]): FieldSet {
  const set = new FieldSet();
  walkSet(value, type, set, errors ? { errors, path: [] } : undefined);
  return set;
}

interface Check {
  errors: TypedValueError[];
  path: PathElement[];
}

/** Records the fields below `v` into `node`; true when `v` is a leaf its parent must own. */
function walkSet(v: JsonValue, t: ApplyType, node: FieldSet, check: Check | undefined): boolean {
  const r = resolveType(t, v);
  if (r.kind === 'map') {
    if (!isObject(v)) return false;
    const m = r.type;
    const closed = m.elements === undefined && m !== DEDUCED_MAP;
    for (const k in v) {
      const child = v[k];
      if (child === undefined) continue;
      const pe = fieldElement(k);
      const declared = m.field(k);
      if (check) {
        check.path.push(pe);
        if (closed && !declared) check.errors.push({ path: pathString(check.path), message: 'field not declared in schema' });
      }
      if (walkChild(child, declared ?? m.elements ?? DEDUCED, node, pe, check) || !declared) node.addMember(pe);
      if (check) check.path.pop();
    }
    return false;
  }
  if (r.kind === 'list') {
    if (!Array.isArray(v)) return false;
    const lt = r.type;
    const seen = check ? new Set<string>() : undefined;
    for (let i = 0; i < v.length; i++) {
      const item = v[i]!;
      let pe: PathElement;
      try {
        pe = listItemElement(lt, item, i);
      } catch (e) {
        if (check) check.errors.push({ path: pathString(check.path), message: `element ${i}: ${(e as Error).message}` });
        continue;
      }
      if (check && seen) {
        if (seen.has(pe.id)) {
          check.errors.push({ path: pathString(check.path), message: `duplicate entries for key ${pathElementString(pe)}` });
          continue;
        }
        seen.add(pe.id);
        check.path.push(pe);
      }
      walkChild(item, lt.elements, node, pe, check);
      node.addMember(pe);
      if (check) check.path.pop();
    }
    return false;
  }
  return true;
}

/** Walks a child value under `pe`; true when it is a leaf. Leaves create no node of their own. */
function walkChild(v: JsonValue, t: ApplyType, node: FieldSet, pe: PathElement, check: Check | undefined): boolean {
  if (resolveType(t, v).kind === 'leaf') return true;
  walkSet(v, t, node.descend(pe), check);
  node.dropIfEmpty(pe);
  return false;
}

/** The result of comparing two objects (upstream `typed.Comparison`). */
export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/**
 * Compares `lhs` (old) with `rhs` (new). Leaves that differ are modified; absent on one side
 * they are added or removed. Non-leaf nodes (granular maps, structs, non-atomic lists, list
 * items) are recorded only when added or removed as a whole.
 */
export function compare(lhs: JsonValue | undefined, rhs: JsonValue | undefined, type: ApplyType): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  walkCompare(lhs, rhs, type, [], c);
  return c;
}

function leafRule(l: JsonValue | undefined, r: JsonValue | undefined, path: FieldPath, c: Comparison): void {
  if (l === undefined) c.added.insert(path);
  else if (r === undefined) c.removed.insert(path);
  else if (!deepEqual(l, r)) c.modified.insert(path);
}

function walkCompare(l: JsonValue | undefined, r: JsonValue | undefined, t: ApplyType, path: PathElement[], c: Comparison): void {
  const res = resolvePair(t, l, r);
  if (res.kind === 'map') {
    const lm = isObject(l) ? l : undefined;
    const rm = isObject(r) ? r : undefined;
    if (isEmptyObject(lm) && isEmptyObject(rm)) return leafRule(l, r, path, c);
    if (lm) {
      for (const k in lm) {
        const lv = lm[k];
        if (lv === undefined) continue;
        path.push(fieldElement(k));
        walkCompare(lv, rm?.[k], childTypeOf(res.type, k), path, c);
        path.pop();
      }
    }
    if (rm) {
      for (const k in rm) {
        const rv = rm[k];
        if (rv === undefined || (lm && lm[k] !== undefined)) continue;
        path.push(fieldElement(k));
        walkCompare(undefined, rv, childTypeOf(res.type, k), path, c);
        path.pop();
      }
    }
  } else if (res.kind === 'list') {
    const la = Array.isArray(l) ? l : [];
    const ra = Array.isArray(r) ? r : [];
    if (la.length === 0 && ra.length === 0) return leafRule(l, r, path, c);
    const li = indexItems(res.type, la);
    const ri = indexItems(res.type, ra);
    for (const [id, { pe, v }] of li) {
      path.push(pe);
      walkCompare(v, ri.get(id)?.v, res.type.elements, path, c);
      path.pop();
    }
    for (const [id, { pe, v }] of ri) {
      if (li.has(id)) continue;
      path.push(pe);
      walkCompare(undefined, v, res.type.elements, path, c);
      path.pop();
    }
  } else {
    return leafRule(l, r, path, c);
  }
  if (l === undefined) c.added.insert(path);
  else if (r === undefined) c.removed.insert(path);
}

/**
 * `value` without the fields in `set` (upstream `RemoveItems`): a member removes the whole
 * subtree at its path. Maps and lists left empty by a removal disappear (upstream leaves a null
 * that the Go decoder drops). Undefined when nothing is left.
 */
export function removeFields(value: JsonValue, set: FieldSet, type: ApplyType): JsonValue | undefined {
  const r = resolveType(type, value);
  if (r.kind === 'leaf') {
    const atomicContainer = (type.kind === 'map' && type.atomic) || (type.kind === 'list' && type.listType === 'atomic');
    return atomicContainer && !set.isEmpty() ? undefined : value;
  }
  if (r.kind === 'map') {
    if (!isObject(value)) return undefined;
    const out: JsonObject = {};
    let n = 0;
    for (const [k, v] of Object.entries(value)) {
      const pe = fieldElement(k);
      if (set.hasMember(pe)) continue;
      const sub = set.withPrefix(pe);
      const nv = sub.isEmpty() ? v : removeFields(v, sub, childTypeOf(r.type, k));
      if (nv === undefined) continue;
      out[k] = nv;
      n++;
    }
    return n > 0 ? out : undefined;
  }
  if (!Array.isArray(value)) return undefined;
  const out: JsonValue[] = [];
  value.forEach((item, i) => {
    let pe: PathElement;
    try {
      pe = listItemElement(r.type, item, i);
    } catch {
      out.push(item);
      return;
    }
    if (set.hasMember(pe)) return;
    const sub = set.withPrefix(pe);
    const nv = sub.isEmpty() ? item : removeFields(item, sub, r.type.elements);
    if (nv !== undefined) out.push(nv);
  });
  return out.length > 0 ? out : undefined;
}

/**
 * `set` with every declared struct field that has children also made a member (upstream
 * `EnsureNamedFieldsAreMembers`), so that pruning can remove a struct nobody owns anything in.
 */
export function ensureNamedFieldsAreMembers(set: FieldSet, type: ApplyType): FieldSet {
  const out = new FieldSet();
  for (const pe of set.memberElements) out.addMember(pe);
  const m = type.kind === 'map' ? type : type.kind === 'deduced' ? DEDUCED_MAP : undefined;
  for (const { pe, set: sub } of set.childNodes) {
    let ct: ApplyType = DEDUCED;
    if (pe.kind === 'field') {
      const declared = m?.field(pe.name);
      if (declared) out.addMember(pe);
      ct = m ? childTypeOf(m, pe.name) : DEDUCED;
    } else if (type.kind === 'list') {
      ct = type.elements;
    }
    out.attach(pe, ensureNamedFieldsAreMembers(sub, ct));
  }
  return out;
}
