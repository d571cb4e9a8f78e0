/**
 * managedFields for writes that are not applies (create, update, and the JSON, merge and
 * strategic merge patches): the fields a write changes become its manager's, in an `Update`
 * entry per manager, apiVersion and subresource (upstream FieldManager.Update and the managers
 * it wraps).
 */
import type { JsonObject, JsonValue } from '../json.js';
import type { FieldSet } from './fieldpath.js';
import {
  capUpdateManagers,
  decodeManagedFields,
  encodeManagedFields,
  formatTime,
  isResetManagedFields,
  managerIdentity,
  stripMeta,
  type Managed,
  type ManagedFieldsEntry,
} from './managed-fields.js';
import type { ApplySchema } from './schema.js';
import { updateOwnership } from './updater.js';

/** Inputs of {@link recordUpdate}. */
export interface UpdateOptions {
  schema: ApplySchema;
  /** The stored object (with its managedFields); absent for a create. */
  old?: JsonObject;
  /** The object about to be stored, as the request made it (before the strategy resets fields). */
  updated: JsonObject;
  /** `?fieldManager=`, else {@link defaultManager} of the User-Agent. */
  manager: string;
  now: Date;
  /** The request's group/version. */
  apiVersion: string;
  subresource?: string;
  /** Fields the strategy resets for this endpoint (upstream `ResetFieldsStrategy`). */
  ignoredFields?: FieldSet;
}

/** Upstream's working name for the fields the current write takes. */
const CURRENT_OPERATION = 'current-operation';

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function managedFieldsOf(obj: JsonObject | undefined): JsonValue | undefined {
  return obj && isObject(obj.metadata) ? obj.metadata.managedFields : undefined;
}

function withoutManagedFields(obj: JsonObject): JsonObject {
  if (!isObject(obj.metadata) || !('managedFields' in obj.metadata)) return obj;
  const { managedFields: _, ...meta } = obj.metadata;
  return { ...obj, metadata: meta };
}

/**
 * Records in `managed` that `manager` changed `oldObj` into `newObj` (neither carrying
 * managedFields): ownership of changed fields moves to its Update entry, whose time becomes
 * `time` when it took anything; Update entries are then capped. Mutates `managed`.
 */
export function recordUpdateInto(
  schema: ApplySchema,
  oldObj: JsonObject,
  newObj: JsonObject,
  managed: Managed,
  manager: string,
  apiVersion: string,
  subresource: string | undefined,
  time: string,
  ignoredFields?: FieldSet,
): void {
  const cmp = updateOwnership(schema.root, oldObj, newObj, managed, CURRENT_OPERATION, true, ignoredFields);
  let set = cmp.modified.union(cmp.added).difference(cmp.removed);
  if (ignoredFields) set = set.recursiveDifference(ignoredFields);
  const entry = { manager, operation: 'Update' as const, apiVersion, ...(subresource ? { subresource } : {}) };
  managed.set(CURRENT_OPERATION, { ...entry, set });
  stripMeta(managed, CURRENT_OPERATION);
  const taken = managed.get(CURRENT_OPERATION);
  managed.delete(CURRENT_OPERATION);
  if (taken && !taken.set.isEmpty()) {
    const id = managerIdentity(entry);
    const prev = managed.get(id);
    managed.set(id, { ...entry, set: prev ? taken.set.union(prev.set) : taken.set, time });
  }
  capUpdateManagers(managed);
}

/**
 * The managedFields to store for a create, update or non-apply patch. Managed fields sent in
 * the request replace the stored ones (`[]` or `[{}]` clears them); requests without any, or to
 * a subresource, keep the stored ones. An object stored without managedFields stays without
 * (upstream starts tracking only on create or apply). Undefined means "no managedFields".
 * Like upstream's `UpdateNoErrors`, a failure yields no managedFields rather than an error.
 */
export function recordUpdate(opts: UpdateOptions): ManagedFieldsEntry[] | undefined {
  const { schema, old, updated } = opts;
  let managed: Managed;
  try {
    if (opts.subresource) managed = decodeManagedFields(managedFieldsOf(old));
    else if (isResetManagedFields(managedFieldsOf(updated))) managed = new Map();
    else {
      let fromRequest: Managed | undefined;
      try {
        fromRequest = decodeManagedFields(managedFieldsOf(updated));
      } catch {
        fromRequest = undefined;
      }
      managed = fromRequest && fromRequest.size > 0 ? fromRequest : decodeManagedFields(managedFieldsOf(old));
    }
  } catch {
    // Upstream returns the request object untouched when nothing decodes.
    const mf = managedFieldsOf(updated);
    return Array.isArray(mf) ? (mf as unknown as ManagedFieldsEntry[]) : undefined;
  }
  if (managed.size === 0 && old) return undefined;
  const newObj = withoutManagedFields(updated);
  const oldObj = old ? withoutManagedFields(old) : schema.zeroObject(newObj);
  try {
    recordUpdateInto(schema, oldObj, newObj, managed, opts.manager, opts.apiVersion, opts.subresource, formatTime(opts.now), opts.ignoredFields);
  } catch {
    return undefined;
  }
  return encodeManagedFields(managed);
}

const PRINTABLE = /[\p{L}\p{M}\p{N}\p{P}\p{S} ]/u;
/** Upstream `FieldManagerMaxLength`. */
const FIELD_MANAGER_MAX_LENGTH = 128;

/**
 * The manager name for a write without `?fieldManager=` (upstream `prefixFromUserAgent`): the
 * User-Agent up to its first `/`, without unprintable characters, cut to 128 bytes. kubectl
 * sends `fieldManager` itself (`kubectl-create`, `kubectl-edit`, `kubectl-client-side-apply`,
 * ...); client-go programs default to their binary name, e.g. `kube-controller-manager`.
 */
export function defaultManager(userAgent: string | undefined): string {
  const prefix = (userAgent ?? '').split('/')[0] ?? '';
  let out = '';
  let bytes = 0;
  for (const ch of prefix) {
    if (!PRINTABLE.test(ch)) continue;
    const n = Buffer.byteLength(ch);
    if (bytes + n > FIELD_MANAGER_MAX_LENGTH) break;
    out += ch;
    bytes += n;
  }
  return out;
}
