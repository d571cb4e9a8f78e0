/**
 * The one generic store behind every resource: create, get, list, update (with optimistic
 * concurrency), delete (graceful, finalizers, propagation policy) and watch, applying the
 * resource's strategy in kube-apiserver's fixed order. Reads come from the watch cache; writes go
 * to the store as compare-and-swap and are answered only once the cache has them.
 */
import { randomUUID } from 'node:crypto';
import {
  alreadyExists,
  badRequest,
  conflict,
  type FieldError,
  invalid,
  notFound,
  OBJECT_MODIFIED,
  serviceUnavailable,
} from '../../apimachinery/errors.js';
import { deepEqual } from '../../apimachinery/json.js';
import { type ObjectMetaInput, validateObjectMeta, validateObjectMetaUpdate } from '../../apimachinery/validation.js';
import { rfc3339, type Clock } from '../../lib/clock.js';
import type { Store } from '../../store/types.js';
import { noAdmission, type Admission, type AdmissionAttributes, type AdmissionOperation } from '../auth/types.js';
import type { UserInfo } from '../endpoints/types.js';
import type { ClusterCache } from '../cache/cluster-cache.js';
import { CacheEntry, encodeForStore } from '../cache/entry.js';
import type { ResourceCache } from '../cache/resource-cache.js';
import { nameValidator } from './names.js';
import { groupVersion, type KObject, type ObjectMeta, type ResourceDef } from './resource.js';

export interface WriteOptions {
  dryRun?: boolean;
  /** The caller, for admission (absent: an internal write, which admission does not see). */
  user?: UserInfo;
}

export interface DeleteOptions extends WriteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** Changes `current` (a private copy) into the desired object; `undefined` current: it does not exist. */
export type UpdateFn = (current: KObject | undefined) => KObject;

const MAX_CAS_RETRIES = 20;
const GENERATE_NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

export class GenericStore {
  readonly prefix: string;
  readonly cache: ResourceCache;
  private readonly ref: { group: string; resource: string };

  constructor(
    readonly def: ResourceDef,
    private readonly store: Store,
    private readonly clusterCache: ClusterCache,
    private readonly clock: Clock,
    private readonly admission: Admission = noAdmission,
  ) {
    this.prefix = `${clusterCache.prefix}${def.group || 'core'}/${def.plural}/`;
    this.cache = clusterCache.resource(this.prefix);
    this.ref = { group: def.group, resource: def.plural };
  }

  key(namespace: string | undefined, name: string): string {
    return this.def.namespaced ? `${this.prefix}${namespace}/${name}` : `${this.prefix}${name}`;
  }

  /** The cached entry (in the stored version), or a 404. */
  getEntry(namespace: string | undefined, name: string): CacheEntry {
    const e = this.cache.entries.get(this.key(namespace, name));
    if (!e) throw notFound(this.ref, name);
    return e;
  }

  /** Converted entries, per stored entry: a stored entry is immutable, so its view is too. */
  private readonly views = new WeakMap<CacheEntry, CacheEntry>();

  /**
   * A cached entry as this version serves it: the entry itself unless the resource stores
   * another version (`def.storage`), else its conversion, computed once per stored state.
   */
  async view(e: CacheEntry): Promise<CacheEntry> {
    return (await this.viewAll([e]))[0]!;
  }

  /** `view` of many entries; what is not converted yet goes to the converter as one batch. */
  async viewAll(entries: CacheEntry[]): Promise<CacheEntry[]> {
    const conv = this.def.storage;
    if (!conv) return entries;
    const out = entries.map((e) => this.viewSync(e));
    const missing = out.flatMap((v, i) => (v ? [] : [i]));
    if (missing.length) {
      const converted = await conv.fromStorage(missing.map((i) => entries[i]!.obj));
      missing.forEach((i, j) => (out[i] = this.remember(entries[i]!, converted[j]!)));
    }
    return out as CacheEntry[];
  }

  /** `view` when it needs no waiting (cached, a JSON fast path or a synchronous converter), else undefined. */
  viewSync(e: CacheEntry): CacheEntry | undefined {
    const conv = this.def.storage;
    if (!conv) return e;
    const hit = this.views.get(e);
    if (hit) return hit;
    const json = conv.fromStorageJson?.(e.json);
    if (json !== undefined) {
      const v = json === e.json ? e : new CacheEntry(e.key, json, e.rev);
      this.views.set(e, v);
      return v;
    }
    if (!conv.synchronous) return undefined;
    return this.remember(e, (conv.fromStorage([e.obj]) as KObject[])[0]!);
  }

  private remember(e: CacheEntry, obj: KObject): CacheEntry {
    const v = new CacheEntry(e.key, JSON.stringify(obj), e.rev);
    this.views.set(e, v);
    return v;
  }

  /** The stored form of a served object. */
  private async encode(obj: KObject): Promise<Uint8Array> {
    const conv = this.def.storage;
    return encodeForStore(conv ? await conv.toStorage(obj) : obj);
  }

  /** Creates the object; `obj.metadata.namespace` must already be the request's namespace. */
  async create(obj: KObject, opts: WriteOptions = {}): Promise<KObject> {
    if (!this.def.strategy.allocate) return this.createNow(obj, opts);
    // Allocating creates run one at a time: each sees what the previous one took.
    const run = this.allocating.then(() => this.createNow(obj, opts));
    this.allocating = run.then(() => {}, () => {});
    return run;
  }

  private allocating: Promise<void> = Promise.resolve();

  private async createNow(obj: KObject, opts: WriteOptions): Promise<KObject> {
    const { def } = this;
    const meta = (obj.metadata ??= {});
    const now = this.clock.now();
    obj.apiVersion = groupVersion(def);
    obj.kind = def.kind;
    // The name is generated first, as upstream's BeforeCreate, so strategies can use it (job-name labels).
    const generated = !meta.name && !!meta.generateName;
    if (generated) meta.name = generateName(meta.generateName!);
    this.beforeCreate(obj, meta, now, opts.user);
    const admit = opts.user && this.admissionFor('CREATE', opts.user, obj, undefined, undefined, !!opts.dryRun);
    if (admit) await this.admission.mutate(admit);
    this.validate(obj, undefined);
    if (admit) await this.admission.validate(admit);
    const allocErrs = def.strategy.allocate?.(obj, peers(this.cache)) ?? [];
    if (allocErrs.length) throw invalid(def.kind, def.group, meta.name ?? '', allocErrs);
    if (opts.dryRun) return obj;
    for (let attempt = 0; ; attempt++) {
      const res = await this.store.create(this.key(meta.namespace, meta.name!), await this.encode(obj));
      if (res.ok) {
        await this.clusterCache.waitFor(res.revision);
        meta.resourceVersion = String(res.revision);
        return obj;
      }
      // KEP-4420: a generated name that collides is retried with a fresh suffix.
      if (!generated || attempt >= 7) throw alreadyExists(this.ref, meta.name!);
      meta.name = generateName(meta.generateName!);
    }
  }

  /**
   * Reads, changes and writes an object with compare-and-swap, retrying on a lost race unless the
   * caller pinned a resourceVersion (then the race is the caller's 409). With `allowCreate`, an
   * absent object is created from what `update` returns.
   */
  async update(
    namespace: string | undefined,
    name: string,
    update: UpdateFn,
    opts: WriteOptions & { subresource?: string; allowCreate?: boolean } = {},
  ): Promise<{ obj: KObject; created: boolean }> {
    let entry = this.cache.entries.get(this.key(namespace, name));
    for (let attempt = 0; attempt < MAX_CAS_RETRIES; attempt++) {
      if (!entry) {
        if (!opts.allowCreate || opts.subresource) throw notFound(this.ref, name);
        const obj = update(undefined);
        checkNameMatches(obj, name);
        return { obj: await this.create(obj, opts), created: true };
      }
      const old = (await this.view(entry)).obj;
      const desired = update(structuredClone(old));
      const pinned = desired.metadata?.resourceVersion;
      if (pinned && pinned !== String(entry.rev)) throw conflict(this.ref, name, OBJECT_MODIFIED);
      // An update without a resourceVersion is unconditional: it applies to what is stored now.
      if (!pinned) (desired.metadata ??= {}).resourceVersion = String(entry.rev);
      checkNameMatches(desired, name);
      const obj = opts.subresource ? this.subresourceUpdate(opts.subresource, desired, old) : this.mainUpdate(desired, old);
      const admit = opts.user && this.admissionFor('UPDATE', opts.user, obj, old, opts.subresource, !!opts.dryRun);
      if (admit) await this.admission.mutate(admit);
      this.validate(obj, old);
      if (admit) await this.admission.validate(admit);
      if (deepEqual(stripRv(obj), stripRv(old))) return { obj: old, created: false };
      if (opts.dryRun) return { obj, created: false };
      if (obj.metadata!.deletionTimestamp && !obj.metadata!.finalizers?.length && !this.def.strategy.deletionBlocked?.(obj)) {
        // The last finalizer is gone: the object goes now (as upstream's deleteObj path of GuaranteedUpdate).
        const del = await this.store.delete(entry.key, entry.rev);
        if (del.ok) {
          await this.clusterCache.waitFor(del.revision);
          obj.metadata!.resourceVersion = String(del.revision);
          return { obj, created: false };
        }
        entry = await this.fresh(entry.key);
        if (pinned) throw conflict(this.ref, name, OBJECT_MODIFIED);
        continue;
      }
      const res = await this.store.update(entry.key, await this.encode(obj), entry.rev);
      if (res.ok) {
        await this.clusterCache.waitFor(res.revision);
        obj.metadata!.resourceVersion = String(res.revision);
        return { obj, created: false };
      }
      if (pinned) throw conflict(this.ref, name, OBJECT_MODIFIED);
      entry = res.current ? CacheEntry.fromStored(entry.key, res.current.value, res.current.modRevision) : undefined;
    }
    throw serviceUnavailable(`too many conflicting writes to ${this.def.plural} "${name}"; try again`);
  }

  /**
   * Deletes an object as kube-apiserver's generic registry does: preconditions, graceful deletion
   * (deletionTimestamp in the future, final delete by the kubelet), finalizers including the
   * propagation ones (foregroundDeletion, orphan), else removal. Returns the object as last seen
   * and whether it is gone.
   */
  async delete(namespace: string | undefined, name: string, opts: DeleteOptions = {}): Promise<{ obj: KObject; gone: boolean }> {
    const key = this.key(namespace, name);
    let entry = this.cache.entries.get(key);
    for (let attempt = 0; attempt < MAX_CAS_RETRIES; attempt++) {
      if (!entry) throw notFound(this.ref, name);
      const obj = structuredClone(entry.obj);
      const meta = obj.metadata!;
      const pre = opts.preconditions;
      if (pre?.uid && pre.uid !== meta.uid)
        throw conflict(this.ref, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${meta.uid}`);
      if (pre?.resourceVersion && pre.resourceVersion !== String(entry.rev))
        throw conflict(this.ref, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${entry.rev}`);
      if (attempt === 0 && opts.user) {
        const admit = this.admissionFor('DELETE', opts.user, undefined, await this.served(entry.obj), undefined, !!opts.dryRun);
        await this.admission.validate(admit);
      }
      const now = this.clock.now();
      const grace = this.def.strategy.gracePeriod?.(obj, opts.gracePeriodSeconds) ?? 0;
      const finalizers = new Set(meta.finalizers ?? []);
      if (!meta.deletionTimestamp) {
        if (opts.propagationPolicy === 'Foreground') finalizers.add('foregroundDeletion');
        if (opts.propagationPolicy === 'Orphan') finalizers.add('orphan');
      } else if (opts.propagationPolicy === 'Orphan' && !finalizers.has('foregroundDeletion')) {
        finalizers.add('orphan');
      }
      this.def.strategy.prepareForDelete?.(obj, { now });
      const blocked = this.def.strategy.deletionBlocked?.(obj) ?? false;
      if (finalizers.size > 0 || grace > 0 || blocked) {
        const shorter = meta.deletionGracePeriodSeconds === undefined || grace < meta.deletionGracePeriodSeconds;
        if (!meta.deletionTimestamp || (grace > 0 && shorter)) {
          meta.deletionTimestamp = rfc3339(now + grace * 1000);
          meta.deletionGracePeriodSeconds = grace;
        }
        if (finalizers.size) meta.finalizers = [...finalizers];
        if (opts.dryRun || deepEqual(obj, entry.obj)) return { obj: await this.served(obj), gone: false };
        // Only metadata changed: the object is written back in the version it is stored in.
        const res = await this.store.update(key, encodeForStore(obj), entry.rev);
        if (res.ok) {
          await this.clusterCache.waitFor(res.revision);
          meta.resourceVersion = String(res.revision);
          return { obj: await this.served(obj), gone: false };
        }
        entry = await this.fresh(key);
        continue;
      }
      if (opts.dryRun) return { obj: await this.served(obj), gone: true };
      const res = await this.store.delete(key, entry.rev);
      if (res.ok) {
        await this.clusterCache.waitFor(res.revision);
        return { obj: await this.served(obj), gone: true };
      }
      entry = await this.fresh(key);
    }
    throw serviceUnavailable(`too many conflicting writes to ${this.def.plural} "${name}"; try again`);
  }

  /** A stored-form object in this version. */
  private async served(obj: KObject): Promise<KObject> {
    const conv = this.def.storage;
    return conv ? (await conv.fromStorage([obj]))[0]! : obj;
  }

  private admissionFor(operation: AdmissionOperation, user: UserInfo, object: KObject | undefined, oldObject: KObject | undefined, subresource: string | undefined, dryRun: boolean): AdmissionAttributes {
    const source = object ?? oldObject!;
    return { operation, user, def: this.def, namespace: source.metadata?.namespace, name: source.metadata?.name ?? '', subresource, object, oldObject, dryRun };
  }

  /** The object straight from the store, bypassing a cache that may lag after a lost race. */
  private async fresh(key: string): Promise<CacheEntry | undefined> {
    const kv = await this.store.get(key);
    return kv ? CacheEntry.fromStored(key, kv.value, kv.modRevision) : undefined;
  }

  /** Same order as kube-apiserver's BeforeCreate: server-set metadata, strategy, then defaults. */
  private beforeCreate(obj: KObject, meta: ObjectMeta, now: number, user: UserInfo | undefined): void {
    const { strategy } = this.def;
    meta.uid = randomUUID();
    meta.creationTimestamp = rfc3339(now);
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.selfLink;
    if (this.def.generation) meta.generation = 1;
    else delete meta.generation;
    if (this.def.subresources?.status && !strategy.keepStatusOnCreate) delete obj.status;
    strategy.prepareForCreate?.(obj, { now, user });
    strategy.defaults?.(obj);
  }

  /** A write to the main resource: metadata the server owns is kept, and status when it is a subresource. */
  private mainUpdate(obj: KObject, old: KObject): KObject {
    const { def } = this;
    obj.apiVersion = groupVersion(def);
    obj.kind = def.kind;
    const meta = (obj.metadata ??= {});
    const oldMeta = old.metadata!;
    meta.uid = oldMeta.uid;
    meta.creationTimestamp = oldMeta.creationTimestamp;
    meta.deletionTimestamp = oldMeta.deletionTimestamp;
    meta.deletionGracePeriodSeconds = oldMeta.deletionGracePeriodSeconds;
    if (meta.managedFields === undefined && oldMeta.managedFields) meta.managedFields = oldMeta.managedFields;
    dropUndefined(meta);
    if (def.subresources?.status) {
      if (old.status === undefined) delete obj.status;
      else obj.status = old.status;
    }
    def.strategy.prepareForUpdate?.(obj, old, { now: this.clock.now() });
    def.strategy.defaults?.(obj);
    if (def.generation) {
      // Re-read: a strategy may have replaced the metadata object (custom resources' pruning does).
      const m = (obj.metadata ??= {});
      m.generation = oldMeta.generation ?? 1;
      if (!deepEqual(specOf(obj), specOf(old))) m.generation += 1;
    }
    return obj;
  }

  /** A write to /status (only status changes) or to another writable subresource the strategy defines. */
  private subresourceUpdate(sub: string, obj: KObject, old: KObject): KObject {
    const out = structuredClone(old);
    if (sub === 'status') {
      if (obj.status === undefined) delete out.status;
      else out.status = obj.status;
      this.def.strategy.prepareForStatusUpdate?.(out, old, obj);
    } else {
      const apply = this.def.strategy.subresourceUpdates?.[sub];
      if (!apply) throw notFound(this.ref, sub);
      apply(out, obj);
    }
    out.metadata!.resourceVersion = obj.metadata?.resourceVersion;
    // The field manager has recorded this write on the new object; upstream's
    // ResetObjectMetaForStatus keeps its managedFields for the same reason.
    if (obj.metadata?.managedFields !== undefined) out.metadata!.managedFields = obj.metadata.managedFields;
    dropUndefined(out.metadata!);
    return out;
  }

  private validate(obj: KObject, old: KObject | undefined): void {
    const { def } = this;
    const meta = obj.metadata!;
    const errs: FieldError[] = validateObjectMeta(meta as ObjectMetaInput, { namespaced: def.namespaced, nameValidator: nameValidator(def.nameRule) });
    if (old) {
      errs.push(...validateObjectMetaUpdate(meta as ObjectMetaInput, old.metadata! as ObjectMetaInput));
      const added = (meta.finalizers ?? []).filter((f) => !(old.metadata!.finalizers ?? []).includes(f));
      if (old.metadata!.deletionTimestamp && added.length)
        errs.push({ type: 'FieldValueForbidden', field: 'metadata.finalizers', detail: `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}` });
    }
    errs.push(...(def.strategy.validate?.(obj) ?? []));
    if (old) errs.push(...(def.strategy.validateUpdate?.(obj, old) ?? []));
    if (errs.length) throw invalid(def.kind, def.group, meta.name ?? meta.generateName ?? '', errs);
  }
}

function* peers(cache: ResourceCache): Iterable<KObject> {
  for (const e of cache.entries.values()) yield e.obj;
}

/** Everything but metadata and status: what metadata.generation tracks. */
function specOf(obj: KObject): unknown {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}

function stripRv(obj: KObject): KObject {
  const { resourceVersion: _rv, ...meta } = obj.metadata ?? {};
  return { ...obj, metadata: meta };
}

function dropUndefined(o: Record<string, unknown>): void {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
}

/** The object's name must be the URL's (it is filled in when absent). */
function checkNameMatches(obj: KObject, name: string): void {
  const given = obj.metadata?.name;
  if (given !== undefined && given !== name)
    throw badRequest(`the name of the object (${given}) does not match the name on the URL (${name})`);
  (obj.metadata ??= {}).name = name;
}

/** As upstream's names.SimpleNameGenerator: prefix cut to 58 characters plus 5 random ones. */
export function generateName(prefix: string): string {
  let s = prefix.slice(0, 58);
  for (let i = 0; i < 5; i++) s += GENERATE_NAME_CHARS[Math.floor(Math.random() * GENERATE_NAME_CHARS.length)];
  return s;
}
