/**
 * Strategic merge patch (`application/strategic-merge-patch+json`) for built-in kinds: the
 * server half of k8s.io/apimachinery/pkg/util/strategicpatch (`StrategicMergeMapPatch` with
 * `MergeParallelList` and `IgnoreUnmatchedNulls`), with the Go struct tags replaced by the
 * `patchStrategy`/`patchMergeKey` markers of our generated type table.
 *
 * The result is the merged map exactly as upstream hands it to the decoder: fields the type
 * does not have are kept (the caller prunes or rejects them, see prune.ts), `$patch` maps
 * under keys new to the original are dropped, and list items appended from the patch are
 * taken verbatim. Map key order follows the original, new keys last.
 */
import { badRequest, StatusError } from './errors.js';
import { deepClone, isJsonObject, type JsonObject, type JsonValue } from './json.js';
import { PATCH_REJECTED_MESSAGE } from './patch.js';
import { lookupField, messageFor, messageInfo, type FieldInfo, type GVK } from './schema/types.js';

/** mergepatch.ErrBadPatchFormatForPrimitiveList (400). */
export const ERR_PRIMITIVE_LIST = 'invalid patch format of primitive list';
/** mergepatch.ErrBadPatchFormatForRetainKeys (400). */
export const ERR_RETAIN_KEYS = 'invalid patch format of retainKeys';
/** mergepatch.ErrBadPatchFormatForSetElementOrderList (400). */
export const ERR_SET_ELEMENT_ORDER = 'invalid patch format of setElementOrder list';
/** mergepatch.ErrNoListOfLists (422). */
export const ERR_LIST_OF_LISTS = 'lists of lists are not supported';
/** What kube-apiserver answers to a strategic merge patch of a custom resource (415). */
export const SMP_UNSUPPORTED_MESSAGE =
  'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml';

const PATCH = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList';
const SET_ORDER = '$setElementOrder';

/** How the walk knows the type under a key: a message, a map of values, or nothing (opaque). */
type Schema = { message: string } | { mapOf: Schema } | undefined;
/** A field's sub-schema, its patch strategy without `retainKeys` ('' | merge | replace) and merge key. */
type Lookup = { schema: Schema; strategy: string; mergeKey: string };
type Kind = 'map' | 'scalar';

/** Whether the table knows `gvk`, i.e. strategic merge patch applies (custom resources: 415). */
export function supportsStrategicMerge(gvk: GVK): boolean {
  return messageFor(gvk) !== undefined;
}

/**
 * Applies a strategic merge patch to `original`, an object of the built-in kind `gvk`, and
 * returns the merged object; inputs are not mutated and the result shares nothing with them.
 *
 * Semantics of upstream `strategicpatch.StrategicMergeMapPatch` (server side):
 * - maps merge recursively; `null` deletes a key; scalars and type changes replace;
 * - lists whose field has `patchStrategy: merge` merge: maps by `patchMergeKey` (a matching
 *   item is merged recursively, new items come first, then the server's in their order),
 *   primitives as a union; other lists (and `replace` maps) are replaced by the patch value;
 * - `$patch: replace|delete` in a map (replace the map / leave `{}`) or in a merge-list item
 *   (`{"$patch":"replace"}` replaces the list, `{"<key>":"x","$patch":"delete"}` drops item x);
 * - `$retainKeys: [...]` clears the original's other keys (kubectl sends it for
 *   `retainKeys` fields such as deployment `spec.strategy` and volumes);
 * - `$setElementOrder/<list>` orders the merged list (patch order first, server-only items
 *   interleaved where they were); `$deleteFromPrimitiveList/<list>` removes values.
 *
 * Throws 415 for kinds the table does not know, 400 for malformed directives
 * (`invalid patch format of ...`, missing merge keys, unknown `$patch` values, order lists
 * that do not match the patch) and 422 for lists of lists. Upstream answers the errors that
 * it does not classify (missing merge key, ...) as 500 with reason Unknown; we answer 400.
 * A `null` list in the original (stored JSON may hold one; Go objects never do) counts as
 * absent for `$setElementOrder`, where upstream would fail.
 */
export function applyStrategicMergePatch(gvk: GVK, original: JsonObject, patch: JsonObject): JsonObject {
  const message = messageFor(gvk);
  if (!message) throw new StatusError(415, 'UnsupportedMediaType', SMP_UNSUPPORTED_MESSAGE);
  return mergeMap(deepClone(original), deepClone(patch), { message });
}

// ---- errors, with Go's %v rendering of the values in the message ----

function fail(message: string): never {
  throw badRequest(message);
}

function goValue(v: JsonValue | undefined): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  if (isJsonObject(v)) return `map[${Object.keys(v).sort().map((k) => `${k}:${goValue(v[k])}`).join(' ')}]`;
  return String(v);
}

function goType(v: JsonValue | undefined): string {
  if (v === null || v === undefined) return '%!s(<nil>)';
  if (Array.isArray(v)) return '[]interface {}';
  if (isJsonObject(v)) return 'map[string]interface {}';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  return typeof v === 'boolean' ? 'bool' : 'string';
}

/** NewGenericServerResponse(422, ...): the generic message, the cause in the details. */
const listOfLists = (): StatusError =>
  new StatusError(422, 'Invalid', PATCH_REJECTED_MESSAGE, { causes: [{ reason: 'UnexpectedServerResponse', message: ERR_LIST_OF_LISTS }] });
const badArgType = (expected: string, actual: JsonValue | undefined): never =>
  fail(`expected a ${expected}, but received a ${goType(actual)}`);
const noMergeKey = (m: JsonObject, key: string): never =>
  fail(`map: ${goValue(m)} does not contain declared merge key: ${key}`);
const badPatchType = (t: JsonValue | undefined, m: JsonObject): never =>
  fail(`unknown patch type: ${typeof t === 'string' ? t : `%!s(${goType(t)}=${goValue(t)})`} in map: ${goValue(m)}`);

// ---- schema lookups (forkedjson.LookupPatchMetadataForStruct / ForSlice) ----

function typeSchema(f: FieldInfo): Schema {
  if (f.scalar || f.unresolved || messageInfo(f.type)?.special) return undefined;
  return { message: f.type };
}

function lookup(schema: Schema, key: string, forSlice: boolean): Lookup {
  if (!schema) return { schema: undefined, strategy: '', mergeKey: '' };
  if ('mapOf' in schema) return { schema: schema.mapOf, strategy: '', mergeKey: '' };
  const f = lookupField(schema.message, key);
  if (!f) {
    const struct = schema.message.slice(schema.message.lastIndexOf('.') + 1);
    return fail(`unable to find api field in struct ${struct} for the json field ${JSON.stringify(key)}`);
  }
  const elem = typeSchema(f);
  const sub: Schema = f.map ? (forSlice ? undefined : { mapOf: elem }) : f.repeated && !forSlice ? undefined : elem;
  const strategy = (f.patchStrategy ?? '').split(',').filter((s) => s !== 'retainKeys')[0] ?? '';
  return { schema: sub, strategy, mergeKey: f.patchMergeKey ?? '' };
}

// ---- small JSON helpers ----

const has = (o: JsonObject, k: string): boolean => Object.hasOwn(o, k);

/** Assignment that stays an own property even for `__proto__`. */
function put(o: JsonObject, k: string, v: JsonValue): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

/** `<prefix>/<key>` → key; anything else is the directive's format error. */
function directiveKey(key: string, prefix: string, error: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) fail(error);
  return key.slice(slash + 1);
}

/** Drops `null` members of maps, recursively (upstream discardNullValuesFromPatch). */
function discardNulls(v: JsonValue): void {
  if (Array.isArray(v)) v.forEach(discardNulls);
  else if (isJsonObject(v)) for (const [k, x] of Object.entries(v)) if (x === null) delete v[k]; else discardNulls(x);
}

/** Drops maps that carry `$patch`, recursively; undefined when `v` is one (removeDirectives). */
function removeDirectives(v: JsonValue): JsonValue | undefined {
  if (Array.isArray(v)) return v.map(removeDirectives).filter((x): x is JsonValue => x !== undefined);
  if (!isJsonObject(v)) return v;
  if (has(v, PATCH)) return undefined;
  for (const [k, x] of Object.entries(v)) setOrDelete(v, k, removeDirectives(x));
  return v;
}

function setOrDelete(o: JsonObject, k: string, v: JsonValue | undefined): void {
  if (v === undefined) delete o[k];
  else put(o, k, v);
}

/** Takes a patch value for a key the original lacks or holds with another JSON type. */
function takePatchValue(orig: JsonObject, k: string, v: JsonValue): void {
  discardNulls(v);
  setOrDelete(orig, k, removeDirectives(v));
}

/** Whether `o` is a map whose merge key holds `value`. */
function matches(o: JsonValue, mergeKey: string, value: JsonValue): boolean {
  return isJsonObject(o) && has(o, mergeKey) && o[mergeKey] === value;
}

// ---- maps ----

function mergeMap(orig: JsonObject, patch: JsonObject, schema: Schema): JsonObject {
  if (has(patch, PATCH)) {
    const directive = patch[PATCH];
    if (directive === 'delete') return {};
    if (directive !== 'replace') return badPatchType(directive, patch);
    delete patch[PATCH];
    return patch;
  }
  applyRetainKeys(orig, patch);
  applyElementOrders(orig, patch, schema);

  for (const [key, pv] of Object.entries(patch)) {
    let k = key;
    let isDeleteList = false;
    if (key.startsWith(DELETE_PRIMITIVE)) {
      isDeleteList = true;
      k = directiveKey(key, DELETE_PRIMITIVE, ERR_PRIMITIVE_LIST) || key;
    }
    if (pv === null) {
      delete orig[k];
      continue;
    }
    const ov = has(orig, k) ? orig[k] : undefined;
    if (ov === undefined || goType(ov) !== goType(pv)) {
      if (!isDeleteList) takePatchValue(orig, k, pv);
      continue;
    }
    if (isJsonObject(ov) && isJsonObject(pv)) {
      const sub = lookup(schema, k, false);
      put(orig, k, sub.strategy === 'replace' ? pv : mergeMap(ov, pv, sub.schema));
    } else if (Array.isArray(ov) && Array.isArray(pv)) {
      put(orig, k, mergeListField(ov, pv, lookup(schema, k, true), isDeleteList));
    } else {
      put(orig, k, pv);
    }
  }
  return orig;
}

function applyRetainKeys(orig: JsonObject, patch: JsonObject): void {
  if (!has(patch, RETAIN_KEYS)) return;
  const list = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(list)) fail(ERR_RETAIN_KEYS);
  const keep = new Set(list.filter((x): x is string => typeof x === 'string'));
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_PRIMITIVE) || k.startsWith(SET_ORDER)) continue;
    if (!keep.has(k)) fail(ERR_RETAIN_KEYS);
  }
  for (const k of Object.keys(orig)) if (!keep.has(k)) delete orig[k];
}

/** Every `$setElementOrder/<list>`: merge that list now and order it (mergePatchIntoOriginal). */
function applyElementOrders(orig: JsonObject, patch: JsonObject, schema: Schema): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ORDER)) continue;
    const order = patch[key];
    delete patch[key];
    if (!Array.isArray(order)) return badArgType('[]interface {}', order);
    const field = directiveKey(key, SET_ORDER, ERR_SET_ELEMENT_ORDER);
    const ov = has(orig, field) && orig[field] !== null ? orig[field] : undefined;
    const foundPatch = has(patch, field);
    const pv = foundPatch ? patch[field] : undefined;
    if (ov !== undefined && !Array.isArray(ov)) return badArgType('[]interface {}', ov);
    if (foundPatch && !Array.isArray(pv)) return badArgType('[]interface {}', pv);
    const origList = ov ?? [];
    const patchList = (pv as JsonValue[] | undefined) ?? [];
    const sub = lookup(schema, field, true);
    validateOrder(patchList, order, sub.mergeKey);

    let merged: JsonValue[];
    if (ov !== undefined && foundPatch) merged = mergeListField(origList, patchList, sub, false);
    else if (ov !== undefined) merged = origList;
    else if (foundPatch) merged = removeDirectives(patchList) as JsonValue[];
    else continue;

    const kind = elementKind(origList, patchList);
    const [inOrder, serverOnly] = partition(merged, order, sub.mergeKey);
    put(orig, field, normalizeOrder(inOrder, serverOnly, order, origList, sub.mergeKey, kind));
    delete patch[field];
  }
}

/** The patch list's items (deletions aside) must appear in the order list, in that order. */
function validateOrder(patchList: JsonValue[], order: JsonValue[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  let items = patchList;
  if (mergeKey) {
    items = patchList.filter((v) => (isJsonObject(v) ? v[PATCH] !== 'delete' : badArgType('map[string]interface {}', v)));
  }
  let p = 0;
  let s = 0;
  while (p < items.length && s < order.length) {
    const item = items[p]!;
    if (isJsonObject(item) && has(item, PATCH)) p++;
    else {
      const same = mergeKey ? keyOf(item, mergeKey) === keyOf(order[s]!, mergeKey) : item === order[s];
      if (same) p++;
      s++;
    }
  }
  if (p < items.length && s >= order.length) {
    fail(`The order in patch list:\n${goValue(patchList)}\n doesn't match ${SET_ORDER} list:\n${goValue(order)}\n`);
  }
}

/** The merge key value of a list item that must be a map holding it. */
function keyOf(item: JsonValue, mergeKey: string): JsonValue {
  if (!isJsonObject(item)) return badArgType('map[string]interface {}', item);
  if (!has(item, mergeKey)) return noMergeKey(item, mergeKey);
  return item[mergeKey]!;
}

// ---- lists ----

function mergeListField(orig: JsonValue[], patch: JsonValue[], sub: Lookup, isDeleteList: boolean): JsonValue[] {
  if (sub.strategy !== 'merge' && !isDeleteList) return patch;
  if (orig.length === 0 && patch.length === 0) return orig;
  const kind = elementKind(orig, patch);
  const mergeKey = sub.mergeKey;
  if (kind === 'scalar') {
    if (isDeleteList) return orig.filter((v) => !patch.includes(v));
    const merged = [...new Set([...orig, ...patch])];
    const [inPatch, serverOnly] = partition(merged, patch, '');
    return normalizeOrder(inPatch, serverOnly, patch, orig, '', kind);
  }
  if (!mergeKey) fail('cannot merge lists without merge key for struct');

  // Special items first: deletions from the original, or a replace of the whole list.
  let base = orig;
  let items: JsonValue[] = [];
  let replace = false;
  for (const v of patch as JsonObject[]) {
    if (!has(v, PATCH)) items.push(v);
    else if (v[PATCH] === 'delete') {
      const value = keyOf(v, mergeKey);
      base = base.filter((o) => !matches(o, mergeKey, value));
    } else if (v[PATCH] === 'replace') replace = true;
    else if (v[PATCH] === 'merge') fail('merging lists cannot yet be specified in the patch');
    else badPatchType(v[PATCH], v);
  }
  if (replace) [base, items] = [items, []];

  const merged = [...base];
  for (const v of items as JsonObject[]) {
    const value = keyOf(v, mergeKey);
    const at = merged.findIndex((o) => matches(o, mergeKey, value));
    if (at >= 0) merged[at] = mergeMap(merged[at] as JsonObject, v, sub.schema);
    else merged.push(v);
  }
  const [inPatch, serverOnly] = partition(merged, items, mergeKey);
  return normalizeOrder(inPatch, serverOnly, items, base, mergeKey, kind);
}

/** The common JSON type of all items (upstream sliceElementType). */
function elementKind(...lists: JsonValue[][]): Kind {
  let first: string | undefined;
  for (const v of lists.flat()) {
    if (first === undefined && Array.isArray(v)) throw listOfLists();
    first ??= goType(v);
    if (goType(v) !== first) fail(`list element types are not identical: [${lists.map(goValue).join(' ')}]`);
  }
  if (first === undefined) return fail('no elements in any of the given slices');
  return first === 'map[string]interface {}' ? 'map' : 'scalar';
}

/** Splits `list` into the items present in `by` (by merge key, or by value) and the others. */
function partition(list: JsonValue[], by: JsonValue[], mergeKey: string): [JsonValue[], JsonValue[]] {
  const present: JsonValue[] = [];
  const others: JsonValue[] = [];
  for (const v of list) {
    const key = mergeKey ? keyOf(v, mergeKey) : v;
    (by.some((b) => (mergeKey ? matches(b, mergeKey, key) : b === key)) ? present : others).push(v);
  }
  return [present, others];
}

/** Position of `v` in `list`, by merge key value for maps (missing keys match each other). */
function indexIn(list: JsonValue[], v: JsonValue, mergeKey: string, kind: Kind): number {
  if (kind !== 'map') return list.indexOf(v);
  const keyVal = (x: JsonValue): JsonValue | undefined => (isJsonObject(x) ? (x[mergeKey] ?? undefined) : undefined);
  const want = keyVal(v);
  return list.findIndex((x) => keyVal(x) === want);
}

/**
 * Sorts the patch items by `patchOrder` and the server-only items by `serverOrder`, then
 * interleaves them: a server item goes before a patch item only when both are in
 * `serverOrder` and it comes first there (upstream normalizeElementOrder + mergeSortedSlice).
 */
function normalizeOrder(patchItems: JsonValue[], serverOnly: JsonValue[], patchOrder: JsonValue[],
  serverOrder: JsonValue[], mergeKey: string, kind: Kind): JsonValue[] {
  const right = sortByOrder(patchItems, patchOrder, mergeKey, kind);
  const left = sortByOrder(serverOnly, serverOrder, mergeKey, kind);
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    const li = indexIn(serverOrder, left[i]!, mergeKey, kind);
    const ri = indexIn(serverOrder, right[j]!, mergeKey, kind);
    out.push(li >= 0 && ri >= 0 && li < ri ? left[i++]! : right[j++]!);
  }
  return out.concat(left.slice(i), right.slice(j));
}

/**
 * Stable insertion sort by position in `order`, with upstream's comparator (an item missing
 * from `order` compares as smaller); `$patch: delete` items go last (normalizeSliceOrder).
 */
function sortByOrder(list: JsonValue[], order: JsonValue[], mergeKey: string, kind: Kind): JsonValue[] {
  let items = [...list];
  const deletions: JsonValue[] = [];
  if (kind === 'map') {
    for (const v of [...items, ...order]) keyOf(v, mergeKey);
    items = items.filter((v) => ((v as JsonObject)[PATCH] === 'delete' ? !deletions.push(v) : true));
  }
  const at = (v: JsonValue): number => indexIn(order, v, mergeKey, kind);
  const less = (a: JsonValue, b: JsonValue): boolean => at(a) < 0 || at(b) < 0 || at(a) < at(b);
  for (let i = 1; i < items.length; i++) {
    for (let j = i; j > 0 && less(items[j]!, items[j - 1]!); j--) [items[j - 1], items[j]] = [items[j]!, items[j - 1]!];
  }
  return items.concat(deletions);
}
