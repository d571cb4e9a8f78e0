/**
 * The ownership engine (structured-merge-diff `merge.Updater`): who owns which fields after an
 * update or an apply, conflicts, and pruning of fields an applier stopped applying.
 *
 * All managers are compared in the request's version: objects here are not converted between
 * versions, which is exact for kinds served in one version.
 */
import { deepEqual, type JsonObject, type JsonValue } from '../json.js';
import { FieldSet, type FieldPath } from './fieldpath.js';
import type { Managed } from './managed-fields.js';
import { mergeValues } from './merge.js';
import type { ApplyType } from './schema.js';
import { compare, ensureNamedFieldsAreMembers, fieldsOf, removeFields, type Comparison } from './typed.js';

/** One field another manager owns with a different value. */
export interface Conflict {
  /** Identity of the owning manager. */
  manager: string;
  path: FieldPath;
}

/** Thrown by {@link applyFields} when the applier would change fields others own. */
export class ApplyConflicts extends Error {
  constructor(readonly conflicts: Conflict[]) {
    super(`${conflicts.length} conflict(s)`);
    this.name = 'ApplyConflicts';
  }
}

function excludeFields(c: Comparison, ignored: FieldSet | undefined): Comparison {
  if (!ignored || ignored.isEmpty()) return c;
  return {
    added: c.added.recursiveDifference(ignored),
    modified: c.modified.recursiveDifference(ignored),
    removed: c.removed.recursiveDifference(ignored),
  };
}

/**
 * Moves ownership for the change `oldObj` → `newObj` made by `workflow`: fields it changed or
 * added are taken from other managers (a conflict unless `force`), removed fields are dropped
 * from everyone; managers left with nothing disappear. Mutates `managed`; returns the
 * comparison (without `ignored` fields).
 */
export function updateOwnership(
  root: ApplyType,
  oldObj: JsonObject,
  newObj: JsonObject,
  managed: Managed,
  workflow: string,
  force: boolean,
  ignored?: FieldSet,
): Comparison {
  const cmp = excludeFields(compare(oldObj, newObj, root), ignored);
  const changed = cmp.modified.union(cmp.added);
  const conflicts = new Map<string, FieldSet>();
  for (const [id, m] of managed) {
    if (id === workflow) continue;
    const c = m.set.intersection(changed);
    if (!c.isEmpty()) conflicts.set(id, c);
  }
  if (!force && conflicts.size > 0) {
    const list: Conflict[] = [];
    for (const id of [...conflicts.keys()].sort()) for (const path of conflicts.get(id)!.paths()) list.push({ manager: id, path });
    throw new ApplyConflicts(list);
  }
  for (const [id, c] of conflicts) {
    const m = managed.get(id)!;
    managed.set(id, { ...m, set: m.set.difference(c) });
  }
  if (!cmp.removed.isEmpty()) {
    for (const [id, m] of managed) if (id !== workflow) managed.set(id, { ...m, set: m.set.difference(cmp.removed) });
  }
  for (const [id, m] of managed) if (m.set.isEmpty()) managed.delete(id);
  return cmp;
}

/** What an apply produced. */
export interface AppliedFields {
  object: JsonObject;
  /** The object equals the live one: nothing to write but possibly managedFields. */
  noop: boolean;
}

/**
 * Applies `config` (whose field set is `configSet`) to `live` for the manager `id`
 * (upstream `Updater.Apply`): merge, record the applier's set, prune what it stopped applying,
 * then move ownership. Throws {@link ApplyConflicts}. Mutates `managed`.
 */
export function applyFields(
  root: ApplyType,
  live: JsonObject,
  config: JsonObject,
  configSet: FieldSet,
  apiVersion: string,
  managed: Managed,
  id: string,
  entry: { manager: string; subresource?: string },
  force: boolean,
  ignored?: FieldSet,
): AppliedFields {
  const merged = asObject(mergeValues(live, config, root));
  const last = managed.get(id)?.set;
  const set = ignored ? configSet.recursiveDifference(ignored) : configSet;
  const prev = managed.get(id);
  managed.set(id, { ...prev, manager: entry.manager, operation: 'Apply', apiVersion, set, ...(entry.subresource ? { subresource: entry.subresource } : {}) });
  // Nothing to prune when the applier still applies everything it applied last time.
  const pruned = last && !last.difference(set).isEmpty() ? prune(root, merged, managed, last) : merged;
  updateOwnership(root, live, pruned, managed, id, force, ignored);
  return { object: pruned, noop: deepEqual(live, pruned) };
}

function asObject(v: JsonValue | undefined): JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {};
}

/**
 * Removes from `merged` the fields the applier owned last time (`last`) that no manager owns
 * now, leaving fields nobody ever owned (upstream `prune`, `addBackOwnedItems`,
 * `addBackDanglingItems`).
 */
function prune(root: ApplyType, merged: JsonObject, managed: Managed, last: FieldSet): JsonObject {
  if (last.isEmpty()) return merged;
  const named = (s: FieldSet) => ensureNamedFieldsAreMembers(s, root);
  let pruned = asObject(removeFields(merged, named(last), root));
  let owned = new FieldSet();
  for (const m of managed.values()) owned = owned.union(m.set);
  const mergedSet = named(fieldsOf(merged, root));
  const keep = named(fieldsOf(pruned, root)).union(named(owned));
  pruned = asObject(removeFields(merged, mergedSet.difference(keep), root));
  const prunedSet = named(fieldsOf(pruned, root));
  return asObject(removeFields(merged, mergedSet.difference(prunedSet).intersection(named(last)), root));
}
