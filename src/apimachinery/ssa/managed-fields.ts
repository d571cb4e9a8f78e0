/**
 * `metadata.managedFields` ↔ the per-manager field sets the apply machinery works on, with
 * upstream's manager identities, entry order and cap on Update entries
 * (k8s.io/apimachinery/pkg/util/managedfields/internal: managedfields.go, capmanagers.go,
 * stripmeta.go).
 */
import type { JsonObject, JsonValue } from '../json.js';
import { compareStrings } from './go-json.js';
import { FieldSet } from './fieldpath.js';

/** One `metadata.managedFields[]` entry, as stored and served. */
export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: JsonObject;
  subresource?: string;
}

/** One manager's fields, keyed in {@link Managed} by its identity. */
export interface ManagerFields {
  manager: string;
  operation: 'Apply' | 'Update';
  subresource?: string;
  /** The version the fields are expressed in. */
  apiVersion: string;
  set: FieldSet;
  /** RFC 3339 time of the manager's last change, when known. */
  time?: string;
}

/** Field sets by manager identity ({@link managerIdentity}). */
export type Managed = Map<string, ManagerFields>;

/** Upstream merges the oldest Update entries beyond this many (`DefaultMaxUpdateManagers`). */
export const MAX_UPDATE_MANAGERS = 10;
/** The manager that absorbs merged old Update entries. */
export const ANCIENT_CHANGES_MANAGER = 'ancient-changes';
/** The Update manager that takes the existing fields of an object applied to for the first time. */
export const BEFORE_FIRST_APPLY_MANAGER = 'before-first-apply';

/**
 * The identity of a manager (upstream `BuildManagerIdentifier`): the JSON of its entry without
 * time and fields, and without apiVersion for appliers, so one applier keeps one entry across
 * versions while updaters get one entry per version and subresource.
 */
export function managerIdentity(e: { manager: string; operation: string; apiVersion?: string; subresource?: string }): string {
  const id: JsonObject = {};
  if (e.manager) id.manager = e.manager;
  if (e.operation) id.operation = e.operation;
  if (e.operation !== 'Apply' && e.apiVersion) id.apiVersion = e.apiVersion;
  if (e.subresource) id.subresource = e.subresource;
  return JSON.stringify(id);
}

/** Metadata time format: RFC 3339 in UTC with whole seconds. */
export function formatTime(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}

function seconds(t: string | undefined): number {
  if (!t) return 0;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Decodes `metadata.managedFields`. Throws an Error worded as upstream's decoder for an entry
 * it cannot use (the caller decides whether that is fatal). Absent or null decodes to empty.
 */
export function decodeManagedFields(value: JsonValue | undefined): Managed {
  const out: Managed = new Map();
  if (value === undefined || value === null) return out;
  if (!Array.isArray(value)) throw new Error('managedFields must be a list');
  value.forEach((raw, i) => {
    const e = isObject(raw) ? raw : {};
    const operation = e.operation;
    if (operation !== 'Apply' && operation !== 'Update') throw new Error('operation must be `Apply` or `Update`');
    const apiVersion = typeof e.apiVersion === 'string' ? e.apiVersion : '';
    if (!apiVersion) throw new Error('apiVersion must not be empty');
    if (e.fieldsType === undefined || e.fieldsType === '') throw new Error(`missing fieldsType in managed fields entry ${i}`);
    if (e.fieldsType !== 'FieldsV1') throw new Error(`invalid fieldsType ${JSON.stringify(e.fieldsType)} in managed fields entry ${i}`);
    const manager = typeof e.manager === 'string' ? e.manager : '';
    const subresource = typeof e.subresource === 'string' && e.subresource ? e.subresource : undefined;
    let set: FieldSet;
    try {
      set = e.fieldsV1 === undefined || e.fieldsV1 === null ? new FieldSet() : FieldSet.fromFieldsV1(e.fieldsV1);
    } catch (err) {
      throw new Error(`error decoding versioned set from ${manager}: error decoding set: ${(err as Error).message}`);
    }
    const mf: ManagerFields = { manager, operation, apiVersion, set };
    if (subresource) mf.subresource = subresource;
    if (typeof e.time === 'string' && e.time) mf.time = e.time;
    out.set(managerIdentity(mf), mf);
  });
  return out;
}

/**
 * Encodes managers as `metadata.managedFields` in upstream's order: Apply entries before Update
 * entries, then by time (seconds), manager, apiVersion, subresource. Undefined when empty, so
 * the field disappears.
 */
export function encodeManagedFields(managed: Managed): ManagedFieldsEntry[] | undefined {
  if (managed.size === 0) return undefined;
  const entries: ManagedFieldsEntry[] = [];
  for (const m of managed.values()) {
    const e: ManagedFieldsEntry = { manager: m.manager, operation: m.operation, apiVersion: m.apiVersion };
    if (m.time) e.time = m.time;
    e.fieldsType = 'FieldsV1';
    e.fieldsV1 = m.set.toFieldsV1();
    if (m.subresource) e.subresource = m.subresource;
    entries.push(e);
  }
  return entries.sort(
    (p, q) =>
      compareStrings(p.operation ?? '', q.operation ?? '') ||
      seconds(p.time) - seconds(q.time) ||
      compareStrings(p.manager ?? '', q.manager ?? '') ||
      compareStrings(p.apiVersion ?? '', q.apiVersion ?? '') ||
      compareStrings(p.subresource ?? '', q.subresource ?? ''),
  );
}

/** Whether a request's managedFields ask for a reset: `[]` or `[{}]` (upstream `isResetManagedFields`). */
export function isResetManagedFields(v: JsonValue | undefined): boolean {
  if (!Array.isArray(v)) return false;
  if (v.length === 0) return true;
  return v.length === 1 && isObject(v[0]) && Object.values(v[0]).every((x) => x === undefined);
}

/**
 * Fields nobody is recorded as owning (upstream `stripMeta`): type meta and the server-set
 * parts of `metadata`. `metadata` itself is in the set as a member only, so `metadata.labels`
 * stays owned.
 */
export const STRIPPED_FIELDS = FieldSet.fromFieldNames([
  ['apiVersion'],
  ['kind'],
  ['metadata'],
  ['metadata', 'name'],
  ['metadata', 'namespace'],
  ['metadata', 'creationTimestamp'],
  ['metadata', 'selfLink'],
  ['metadata', 'uid'],
  ['metadata', 'clusterName'],
  ['metadata', 'generation'],
  ['metadata', 'managedFields'],
  ['metadata', 'resourceVersion'],
]);

/** Removes {@link STRIPPED_FIELDS} from one manager's set, dropping the manager if nothing is left. */
export function stripMeta(managed: Managed, id: string): void {
  const m = managed.get(id);
  if (!m) return;
  const set = m.set.difference(STRIPPED_FIELDS);
  if (set.isEmpty()) managed.delete(id);
  else managed.set(id, { ...m, set });
}

/**
 * Keeps at most `max` Update entries (upstream `capUpdateManagers`): the oldest are merged, per
 * apiVersion, into an `ancient-changes` entry that takes the time of the newest one merged.
 */
export function capUpdateManagers(managed: Managed, max = MAX_UPDATE_MANAGERS): void {
  const updaters = [...managed.entries()].filter(([, m]) => m.operation === 'Update').map(([id]) => id);
  if (updaters.length <= max) return;
  updaters.sort((a, b) => seconds(managed.get(a)?.time) - seconds(managed.get(b)?.time) || compareStrings(a, b));
  const firstOfVersion = new Map<string, string>();
  let length = updaters.length;
  for (let i = 0; i < updaters.length && length > max; i++) {
    const id = updaters[i]!;
    const m = managed.get(id);
    if (!m) continue;
    const bucketId = managerIdentity({ manager: ANCIENT_CHANGES_MANAGER, operation: 'Update', apiVersion: m.apiVersion });
    const first = firstOfVersion.get(m.apiVersion);
    if (first === undefined) {
      firstOfVersion.set(m.apiVersion, id);
      continue;
    }
    let bucket = managed.get(bucketId);
    if (!bucket) {
      const f = managed.get(first)!;
      managed.delete(first);
      bucket = { ...f, manager: ANCIENT_CHANGES_MANAGER, operation: 'Update' };
      delete bucket.subresource;
    }
    const merged: ManagerFields = { ...bucket, set: m.set.union(bucket.set), apiVersion: m.apiVersion };
    if (m.time) merged.time = m.time;
    else delete merged.time;
    managed.set(bucketId, merged);
    managed.delete(id);
    length--;
  }
}
