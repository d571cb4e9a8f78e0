/**
 * Per-(DaemonSet, generation, node) back-off for deleting failed daemon pods, as client-go's
 * flowcontrol.Backoff that kube-controller-manager gives the daemon controller (1 s doubling to
 * 15 min): a kubelet that keeps rejecting a pod must not make the controller hot-loop creating and
 * deleting it. Entries idle for twice the maximum are forgotten.
 */
import type { Clock } from '../../lib/clock.js';

const INITIAL_MS = 1000;
const MAX_MS = 15 * 60 * 1000;

interface Entry {
  backoffMs: number;
  lastUpdate: number;
}

export class FailedPodBackoff {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly clock: Clock) {}

  /** Whether `key` was last stamped less than its current back-off ago (IsInBackOffSinceUpdate). */
  inBackoff(key: string): boolean {
    const e = this.entries.get(key);
    if (!e || this.expired(e)) return false;
    return this.clock.now() - e.lastUpdate < e.backoffMs;
  }

  /** The current delay of `key` (Get). */
  delayMs(key: string): number {
    return this.entries.get(key)?.backoffMs ?? 0;
  }

  /** Stamps `key` now, doubling its back-off (or starting at 1 s) (Next). */
  next(key: string): void {
    const now = this.clock.now();
    const e = this.entries.get(key);
    if (!e || this.expired(e)) this.entries.set(key, { backoffMs: INITIAL_MS, lastUpdate: now });
    else {
      e.backoffMs = Math.min(e.backoffMs * 2, MAX_MS);
      e.lastUpdate = now;
    }
  }

  /** Drops entries idle for twice the maximum (GC, run once a minute upstream). */
  gc(): void {
    for (const [k, e] of this.entries) if (this.expired(e)) this.entries.delete(k);
  }

  private expired(e: Entry): boolean {
    return this.clock.now() - e.lastUpdate > 2 * MAX_MS;
  }
}
