/** Helpers for tests of clients and controllers: waiting for a condition while time moves. */

/** Anything whose time a test can move forward (ManualClock). */
export interface AdvanceableClock {
  advance(ms: number): void;
}

export interface EventuallyOptions {
  /** A manual clock to move by `stepMs` between attempts, so retries and delays fall due. */
  clock?: AdvanceableClock;
  stepMs?: number;
  /** Real time to give up after (default 5000 ms). */
  timeoutMs?: number;
  message?: string;
}

/**
 * Calls `check` until it returns a truthy value without throwing, yielding to the event loop (and
 * advancing the manual clock) between attempts. Returns that value; throws the last failure on
 * timeout.
 */
export async function eventually<T>(check: () => T | Promise<T>, opts: EventuallyOptions = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + (opts.timeoutMs ?? 5000);
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
      last = undefined;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      if (last instanceof Error) throw new Error(`${opts.message ?? 'condition not met in time'}: ${last.message}`, { cause: last });
      throw new Error(opts.message ?? 'condition not met in time');
    }
    opts.clock?.advance(opts.stepMs ?? 100);
    await new Promise((r) => setTimeout(r, 2));
  }
}
