/**
 * The etcd backend: the store contract mapped 1:1 onto etcd v3 through the `etcd3` client's raw
 * KV and Watch services (the same calls kube-apiserver's etcd3 storage makes).
 *
 * - create: txn(create_revision(key) == 0 → put, else → get); update: txn(mod_revision(key) == x
 *   → put with prev_kv, else → get); delete: delete with prev_kv, guarded the same way.
 * - range: [max(prefix, startKey), prefixEnd) at a revision with a limit; etcd's `count` (keys in
 *   that interval) minus the returned keys is `remaining`.
 * - etcd's "required revision has been compacted" becomes CompactedError; as etcd only says that
 *   some revision was compacted, the compacted revision is found by probing reads (remembered,
 *   and exact after our own compact()). Any other failure (unreachable, timeout, circuit breaker
 *   open) becomes StoreUnavailableError.
 *
 * Quirks worth knowing: a fresh etcd is at revision 1, not 0; after compact(C) the event at
 * exactly C may lack `prev` (etcd compacted it); and, unlike SQLite, etcd physically drops a
 * deletion at exactly C, so a watch from C may not see it.
 */
import { Etcd3, type IKeyValue, type KVClient } from 'etcd3';
import { prefixEndBytes, rangeStart } from '../keys.js';
import {
  CompactedError,
  FutureRevisionError,
  StoreUnavailableError,
  type DeleteResult,
  type KeyValue,
  type RangeOptions,
  type RangeResult,
  type Store,
  type WatchOptions,
  type WriteResult,
} from '../types.js';
import { bytes, isCompactedError, isFutureRevisionError, toKeyValue } from './etcd-codec.js';
import { EtcdWatch, watchRange } from './etcd-watch.js';

type CallOptions = NonNullable<Parameters<KVClient['range']>[1]>;

/** Options for {@link EtcdStore}. */
export interface EtcdStoreOptions {
  /** Client endpoints, e.g. `http://127.0.0.1:2379`. */
  hosts: string[];
  /** Deadline for each unary request (default 10 s). */
  requestTimeoutMs?: number;
}

/** A key that is never written; reading it is the cheapest way to learn the revision. */
const PROBE_KEY = Buffer.from([0]);

/** The etcd-backed {@link Store}; one etcd3 client (one gRPC channel per host) per instance. */
export class EtcdStore implements Store {
  private readonly client: Etcd3;
  private readonly timeoutMs: number;
  private readonly watches = new Set<EtcdWatch>();
  /** A lower bound of etcd's compacted revision, exact after our own compact(). */
  private knownCompacted = 0;
  private closed = false;

  constructor(opts: EtcdStoreOptions) {
    this.client = new Etcd3({ hosts: opts.hosts, dialTimeout: 5000 });
    this.timeoutMs = opts.requestTimeoutMs ?? 10_000;
  }

  async currentRevision(): Promise<number> {
    const res = await this.call((o) => this.client.kv.range({ key: PROBE_KEY, count_only: true }, o));
    return Number(res.header.revision);
  }

  async compactedRevision(): Promise<number> {
    const readable = async (rev: number): Promise<boolean> => {
      try {
        await this.request((o) => this.client.kv.range({ key: PROBE_KEY, count_only: true, revision: rev }, o));
        return true;
      } catch (err) {
        if (isCompactedError(err)) return false;
        throw await this.translate(err, rev);
      }
    };
    // Reads at the compacted revision succeed and below it fail: binary search the boundary.
    let lo = Math.max(this.knownCompacted, 1);
    if (await readable(lo)) return this.knownCompacted;
    let hi = await this.currentRevision();
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (await readable(mid)) hi = mid;
      else lo = mid;
    }
    this.knownCompacted = Math.max(this.knownCompacted, hi);
    return hi;
  }

  async get(key: string): Promise<KeyValue | undefined> {
    const res = await this.call((o) => this.client.kv.range({ key: bytes(key) }, o));
    const kv = res.kvs[0];
    return kv && toKeyValue(kv);
  }

  async create(key: string, value: Uint8Array): Promise<WriteResult> {
    const k = bytes(key);
    const res = await this.call((o) =>
      this.client.kv.txn(
        {
          compare: [{ key: k, target: 'Create', result: 'Equal', create_revision: 0 }],
          success: [{ request_put: { key: k, value: bytes(value) } }],
          failure: [{ request_range: { key: k } }],
        },
        o,
      ),
    );
    if (!res.succeeded) return failed(res.responses[0]?.response_range.kvs[0]);
    const rev = Number(res.header.revision);
    return { ok: true, revision: rev, kv: { key, value: new Uint8Array(value), createRevision: rev, modRevision: rev } };
  }

  async update(key: string, value: Uint8Array, expectedModRevision: number): Promise<WriteResult> {
    // mod_revision == 0 would match an absent key and create it: an update never creates.
    if (expectedModRevision <= 0) return failed(await this.get(key));
    const k = bytes(key);
    const res = await this.call((o) =>
      this.client.kv.txn(
        {
          compare: [{ key: k, target: 'Mod', result: 'Equal', mod_revision: expectedModRevision }],
          success: [{ request_put: { key: k, value: bytes(value), prev_kv: true } }],
          failure: [{ request_range: { key: k } }],
        },
        o,
      ),
    );
    if (!res.succeeded) return failed(res.responses[0]?.response_range.kvs[0]);
    const rev = Number(res.header.revision);
    const prev = res.responses[0]?.response_put.prev_kv;
    const createRevision = prev ? Number(prev.create_revision) : rev;
    return { ok: true, revision: rev, kv: { key, value: new Uint8Array(value), createRevision, modRevision: rev } };
  }

  async delete(key: string, expectedModRevision?: number): Promise<DeleteResult> {
    const k = bytes(key);
    if (expectedModRevision === undefined) {
      const res = await this.call((o) => this.client.kv.deleteRange({ key: k, prev_kv: true }, o));
      const prev = res.prev_kvs[0];
      if (Number(res.deleted) === 0 || !prev) return { ok: false };
      return { ok: true, revision: Number(res.header.revision), prev: toKeyValue(prev) };
    }
    if (expectedModRevision <= 0) return failed(await this.get(key));
    const res = await this.call((o) =>
      this.client.kv.txn(
        {
          compare: [{ key: k, target: 'Mod', result: 'Equal', mod_revision: expectedModRevision }],
          success: [{ request_delete_range: { key: k, prev_kv: true } }],
          failure: [{ request_range: { key: k } }],
        },
        o,
      ),
    );
    if (!res.succeeded) return failed(res.responses[0]?.response_range.kvs[0]);
    const prev = res.responses[0]?.response_delete_range.prev_kvs[0];
    if (!prev) throw new StoreUnavailableError(`etcd deleted ${key} without returning its previous value`);
    return { ok: true, revision: Number(res.header.revision), prev: toKeyValue(prev) };
  }

  async range(prefix: string, opts: RangeOptions = {}): Promise<RangeResult> {
    const revision = opts.revision && opts.revision > 0 ? opts.revision : 0;
    const start = rangeStart(prefix, opts.startKey);
    const res = await this.call(
      (o) =>
        this.client.kv.range(
          {
            key: start === '' ? PROBE_KEY : bytes(start),
            range_end: prefixEndBytes(bytes(prefix)),
            limit: opts.limit && opts.limit > 0 ? opts.limit : 0,
            revision,
          },
          o,
        ),
      revision,
    );
    const kvs = res.kvs.map(toKeyValue);
    const remaining = Math.max(0, Number(res.count) - kvs.length);
    return { kvs, revision: revision || Number(res.header.revision), more: remaining > 0, remaining };
  }

  async count(prefix: string): Promise<number> {
    const res = await this.call((o) =>
      this.client.kv.range(
        { key: prefix === '' ? PROBE_KEY : bytes(prefix), range_end: prefixEndBytes(bytes(prefix)), count_only: true },
        o,
      ),
    );
    return Number(res.count);
  }

  watch(prefix: string, opts: WatchOptions): void {
    if (this.closed) {
      queueMicrotask(() => opts.signal.aborted || opts.onError(new StoreUnavailableError('store is closed')));
      return;
    }
    const { key, rangeEnd } = watchRange(prefix, prefixEndBytes(bytes(prefix)));
    const w = new EtcdWatch(this.client, key, rangeEnd, opts, (ended) => this.watches.delete(ended));
    this.watches.add(w);
    w.start();
  }

  async compact(revision: number): Promise<void> {
    try {
      await this.request((o) => this.client.kv.compact({ revision }, o));
    } catch (err) {
      // Already compacted at or past it: nothing left to do, as compaction is idempotent here.
      if (!isCompactedError(err)) throw await this.translate(err, revision);
    }
    this.knownCompacted = Math.max(this.knownCompacted, revision);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of [...this.watches]) w.stop();
    this.client.close();
  }

  /** Runs one request with a deadline; errors are etcd3's, untranslated. */
  private async request<T>(fn: (o: CallOptions) => Promise<T>): Promise<T> {
    if (this.closed) throw new StoreUnavailableError('store is closed');
    return fn({ deadline: Date.now() + this.timeoutMs });
  }

  /** Runs one request, translating etcd's errors; `revision` is the revision it asked for. */
  private async call<T>(fn: (o: CallOptions) => Promise<T>, revision = 0): Promise<T> {
    try {
      return await this.request(fn);
    } catch (err) {
      throw await this.translate(err, revision);
    }
  }

  private async translate(err: unknown, revision: number): Promise<Error> {
    if (err instanceof StoreUnavailableError) return err;
    try {
      if (isCompactedError(err)) {
        this.knownCompacted = Math.max(this.knownCompacted, revision + 1);
        return new CompactedError(revision, await this.compactedRevision());
      }
      if (isFutureRevisionError(err)) return new FutureRevisionError(revision, await this.currentRevision());
    } catch (lookupError) {
      return lookupError instanceof Error ? lookupError : new Error(String(lookupError));
    }
    const message = err instanceof Error ? err.message : String(err);
    return new StoreUnavailableError(`etcd: ${message}`, { cause: err });
  }
}

function failed(kv: IKeyValue | KeyValue | undefined): { ok: false; current?: KeyValue } {
  if (!kv) return { ok: false };
  return { ok: false, current: 'modRevision' in kv ? kv : toKeyValue(kv) };
}

/**
 * Opens an etcd store from the part of an `etcd://` URL after the scheme: a comma-separated list
 * of host:port (the `//` is optional).
 */
export async function openEtcdStore(hosts: string, opts: Omit<EtcdStoreOptions, 'hosts'> = {}): Promise<Store> {
  const list = hosts
    .replace(/^\/\//, '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean)
    .map((h) => (/^https?:\/\//.test(h) ? h : `http://${h}`));
  if (list.length === 0) throw new Error(`etcd store URL names no hosts: etcd:${hosts}`);
  return new EtcdStore({ ...opts, hosts: list });
}
