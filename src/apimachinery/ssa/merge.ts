/**
 * Merging an applied configuration into a live object (structured-merge-diff `TypedValue.Merge`
 * with the keep-right rule): granular maps and structs are merged key by key, list-type maps by
 * key and sets by value, leaves and atomic values are replaced by the applied side.
 */
import type { JsonObject, JsonValue } from '../json.js';
import { childTypeOf, resolvePair, type ApplyType, type ListType } from './schema.js';
import { indexItems, isEmptyObject, listItems } from './typed.js';

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * `rhs` merged into `lhs` under `type`. Absent on one side, the other side is taken as is.
 * The result may share unchanged subtrees with the inputs.
 */
export function mergeValues(lhs: JsonValue | undefined, rhs: JsonValue | undefined, type: ApplyType): JsonValue | undefined {
  if (rhs === undefined) return lhs;
  if (lhs === undefined) return rhs;
  const res = resolvePair(type, lhs, rhs);
  if (res.kind === 'map') {
    const lm = isObject(lhs) ? lhs : undefined;
    const rm = isObject(rhs) ? rhs : undefined;
    // Both empty or null: a leaf, so `{}` and `null` keep their distinction.
    if (isEmptyObject(lm) && isEmptyObject(rm)) return rhs;
    const out: JsonObject = {};
    if (lm) {
      for (const k in lm) {
        const v = mergeValues(lm[k], rm?.[k], childTypeOf(res.type, k));
        if (v !== undefined) out[k] = v;
      }
    }
    if (rm) for (const k in rm) if (rm[k] !== undefined && (!lm || lm[k] === undefined)) out[k] = rm[k];
    return out;
  }
  if (res.kind === 'list') {
    const la = Array.isArray(lhs) ? lhs : [];
    const ra = Array.isArray(rhs) ? rhs : [];
    if (la.length === 0 && ra.length === 0) return rhs;
    return mergeLists(la, ra, res.type);
  }
  return rhs;
}

/**
 * Merges two associative lists in upstream's order: live items keep their places, applied items
 * that are also live appear in the applied order, new applied items come right after the item
 * that precedes them in the applied list.
 */
function mergeLists(la: readonly JsonValue[], ra: readonly JsonValue[], t: ListType): JsonValue[] {
  // Live duplicates survive unless the applied list names them; applied ones are rejected earlier.
  const lItems = listItems(t, la);
  const lIndex = indexItems(t, la);
  const rIndex = indexItems(t, ra);
  const rItems = [...rIndex.values()];
  const shared = rItems.filter((x) => lIndex.has(x.pe.id)).map((x) => x.pe.id);
  let si = 0;
  const out: JsonValue[] = [];
  const emitted = new Set<string>();
  const emit = (id: string, l: JsonValue | undefined, r: JsonValue | undefined) => {
    const v = mergeValues(l, r, t.elements);
    if (v !== undefined) out.push(v);
    emitted.add(id);
  };
  let i = 0;
  let j = 0;
  while (i < lItems.length || j < rItems.length) {
    const l = lItems[i];
    const r = rItems[j];
    if (l && r) {
      if (l.pe.id === r.pe.id) {
        emit(l.pe.id, l.v, r.v);
        i++;
        j++;
        si++;
        continue;
      }
      const next = shared[si];
      // A shared item whose turn in the applied order has not come yet: place it later.
      if (rIndex.has(l.pe.id) && next !== undefined && next !== l.pe.id) {
        i++;
        continue;
      }
    }
    if (l) {
      if (!rIndex.has(l.pe.id)) {
        emit(l.pe.id, l.v, undefined);
        i++;
        continue;
      }
      if (emitted.has(l.pe.id)) {
        i++;
        continue;
      }
    }
    if (r) {
      emit(r.pe.id, lIndex.get(r.pe.id)?.v, r.v);
      j++;
      if (shared[si] === r.pe.id) si++;
    }
  }
  return out;
}
