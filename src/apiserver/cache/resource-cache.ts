/**
 * The watch cache of one resource: the current objects, indexes by namespace and by declared
 * fields, a bounded history of recent events, and the watchers that receive them. It is fed by
 * ClusterCache from one store watch and serves every list and watch of the resource, so
 * thousands of watchers cost the store nothing (as kube-apiserver's cacher).
 */
import type { KObject } from '../registry/resource.js';
import { CacheEntry } from './entry.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** A change to one object. For DELETED, `entry` is the last state, at the deletion's revision. */
export interface CacheEvent {
  type: EventType;
  entry: CacheEntry;
  prev?: CacheEntry;
}

export interface CacheWatcher {
  /** Only events of this namespace (undefined: all). */
  namespace?: string;
  /** Called with events in revision order; returns false to be dropped (e.g. a slow client). */
  deliver(events: CacheEvent[]): void;
  /** Called when the cache has seen everything up to `rev` (for bookmarks). */
  progress?(rev: number): void;
}

/** A watch asked for history that the cache no longer holds. */
export class TooOldError extends Error {
  constructor(
    readonly requested: number,
    readonly oldest: number,
  ) {
    super(`too old resource version: ${requested} (${oldest})`);
  }
}

/**
 * Reads an indexed field straight from an object's JSON text or stored bytes when that is
 * unambiguous (undefined: parse instead), so loading 100k pods does not parse them all.
 */
export type JsonFieldReader = (json: string | Uint8Array) => string | undefined;

/** A reader for a string field whose JSON key occurs nowhere else in the object (e.g. pods' `"nodeName"`). */
export function uniqueKeyReader(key: string): JsonFieldReader {
  const needle = `"${key}":`;
  const needleBytes = Buffer.from(needle);
  return (json) => {
    if (typeof json !== 'string') return fromBytes(Buffer.from(json.buffer, json.byteOffset, json.byteLength), needleBytes);
    const at = json.indexOf(needle);
    if (at < 0) return '';
    if (json.indexOf(needle, at + needle.length) >= 0) return undefined;
    const rest = json.slice(at + needle.length, at + needle.length + 300);
    const m = /^"((?:[^"\\]|\\.)*)"/.exec(rest);
    return m && !m[1]!.includes('\\') ? m[1] : undefined;
  };
}

/** uniqueKeyReader over UTF-8 bytes: a plain string value right after the only occurrence of the key. */
function fromBytes(b: Buffer, needle: Buffer): string | undefined {
  const at = b.indexOf(needle);
  if (at < 0) return '';
  const start = at + needle.length;
  if (b.indexOf(needle, start) >= 0 || b[start] !== 0x22) return undefined;
  const end = b.indexOf(0x22, start + 1);
  if (end < 0) return undefined;
  const v = b.toString('utf8', start + 1, end);
  return v.includes('\\') ? undefined : v;
}

const DEFAULT_HISTORY = 10_000;

export class ResourceCache {
  readonly entries = new Map<string, CacheEntry>();
  private sortedKeys: string[] | undefined;
  private readonly byNamespace = new Map<string, Set<string>>();
  /** Per indexed field: value → keys, and each key's current value (so removal needs no parse). */
  private readonly indexes = new Map<string, { get: (o: KObject) => string | undefined; fast?: JsonFieldReader; map: Map<string, Set<string>>; valueOf: Map<string, string> }>();
  private history: CacheEvent[] = [];
  /** Every event of this resource with a revision above this one is in `history`. */
  private historyFrom: number;
  /** Watchers by the namespace they watch ('' key unused: undefined means all namespaces). */
  private readonly watchers = new Map<string | undefined, Set<CacheWatcher>>();
  private watching = 0;

  constructor(
    /** Key prefix of the resource, ending in '/'. */
    readonly prefix: string,
    startRevision: number,
    private readonly maxHistory = DEFAULT_HISTORY,
  ) {
    this.historyFrom = startRevision;
  }

  /** Marks where history begins (at the initial load). */
  startHistoryAt(rev: number): void {
    this.history = [];
    this.historyFrom = rev;
  }

  /** Declares an index on a field; builds it over the objects already cached. */
  addIndex(field: string, get: (o: KObject) => string | undefined, fast?: JsonFieldReader): void {
    if (this.indexes.has(field)) return;
    const idx = { get, fast, map: new Map<string, Set<string>>(), valueOf: new Map<string, string>() };
    this.indexes.set(field, idx);
    for (const e of this.entries.values()) {
      const v = indexValue(idx, e);
      addTo(idx.map, v, e.key);
      idx.valueOf.set(e.key, v);
    }
  }

  hasIndex(field: string): boolean {
    return this.indexes.has(field);
  }

  /** Loads an object during the initial list (no event, no history). */
  load(entry: CacheEntry): void {
    this.put(entry);
  }

  /** Applies one change from the store watch and records it for watchers. */
  apply(ev: CacheEvent): void {
    if (ev.type === 'DELETED') this.remove(ev.entry.key);
    else this.put(ev.entry);
    this.history.push(ev);
    if (this.history.length > this.maxHistory * 1.25) {
      const drop = this.history.length - this.maxHistory;
      this.historyFrom = this.history[drop - 1]!.entry.rev;
      this.history = this.history.slice(drop);
    }
  }

  /** Sends a batch of applied events to the watchers. */
  notify(events: CacheEvent[]): void {
    // Events are narrowed once per watched namespace, not once per watcher.
    for (const [ns, group] of this.watchers) {
      const mine = ns === undefined ? events : events.filter((e) => namespaceOf(this.prefix, e.entry.key) === ns);
      if (mine.length) for (const w of group) w.deliver(mine);
    }
  }

  /** Tells watchers that everything up to `rev` has been seen. */
  progress(rev: number): void {
    for (const group of this.watchers.values()) for (const w of group) w.progress?.(rev);
  }

  /**
   * Registers a watcher that gets every event with revision > `fromRev`: first those in history,
   * then live ones. Throws TooOldError when history does not reach back that far.
   */
  watch(fromRev: number, w: CacheWatcher): () => void {
    if (fromRev < this.historyFrom) throw new TooOldError(fromRev, this.historyFrom + 1);
    const backlog = this.eventsAfter(fromRev).filter((e) => w.namespace === undefined || namespaceOf(this.prefix, e.entry.key) === w.namespace);
    if (backlog.length) w.deliver(backlog);
    let group = this.watchers.get(w.namespace);
    if (!group) this.watchers.set(w.namespace, (group = new Set()));
    group.add(w);
    this.watching++;
    return () => {
      if (!group.delete(w)) return;
      this.watching--;
      if (group.size === 0 && this.watchers.get(w.namespace) === group) this.watchers.delete(w.namespace);
    };
  }

  get watcherCount(): number {
    return this.watching;
  }

  private eventsAfter(rev: number): CacheEvent[] {
    const h = this.history;
    let lo = 0;
    let hi = h.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (h[mid]!.entry.rev <= rev) lo = mid + 1;
      else hi = mid;
    }
    return h.slice(lo);
  }

  /**
   * The cached objects in key order, narrowed by namespace and by an indexed field value when
   * given. The caller filters further.
   */
  select(opts: { namespace?: string; index?: { field: string; value: string }; startKey?: string }): CacheEntry[] {
    const { keys, from } = this.selectKeys(opts);
    const out: CacheEntry[] = [];
    for (let i = from; i < keys.length; i++) out.push(this.entries.get(keys[i]!)!);
    return out;
  }

  /**
   * The keys `select` would return, sorted, and where to start in them — for callers that stop
   * early (a page of 500 out of 100k costs 500, not 100k).
   */
  selectKeys(opts: { namespace?: string; index?: { field: string; value: string }; startKey?: string }): { keys: readonly string[]; from: number } {
    let keys: Iterable<string> | undefined;
    if (opts.index) {
      const idx = this.indexes.get(opts.index.field);
      if (idx) keys = idx.map.get(opts.index.value) ?? [];
    }
    if (opts.namespace !== undefined) {
      const inNs = this.byNamespace.get(opts.namespace);
      if (!inNs) return { keys: [], from: 0 };
      if (!keys) keys = inNs;
      else keys = [...keys].filter((k) => inNs.has(k));
    }
    const sorted = keys ? [...keys].sort() : (this.sortedKeys ??= [...this.entries.keys()].sort());
    return { keys: sorted, from: opts.startKey !== undefined ? lowerBound(sorted, opts.startKey) : 0 };
  }

  get size(): number {
    return this.entries.size;
  }

  private put(entry: CacheEntry): void {
    if (!this.entries.has(entry.key)) {
      this.sortedKeys = undefined;
      addTo(this.byNamespace, namespaceOf(this.prefix, entry.key), entry.key);
    }
    this.entries.set(entry.key, entry);
    for (const idx of this.indexes.values()) {
      const v = indexValue(idx, entry);
      const was = idx.valueOf.get(entry.key);
      if (was === v) continue;
      if (was !== undefined) removeFrom(idx.map, was, entry.key);
      addTo(idx.map, v, entry.key);
      idx.valueOf.set(entry.key, v);
    }
  }

  private remove(key: string): void {
    if (!this.entries.delete(key)) return;
    this.sortedKeys = undefined;
    removeFrom(this.byNamespace, namespaceOf(this.prefix, key), key);
    for (const idx of this.indexes.values()) {
      const was = idx.valueOf.get(key);
      if (was === undefined) continue;
      removeFrom(idx.map, was, key);
      idx.valueOf.delete(key);
    }
  }
}

function indexValue(idx: { get: (o: KObject) => string | undefined; fast?: JsonFieldReader }, e: CacheEntry): string {
  const quick = idx.fast?.(e.source);
  return quick ?? idx.get(e.obj) ?? '';
}

/** The namespace part of a key under `prefix` ('' for cluster-scoped keys). */
export function namespaceOf(prefix: string, key: string): string {
  const rest = key.slice(prefix.length);
  const slash = rest.indexOf('/');
  return slash < 0 ? '' : rest.slice(0, slash);
}

function addTo(m: Map<string, Set<string>>, k: string, v: string): void {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  s.add(v);
}

function removeFrom(m: Map<string, Set<string>>, k: string, v: string): void {
  const s = m.get(k);
  if (!s) return;
  s.delete(v);
  if (s.size === 0) m.delete(k);
}

function lowerBound(a: string[], x: string): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
