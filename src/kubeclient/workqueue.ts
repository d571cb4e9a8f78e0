/**
 * A deduplicating work queue with client-go's semantics (k8s.io/client-go/util/workqueue):
 * an item is queued at most once; an item being processed is never handed to a second worker, and
 * if it is added again meanwhile it is processed once more after `done`. Delayed adds and per-item
 * exponential retry delays run on the injected clock.
 */
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';

export interface RateLimitOptions {
  /** First retry delay (default 5 ms, as client-go's default item limiter). */
  baseDelayMs?: number;
  /** Cap of the doubling retry delay (default 1000 s, as client-go). */
  maxDelayMs?: number;
}

export class WorkQueue<T = string> {
  private queue: T[] = [];
  private head = 0;
  private readonly dirty = new Set<T>();
  private readonly processing = new Set<T>();
  private readonly waiting = new Map<T, { at: number; cancel: () => void }>();
  private readonly failures = new Map<T, number>();
  private waiters: ((item: T | undefined) => void)[] = [];
  private shutting = false;
  private readonly baseMs: number;
  private readonly maxMs: number;

  constructor(
    private readonly clock: Clock,
    opts: RateLimitOptions = {},
  ) {
    this.baseMs = opts.baseDelayMs ?? 5;
    this.maxMs = opts.maxDelayMs ?? 1_000_000;
  }

  /** Queues `item` unless it is already queued; while it is processed, it is marked to run again. */
  add(item: T): void {
    if (this.shutting || this.dirty.has(item)) return;
    this.dirty.add(item);
    if (this.processing.has(item)) return;
    const w = this.waiters.shift();
    if (w) {
      this.dirty.delete(item);
      this.processing.add(item);
      w(item);
      return;
    }
    this.queue.push(item);
  }

  /** Adds `item` after `ms` of clock time; an earlier pending add of the same item wins. */
  addAfter(item: T, ms: number): void {
    if (this.shutting) return;
    if (ms <= 0) return this.add(item);
    const at = this.clock.now() + ms;
    const prev = this.waiting.get(item);
    if (prev && prev.at <= at) return;
    prev?.cancel();
    const cancel = this.clock.setTimer(ms, () => {
      this.waiting.delete(item);
      this.add(item);
    });
    this.waiting.set(item, { at, cancel });
  }

  /** Adds `item` after its next retry delay: base × 2^failures, capped. */
  addRateLimited(item: T): void {
    const n = this.failures.get(item) ?? 0;
    this.failures.set(item, n + 1);
    this.addAfter(item, Math.min(this.maxMs, this.baseMs * 2 ** Math.min(n, 40)));
  }

  /** Clears the retry history of `item` (call after it was processed successfully). */
  forget(item: T): void {
    this.failures.delete(item);
  }

  /** How many times `item` was re-added with addRateLimited since its last forget. */
  numRequeues(item: T): number {
    return this.failures.get(item) ?? 0;
  }

  /** The next item to process (marked processing until `done`), or undefined once shut down and drained. */
  get(): Promise<T | undefined> {
    if (this.head < this.queue.length) {
      const item = this.queue[this.head++]!;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      this.dirty.delete(item);
      this.processing.add(item);
      return Promise.resolve(item);
    }
    if (this.shutting) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Ends processing of `item`; if it was added meanwhile, it is queued again. */
  done(item: T): void {
    this.processing.delete(item);
    if (this.dirty.has(item)) {
      this.dirty.delete(item);
      this.add(item);
    }
  }

  /** Stops accepting items and cancels delayed adds; `get` drains what is queued, then returns undefined. */
  shutDown(): void {
    this.shutting = true;
    for (const w of this.waiting.values()) w.cancel();
    this.waiting.clear();
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w(undefined);
  }

  get shuttingDown(): boolean {
    return this.shutting;
  }

  /** Items queued and not yet handed out. */
  get length(): number {
    return this.queue.length - this.head;
  }

  /** Items waiting for a delayed add. */
  get delayed(): number {
    return this.waiting.size;
  }
}

/** What a reconcile asks for besides success: nothing, a rate-limited retry, or a retry after a delay. */
export type ReconcileResult = void | { requeue: true } | { requeueAfterMs: number };

/**
 * Runs `workers` concurrent loops that take items from `queue` and reconcile them: success
 * forgets the item's retry history; a thrown error is logged and retried with the item's rate
 * limit. Resolves when the queue is shut down and every loop has finished its item.
 */
export async function runWorkers<T>(
  queue: WorkQueue<T>,
  workers: number,
  reconcile: (item: T) => Promise<ReconcileResult>,
  log: Logger,
): Promise<void> {
  const loop = async () => {
    for (;;) {
      const item = await queue.get();
      if (item === undefined) return;
      try {
        const r = await reconcile(item);
        if (r && 'requeue' in r) queue.addRateLimited(item);
        else {
          queue.forget(item);
          if (r && 'requeueAfterMs' in r) queue.addAfter(item, r.requeueAfterMs);
        }
      } catch (err) {
        const n = queue.numRequeues(item);
        log[n < 3 ? 'debug' : 'warn']({ err, item: String(item), retries: n }, 'reconcile failed; retrying');
        queue.addRateLimited(item);
      } finally {
        queue.done(item);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, workers) }, loop));
}
