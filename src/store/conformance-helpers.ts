/**
 * Helpers for the backend conformance suite: byte/string conversion, a store-per-test wrapper
 * and a watch collector that waits for events with a timeout instead of sleeping blindly.
 */
import type { Store, WatchEvent } from './types.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** UTF-8 bytes of a string. */
export function b(s: string): Uint8Array {
  return encoder.encode(s);
}

/** The string a UTF-8 value holds. */
export function str(value: Uint8Array): string {
  return decoder.decode(value);
}

/** Byte-order comparator (what etcd and SQLite use), for expected orderings in tests. */
export function byteOrder(x: string, y: string): number {
  return Buffer.compare(Buffer.from(x), Buffer.from(y));
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Opens a store, runs `fn`, and always closes the store. */
export async function withStore(open: () => Promise<Store>, fn: (s: Store) => Promise<void>): Promise<void> {
  const store = await open();
  try {
    await fn(store);
  } finally {
    await store.close();
  }
}

/** What {@link collect} recorded from one watch, with ways to wait for it. */
export interface Collector {
  events: WatchEvent[];
  errors: Error[];
  revisions(): number[];
  /** Resolves when `pred` holds; rejects after `ms` with what was collected so far. */
  until(pred: () => boolean, what: string, ms?: number): Promise<void>;
  /** Resolves when at least n events arrived. */
  count(n: number, ms?: number): Promise<void>;
  abort(): void;
}

/** Starts a watch and records everything it delivers. */
export function collect(store: Store, prefix: string, startRevision: number): Collector {
  const ac = new AbortController();
  const events: WatchEvent[] = [];
  const errors: Error[] = [];
  store.watch(prefix, {
    startRevision,
    signal: ac.signal,
    onEvents: (evs) => events.push(...evs),
    onError: (err) => errors.push(err),
  });
  const c: Collector = {
    events,
    errors,
    revisions: () => events.map((e) => e.kv.modRevision),
    async until(pred, what, ms = 5000) {
      const deadline = Date.now() + ms;
      while (!pred()) {
        if (Date.now() > deadline) {
          throw new Error(
            `timed out waiting for ${what}; got revisions [${c.revisions().join(',')}], errors [${errors.map((e) => e.message).join('; ')}]`,
          );
        }
        await sleep(5);
      }
    },
    count(n, ms) {
      return c.until(() => events.length >= n || errors.length > 0, `${n} events`, ms);
    },
    abort: () => ac.abort(),
  };
  return c;
}

/** A compact, comparable description of an event. */
export function describe(e: WatchEvent): string {
  const prev = e.prev ? ` prev=${str(e.prev.value)}@${e.prev.modRevision}/${e.prev.createRevision}` : '';
  return `${e.type} ${e.kv.key}=${str(e.kv.value)}@${e.kv.modRevision}/${e.kv.createRevision}${prev}`;
}
