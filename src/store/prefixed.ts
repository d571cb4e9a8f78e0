/**
 * A view of a store under a key prefix: every key the caller passes gets `prefix` prepended and
 * every key coming back has it removed, so one store (one etcd, one SQLite file) can hold many
 * clusters' keys apart, as kube-apiserver's --etcd-prefix does.
 *
 * Revisions, compaction and the compacted revision stay global to the underlying store: compacting
 * through a view compacts every view. Closing a view closes the underlying store only when the
 * view owns it (`ownsInner`), so per-cluster views over a shared store can come and go.
 */
import type { DeleteResult, KeyValue, RangeOptions, RangeResult, Store, WatchEvent, WatchOptions, WriteResult } from './types.js';

export interface PrefixedOptions {
  /** Close the underlying store when the view is closed (default false). */
  ownsInner?: boolean;
}

/** Wraps `store` so that all keys live under `prefix`. */
export function prefixed(store: Store, prefix: string, opts: PrefixedOptions = {}): Store {
  return new PrefixedStore(store, prefix, opts.ownsInner ?? false);
}

class PrefixedStore implements Store {
  constructor(
    private readonly inner: Store,
    private readonly prefix: string,
    private readonly ownsInner: boolean,
  ) {}

  currentRevision(): Promise<number> {
    return this.inner.currentRevision();
  }

  compactedRevision(): Promise<number> {
    return this.inner.compactedRevision();
  }

  async get(key: string): Promise<KeyValue | undefined> {
    const kv = await this.inner.get(this.prefix + key);
    return kv && this.strip(kv);
  }

  async create(key: string, value: Uint8Array): Promise<WriteResult> {
    return this.result(await this.inner.create(this.prefix + key, value));
  }

  async update(key: string, value: Uint8Array, expectedModRevision: number): Promise<WriteResult> {
    return this.result(await this.inner.update(this.prefix + key, value, expectedModRevision));
  }

  async delete(key: string, expectedModRevision?: number): Promise<DeleteResult> {
    const r = await this.inner.delete(this.prefix + key, expectedModRevision);
    if (r.ok) return { ...r, prev: this.strip(r.prev) };
    return r.current ? { ok: false, current: this.strip(r.current) } : r;
  }

  async range(prefix: string, opts: RangeOptions = {}): Promise<RangeResult> {
    const startKey = opts.startKey === undefined ? undefined : this.prefix + opts.startKey;
    const r = await this.inner.range(this.prefix + prefix, { ...opts, startKey });
    return { ...r, kvs: r.kvs.map((kv) => this.strip(kv)) };
  }

  count(prefix: string): Promise<number> {
    return this.inner.count(this.prefix + prefix);
  }

  watch(prefix: string, opts: WatchOptions): void {
    this.inner.watch(this.prefix + prefix, {
      ...opts,
      onEvents: (events) => opts.onEvents(events.map((e) => this.event(e))),
    });
  }

  compact(revision: number): Promise<void> {
    return this.inner.compact(revision);
  }

  async close(): Promise<void> {
    if (this.ownsInner) await this.inner.close();
  }

  private strip(kv: KeyValue): KeyValue {
    return { ...kv, key: kv.key.slice(this.prefix.length) };
  }

  private result(r: WriteResult): WriteResult {
    if (r.ok) return { ...r, kv: this.strip(r.kv) };
    return r.current ? { ok: false, current: this.strip(r.current) } : r;
  }

  private event(e: WatchEvent): WatchEvent {
    const kv = this.strip(e.kv);
    return e.prev ? { type: e.type, kv, prev: this.strip(e.prev) } : { type: e.type, kv };
  }
}
