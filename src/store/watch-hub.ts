/**
 * In-process watch fan-out for backends whose process is the only writer (memory, SQLite).
 *
 * Contract: every watcher receives each event whose revision is >= its start revision and whose
 * key starts with its prefix, exactly once, in increasing revision order, asynchronously (never
 * inside the write call). A watcher that starts in the past first replays history from the
 * backend in batches, yielding to the event loop between batches, while live events published
 * meanwhile are parked in a backlog; the backlog is appended once replay reaches the revision that
 * was current when the watch started. Because writes commit synchronously on this thread, that
 * revision splits history from live events with no gap and no overlap. If compaction removes
 * history a replaying watcher still needs, the watcher fails with CompactedError (as etcd
 * cancels such a watcher) instead of skipping events.
 */
import { CompactedError, type WatchEvent, type WatchOptions } from './types.js';

/** What the hub needs from its backend; all synchronous, read in the same tick as the decision. */
export interface EventSource {
  currentRevision(): number;
  compactedRevision(): number;
  /** Every event with from <= revision <= to whose key starts with prefix, ascending. */
  readEvents(prefix: string, from: number, to: number): WatchEvent[];
}

interface Watcher {
  prefix: string;
  opts: WatchOptions;
  /** Next revision this watcher may deliver. */
  next: number;
  /** While replaying: the revision current at watch start; live events wait in `backlog`. */
  replayTo: number | undefined;
  backlog: WatchEvent[];
  pending: WatchEvent[];
  scheduled: boolean;
  done: boolean;
}

/** How many revisions of history one replay step covers before yielding to the event loop. */
const REPLAY_SPAN = 2000;

/** Fan-out of committed events to the watches of one store (see the file header). */
export class WatchHub {
  private readonly watchers = new Set<Watcher>();

  constructor(private readonly source: EventSource) {}

  /** Starts a watch; `startRevision` <= 0 means "from the next write", as etcd. */
  watch(prefix: string, opts: WatchOptions): void {
    if (opts.signal.aborted) return;
    const current = this.source.currentRevision();
    const start = opts.startRevision > 0 ? opts.startRevision : current + 1;
    const w: Watcher = {
      prefix,
      opts,
      next: start,
      replayTo: start <= current ? current : undefined,
      backlog: [],
      pending: [],
      scheduled: false,
      done: false,
    };
    const compacted = this.source.compactedRevision();
    if (start < compacted) {
      queueMicrotask(() => this.fail(w, new CompactedError(start, compacted)));
      return;
    }
    this.watchers.add(w);
    opts.signal.addEventListener('abort', () => this.stop(w), { once: true });
    if (w.replayTo !== undefined) setImmediate(() => this.replay(w));
  }

  /** Hands a committed event to matching watchers; called in revision order after each commit. */
  publish(event: WatchEvent): void {
    const rev = event.kv.modRevision;
    for (const w of this.watchers) {
      if (!event.kv.key.startsWith(w.prefix)) continue;
      if (w.replayTo !== undefined) {
        w.backlog.push(event);
      } else if (rev >= w.next) {
        w.pending.push(event);
        w.next = rev + 1;
        this.schedule(w);
      }
    }
  }

  /** Stops every watcher without further callbacks (the store is closing). */
  closeAll(): void {
    for (const w of this.watchers) w.done = true;
    this.watchers.clear();
  }

  /** Number of active watchers (for metrics and tests). */
  get size(): number {
    return this.watchers.size;
  }

  private replay(w: Watcher): void {
    if (w.done || w.replayTo === undefined) return;
    const compacted = this.source.compactedRevision();
    if (w.next < compacted) {
      this.fail(w, new CompactedError(w.next, compacted));
      return;
    }
    const to = Math.min(w.replayTo, w.next + REPLAY_SPAN - 1);
    let events: WatchEvent[];
    try {
      events = this.source.readEvents(w.prefix, w.next, to);
    } catch (err) {
      this.fail(w, err instanceof Error ? err : new Error(String(err)));
      return;
    }
    for (const e of events) w.pending.push(e);
    w.next = to + 1;
    if (to === w.replayTo) {
      // History is delivered up to the revision current at watch start; live events follow it.
      for (const e of w.backlog) w.pending.push(e);
      const last = w.pending[w.pending.length - 1];
      if (last) w.next = Math.max(w.next, last.kv.modRevision + 1);
      w.backlog = [];
      w.replayTo = undefined;
    } else {
      setImmediate(() => this.replay(w));
    }
    this.schedule(w);
  }

  private schedule(w: Watcher): void {
    if (w.scheduled || w.pending.length === 0) return;
    w.scheduled = true;
    queueMicrotask(() => {
      w.scheduled = false;
      if (w.done || w.pending.length === 0) return;
      const batch = w.pending;
      w.pending = [];
      try {
        w.opts.onEvents(batch);
      } catch (err) {
        // A throwing consumer cannot be trusted to have seen the batch: end the watch loudly.
        this.fail(w, err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  private fail(w: Watcher, err: Error): void {
    if (w.done || w.opts.signal.aborted) return;
    this.stop(w);
    w.opts.onError(err);
  }

  private stop(w: Watcher): void {
    w.done = true;
    this.watchers.delete(w);
  }
}
