/**
 * Upstream's RateLimitedTimedQueue (pkg/controller/nodelifecycle/scheduler/rate_limited_queue.go)
 * on the injected clock: a set of node names ordered by when to process them, drained by `try`
 * only as fast as a token bucket allows (burst 1, as EvictionRateLimiterBurst). A processed node
 * stays in the set (so `add` of it again is refused) until `remove` — which is how the node
 * lifecycle controller taints a node once and un-marks it when it is healthy again. A QPS of 0 is
 * upstream's "never" limiter: nothing is processed.
 */
import type { Clock } from '../../lib/clock.js';

/** Token bucket with burst 1 (flowcontrol.NewTokenBucketRateLimiter), or "never" at QPS 0. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly qps: number,
    private readonly clock: Clock,
    full = true,
  ) {
    this.tokens = qps > 0 && full ? 1 : 0;
    this.last = clock.now();
  }

  /** Takes a token if one is available (TryAccept). */
  tryAccept(): boolean {
    if (this.qps <= 0) return false;
    const now = this.clock.now();
    this.tokens = Math.min(1, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

interface TimedValue {
  value: string;
  uid: string;
  addedAt: number;
  processAt: number;
}

export class RateLimitedTimedQueue {
  private queue: TimedValue[] = [];
  private readonly set = new Set<string>();
  private limiter: TokenBucket;

  constructor(
    private readonly clock: Clock,
    qps: number,
  ) {
    this.limiter = new TokenBucket(qps, clock);
  }

  get qps(): number {
    return this.limiter.qps;
  }

  /** Queued (not yet processed) values. */
  get length(): number {
    return this.queue.length;
  }

  /** Adds `value` unless it is already in the set; true when added. */
  add(value: string, uid: string): boolean {
    if (this.set.has(value)) return false;
    const now = this.clock.now();
    this.set.add(value);
    this.queue.push({ value, uid, addedAt: now, processAt: now });
    this.sort();
    return true;
  }

  /** Removes `value` from the queue and the set; true when it was in the set. */
  remove(value: string): boolean {
    this.queue = this.queue.filter((v) => v.value !== value);
    return this.set.delete(value);
  }

  /**
   * Processes due values in order while the limiter allows. `fn` answers done, or not done and
   * how long to wait before trying that value again.
   */
  async try(fn: (v: { value: string; uid: string }) => Promise<{ done: boolean; retryMs?: number }>): Promise<void> {
    for (let head = this.queue[0]; head; head = this.queue[0]) {
      if (!this.limiter.tryAccept()) return;
      const now = this.clock.now();
      if (now < head.processAt) return;
      const r = await fn(head);
      if (this.queue[0] !== head) continue;
      if (r.done) this.queue.shift();
      else {
        head.processAt = now + (r.retryMs ?? 0) + 1;
        this.sort();
      }
    }
  }

  /**
   * Replaces the limiter with one of `qps` (SwapLimiter); when the current one is out of tokens,
   * the new one starts empty too.
   */
  swapLimiter(qps: number): void {
    if (this.limiter.qps === qps) return;
    const full = qps > 0 && this.limiter.tryAccept();
    this.limiter = new TokenBucket(qps, this.clock, full);
  }

  private sort(): void {
    this.queue.sort((a, b) => a.processAt - b.processAt);
  }
}
