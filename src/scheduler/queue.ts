/**
 * The scheduling queue (pkg/scheduler/backend/queue PriorityQueue): an active heap ordered by
 * priority then enqueue time, a back-off heap ordered by back-off expiry (1 s doubling to 10 s per
 * attempt), and the unschedulable pods, which wait until a cluster event one of their rejecting
 * plugins registered for moves them back, or until they have waited 5 minutes. A pod rejected
 * while a move request happened during its cycle goes to back-off rather than waiting, as
 * upstream's moveRequestCycle rule.
 */
import type { Clock } from '../lib/clock.js';
import { KeyedHeap } from './heap.js';
import type { PodInfo } from './pod-info.js';
import type { ActionType, ClusterEvent, EventResource } from './types.js';

export interface QueuedPodInfo {
  pi: PodInfo;
  /** When the pod last entered the queue (orders equal priorities). */
  timestamp: number;
  /** Scheduling attempts so far. */
  attempts: number;
  /** Plugins that rejected the pod in its last attempt; empty after an error. */
  unschedulablePlugins: Set<string>;
  /** When its back-off ends (set when it fails). */
  backoffExpiry: number;
}

export interface QueueOptions {
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** podMaxInUnschedulablePodsDuration (5 minutes). */
  maxInUnschedulableMs?: number;
  /** Plugin name → the cluster events that may make pods it rejected schedulable. */
  pluginEvents?: ReadonlyMap<string, readonly ClusterEvent[]>;
}

const FLUSH_BACKOFF_MS = 1000;
const FLUSH_UNSCHEDULABLE_MS = 30_000;

export class SchedulingQueue {
  private readonly active = new KeyedHeap<QueuedPodInfo>((a, b) => a.pi.priority > b.pi.priority || (a.pi.priority === b.pi.priority && a.timestamp < b.timestamp));
  private readonly backoff = new KeyedHeap<QueuedPodInfo>((a, b) => a.backoffExpiry < b.backoffExpiry);
  private readonly unschedulable = new Map<string, QueuedPodInfo>();
  private readonly inFlight = new Map<string, QueuedPodInfo>();
  private waiters: ((q: QueuedPodInfo | undefined) => void)[] = [];
  private schedulingCycle = 0;
  private moveRequestCycle = -1;
  private closed = false;
  private readonly cancels: (() => void)[] = [];
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxInUnschedulableMs: number;

  constructor(
    private readonly clock: Clock,
    private readonly opts: QueueOptions = {},
  ) {
    this.initialBackoffMs = opts.initialBackoffMs ?? 1000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 10_000;
    this.maxInUnschedulableMs = opts.maxInUnschedulableMs ?? 5 * 60_000;
  }

  /** Starts the periodic flushes (back-off every second, unschedulable leftovers every 30 s). */
  run(): void {
    const every = (ms: number, fn: () => void) => {
      const tick = () => {
        if (this.closed) return;
        fn();
        this.cancels[idx] = this.clock.setTimer(ms, tick);
      };
      const idx = this.cancels.length;
      this.cancels.push(this.clock.setTimer(ms, tick));
    };
    every(FLUSH_BACKOFF_MS, () => this.flushBackoffCompleted());
    every(FLUSH_UNSCHEDULABLE_MS, () => this.flushUnschedulableLeftover());
  }

  close(): void {
    this.closed = true;
    for (const c of this.cancels) c();
    for (const w of this.waiters) w(undefined);
    this.waiters = [];
  }

  /** The current scheduling cycle number (incremented by each pop). */
  get cycle(): number {
    return this.schedulingCycle;
  }

  /** A new pending pod. */
  add(pi: PodInfo): void {
    const now = this.clock.now();
    this.unschedulable.delete(pi.key);
    this.backoff.delete(pi.key);
    this.pushActive({ pi, timestamp: now, attempts: 0, unschedulablePlugins: new Set(), backoffExpiry: now });
  }

  /**
   * A pending pod changed. One waiting as unschedulable is given another chance (its spec or labels
   * may now fit), as upstream's Update moves it when the update could make it schedulable.
   */
  update(pi: PodInfo): void {
    const key = pi.key;
    const inFlight = this.inFlight.get(key);
    if (inFlight) {
      inFlight.pi = pi;
      return;
    }
    for (const h of [this.active, this.backoff]) {
      const q = h.get(key);
      if (q) {
        q.pi = pi;
        h.push(key, q);
        return;
      }
    }
    const u = this.unschedulable.get(key);
    if (u) {
      u.pi = pi;
      this.unschedulable.delete(key);
      this.requeue(u, this.clock.now());
      return;
    }
    this.add(pi);
  }

  delete(key: string): void {
    this.active.delete(key);
    this.backoff.delete(key);
    this.unschedulable.delete(key);
    this.inFlight.delete(key);
  }

  has(key: string): boolean {
    return this.active.has(key) || this.backoff.has(key) || this.unschedulable.has(key) || this.inFlight.has(key);
  }

  /** Counts for tests and metrics. */
  lengths(): { active: number; backoff: number; unschedulable: number; inFlight: number } {
    return { active: this.active.size, backoff: this.backoff.size, unschedulable: this.unschedulable.size, inFlight: this.inFlight.size };
  }

  /** The next pod to schedule, waiting for one; undefined once closed. */
  pop(): Promise<QueuedPodInfo | undefined> {
    const q = this.tryPop();
    if (q || this.closed) return Promise.resolve(q);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The next pod if one is ready now. */
  tryPop(): QueuedPodInfo | undefined {
    const q = this.active.pop();
    if (!q) return undefined;
    q.attempts++;
    this.schedulingCycle++;
    this.inFlight.set(q.pi.key, q);
    return q;
  }

  /** The pod's cycle ended with a binding in flight or done. */
  done(key: string): void {
    this.inFlight.delete(key);
  }

  /**
   * The pod could not be scheduled in the cycle `cycle` (AddUnschedulableIfNotPresent). Rejected by
   * plugins it waits for an event; after an error, or when an event arrived during its cycle, it
   * backs off.
   */
  addUnschedulable(q: QueuedPodInfo, cycle: number): void {
    if (!this.inFlight.has(q.pi.key)) return; // deleted meanwhile
    this.inFlight.delete(q.pi.key);
    const now = this.clock.now();
    q.timestamp = now;
    q.backoffExpiry = now + this.backoffDuration(q.attempts);
    if (q.unschedulablePlugins.size === 0 || this.moveRequestCycle >= cycle) this.backoff.push(q.pi.key, q);
    else this.unschedulable.set(q.pi.key, q);
  }

  /**
   * A cluster event happened (MoveAllToActiveOrBackoffQueue): unschedulable pods one of whose
   * rejecting plugins registered for it go back to active (or back-off if still backing off).
   */
  moveOnEvent(resource: EventResource, action: ActionType): void {
    this.moveRequestCycle = this.schedulingCycle;
    if (this.unschedulable.size === 0) return;
    const now = this.clock.now();
    for (const [key, q] of this.unschedulable) {
      if (!this.relevant(q, resource, action)) continue;
      this.unschedulable.delete(key);
      this.requeue(q, now);
    }
  }

  private relevant(q: QueuedPodInfo, resource: EventResource, action: ActionType): boolean {
    if (q.unschedulablePlugins.size === 0) return true;
    for (const p of q.unschedulablePlugins) {
      for (const e of this.opts.pluginEvents?.get(p) ?? []) if (e.resource === resource && e.actions.includes(action)) return true;
    }
    return false;
  }

  private requeue(q: QueuedPodInfo, now: number): void {
    if (q.backoffExpiry > now) this.backoff.push(q.pi.key, q);
    else this.pushActive(q);
  }

  /** calculateBackoffDuration: initial × 2^(attempts−1), capped. */
  backoffDuration(attempts: number): number {
    let d = this.initialBackoffMs;
    for (let i = 1; i < attempts; i++) {
      d *= 2;
      if (d >= this.maxBackoffMs) return this.maxBackoffMs;
    }
    return d;
  }

  private flushBackoffCompleted(): void {
    const now = this.clock.now();
    for (let q = this.backoff.peek(); q && q.backoffExpiry <= now; q = this.backoff.peek()) {
      this.backoff.pop();
      this.pushActive(q);
    }
  }

  private flushUnschedulableLeftover(): void {
    const now = this.clock.now();
    for (const [key, q] of this.unschedulable) {
      if (now - q.timestamp < this.maxInUnschedulableMs) continue;
      this.unschedulable.delete(key);
      this.requeue(q, now);
    }
  }

  private pushActive(q: QueuedPodInfo): void {
    this.active.push(q.pi.key, q);
    const w = this.waiters.shift();
    if (w) w(this.tryPop());
  }
}
