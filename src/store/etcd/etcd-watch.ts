/**
 * One store watch over one etcd gRPC watch stream, driven by the raw WatchClient rather than
 * etcd3's Watcher, because the Watcher hides the `compact_revision` that etcd reports when a watch
 * starts below the compacted revision (it only surfaces a message), and we must answer with
 * CompactedError carrying that revision.
 *
 * Contract: events are delivered in revision order, each once; after a broken stream the watch
 * resumes from the revision after the last delivered one (so no gap, no duplicate), a few times
 * with backoff, then gives up with StoreUnavailableError. Abort ends it silently.
 */
import type { Etcd3, IWatchResponse } from 'etcd3';
import { CompactedError, StoreUnavailableError, type WatchEvent, type WatchOptions } from '../types.js';
import { bytes, toWatchEvent } from './etcd-codec.js';

type WatchStream = Awaited<ReturnType<Etcd3['watchClient']['watch']>>;

/** Reconnect attempts after a broken stream before the watch fails. */
const MAX_RETRIES = 5;
const FIRST_BACKOFF_MS = 100;

/** One store watch on its own etcd watch stream; `start()` once, `stop()` to end silently. */
export class EtcdWatch {
  /** Next revision to deliver; 0 until etcd tells us what "now" is for a from-now watch. */
  private next: number;
  private stream: WatchStream | undefined;
  private retries = 0;
  private done = false;

  constructor(
    private readonly client: Etcd3,
    private readonly key: Buffer,
    private readonly rangeEnd: Buffer,
    private readonly opts: WatchOptions,
    private readonly onEnd: (w: EtcdWatch) => void,
  ) {
    this.next = opts.startRevision > 0 ? opts.startRevision : 0;
  }

  start(): void {
    if (this.opts.signal.aborted) return this.stop();
    this.opts.signal.addEventListener('abort', () => this.stop(), { once: true });
    void this.connect();
  }

  /** Ends the watch without further callbacks. */
  stop(): void {
    if (this.done) return;
    this.done = true;
    this.stream?.cancel();
    this.stream = undefined;
    this.onEnd(this);
  }

  private async connect(): Promise<void> {
    let stream: WatchStream;
    try {
      stream = await this.client.watchClient.watch();
    } catch (err) {
      return this.broken(err);
    }
    if (this.done) return stream.cancel();
    this.stream = stream;
    stream.on('data', (res) => {
      if (this.stream === stream) this.onResponse(res);
    });
    stream.on('error', (err) => {
      if (this.stream === stream) this.broken(err);
    });
    stream.on('end', () => {
      if (this.stream === stream) this.broken(new Error('watch stream ended'));
    });
    stream.write({
      create_request: {
        key: this.key,
        range_end: this.rangeEnd,
        prev_kv: this.opts.prevKv !== false,
        ...(this.next > 0 ? { start_revision: this.next } : {}),
      },
    });
  }

  private onResponse(res: IWatchResponse): void {
    if (this.done) return;
    if (res.canceled) {
      const compacted = Number(res.compact_revision);
      const requested = this.next > 0 ? this.next : Number(res.header?.revision ?? 0);
      this.fail(
        compacted > 0
          ? new CompactedError(requested, compacted)
          : new StoreUnavailableError(`etcd canceled the watch: ${res.cancel_reason || 'no reason given'}`),
      );
      return;
    }
    if (res.created) {
      this.retries = 0;
      if (this.next <= 0) this.next = Number(res.header.revision) + 1;
      return;
    }
    const events: WatchEvent[] = [];
    for (const ev of res.events) {
      const event = toWatchEvent(ev);
      if (event.kv.modRevision < this.next) continue; // already delivered before a reconnect
      events.push(event);
      this.next = event.kv.modRevision + 1;
    }
    if (events.length === 0) return;
    try {
      this.opts.onEvents(events);
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private broken(err: unknown): void {
    if (this.done) return;
    this.stream?.cancel();
    this.stream = undefined;
    if (this.retries >= MAX_RETRIES) {
      const message = err instanceof Error ? err.message : String(err);
      this.fail(new StoreUnavailableError(`etcd watch lost: ${message}`, { cause: err }));
      return;
    }
    const delay = FIRST_BACKOFF_MS * 2 ** this.retries++;
    setTimeout(() => {
      if (!this.done) void this.connect();
    }, delay).unref();
  }

  private fail(err: Error): void {
    if (this.done) return;
    this.stop();
    if (!this.opts.signal.aborted) this.opts.onError(err);
  }
}

/** The watch key range for a prefix: etcd rejects an empty key, so the empty prefix starts at \0. */
export function watchRange(prefix: string, end: Buffer): { key: Buffer; rangeEnd: Buffer } {
  return { key: prefix === '' ? Buffer.from([0]) : bytes(prefix), rangeEnd: end };
}
