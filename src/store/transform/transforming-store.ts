/**
 * A {@link Store} decorator that transforms the values of some keys on their way to and from the
 * backend, as kube-apiserver's storage transformers sit between the registry and etcd: writes of a
 * covered key store `transformer.toStorage(key, value)`, and every value of a covered key read
 * back (get, range, watch events, a failed guard's `current`, a delete's `prev`) goes through
 * `transformer.fromStorage`. Everything above sees plaintext; the backend never does.
 *
 * A transform that fails on a write rejects the write (nothing is stored). One that fails on a
 * read rejects the read; on a watch it ends the watch through `onError`, as a decode failure ends
 * upstream's etcd watch. Watch events keep their order although transforms are asynchronous.
 */
import type { ValueTransformer } from './kms-v2-transformer.js';
import type { DeleteResult, KeyValue, RangeOptions, RangeResult, Store, WatchEvent, WatchOptions, WriteResult } from '../types.js';

export interface TransformingStoreOptions {
  transformer: ValueTransformer;
  /** Whether a key's values are transformed (e.g. keys under `<cluster prefix>core/secrets/`). */
  covers(key: string): boolean;
}

/** Wraps `inner`; closing the view does not close `inner`. */
export function transformingStore(inner: Store, opts: TransformingStoreOptions): Store {
  return new TransformingStore(inner, opts.transformer, opts.covers);
}

class TransformingStore implements Store {
  constructor(
    private readonly inner: Store,
    private readonly t: ValueTransformer,
    private readonly covers: (key: string) => boolean,
  ) {}

  currentRevision(): Promise<number> {
    return this.inner.currentRevision();
  }

  compactedRevision(): Promise<number> {
    return this.inner.compactedRevision();
  }

  async get(key: string): Promise<KeyValue | undefined> {
    const kv = await this.inner.get(key);
    return kv && this.read(kv);
  }

  async create(key: string, value: Uint8Array): Promise<WriteResult> {
    return this.written(await this.inner.create(key, await this.toStorage(key, value)), value);
  }

  async update(key: string, value: Uint8Array, expectedModRevision: number): Promise<WriteResult> {
    return this.written(await this.inner.update(key, await this.toStorage(key, value), expectedModRevision), value);
  }

  async delete(key: string, expectedModRevision?: number): Promise<DeleteResult> {
    const r = await this.inner.delete(key, expectedModRevision);
    if (r.ok) return { ...r, prev: await this.read(r.prev) };
    return r.current ? { ok: false, current: await this.read(r.current) } : r;
  }

  async range(prefix: string, opts?: RangeOptions): Promise<RangeResult> {
    const r = await this.inner.range(prefix, opts);
    return { ...r, kvs: await Promise.all(r.kvs.map((kv) => this.read(kv))) };
  }

  count(prefix: string): Promise<number> {
    return this.inner.count(prefix);
  }

  watch(prefix: string, opts: WatchOptions): void {
    let chain = Promise.resolve();
    let failed = false;
    this.inner.watch(prefix, {
      ...opts,
      onEvents: (events) => {
        chain = chain.then(async () => {
          if (failed || opts.signal.aborted) return;
          try {
            const out = await Promise.all(events.map((e) => this.event(e)));
            if (!opts.signal.aborted) opts.onEvents(out);
          } catch (err) {
            failed = true;
            opts.onError(err as Error);
          }
        });
      },
      onError: (err) => {
        chain = chain.then(() => {
          if (!failed && !opts.signal.aborted) opts.onError(err);
        });
      },
    });
  }

  compact(revision: number): Promise<void> {
    return this.inner.compact(revision);
  }

  async close(): Promise<void> {}

  private toStorage(key: string, value: Uint8Array): Promise<Uint8Array> {
    return this.covers(key) ? this.t.toStorage(key, value) : Promise.resolve(value);
  }

  private async read(kv: KeyValue): Promise<KeyValue> {
    return this.covers(kv.key) ? { ...kv, value: await this.t.fromStorage(kv.key, kv.value) } : kv;
  }

  /** A successful write answers with the caller's own plaintext; a failed guard's `current` is read back. */
  private async written(r: WriteResult, plaintext: Uint8Array): Promise<WriteResult> {
    if (r.ok) return this.covers(r.kv.key) ? { ...r, kv: { ...r.kv, value: plaintext } } : r;
    return r.current ? { ok: false, current: await this.read(r.current) } : r;
  }

  private async event(e: WatchEvent): Promise<WatchEvent> {
    if (!this.covers(e.kv.key)) return e;
    const kv = await this.read(e.kv);
    return e.prev ? { type: e.type, kv, prev: await this.read(e.prev) } : { type: e.type, kv };
  }
}
