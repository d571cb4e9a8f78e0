/** Waiting on the injected clock: a cancellable sleep and an exponential backoff with jitter. */
import type { Clock } from '../lib/clock.js';

/** Resolves after `ms` of `clock` time, or at once when `signal` aborts (never rejects). */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      cancel();
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const cancel = clock.setTimer(ms, done);
    signal?.addEventListener('abort', done);
  });
}

/**
 * Exponential backoff as client-go's reflector uses it (800 ms doubling to 30 s, with up to 100 %
 * jitter), reset after a success.
 */
export class Backoff {
  private attempt = 0;
  constructor(
    private readonly initialMs = 800,
    private readonly maxMs = 30_000,
    private readonly jitter = 1,
    private readonly random: () => number = Math.random,
  ) {}

  /** The next delay; each call doubles the base up to the cap. */
  next(): number {
    const base = Math.min(this.maxMs, this.initialMs * 2 ** this.attempt);
    if (base < this.maxMs) this.attempt++;
    return Math.min(this.maxMs, base + base * this.jitter * this.random());
  }

  reset(): void {
    this.attempt = 0;
  }
}
