/**
 * WAL checkpoints of the SQLite store, off the event loop.
 *
 * SQLite's automatic checkpoint runs inside the commit that crosses 1,000 WAL pages: it copies the
 * pages into the database file and fsyncs both files, ~4–6 ms on the disks measured here, during
 * which the event loop (every request, every watch) stands still — about once per 160 commits of
 * a 2 KB record. Here the store's thread turns that off and a worker thread with its own
 * connection runs PASSIVE checkpoints instead, which never block the writer.
 *
 * A PASSIVE checkpoint cannot let the WAL start over while writes keep coming (SQLite restarts it
 * only when a write begins with every frame already copied), so once the WAL passes
 * {@link RESTART_FRAMES} the store's thread runs one checkpoint itself — the few frames written
 * since the worker's, then the fsyncs — and the next write restarts the WAL: one stall per
 * ~64 MB of WAL instead of one per 4 MB. Should the worker fail, SQLite's own automatic
 * checkpoints are switched back on.
 *
 * The price: a second connection needs the database in SQLite's normal (shared) locking mode, with
 * its WAL index in a `-shm` file (a local file system, as WAL always needed), which costs each
 * transaction ~20 µs and each read ~2 µs of locking. What it bought, measured with
 * bench/targets.ts at 100k pods before and after on the same data: docs/benchmarks.md, API server
 * core, round 5 (sequential PUT p99 9.2/7.2 → 5.9/6.2 ms).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/** Bytes of values committed between two checkpoint requests (~1,000 WAL pages, SQLite's default interval). */
const CHECKPOINT_EVERY_BYTES = 4 << 20;
/** WAL frames (pages) past which the store's thread checkpoints itself so the WAL can start over. */
const RESTART_FRAMES = 16_384;
/** SQLite's default `wal_autocheckpoint`, restored when the worker is gone. */
const SQLITE_AUTOCHECKPOINT = 1000;

// The worker is plain CommonJS, so it needs no TypeScript loader; it opens the same file with the
// same `synchronous` (a checkpoint's fsyncs follow the connection that runs it).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path, { timeout: workerData.busyTimeoutMs });
db.pragma('synchronous = ' + workerData.synchronous);
parentPort.on('message', (m) => {
  if (m === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ frames: r.log });
  } catch (err) {
    parentPort.postMessage({ error: String(err) });
  }
});
`;

/** What the worker answers a checkpoint with: the WAL's size in frames, or why it failed. */
interface Result {
  frames?: number;
  error?: string;
}

export interface CheckpointerOptions {
  synchronous: 'NORMAL' | 'FULL';
  busyTimeoutMs: number;
  /** Default {@link CHECKPOINT_EVERY_BYTES}. */
  everyBytes?: number;
  /** Default {@link RESTART_FRAMES}. */
  restartFrames?: number;
}

/** The checkpoints of one store's database (see the file header). */
export class Checkpointer {
  /** Checkpoints run by the worker, and by this thread to let the WAL start over. */
  readonly counts = { worker: 0, restarts: 0 };
  private worker: Worker | undefined;
  private exited: Promise<void> | undefined;
  private failed = false;
  private inFlight = false;
  private bytes = 0;
  private readonly everyBytes: number;
  private readonly restartFrames: number;

  constructor(
    private readonly db: Database.Database,
    private readonly path: string,
    private readonly opts: CheckpointerOptions,
  ) {
    this.everyBytes = opts.everyBytes ?? CHECKPOINT_EVERY_BYTES;
    this.restartFrames = opts.restartFrames ?? RESTART_FRAMES;
    db.pragma('wal_autocheckpoint = 0');
  }

  /** False once the worker failed and SQLite checkpoints inside commits again. */
  get offThread(): boolean {
    return !this.failed;
  }

  /** Counts what a commit wrote; asks for a checkpoint once enough has accumulated. */
  committed(bytes: number): void {
    this.bytes += bytes;
    if (this.bytes < this.everyBytes || this.inFlight || this.failed) return;
    const worker = this.worker ?? this.start();
    if (!worker) return;
    this.bytes = 0;
    this.inFlight = true;
    worker.postMessage('checkpoint');
  }

  /** Stops the worker; the connection's own close then checkpoints what is left. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (!worker) return;
    worker.ref(); // unreferenced, its exit would not keep this process waiting for it
    worker.postMessage('close');
    await this.exited;
  }

  private start(): Worker | undefined {
    let worker: Worker;
    try {
      const module = createRequire(import.meta.url).resolve('better-sqlite3');
      worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, path: this.path, synchronous: this.opts.synchronous, busyTimeoutMs: this.opts.busyTimeoutMs } });
    } catch {
      this.fallBack();
      return undefined;
    }
    worker.unref();
    worker.on('message', (r: Result) => this.done(r));
    worker.on('error', () => this.fallBack());
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.once('exit', () => {
      if (this.worker === worker) this.fallBack();
    });
    this.worker = worker;
    return worker;
  }

  private done(r: Result): void {
    this.inFlight = false;
    if (r.error !== undefined) return this.fallBack();
    this.counts.worker++;
    if ((r.frames ?? 0) < this.restartFrames || !this.db.open) return;
    try {
      this.db.pragma('wal_checkpoint(PASSIVE)');
      this.counts.restarts++;
    } catch {
      // Busy or failing now: the worker's next checkpoint reports the WAL's size again.
    }
  }

  /** Without a worker, SQLite checkpoints inside commits again, as it does by default. */
  private fallBack(): void {
    if (this.failed) return;
    this.failed = true;
    this.inFlight = false;
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT}`);
  }
}
