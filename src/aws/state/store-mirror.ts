/**
 * A read-through mirror of the AWS records (`/aws/…`, src/aws/state/table.ts), as a {@link Store}
 * that answers `get` and ranges inside one table from memory and passes everything else to the
 * real store. DescribeCluster and ListClusters then cost a map lookup or an index slice instead
 * of a SQLite query that reads (and copies) every value of the page, and EC2's scans of a
 * table (security groups in use, …) read no database.
 *
 * The mirror is kept current by the store's watch only — never by its own writes — so writes
 * made by another replica on a shared etcd land in it exactly like local ones. It never answers
 * from an older state than the store's: every read first asks the store for its current
 * revision and is served from memory only once the watch has delivered every event up to it.
 * That is why the watch covers the whole keyspace (not just the prefix): every write, whoever
 * made it and whatever it touched, moves the mirror's revision forward, so "caught up" is
 * knowable. On the single-writer backends (memory, SQLite) the watch delivers a commit's events
 * before the writer's own promise resolves, so the mirror is caught up whenever a request
 * arrives; on etcd a read waits for the watch up to {@link CATCH_UP_MS}, then reads the store.
 * Until the first load is done, after a failed watch and for reads at a past revision, the
 * store answers directly.
 */
import type { Logger } from '../../lib/logger.js';
import { compareKeys, rangeStart } from '../../store/keys.js';
import type { DeleteResult, KeyValue, RangeOptions, RangeResult, Store, WatchEvent, WatchOptions, WriteResult } from '../../store/types.js';

/** How long a read waits for the watch to reach the store's revision before reading the store. */
const CATCH_UP_MS = 1000;
/** Delay before a failed watch (e.g. compacted away) is restarted with a fresh load. */
const RESTART_MS = 1000;
/** Keys per page of the initial load. */
const LOAD_PAGE = 1000;

export class StoreMirror implements Store {
  private readonly kvs = new Map<string, KeyValue>();
  /** Per table prefix, its records in store order (UTF-8 byte order of the key). */
  private readonly tables = new Map<string, KeyValue[]>();
  /** Every event up to this revision is applied (0: not loaded). */
  private rev = 0;
  private live = false;
  private abort: AbortController | undefined;
  private stopped = false;
  private waiters: { rev: number; resolve: (caughtUp: boolean) => void; timer: NodeJS.Timeout }[] = [];

  constructor(
    private readonly store: Store,
    /** The mirrored key prefix, ending in `/`. */
    readonly prefix: string,
    /**
     * How many `/`-terminated segments after the prefix name one table (`/aws/` + `<service>/<account>/<region>/<type>/`:
     * 4); ranges inside one table are served from its sorted key index.
     */
    private readonly tableDepth: number,
    private readonly log: Logger,
  ) {}

  /** Loads the prefix at one revision and follows the store from there. Reads use the store until it resolves. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.load();
  }

  /** Stops following the store; every read goes to the store from now on. */
  stop(): void {
    this.stopped = true;
    this.goStale();
  }

  // ---- reads: from memory when caught up ---------------------------------------------------

  async get(key: string): Promise<KeyValue | undefined> {
    if (!key.startsWith(this.prefix) || (await this.currentIfCaughtUp()) === undefined) return this.store.get(key);
    return this.kvs.get(key);
  }

  async range(prefix: string, opts: RangeOptions = {}): Promise<RangeResult> {
    const table = this.tableOf(prefix);
    if (table === undefined || (opts.revision ?? 0) > 0) return this.store.range(prefix, opts);
    const revision = await this.currentIfCaughtUp();
    if (revision === undefined) return this.store.range(prefix, opts);
    const rows = this.tables.get(table) ?? [];
    const from = lowerBound(rows, rangeStart(prefix, opts.startKey));
    const to = endOfPrefix(rows, prefix, from);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
    const stop = Math.min(to, from + limit);
    const kvs = rows.slice(from, stop);
    const remaining = to - stop;
    return { kvs, revision, more: remaining > 0, remaining };
  }

  // ---- everything else: the store ----------------------------------------------------------

  currentRevision(): Promise<number> {
    return this.store.currentRevision();
  }
  compactedRevision(): Promise<number> {
    return this.store.compactedRevision();
  }
  create(key: string, value: Uint8Array): Promise<WriteResult> {
    return this.store.create(key, value);
  }
  update(key: string, value: Uint8Array, expectedModRevision: number): Promise<WriteResult> {
    return this.store.update(key, value, expectedModRevision);
  }
  delete(key: string, expectedModRevision?: number): Promise<DeleteResult> {
    return this.store.delete(key, expectedModRevision);
  }
  count(prefix: string): Promise<number> {
    return this.store.count(prefix);
  }
  watch(prefix: string, opts: WatchOptions): void {
    this.store.watch(prefix, opts);
  }
  compact(revision: number): Promise<void> {
    return this.store.compact(revision);
  }
  /** Stops the mirror and closes the store it wraps. */
  close(): Promise<void> {
    this.stop();
    return this.store.close();
  }

  // ---- freshness -----------------------------------------------------------------------------

  /** The store's current revision when the mirror has applied every event up to it; undefined: read the store. */
  private async currentIfCaughtUp(): Promise<number | undefined> {
    if (!this.live) return undefined;
    const current = await this.store.currentRevision();
    if (this.live && this.rev >= current) return current;
    return (await this.waitFor(current)) ? current : undefined;
  }

  private waitFor(rev: number): Promise<boolean> {
    if (!this.live) return Promise.resolve(false);
    return new Promise((resolve) => {
      const w = { rev, resolve, timer: setTimeout(() => this.settle(w, false), CATCH_UP_MS).unref() };
      this.waiters.push(w);
    });
  }

  private settle(w: StoreMirror['waiters'][number], caughtUp: boolean): void {
    const i = this.waiters.indexOf(w);
    if (i >= 0) this.waiters.splice(i, 1);
    clearTimeout(w.timer);
    w.resolve(caughtUp);
  }

  /** Reads go to the store until a new load completes; waiting reads stop waiting. */
  private goStale(): void {
    this.live = false;
    this.abort?.abort();
    this.abort = undefined;
    for (const w of [...this.waiters]) this.settle(w, false);
  }

  // ---- loading and following the store --------------------------------------------------------

  private async load(): Promise<void> {
    this.goStale();
    const abort = new AbortController();
    this.abort = abort;
    this.kvs.clear();
    this.tables.clear();
    const rev = await this.store.currentRevision();
    let startKey: string | undefined;
    for (;;) {
      const page = await this.store.range(this.prefix, { revision: rev || undefined, limit: LOAD_PAGE, startKey });
      if (abort.signal.aborted) return;
      for (const kv of page.kvs) this.put(kv);
      if (!page.more || !page.kvs.length) break;
      startKey = page.kvs[page.kvs.length - 1]!.key + '\0';
    }
    this.rev = rev;
    this.store.watch('', {
      startRevision: rev + 1,
      signal: abort.signal,
      prevKv: false, // the mirror keeps new values only; on etcd this halves what the whole-keyspace watch streams
      onEvents: (events) => this.apply(events),
      onError: (err) => this.lost(err),
    });
    if (!abort.signal.aborted) this.live = true;
  }

  private lost(err: Error): void {
    this.goStale();
    if (this.stopped) return;
    this.log.warn({ err, prefix: this.prefix }, 'AWS state mirror lost its store watch; reloading');
    setTimeout(() => {
      if (this.stopped) return;
      this.load().catch((e: unknown) => this.lost(e instanceof Error ? e : new Error(String(e))));
    }, RESTART_MS).unref();
  }

  private apply(events: WatchEvent[]): void {
    for (const ev of events) {
      if (ev.kv.key.startsWith(this.prefix)) {
        if (ev.type === 'put') this.put(ev.kv);
        else this.remove(ev.kv.key);
      }
      this.rev = ev.kv.modRevision;
    }
    if (!this.waiters.length) return;
    for (const w of this.waiters.filter((x) => x.rev <= this.rev)) this.settle(w, true);
  }

  private put(kv: KeyValue): void {
    const known = this.kvs.has(kv.key);
    this.kvs.set(kv.key, kv);
    const table = this.tableOf(kv.key);
    if (table === undefined) return;
    let rows = this.tables.get(table);
    if (!rows) this.tables.set(table, (rows = []));
    const i = lowerBound(rows, kv.key);
    if (known) rows[i] = kv;
    else rows.splice(i, 0, kv);
  }

  private remove(key: string): void {
    if (!this.kvs.delete(key)) return;
    const table = this.tableOf(key);
    const rows = table === undefined ? undefined : this.tables.get(table);
    if (!rows) return;
    const i = lowerBound(rows, key);
    if (rows[i]?.key === key) rows.splice(i, 1);
  }

  /** The table prefix (the prefix and `tableDepth` more segments) a key or range prefix lies in; undefined when it spans tables. */
  private tableOf(key: string): string | undefined {
    if (!key.startsWith(this.prefix)) return undefined;
    let at = this.prefix.length - 1;
    for (let i = 0; i < this.tableDepth; i++) {
      at = key.indexOf('/', at + 1);
      if (at < 0) return undefined;
    }
    return key.slice(0, at + 1);
  }
}

/** The first index whose key is >= `key` in store order. */
function lowerBound(rows: readonly KeyValue[], key: string): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeys(rows[mid]!.key, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index from `from` on whose key no longer starts with `prefix` (those that do are contiguous from `from`). */
function endOfPrefix(rows: readonly KeyValue[], prefix: string, from: number): number {
  let lo = from;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid]!.key.startsWith(prefix)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
