/**
 * The reconciler of EKS's long-running operations (shared/ARCHITECTURE.md rules 4–6): every
 * transition (cluster CREATING → ACTIVE, an Update InProgress → Successful, a node group
 * UPDATING → ACTIVE, …) is a state machine over a stored record, advanced when the record's due
 * time on the injected clock has passed — never a `setTimeout` chain that a restart would lose.
 *
 * A kind registers once ({@link Reconciler.register}): its store kind (table type) and an
 * `advance` step. The reconciler
 * - on `start(signal)`, scans every stored EKS record of the registered kinds (all accounts and
 *   regions) and schedules those with a due time: a restarted server resumes every transition;
 * - on `kick(key, written)` (handlers call it after a write, with what they wrote), schedules the
 *   record by that value's due time, or looks at it now when that time has come;
 * - runs one record's steps one at a time (per-key queue) and writes each step's result with
 *   compare-and-swap: when a handler changed the record meanwhile the step is re-run on the fresh
 *   record, so a step's side effects must be idempotent (provisioning by cluster id, deleting
 *   what may already be gone).
 */
import type { Clock } from '../../../lib/clock.js';
import type { Logger } from '../../../lib/logger.js';
import type { Store } from '../../../store/types.js';
import { tableOf, type EksTable, type Lifecycle, type Scope } from './state.js';

/** Names one stored record: its kind (table type), scope and id. */
export interface ResourceKey extends Scope {
  kind: string;
  id: string;
}

/**
 * What a step asks for: write the next state of the record (`put`), delete the record
 * (`remove`), or nothing yet (undefined: look again after the retry delay).
 */
export type Step<T> = { put: T } | { remove: true } | undefined;

/** What a step gets besides the record. */
export interface AdvanceContext<T> {
  key: ResourceKey;
  /** The clock's time when the step started. */
  now: number;
  /** The record's table (in the key's scope), for reading siblings. */
  table: EksTable<T>;
  log: Logger;
  /** Asks the reconciler to look at another record now (e.g. a parent a step just changed). */
  kick(key: ResourceKey): void;
}

/** A state machine over the records of one kind. */
export interface KindDef<T> {
  /** The store kind (table type segment), e.g. `clusters`, `nodegroups`. */
  kind: string;
  /** When the record next needs a step; undefined when at rest. Default: `record.lifecycle?.dueAt`. */
  dueAt?(record: T): number | undefined;
  /** One step, run once the due time has passed. Must tolerate being re-run (see the module doc). */
  advance(record: T, ctx: AdvanceContext<T>): Promise<Step<T>>;
}

/** What a reconciler runs on. */
export interface ReconcilerOptions {
  store: Store;
  clock: Clock;
  log: Logger;
  /** Delay before re-running a step that threw or asked to wait (default 1000 ms). */
  retryMs?: number;
}

/** Steps one record may take in one go before yielding to the clock (guards against loops). */
const MAX_STEPS_IN_A_ROW = 50;
/** Compare-and-swap conflicts tolerated in a row before backing off. */
const MAX_CONFLICTS = 20;
const ROOT = '/aws/eks/';

const keyText = (k: ResourceKey): string => `${k.kind}\n${k.account}\n${k.region}\n${k.id}`;

function defaultDue(record: unknown): number | undefined {
  const lc = (record as { lifecycle?: Lifecycle } | null)?.lifecycle;
  return typeof lc?.dueAt === 'number' ? lc.dueAt : undefined;
}

/** The reconciler (see the module doc). One per process, shared by every EKS kind. */
export class Reconciler {
  // Each kind's T is erased here; register() is where the types meet.
  private readonly kinds = new Map<string, KindDef<unknown>>();
  private readonly timers = new Map<string, () => void>();
  private readonly queues = new Map<string, Promise<void>>();
  private readonly inflight = new Set<Promise<void>>();
  private running = false;
  private readonly retryMs: number;

  constructor(private readonly opts: ReconcilerOptions) {
    this.retryMs = opts.retryMs ?? 1000;
  }

  /** Adds a kind's state machine; throws when the kind is registered twice. */
  register<T>(def: KindDef<T>): void {
    if (this.kinds.has(def.kind)) throw new Error(`EKS reconciler: kind ${def.kind} registered twice`);
    this.kinds.set(def.kind, def as KindDef<unknown>);
  }

  /** The registered kinds. */
  registeredKinds(): string[] {
    return [...this.kinds.keys()];
  }

  /**
   * Starts reconciling: scans the store for records with a due time and schedules them; stops
   * when `signal` aborts. Resolves once the scan is done.
   */
  async start(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    this.running = true;
    signal.addEventListener('abort', () => this.stop(), { once: true });
    const dec = new TextDecoder();
    let startKey: string | undefined;
    for (;;) {
      const page = await this.opts.store.range(ROOT, { limit: 500, startKey });
      for (const kv of page.kvs) {
        const parts = kv.key.slice(ROOT.length).split('/');
        const [account, region, kind] = parts;
        if (!account || !region || !kind || parts.length < 4) continue;
        const def = this.kinds.get(kind);
        if (!def) continue;
        const key: ResourceKey = { kind, account, region, id: parts.slice(3).join('/') };
        try {
          const due = this.dueOf(def, JSON.parse(dec.decode(kv.value)) as unknown);
          if (due !== undefined) this.schedule(key, due);
        } catch (err) {
          this.opts.log.warn({ err, resource: kind, name: key.id }, 'eks reconciler: unreadable record skipped');
        }
      }
      if (!page.more || !page.kvs.length) break;
      startKey = page.kvs[page.kvs.length - 1]!.key + '\0';
    }
  }

  /** Stops: cancels every timer; steps already running finish their current write. */
  stop(): void {
    this.running = false;
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
  }

  /**
   * Looks at `key` now, or — given the record as just written — at its due time without reading
   * it first (a DeleteCluster then costs no second read of the cluster). When that time comes the
   * record is read again, so a value that has changed meanwhile is never acted on. No-op before
   * `start`: the start scan finds every due record anyway.
   */
  kick(key: ResourceKey, written?: unknown): void {
    if (!this.running) return;
    const def = written === undefined ? undefined : this.kinds.get(key.kind);
    const due = def ? this.dueOf(def, written) : undefined;
    if (due !== undefined && due > this.opts.clock.now()) this.schedule(key, due);
    else this.enqueue(key);
  }

  /** Resolves when no step is running or queued (timers for the future do not count). For tests. */
  async idle(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  private dueOf(def: KindDef<unknown>, record: unknown): number | undefined {
    return def.dueAt ? def.dueAt(record) : defaultDue(record);
  }

  private schedule(key: ResourceKey, at: number): void {
    if (!this.running) return;
    const k = keyText(key);
    this.timers.get(k)?.();
    this.timers.delete(k);
    if (at <= this.opts.clock.now()) return this.enqueue(key);
    const cancel = this.opts.clock.setTimer(at - this.opts.clock.now(), () => {
      if (this.timers.get(k) === cancel) this.timers.delete(k);
      this.enqueue(key);
    });
    this.timers.set(k, cancel);
  }

  private enqueue(key: ResourceKey): void {
    const k = keyText(key);
    const run = (this.queues.get(k) ?? Promise.resolve()).then(() => this.process(key));
    const tracked = run.finally(() => {
      this.inflight.delete(tracked);
      if (this.queues.get(k) === run) this.queues.delete(k);
    });
    this.queues.set(k, run);
    this.inflight.add(tracked);
  }

  private async process(key: ResourceKey): Promise<void> {
    const def = this.kinds.get(key.kind);
    if (!def) return;
    const k = keyText(key);
    this.timers.get(k)?.();
    this.timers.delete(k);
    const table = tableOf<unknown>(this.opts.store, key, key.kind);
    let steps = 0;
    let conflicts = 0;
    while (this.running) {
      const cur = await table.get(key.id);
      if (!cur) return;
      const due = this.dueOf(def, cur.value);
      if (due === undefined) return;
      const now = this.opts.clock.now();
      if (due > now) return this.schedule(key, due);
      if (steps >= MAX_STEPS_IN_A_ROW || conflicts >= MAX_CONFLICTS) return this.schedule(key, now + this.retryMs);
      let step: Step<unknown>;
      try {
        step = await def.advance(cur.value, { key, now, table, log: this.opts.log, kick: (x) => this.kick(x) });
      } catch (err) {
        this.opts.log.warn({ err, resource: key.kind, name: key.id, account: key.account, region: key.region }, 'eks reconciler: step failed, will retry');
        return this.schedule(key, now + this.retryMs);
      }
      if (!step) return this.schedule(key, now + this.retryMs);
      const ok = 'remove' in step ? await table.delete(key.id, cur.revision) : await table.update(key.id, step.put, cur.revision);
      if (ok) steps++;
      else conflicts++;
    }
  }
}
