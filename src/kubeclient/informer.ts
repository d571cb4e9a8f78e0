/**
 * A shared-informer-like mirror of one resource: list, then watch from the list's
 * resourceVersion, keeping a local cache keyed `namespace/name` and calling handlers on every
 * change. As client-go's reflector: a watch that ends cleanly resumes from the last
 * resourceVersion seen (bookmarks included); a 410 (HTTP or ERROR event) relists; other failures
 * back off exponentially on the injected clock before trying again.
 */
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { Backoff, sleep } from './backoff.js';
import type { KubeClient } from './client.js';
import { isGone, KubeApiError, type StatusBody } from './errors.js';
import type { WatchEvent } from './transport.js';
import { objectKey, type KubeObject, type ResourceRef } from './types.js';

export interface EventHandlers<T extends KubeObject = KubeObject> {
  onAdd?(obj: T): void;
  onUpdate?(oldObj: T, newObj: T): void;
  /** Called with the last known state when the object is deleted (or vanished between lists). */
  onDelete?(obj: T): void;
}

export interface InformerOptions<T extends KubeObject = KubeObject> {
  /** The resource to mirror; `namespace` narrows it to one namespace. `name` is ignored. */
  resource: Omit<ResourceRef, 'name' | 'subresource'>;
  labelSelector?: string;
  fieldSelector?: string;
  /** Trims each object before it is cached (client-go SetTransform), e.g. to metadata only. */
  transform?: (obj: KubeObject) => T;
  /** List page size (default 500; unpaged over a transport with `wholeLists`). */
  pageSize?: number;
  /** Watches are asked to end after a random time in [min, 2·min) seconds (default 300, as client-go). */
  minWatchTimeoutSeconds?: number;
}

/** Watches that end this soon without any event count as failures (client-go's "very short watch"). */
const SHORT_WATCH_MS = 1000;

/** Maps an object to the index values it is filed under (client-go IndexFunc). */
export type IndexFunc<T extends KubeObject = KubeObject> = (obj: T) => readonly string[];

/** client-go's NamespaceIndex: objects by metadata.namespace. */
export const NAMESPACE_INDEX = 'namespace';
const byNamespace: IndexFunc = (o) => (o.metadata?.namespace ? [o.metadata.namespace] : []);

export class Informer<T extends KubeObject = KubeObject> {
  private readonly cache = new Map<string, T>();
  /** index name → (value → keys), kept in step with `cache`. */
  private readonly indexes = new Map<string, { fn: IndexFunc<T>; values: Map<string, Set<string>> }>();
  private starts = 0;
  private readonly handlers: EventHandlers<T>[] = [];
  private readonly abort = new AbortController();
  private synced = false;
  private syncWaiters: ((ok: boolean) => void)[] = [];
  private running: Promise<void> | undefined;
  private rv: string | undefined;
  private readonly backoff = new Backoff();

  constructor(
    private readonly client: KubeClient,
    private readonly opts: InformerOptions<T>,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    this.addIndexer(NAMESPACE_INDEX, byNamespace as IndexFunc<T>);
  }

  /** Registers handlers; when the cache is already filled they first get an onAdd for every object. */
  addEventHandler(h: EventHandlers<T>): void {
    this.handlers.push(h);
    if (this.synced) for (const obj of this.cache.values()) this.call(h, 'onAdd', obj);
  }

  /**
   * Files every cached object under `fn(obj)` in the index `name`, so `byIndex` answers without
   * a scan (client-go AddIndexers). Adding a name that exists keeps the first function: shared
   * informers get the same indexer from several controllers.
   */
  addIndexer(name: string, fn: IndexFunc<T>): void {
    if (this.indexes.has(name)) return;
    const values = new Map<string, Set<string>>();
    this.indexes.set(name, { fn, values });
    for (const [key, obj] of this.cache) fileUnder(values, fn(obj), key);
  }

  /** The cached objects filed under `value` in index `name` (NAMESPACE_INDEX is always there). */
  byIndex(name: string, value: string): T[] {
    const idx = this.indexes.get(name);
    if (!idx) throw new Error(`informer for ${this.opts.resource.resource} has no index ${name}`);
    const keys = idx.values.get(value);
    if (!keys) return [];
    const out: T[] = [];
    for (const k of keys) {
      const obj = this.cache.get(k);
      if (obj) out.push(obj);
    }
    return out;
  }

  /**
   * Starts the list+watch loop. Starts are counted: an informer shared by several controllers
   * (SharedInformers) runs until each of them has called `stop`.
   */
  start(): void {
    this.starts++;
    this.running ??= this.run().finally(() => {
      for (const w of this.syncWaiters) w(false);
      this.syncWaiters = [];
    });
  }

  /** Undoes one `start`; the last one stops watching and resolves once the loop has ended. */
  async stop(): Promise<void> {
    if (this.starts > 1) {
      this.starts--;
      return;
    }
    this.starts = 0;
    this.abort.abort();
    await this.running;
  }

  /** True once the first list has been delivered to the cache and handlers. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves true once synced, false if the informer stops first. */
  waitForSync(): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    if (this.abort.signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.cache.get(namespace ? `${namespace}/${name}` : name);
  }

  getByKey(key: string): T | undefined {
    return this.cache.get(key);
  }

  list(): T[] {
    return [...this.cache.values()];
  }

  /** The resourceVersion the informer has seen up to (undefined before the first list). */
  get lastResourceVersion(): string | undefined {
    return this.rv;
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      try {
        if (this.rv === undefined) await this.relist();
        // Stopped while the list was in flight: do not open a watch nothing would abort.
        if (signal.aborted) break;
        const started = this.clock.now();
        const seen = await this.watchOnce();
        if (!seen && this.clock.now() - started < SHORT_WATCH_MS) await sleep(this.clock, this.backoff.next(), signal);
      } catch (err) {
        if (signal.aborted) break;
        if (isGone(err)) {
          this.log.debug({ resource: this.opts.resource.resource, rv: this.rv }, 'resourceVersion too old; relisting');
          this.rv = undefined;
          continue;
        }
        // The server refused (not a broken connection): start over from a fresh list, as client-go does.
        if (err instanceof KubeApiError) this.rv = undefined;
        const delay = this.backoff.next();
        this.log.warn({ err, resource: this.opts.resource.resource, retryInMs: Math.round(delay) }, 'list/watch failed');
        await sleep(this.clock, delay, signal);
      }
    }
  }

  private async relist(): Promise<void> {
    // In process, one unpaged list from the server's cache (see KubeTransport.wholeLists).
    const limit = this.client.transport.wholeLists && this.opts.pageSize === undefined ? undefined : (this.opts.pageSize ?? 500);
    const list = await this.client.listAll(
      { ...this.opts.resource, name: undefined },
      { labelSelector: this.opts.labelSelector, fieldSelector: this.opts.fieldSelector, limit },
    );
    if (this.abort.signal.aborted) return;
    const fresh = new Map<string, T>();
    for (const raw of list.items) {
      const obj = this.transform(raw, list.apiVersion, list.kind);
      fresh.set(objectKey(obj), obj);
    }
    const old = new Map(this.cache);
    for (const k of old.keys()) if (!fresh.has(k)) this.remove(k);
    for (const [k, obj] of fresh) this.put(k, obj);
    for (const [k, prev] of old) if (!fresh.has(k)) this.emit('onDelete', prev);
    for (const [k, obj] of fresh) {
      const prev = old.get(k);
      if (!prev) this.emit('onAdd', obj);
      else if (prev.metadata?.resourceVersion !== obj.metadata?.resourceVersion) this.emit('onUpdate', prev, obj);
    }
    this.rv = list.metadata.resourceVersion ?? '0';
    this.backoff.reset();
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters) w(true);
      this.syncWaiters = [];
    }
  }

  /** One watch from `this.rv`; returns whether any event arrived. Throws on refusal or an ERROR event. */
  private async watchOnce(): Promise<boolean> {
    const ctl = new AbortController();
    const onStop = () => ctl.abort();
    if (this.abort.signal.aborted) return false;
    this.abort.signal.addEventListener('abort', onStop);
    let seen = false;
    let failure: unknown;
    const min = this.opts.minWatchTimeoutSeconds ?? 300;
    try {
      await this.client.watch(
        { ...this.opts.resource, name: undefined },
        { resourceVersion: this.rv, allowWatchBookmarks: true, timeoutSeconds: Math.floor(min * (1 + Math.random())), labelSelector: this.opts.labelSelector, fieldSelector: this.opts.fieldSelector },
        (ev) => {
          if (ctl.signal.aborted) return;
          seen = true;
          if (ev.type === 'ERROR') {
            const st = (ev.object ?? {}) as StatusBody;
            failure = new KubeApiError(st.code ?? 500, st.reason ?? '', st.message ?? 'watch error', st);
            ctl.abort();
            return;
          }
          this.apply(ev);
        },
        ctl.signal,
      );
    } finally {
      this.abort.signal.removeEventListener('abort', onStop);
    }
    if (failure !== undefined) throw failure;
    if (seen) this.backoff.reset();
    return seen;
  }

  private apply(ev: WatchEvent): void {
    const rv = (ev.object as KubeObject | undefined)?.metadata?.resourceVersion;
    if (ev.type === 'BOOKMARK') {
      if (rv) this.rv = rv;
      return;
    }
    const obj = this.transform(ev.object as KubeObject);
    const key = objectKey(obj);
    const prev = this.cache.get(key);
    switch (ev.type) {
      case 'ADDED':
      case 'MODIFIED':
        this.put(key, obj);
        if (prev) this.emit('onUpdate', prev, obj);
        else this.emit('onAdd', obj);
        break;
      case 'DELETED':
        this.remove(key);
        this.emit('onDelete', obj);
        break;
      default:
        this.log.warn({ resource: this.opts.resource.resource, type: ev.type }, 'unknown watch event type');
    }
    if (rv) this.rv = rv;
  }

  private put(key: string, obj: T): void {
    const prev = this.cache.get(key);
    this.cache.set(key, obj);
    for (const { fn, values } of this.indexes.values()) {
      const now = fn(obj);
      if (prev) {
        const before = fn(prev);
        if (before.length === now.length && before.every((v, i) => v === now[i])) continue;
        unfile(values, before, key);
      }
      fileUnder(values, now, key);
    }
  }

  private remove(key: string): void {
    const prev = this.cache.get(key);
    if (!prev) return;
    this.cache.delete(key);
    for (const { fn, values } of this.indexes.values()) unfile(values, fn(prev), key);
  }

  private transform(raw: KubeObject, listApiVersion?: string, listKind?: string): T {
    // List items may omit apiVersion/kind; restore them from the list's own.
    if (raw.kind === undefined && listKind?.endsWith('List')) raw.kind = listKind.slice(0, -4);
    if (raw.apiVersion === undefined && listApiVersion) raw.apiVersion = listApiVersion;
    return this.opts.transform ? this.opts.transform(raw) : (raw as T);
  }

  private emit(kind: 'onAdd' | 'onDelete', obj: T): void;
  private emit(kind: 'onUpdate', prev: T, obj: T): void;
  private emit(kind: keyof EventHandlers<T>, a: T, b?: T): void {
    for (const h of this.handlers) this.call(h, kind, a, b);
  }

  private call(h: EventHandlers<T>, kind: keyof EventHandlers<T>, a: T, b?: T): void {
    try {
      if (kind === 'onUpdate') h.onUpdate?.(a, b!);
      else h[kind]?.(a);
    } catch (err) {
      this.log.error({ err, resource: this.opts.resource.resource, handler: kind }, 'informer handler failed');
    }
  }
}

function fileUnder(values: Map<string, Set<string>>, under: readonly string[], key: string): void {
  for (const v of under) {
    let keys = values.get(v);
    if (!keys) values.set(v, (keys = new Set()));
    keys.add(key);
  }
}

function unfile(values: Map<string, Set<string>>, under: readonly string[], key: string): void {
  for (const v of under) {
    const keys = values.get(v);
    if (!keys) continue;
    keys.delete(key);
    if (keys.size === 0) values.delete(v);
  }
}
