/**
 * Server-side apply of one object (`PATCH` with `application/apply-patch+yaml`): merges the
 * applied configuration into the live object by the schema, keeps `metadata.managedFields`, and
 * answers conflicts the way kube-apiserver does. Mirrors the layers of upstream's default field
 * manager (k8s.io/apimachinery/pkg/util/managedfields/internal): version check, last-applied
 * upgrade and sync for `kubectl`, `before-first-apply`, manager identity, timestamps, stripped
 * metadata, then the structured merge.
 */
import { StatusError, badRequest, type StatusCause, type StatusReason } from '../errors.js';
import type { JsonObject, JsonValue } from '../json.js';
import { pathString, type FieldSet } from './fieldpath.js';
import { KUBECTL_MANAGER, allowedConflictsFromLastApplied, lastAppliedOf, syncLastApplied } from './last-applied.js';
import {
  BEFORE_FIRST_APPLY_MANAGER,
  decodeManagedFields,
  encodeManagedFields,
  formatTime,
  managerIdentity,
  stripMeta,
  type Managed,
  type ManagedFieldsEntry,
} from './managed-fields.js';
import type { ApplySchema } from './schema.js';
import { fieldsOf, type TypedValueError } from './typed.js';
import { ApplyConflicts, applyFields, type Conflict } from './updater.js';
import { recordUpdateInto } from './update.js';

/** Inputs of {@link serverSideApply}. */
export interface ApplyOptions {
  schema: ApplySchema;
  /** The stored object, `metadata.managedFields` included; absent when the apply creates it. */
  live?: JsonObject;
  /** The applied configuration (the decoded patch body). */
  applied: JsonObject;
  /** `?fieldManager=` (required for apply; validated by the caller). */
  manager: string;
  /** `?force=true`: take conflicting fields instead of failing. */
  force?: boolean;
  now: Date;
  /** The request's group/version, e.g. `apps/v1` or `v1`. */
  apiVersion: string;
  /** The request's kind; the patch must carry the same apiVersion and kind. */
  kind: string;
  /** Set for applies to a subresource (`status`, `scale`). */
  subresource?: string;
  /**
   * Fields the strategy resets and nobody may own through this endpoint (upstream
   * `ResetFieldsStrategy`), e.g. `status` for the main resource.
   */
  ignoredFields?: FieldSet;
}

/** Result of {@link serverSideApply}. */
export interface ApplyResult {
  /** The object to validate and store, `metadata.managedFields` set (or removed when empty). */
  object: JsonObject;
  managedFields: ManagedFieldsEntry[];
  /** The object (managedFields aside) differs from the live one. */
  changed: boolean;
}

/** `group/version, Kind=kind`, as Go prints a GroupVersionKind. */
function gvkString(apiVersion: JsonValue | undefined, kind: JsonValue | undefined): string {
  const av = typeof apiVersion === 'string' ? apiVersion : '';
  const slash = av.lastIndexOf('/');
  const group = slash >= 0 ? av.slice(0, slash) : '';
  const version = slash >= 0 ? av.slice(slash + 1) : av;
  return `${group}/${version}, Kind=${typeof kind === 'string' ? kind : ''}`;
}

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * An error that is not a Status upstream: kube-apiserver answers 500 with an empty reason and
 * the error text, which kubectl prints as `Error from server: <text>`.
 */
function unknownError(message: string): StatusError {
  return new StatusError(500, undefined as unknown as StatusReason, message);
}

function typeErrorsText(errs: TypedValueError[]): string {
  const lines = errs.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message));
  return lines.length === 1 ? lines[0]! : ['errors:', ...lines.map((l) => `  ${l}`)].join('\n');
}

function printManager(identity: string): string {
  let e: { manager?: string; operation?: string; apiVersion?: string; subresource?: string };
  try {
    e = JSON.parse(identity) as typeof e;
  } catch {
    return JSON.stringify(identity);
  }
  let s = JSON.stringify(e.manager ?? '');
  if (e.subresource) s += ` with subresource ${JSON.stringify(e.subresource)}`;
  return e.operation === 'Update' ? `${s} using ${e.apiVersion ?? ''}` : s;
}

/**
 * The 409 kube-apiserver answers for apply conflicts: `Apply failed with 1 conflict: conflict
 * with "mgr" using apps/v1: .spec.replicas`, or for several, one `conflicts with "mgr":` block
 * per manager (sorted) listing `- <path>` lines; one `FieldManagerConflict` cause per field.
 */
export function applyConflictError(conflicts: readonly Conflict[]): StatusError {
  const causes: StatusCause[] = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${printManager(c.manager)}`,
    field: pathString(c.path),
  }));
  let message: string;
  if (conflicts.length === 1) {
    const c = conflicts[0]!;
    message = `Apply failed with 1 conflict: conflict with ${printManager(c.manager)}: ${pathString(c.path)}`;
  } else {
    const byManager = new Map<string, string[]>();
    for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), pathString(c.path)]);
    const lines: string[] = [];
    for (const m of [...byManager.keys()].sort()) {
      lines.push(`conflicts with ${printManager(m)}:`);
      for (const p of byManager.get(m)!) lines.push(`- ${p}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError(409, 'Conflict', message, { causes });
}

/** A deep copy of JSON data (faster than structuredClone for plain objects). */
function cloneJson(v: JsonValue): JsonValue {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map(cloneJson);
  const out: JsonObject = {};
  for (const k in v) {
    const x = v[k];
    if (x !== undefined) out[k] = cloneJson(x);
  }
  return out;
}

function withoutManagedFields(obj: JsonObject): JsonObject {
  if (!isObject(obj.metadata) || !('managedFields' in obj.metadata)) return obj;
  const { managedFields: _, ...meta } = obj.metadata;
  return { ...obj, metadata: meta };
}

/**
 * Server-side apply as kube-apiserver's field manager does it. Returns the merged object with
 * its new `metadata.managedFields`; the caller then runs defaulting, the strategy, admission and
 * validation as for any update. Throws a `StatusError`: 409 on conflicts (unless `force`), 400
 * for a patch of another kind or carrying managedFields, 500 (empty reason, as upstream) for a
 * patch the schema cannot type (unkeyable or duplicate list items, undeclared fields).
 */
export function serverSideApply(opts: ApplyOptions): ApplyResult {
  const { schema, applied, manager, now, apiVersion, subresource } = opts;
  let managed: Managed;
  try {
    managed = decodeManagedFields(isObject(opts.live?.metadata) ? opts.live.metadata.managedFields : undefined);
  } catch (e) {
    throw unknownError(`failed to decode managed fields: ${(e as Error).message}`);
  }
  if (applied.apiVersion !== apiVersion || applied.kind !== opts.kind) {
    throw badRequest(`invalid object type: ${gvkString(applied.apiVersion, applied.kind)}`);
  }
  if (isObject(applied.metadata) && applied.metadata.managedFields !== undefined && applied.metadata.managedFields !== null) {
    throw badRequest('metadata.managedFields must be nil');
  }
  const live = opts.live ? withoutManagedFields(opts.live) : {};
  const errors: TypedValueError[] = [];
  const configSet = fieldsOf(applied, schema.root, errors);
  if (errors.length > 0) {
    const meta = isObject(applied.metadata) ? applied.metadata : {};
    const nn = `${typeof meta.namespace === 'string' ? meta.namespace : ''}/${typeof meta.name === 'string' ? meta.name : ''}`;
    throw unknownError(`failed to create typed patch object (${nn}; ${gvkString(applied.apiVersion, applied.kind)}): ${typeErrorsText(errors)}`);
  }
  const id = managerIdentity({ manager, operation: 'Apply', subresource });
  const time = formatTime(now);

  const attempt = (force: boolean) => {
    const m: Managed = new Map(managed);
    if (m.size === 0 && opts.live) {
      // Fields set before the first apply are owned by a placeholder updater.
      recordUpdateInto(schema, schema.zeroObject(live), live, m, BEFORE_FIRST_APPLY_MANAGER, apiVersion, undefined, time, opts.ignoredFields);
    }
    const entry = subresource ? { manager, subresource } : { manager };
    const out = applyFields(schema.root, live, applied, configSet, apiVersion, m, id, entry, force, opts.ignoredFields);
    stripMeta(m, id);
    const mine = m.get(id);
    if (mine && !out.noop) m.set(id, { ...mine, time });
    return { ...out, managed: m };
  };

  let result: ReturnType<typeof attempt>;
  try {
    result = attempt(opts.force === true);
  } catch (e) {
    if (!(e instanceof ApplyConflicts)) throw e;
    let conflicts = e.conflicts;
    if (manager === KUBECTL_MANAGER) {
      // Fields kubectl's client-side apply last set to their live value may move without a conflict.
      const allowed = allowedConflictsFromLastApplied(schema.root, live, apiVersion);
      if (allowed) conflicts = conflicts.filter((c) => !allowed.has(c.path));
      if (allowed && conflicts.length === 0) result = attempt(true);
      else throw applyConflictError(conflicts);
    } else {
      throw applyConflictError(conflicts);
    }
  }
  const object = cloneJson(result.noop ? live : result.object) as JsonObject;
  let changed = !result.noop;
  if (manager === KUBECTL_MANAGER && lastAppliedOf(object)) {
    const before = lastAppliedOf(object);
    syncLastApplied(object, applied);
    if (lastAppliedOf(object) !== before) changed = true;
  }
  const managedFields = encodeManagedFields(result.managed) ?? [];
  const meta: JsonObject = isObject(object.metadata) ? object.metadata : (object.metadata = {});
  if (managedFields.length > 0) meta.managedFields = managedFields as unknown as JsonValue;
  else delete meta.managedFields;
  return { object, managedFields, changed };
}
