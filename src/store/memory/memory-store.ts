/**
 * The in-memory backend: the full store contract (MVCC reads at past revisions, watches from the
 * past, compaction) without I/O, for unit tests and throwaway simulations.
 *
 * Every key keeps its versions (value or tombstone per revision) so a range at a past revision
 * answers from them; an event log from the compacted revision on serves watches that start in
 * the past. Writes apply synchronously, so the revision order of the log is the commit order.
 * Returned values share memory with the store: treat them as read-only.
 */
import { rangeStart } from '../keys.js';
import {
  CompactedError,
  FutureRevisionError,
  StoreUnavailableError,
  type DeleteResult,
  type KeyValue,
  type RangeOptions,
  type RangeResult,
  type Store,
  type WatchEvent,
  type WatchOptions,
  type WriteResult,
} from '../types.js';
import { WatchHub } from '../watch-hub.js';
import { SortedKeys } from './sorted-keys.js';

interface Version {
  rev: number;
  /** The value written at `rev`, or null for a deletion. */
  kv: KeyValue | null;
}

/** The in-memory {@link Store}; a new instance is empty at revision 0. */
export class MemoryStore implements Store {
  private rev = 0;
  private compacted = 0;
  private closed = false;
  private readonly live = new Map<string, KeyValue>();
  private readonly liveKeys = new SortedKeys();
  /** Every key with readable history (a superset of the live keys). */
  private readonly history = new Map<string, Version[]>();
  private readonly historyKeys = new SortedKeys();
  /** log[i] is the event of revision logBase + i; holds revisions >= compacted. */
  private log: WatchEvent[] = [];
  private logBase = 1;
  private readonly hub = new WatchHub({
    currentRevision: () => this.rev,
    compactedRevision: () => this.compacted,
    readEvents: (prefix, from, to) => this.readEvents(prefix, from, to),
  });

  async currentRevision(): Promise<number> {
    this.check();
    return this.rev;
  }

  async compactedRevision(): Promise<number> {
    this.check();
    return this.compacted;
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.check();
    return this.live.get(key);
  }

  async create(key: string, value: Uint8Array): Promise<WriteResult> {
    this.check();
    const current = this.live.get(key);
    if (current) return { ok: false, current };
    const rev = this.rev + 1;
    const kv: KeyValue = { key, value: copy(value), createRevision: rev, modRevision: rev };
    this.commit(kv, { type: 'put', kv });
    return { ok: true, revision: rev, kv };
  }

  async update(key: string, value: Uint8Array, expectedModRevision: number): Promise<WriteResult> {
    this.check();
    const current = this.live.get(key);
    if (!current || current.modRevision !== expectedModRevision) return failed(current);
    const rev = this.rev + 1;
    const kv: KeyValue = { key, value: copy(value), createRevision: current.createRevision, modRevision: rev };
    this.commit(kv, { type: 'put', kv, prev: current });
    return { ok: true, revision: rev, kv };
  }

  async delete(key: string, expectedModRevision?: number): Promise<DeleteResult> {
    this.check();
    const current = this.live.get(key);
    if (!current || (expectedModRevision !== undefined && current.modRevision !== expectedModRevision)) {
      return failed(current);
    }
    const rev = this.rev + 1;
    const kv: KeyValue = { ...current, modRevision: rev };
    this.commit(null, { type: 'delete', kv, prev: current }, key);
    return { ok: true, revision: rev, prev: current };
  }

  async range(prefix: string, opts: RangeOptions = {}): Promise<RangeResult> {
    this.check();
    const at = opts.revision && opts.revision > 0 ? opts.revision : this.rev;
    if (at > this.rev) throw new FutureRevisionError(at, this.rev);
    if (at < this.compacted) throw new CompactedError(at, this.compacted);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
    const inPrefix = (k: string) => k.startsWith(prefix);
    const start = rangeStart(prefix, opts.startKey);
    const kvs: KeyValue[] = [];
    let remaining = 0;
    const keys = at === this.rev ? this.liveKeys.from(start, inPrefix) : this.historyKeys.from(start, inPrefix);
    for (const key of keys) {
      const kv = at === this.rev ? this.live.get(key) : this.valueAt(key, at);
      if (!kv) continue;
      if (kvs.length < limit) kvs.push(kv);
      else remaining++;
    }
    return { kvs, revision: at, more: remaining > 0, remaining };
  }

  async count(prefix: string): Promise<number> {
    this.check();
    let n = 0;
    for (const _ of this.liveKeys.from(prefix, (k) => k.startsWith(prefix))) n++;
    return n;
  }

  watch(prefix: string, opts: WatchOptions): void {
    if (this.closed) {
      queueMicrotask(() => opts.signal.aborted || opts.onError(closedError()));
      return;
    }
    this.hub.watch(prefix, opts);
  }

  async compact(revision: number): Promise<void> {
    this.check();
    if (revision > this.rev) throw new FutureRevisionError(revision, this.rev);
    if (revision <= this.compacted) return;
    // Only keys written since the last compaction can have versions that became superseded.
    for (let r = Math.max(this.compacted, this.logBase); r <= revision; r++) {
      const key = this.log[r - this.logBase]?.kv.key;
      if (key !== undefined) this.compactKey(key, revision);
    }
    this.log = this.log.slice(revision - this.logBase);
    this.logBase = revision;
    this.compacted = revision;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.hub.closeAll();
  }

  private commit(kv: KeyValue | null, event: WatchEvent, key = event.kv.key): void {
    const rev = event.kv.modRevision;
    this.rev = rev;
    if (kv) {
      this.live.set(key, kv);
      this.liveKeys.add(key);
    } else {
      this.live.delete(key);
      this.liveKeys.delete(key);
    }
    let versions = this.history.get(key);
    if (!versions) {
      versions = [];
      this.history.set(key, versions);
      this.historyKeys.add(key);
    }
    versions.push({ rev, kv });
    this.log.push(event);
    this.hub.publish(event);
  }

  /** The key's value as of revision `at`, from its versions (ascending by revision). */
  private valueAt(key: string, at: number): KeyValue | undefined {
    const versions = this.history.get(key);
    if (!versions) return undefined;
    let lo = 0;
    let hi = versions.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((versions[mid] as Version).rev <= at) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? (versions[lo - 1]?.kv ?? undefined) : undefined;
  }

  /** Drops versions of `key` superseded at `revision`, and a tombstone below it. */
  private compactKey(key: string, revision: number): void {
    const versions = this.history.get(key);
    if (!versions) return;
    let keepFrom = 0;
    for (let i = 0; i < versions.length && (versions[i] as Version).rev <= revision; i++) keepFrom = i;
    const newest = versions[keepFrom];
    if (newest && newest.kv === null && newest.rev < revision) keepFrom++;
    if (keepFrom > 0) versions.splice(0, keepFrom);
    if (versions.length === 0) {
      this.history.delete(key);
      this.historyKeys.delete(key);
    }
  }

  private readEvents(prefix: string, from: number, to: number): WatchEvent[] {
    const out: WatchEvent[] = [];
    const end = Math.min(to, this.logBase + this.log.length - 1);
    for (let r = Math.max(from, this.logBase); r <= end; r++) {
      const e = this.log[r - this.logBase];
      if (e && e.kv.key.startsWith(prefix)) out.push(e);
    }
    return out;
  }

  private check(): void {
    if (this.closed) throw closedError();
  }
}

function failed(current: KeyValue | undefined): { ok: false; current?: KeyValue } {
  return current ? { ok: false, current } : { ok: false };
}

function copy(value: Uint8Array): Uint8Array {
  return new Uint8Array(value);
}

function closedError(): StoreUnavailableError {
  return new StoreUnavailableError('store is closed');
}

/** Opens an empty in-memory store (the `memory:` URL scheme). */
export async function openMemoryStore(): Promise<Store> {
  return new MemoryStore();
}
