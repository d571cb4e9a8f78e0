/**
 * The embedded SQLite backend: the store contract over one better-sqlite3 connection.
 *
 * - Durability: WAL; a write's promise resolves only after its transaction committed, so an
 *   acknowledged write survives kill -9. By default synchronous=NORMAL, what SQLite recommends for
 *   WAL and what k3s's kine runs on (go-sqlite3 builds with SQLITE_DEFAULT_WAL_SYNCHRONOUS=1): a
 *   commit reaches the OS, not the disk, so a power loss or kernel crash may undo the last
 *   transactions (the database stays consistent). `synchronous: 'full'` (URL
 *   `sqlite:PATH?synchronous=full`) fsyncs every commit, surviving power loss too, at the cost of
 *   one fsync (0.2–7 ms on the disks measured) per commit on the event loop.
 * - Group commit: writes issued in the same turn of the event loop share one transaction (and,
 *   with synchronous=full, one fsync), each still getting its own revision in call order. This is
 *   what lets thousands of simulated kubelets write without paying one commit each.
 * - Single writer: the store holds an exclusive lock on a companion file (`<path>-lock`, a SQLite
 *   database used only for its lock) for its whole life, so a second process fails fast instead of
 *   silently breaking watch ordering; the database itself stays shareable so that a checkpoint
 *   thread can open it (see checkpointer.ts: WAL checkpoints and their fsyncs run off the event
 *   loop). Because every write is committed on this thread, watch events are fanned out in-process
 *   right after commit (see WatchHub); history replay reads the log table.
 * - Compaction runs in chunks of revisions, each its own transaction, yielding between chunks so
 *   writes are not blocked for the whole compaction.
 *
 * Schema and SQL live in sqlite-schema.ts.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { prefixEnd, rangeStart } from '../keys.js';
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
import { Checkpointer } from './checkpointer.js';
import { SCHEMA, SQL, toEvent, toKeyValue, type EventRow, type KvRow } from './sqlite-schema.js';

/** Options for {@link SqliteStore}. */
export interface SqliteStoreOptions {
  busyTimeoutMs?: number;
  /** 'normal' (default): durable across process crashes; 'full': also across power loss (an fsync per commit). */
  synchronous?: SqliteSynchronous;
}

/** SQLite's `synchronous` settings the store accepts (see the module comment). */
export const SQLITE_SYNCHRONOUS = ['normal', 'full'] as const;
export type SqliteSynchronous = (typeof SQLITE_SYNCHRONOUS)[number];

type Op =
  | { kind: 'create'; key: string; value: Uint8Array }
  | { kind: 'update'; key: string; value: Uint8Array; expected: number }
  | { kind: 'delete'; key: string; expected: number | undefined };

interface Pending {
  op: Op;
  resolve: (r: WriteResult | DeleteResult) => void;
  reject: (err: Error) => void;
}

interface Applied {
  result: WriteResult | DeleteResult;
  event?: WatchEvent;
}

/** The WAL file is cut back to this size when it starts over (it grows to ~64 MB between the checkpoints of checkpointer.ts). */
const WAL_SIZE_LIMIT = 64 << 20;
/** Bytes a written row adds to the WAL besides its value and previous value (log index, `current`). */
const ROW_OVERHEAD_BYTES = 512;

/** Most writes committed in one transaction. */
const MAX_BATCH = 1000;
/** Revisions compacted per transaction. */
const COMPACT_CHUNK = 10_000;

/** The SQLite-backed {@link Store}; see the file header for its durability and commit model. */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  /** Holds `<path>-lock` exclusively while the store is open: the single-writer guard. */
  private readonly lock: Database.Database;
  private readonly checkpointer: Checkpointer;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly commitBatch: (batch: Pending[]) => Applied[];
  private readonly hub: WatchHub;
  private rev: number;
  private compacted: number;
  private queue: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private compacting: Promise<void> = Promise.resolve();
  private closed = false;

  /**
   * Opens (creating if needed) the database file at `path`. `busyTimeoutMs` is how long to wait
   * for another process holding the database before failing (default 5 s, enough for a
   * predecessor to finish shutting down).
   */
  constructor(
    readonly path: string,
    opts: SqliteStoreOptions = {},
  ) {
    mkdirSync(dirname(path), { recursive: true });
    const busyTimeoutMs = opts.busyTimeoutMs ?? 5000;
    const synchronous = opts.synchronous === 'full' ? 'FULL' : 'NORMAL';
    this.lock = openOrExplain(path, () => {
      const lock = new Database(`${path}-lock`, { timeout: busyTimeoutMs });
      try {
        lock.pragma('locking_mode = EXCLUSIVE');
        lock.exec('BEGIN EXCLUSIVE; COMMIT'); // taken here, kept until the connection closes
        return lock;
      } catch (err) {
        lock.close();
        throw err;
      }
    });
    try {
      this.db = openOrExplain(path, () => {
        const db = new Database(path, { timeout: busyTimeoutMs });
        try {
          db.pragma('journal_mode = WAL');
          db.pragma(`synchronous = ${synchronous}`);
          db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
          db.pragma('cache_size = -65536');
          db.pragma('mmap_size = 1073741824'); // reads of large ranges skip a pread per page
          db.exec(SCHEMA);
          return db;
        } catch (err) {
          db.close();
          throw err;
        }
      });
    } catch (err) {
      this.lock.close();
      throw err;
    }
    this.checkpointer = new Checkpointer(this.db, path, { synchronous, busyTimeoutMs });
    const r = this.stmt(SQL.revision).get() as { seq: number; max: number };
    this.rev = Math.max(r.seq, r.max);
    this.compacted = (this.stmt(SQL.compacted).pluck().get() as number | undefined) ?? 0;
    this.commitBatch = this.db.transaction((batch: Pending[]) => batch.map((p) => this.apply(p.op)));
    this.hub = new WatchHub({
      currentRevision: () => this.rev,
      compactedRevision: () => this.compacted,
      readEvents: (prefix, from, to) => this.readEvents(prefix, from, to),
    });
  }

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
    return this.read(() => this.getRow(key));
  }

  // Values are copied when the write is issued: the caller may reuse its buffer before the commit.
  create(key: string, value: Uint8Array): Promise<WriteResult> {
    return this.enqueue({ kind: 'create', key, value: new Uint8Array(value) }) as Promise<WriteResult>;
  }

  update(key: string, value: Uint8Array, expectedModRevision: number): Promise<WriteResult> {
    return this.enqueue({ kind: 'update', key, value: new Uint8Array(value), expected: expectedModRevision }) as Promise<WriteResult>;
  }

  delete(key: string, expectedModRevision?: number): Promise<DeleteResult> {
    return this.enqueue({ kind: 'delete', key, expected: expectedModRevision }) as Promise<DeleteResult>;
  }

  async range(prefix: string, opts: RangeOptions = {}): Promise<RangeResult> {
    this.check();
    const at = opts.revision && opts.revision > 0 ? opts.revision : this.rev;
    if (at > this.rev) throw new FutureRevisionError(at, this.rev);
    if (at < this.compacted) throw new CompactedError(at, this.compacted);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : -1;
    const lower = rangeStart(prefix, opts.startKey);
    const upper = prefixEnd(prefix);
    const bounds = upper === undefined ? [lower] : [lower, upper];
    const bounded = upper !== undefined;
    return this.read(() => {
      const latest = at === this.rev;
      const rows = latest
        ? (this.stmt(SQL.rangeCurrent(bounded)).raw().all(...bounds, limit) as KvRow[])
        : (this.stmt(SQL.rangeAt(bounded)).raw().all(...bounds, at, limit) as KvRow[]);
      const kvs = rows.map(toKeyValue);
      let remaining = 0;
      const last = kvs[kvs.length - 1];
      if (limit > 0 && kvs.length === limit && last) {
        const after = upper === undefined ? [last.key] : [last.key, upper];
        remaining = latest
          ? (this.stmt(SQL.countCurrent(true, bounded)).pluck().get(...after) as number)
          : (this.stmt(SQL.countAt(true, bounded)).pluck().get(...after, at) as number);
      }
      return { kvs, revision: at, more: remaining > 0, remaining };
    });
  }

  async count(prefix: string): Promise<number> {
    this.check();
    const upper = prefixEnd(prefix);
    const bounds = upper === undefined ? [prefix] : [prefix, upper];
    return this.read(() => this.stmt(SQL.countCurrent(false, upper !== undefined)).pluck().get(...bounds) as number);
  }

  watch(prefix: string, opts: WatchOptions): void {
    if (this.closed) {
      queueMicrotask(() => opts.signal.aborted || opts.onError(new StoreUnavailableError('store is closed')));
      return;
    }
    this.hub.watch(prefix, opts);
  }

  compact(revision: number): Promise<void> {
    const run = async () => {
      this.check();
      if (revision > this.rev) throw new FutureRevisionError(revision, this.rev);
      while (this.compacted < revision && !this.closed) {
        const from = this.compacted;
        const to = Math.min(revision, from + COMPACT_CHUNK);
        this.read(() =>
          this.db.transaction(() => {
            this.stmt(SQL.compactSuperseded).run(from, to);
            this.stmt(SQL.compactTombstones).run(from, to);
            this.stmt(SQL.setCompacted).run(to);
          })(),
        );
        this.compacted = to;
        if (to < revision) await new Promise((resolve) => setImmediate(resolve));
      }
    };
    const done = this.compacting.then(run);
    this.compacting = done.catch(() => undefined);
    return done;
  }

  /** The `synchronous` setting the connection runs with, as SQLite reports it. */
  synchronous(): SqliteSynchronous {
    return this.db.pragma('synchronous', { simple: true }) === 2 ? 'full' : 'normal';
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.hub.closeAll();
    while (this.flushing) await this.flushing;
    await this.compacting;
    await this.checkpointer.close();
    this.db.close();
    this.lock.close();
  }

  private enqueue(op: Op): Promise<WriteResult | DeleteResult> {
    if (this.closed) return Promise.reject(new StoreUnavailableError('store is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      this.flushing ??= new Promise<void>((done) => setImmediate(() => done(this.flush())));
    });
  }

  /** Commits queued writes in batches, then publishes their events and settles their promises. */
  private flush(): void {
    try {
      this.flushQueue();
    } finally {
      this.flushing = undefined;
    }
  }

  private flushQueue(): void {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      const before = this.rev;
      let applied: Applied[];
      try {
        applied = this.commitBatch(batch);
      } catch (err) {
        this.rev = before;
        const failure = new StoreUnavailableError(`sqlite write failed: ${String(err)}`, { cause: err });
        for (const p of batch) p.reject(failure);
        continue;
      }
      for (const a of applied) if (a.event) this.hub.publish(a.event);
      batch.forEach((p, i) => p.resolve((applied[i] as Applied).result));
      let bytes = 0;
      for (const p of batch) bytes += (p.op.kind === 'delete' ? 0 : 2 * p.op.value.byteLength) + ROW_OVERHEAD_BYTES;
      this.checkpointer.committed(bytes);
    }
  }

  /** Applies one write inside the batch transaction; advances `rev` only when it writes. */
  private apply(op: Op): Applied {
    const current = this.getRow(op.key);
    const rev = this.rev + 1;
    const insert = this.stmt(SQL.insert);
    if (op.kind === 'create') {
      if (current) return { result: { ok: false, current } };
      const kv: KeyValue = { key: op.key, value: op.value, createRevision: rev, modRevision: rev };
      insert.run(rev, op.key, 1, 0, rev, 0, toBuffer(op.value), null);
      this.stmt(SQL.setCurrent).run(op.key, rev);
      this.rev = rev;
      return { result: { ok: true, revision: rev, kv }, event: { type: 'put', kv } };
    }
    if (!current || (op.expected !== undefined && current.modRevision !== op.expected)) {
      return { result: current ? { ok: false, current } : { ok: false } };
    }
    const { createRevision, modRevision } = current;
    const old = toBuffer(current.value);
    if (op.kind === 'update') {
      const kv: KeyValue = { key: op.key, value: op.value, createRevision, modRevision: rev };
      insert.run(rev, op.key, 0, 0, createRevision, modRevision, toBuffer(op.value), old);
      this.stmt(SQL.setCurrent).run(op.key, rev);
      this.rev = rev;
      return { result: { ok: true, revision: rev, kv }, event: { type: 'put', kv, prev: current } };
    }
    insert.run(rev, op.key, 0, 1, createRevision, modRevision, null, old);
    this.stmt(SQL.unsetCurrent).run(op.key);
    this.rev = rev;
    const kv: KeyValue = { ...current, modRevision: rev };
    return { result: { ok: true, revision: rev, prev: current }, event: { type: 'delete', kv, prev: current } };
  }

  private getRow(key: string): KeyValue | undefined {
    const row = this.stmt(SQL.get).raw().get(key) as KvRow | undefined;
    return row && toKeyValue(row);
  }

  private readEvents(prefix: string, from: number, to: number): WatchEvent[] {
    const upper = prefixEnd(prefix);
    const bounds = upper === undefined ? [prefix] : [prefix, upper];
    const rows = this.stmt(SQL.events(upper !== undefined)).raw().all(from, to, ...bounds) as EventRow[];
    return rows.map(toEvent);
  }

  /** Runs a synchronous database call, turning SQLite failures into StoreUnavailableError. */
  private read<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof CompactedError || err instanceof FutureRevisionError) throw err;
      throw new StoreUnavailableError(`sqlite read failed: ${String(err)}`, { cause: err });
    }
  }

  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  private check(): void {
    if (this.closed) throw new StoreUnavailableError('store is closed');
  }
}

/** Runs an open step, turning its failure into StoreUnavailableError (SQLITE_BUSY: another process has the store). */
function openOrExplain<T>(path: string, open: () => T): T {
  try {
    return open();
  } catch (err) {
    const busy = (err as { code?: string }).code?.startsWith('SQLITE_BUSY');
    throw new StoreUnavailableError(
      busy ? `sqlite store ${path} is in use by another process` : `cannot open sqlite store ${path}: ${String(err)}`,
      { cause: err },
    );
  }
}

function toBuffer(value: Uint8Array): Buffer {
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/** Opens the SQLite store at `path` (the `sqlite:` URL scheme), creating directories as needed. */
export async function openSqliteStore(path: string, opts?: SqliteStoreOptions): Promise<Store> {
  return new SqliteStore(path, opts);
}
