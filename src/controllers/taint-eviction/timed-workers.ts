/**
 * Upstream's TimedWorkerQueue (pkg/controller/tainteviction/timed_workers.go) on the injected
 * clock: one pending deletion per pod key, fired at its time. A finished work item stays as a
 * tombstone so the same pod is not scheduled twice; cancelling removes it either way and reports
 * whether a pending deletion was actually cancelled (which is when upstream records the
 * "Cancelling deletion" event).
 */
import type { Clock } from '../../lib/clock.js';

interface Work {
  createdAt: number;
  fireAt: number;
  cancel: () => void;
}

export class TimedWorkerQueue {
  /** key → pending work, or null once the work ran successfully. */
  private readonly workers = new Map<string, Work | null>();

  constructor(
    private readonly clock: Clock,
    private readonly work: (key: string) => Promise<boolean>,
  ) {}

  /** Schedules `key` at `fireAt` unless it is already scheduled or done (AddWork). */
  add(key: string, createdAt: number, fireAt: number): void {
    if (this.workers.has(key)) return;
    const w: Work = { createdAt, fireAt, cancel: () => {} };
    this.workers.set(key, w);
    const delay = fireAt - this.clock.now();
    if (delay > 0) w.cancel = this.clock.setTimer(delay, () => void this.fire(key, w));
    else {
      // Due now: run at once rather than wait for the clock to tick (a manual clock may not).
      let cancelled = false;
      w.cancel = () => (cancelled = true);
      queueMicrotask(() => void (cancelled || this.fire(key, w)));
    }
  }

  /** Cancels `key`; true when pending work was cancelled (CancelWork). */
  cancel(key: string): boolean {
    if (!this.workers.has(key)) return false;
    const w = this.workers.get(key);
    this.workers.delete(key);
    if (!w) return false;
    w.cancel();
    return true;
  }

  /** The pending work of `key` (undefined when none or already done), as GetWorkerUnsafe. */
  pending(key: string): { createdAt: number; fireAt: number } | undefined {
    return this.workers.get(key) ?? undefined;
  }

  /** Cancels every pending work item. */
  stop(): void {
    for (const w of this.workers.values()) w?.cancel();
    this.workers.clear();
  }

  private async fire(key: string, w: Work): Promise<void> {
    const ok = await this.work(key);
    if (this.workers.get(key) !== w) return;
    if (ok) this.workers.set(key, null);
    else this.workers.delete(key);
  }
}
