/**
 * Leader election over a coordination.k8s.io/v1 Lease, as client-go's `tools/leaderelection` with
 * `resourcelock.LeaseLock` (what kube-controller-manager and kube-scheduler run): every replica
 * tries to write its identity into one Lease; the holder renews it every RetryPeriod, the others
 * take it over once they have seen it unchanged for LeaseDuration. All writes are updates carrying
 * the resourceVersion last read, so two replicas racing for the same Lease cannot both win.
 *
 * Unlike client-go's `Run`, which returns when leadership is lost (kube-controller-manager then
 * exits and is restarted), the elector here goes back to acquiring after `onStoppedLeading` has
 * returned, so one process can lead, stand by and lead again. {@link InformerTerms} gives each
 * term's components a view of the process's shared informers that outlives them.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Lease, LeaseSpec } from 'kubernetes-types/coordination/v1.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { KubeClient } from './client.js';
import { isConflict, isNotFound } from './errors.js';
import { EventRecorder } from './events.js';
import type { EventHandlers, Informer, InformerOptions } from './informer.js';
import { SharedInformers } from './shared-informers.js';
import type { KubeObject } from './types.js';

/** client-go's core defaults (kube-controller-manager, kube-scheduler): 15 s, 10 s, 2 s. */
export const LEASE_DURATION_MS = 15_000;
export const RENEW_DEADLINE_MS = 10_000;
export const RETRY_PERIOD_MS = 2_000;
/** wait.JitterUntil's factor for acquire retries (leaderelection.JitterFactor). */
const JITTER_FACTOR = 1.2;

/** The identity kube-controller-manager and kube-scheduler hold a Lease under: `<hostname>_<uuid>`. */
export function leaderIdentity(): string {
  return `${hostname()}_${randomUUID()}`;
}

/** metav1.MicroTime as the API writes it: RFC 3339 with microseconds. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export interface LeaderElectionConfig {
  client: KubeClient;
  /** The Lease to hold, e.g. kube-system/kube-controller-manager. */
  lease: { namespace: string; name: string };
  /** Default {@link leaderIdentity}. */
  identity?: string;
  clock: Clock;
  log: Logger;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** Extra random wait on acquire retries, as a fraction of RetryPeriod (default 1.2; 0 in tests). */
  jitterFactor?: number;
  /**
   * Give the Lease up on `stop` (client-go ReleaseOnCancel, which both components set): holder
   * cleared and leaseDurationSeconds 1, so a standby takes over at its next try. Default true.
   */
  releaseOnCancel?: boolean;
  /** Records `<identity> became leader` / `stopped leading` (reason LeaderElection) on the Lease. */
  events?: EventRecorder;
  /** Called once leadership is won; `signal` aborts when it is lost or the elector stops. */
  onStartedLeading(signal: AbortSignal): void;
  /** Called when a term ends; the elector waits for it before releasing or trying again. */
  onStoppedLeading(): void | Promise<void>;
  /** Called when a different holder is observed (also the first one seen). */
  onNewLeader?(identity: string): void;
}

interface ElectionRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime: string;
  renewTime: string;
  leaseTransitions: number;
}

const LEASES = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' };

function recordOf(spec: LeaseSpec | undefined): ElectionRecord {
  return {
    holderIdentity: spec?.holderIdentity ?? '',
    leaseDurationSeconds: spec?.leaseDurationSeconds ?? 0,
    acquireTime: spec?.acquireTime ?? '',
    renewTime: spec?.renewTime ?? '',
    leaseTransitions: spec?.leaseTransitions ?? 0,
  };
}

/** One replica's side of the election for one Lease. */
export class LeaderElector {
  readonly identity: string;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly log: Logger;
  /** The Lease as last read or written: its resourceVersion is the precondition of the next update. */
  private lease: Lease | undefined;
  private observed: ElectionRecord | undefined;
  private observedRaw = '';
  /** Local clock time the observed record last changed (client-go observedTime; clock skew proof). */
  private observedTime = 0;
  private reportedLeader = '';
  private term: AbortController | undefined;
  /** When the current renew round started (undefined between rounds). */
  private roundStart: number | undefined;
  private cancelTimer: (() => void) | undefined;
  private inFlight: Promise<void> | undefined;
  private stopped = false;
  private started = false;

  constructor(private readonly cfg: LeaderElectionConfig) {
    this.identity = cfg.identity ?? leaderIdentity();
    this.leaseDurationMs = cfg.leaseDurationMs ?? LEASE_DURATION_MS;
    this.renewDeadlineMs = cfg.renewDeadlineMs ?? RENEW_DEADLINE_MS;
    this.retryPeriodMs = cfg.retryPeriodMs ?? RETRY_PERIOD_MS;
    if (this.leaseDurationMs <= this.renewDeadlineMs) throw new Error('leaseDuration must be greater than renewDeadline');
    if (this.renewDeadlineMs <= this.retryPeriodMs * JITTER_FACTOR) throw new Error('renewDeadline must be greater than retryPeriod*JitterFactor');
    this.log = cfg.log.child({ ns: cfg.lease.namespace, name: cfg.lease.name });
  }

  /** Starts electing; the first try is made at once, so a lone replica leads without waiting. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.log.info({ identity: this.identity }, 'attempting to acquire leader lease');
    this.step();
  }

  /**
   * Stops electing: a term in progress ends (onStoppedLeading awaited, so the guarded work has
   * stopped) and then, with releaseOnCancel, the Lease is released.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.cancelTimer?.();
    await this.inFlight;
    await this.endTerm();
    // Also a Lease won by a try that was in flight when stop was called.
    if (this.cfg.releaseOnCancel ?? true) await this.release();
  }

  /** Whether the last observed holder is this replica. */
  isLeader(): boolean {
    return this.observed?.holderIdentity === this.identity;
  }

  /** The last observed holder ('' before anything was observed or after a release). */
  leader(): string {
    return this.observed?.holderIdentity ?? '';
  }

  private step(): void {
    if (this.stopped) return;
    this.inFlight = this.attempt()
      .catch((err: unknown) => this.log.error({ err }, 'leader election step failed'))
      .finally(() => {
        this.inFlight = undefined;
      });
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.cancelTimer = this.cfg.clock.setTimer(ms, () => this.step());
  }

  /** One acquire try or one renew try, then the next is scheduled. */
  private async attempt(): Promise<void> {
    if (!this.term) {
      const ok = await this.tryAcquireOrRenew();
      this.reportTransition();
      if (this.stopped) return;
      if (!ok) return this.schedule(this.retryPeriodMs * (1 + Math.random() * (this.cfg.jitterFactor ?? JITTER_FACTOR)));
      this.log.info({ identity: this.identity }, 'successfully acquired lease');
      this.record('became leader');
      const term = (this.term = new AbortController());
      try {
        this.cfg.onStartedLeading(term.signal);
      } catch (err) {
        this.log.error({ err }, 'onStartedLeading failed');
      }
      return this.schedule(this.retryPeriodMs);
    }
    // Renewing: tries every RetryPeriod until one succeeds or RenewDeadline has passed since the
    // round began (wait.PollImmediateUntil under a RenewDeadline timeout). The deadline is judged
    // when a try ends, so a clock that jumps ahead during a successful renew costs nothing.
    const start = (this.roundStart ??= this.cfg.clock.now());
    const ok = await this.tryAcquireOrRenew();
    this.reportTransition();
    if (this.stopped) return;
    if (ok) {
      this.roundStart = undefined;
      return this.schedule(this.retryPeriodMs);
    }
    if (this.cfg.clock.now() - start < this.renewDeadlineMs) return this.schedule(this.retryPeriodMs);
    this.roundStart = undefined;
    this.log.info('failed to renew lease: timed out waiting for the condition; leader election lost');
    await this.endTerm();
    this.schedule(this.retryPeriodMs);
  }

  private async endTerm(): Promise<void> {
    const term = this.term;
    if (!term) return;
    this.term = undefined;
    term.abort();
    try {
      await this.cfg.onStoppedLeading();
    } catch (err) {
      this.log.error({ err }, 'onStoppedLeading failed');
    }
    this.record('stopped leading');
  }

  /** client-go tryAcquireOrRenew over a LeaseLock. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.cfg.clock.now();
    const desired: ElectionRecord = {
      holderIdentity: this.identity,
      leaseDurationSeconds: Math.floor(this.leaseDurationMs / 1000),
      acquireTime: microTime(now),
      renewTime: microTime(now),
      leaseTransitions: 0,
    };
    // 1. The holder's fast path: update over the Lease it wrote last, assuming nobody else has.
    if (this.isLeader() && this.leaseValid(now) && this.lease && this.observed) {
      try {
        await this.update({ ...desired, acquireTime: this.observed.acquireTime, leaseTransitions: this.observed.leaseTransitions });
        return true;
      } catch (err) {
        this.log.debug({ err }, 'failed to update lock optimistically, falling back to slow path');
      }
    }
    // 2. Read (or create) the Lease.
    try {
      this.lease = await this.cfg.client.get<Lease & KubeObject>({ ...LEASES, ...this.cfg.lease });
    } catch (err) {
      if (!isNotFound(err)) {
        this.log.warn({ err }, 'error retrieving resource lock');
        return false;
      }
      try {
        this.lease = await this.cfg.client.create<Lease & KubeObject>(
          { ...LEASES, namespace: this.cfg.lease.namespace },
          { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.cfg.lease.name, namespace: this.cfg.lease.namespace }, spec: desired },
        );
      } catch (e) {
        this.log.warn({ err: e }, 'error initially creating leader election record');
        return false;
      }
      this.observe(desired);
      return true;
    }
    // 3. A changed record restarts the wait; a valid Lease held by another is respected.
    const current = recordOf(this.lease.spec);
    const raw = JSON.stringify(current);
    if (raw !== this.observedRaw) {
      this.observe(current);
      this.observedRaw = raw;
    }
    if (current.holderIdentity && this.leaseValid(now) && !this.isLeader()) return false;
    // 4. Take it over (one more transition) or renew it (keeping acquireTime).
    const next = this.isLeader() ? { ...desired, acquireTime: current.acquireTime, leaseTransitions: current.leaseTransitions } : { ...desired, leaseTransitions: current.leaseTransitions + 1 };
    try {
      await this.update(next);
      return true;
    } catch (err) {
      if (isConflict(err)) this.log.debug('lease changed under us; retried next period');
      else this.log.warn({ err }, 'failed to update lock');
      return false;
    }
  }

  /** Writes `rec` over the Lease last seen (its resourceVersion is the precondition). */
  private async update(rec: ElectionRecord): Promise<void> {
    const lease = this.lease!;
    this.lease = await this.cfg.client.update<Lease & KubeObject>({ ...LEASES, ...this.cfg.lease }, { ...lease, spec: { ...lease.spec, ...rec } } as Lease & KubeObject);
    this.observe(rec);
  }

  /** client-go release: holder cleared, leaseDurationSeconds 1, times set to now. */
  private async release(): Promise<void> {
    if (!this.isLeader() || !this.lease || !this.observed) return;
    const now = microTime(this.cfg.clock.now());
    try {
      await this.update({ holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now, leaseTransitions: this.observed.leaseTransitions });
      this.log.info('leader lease released');
    } catch (err) {
      this.log.warn({ err }, 'failed to release lock');
    }
  }

  private observe(rec: ElectionRecord): void {
    this.observed = rec;
    this.observedRaw = JSON.stringify(rec);
    this.observedTime = this.cfg.clock.now();
  }

  private leaseValid(now: number): boolean {
    return this.observedTime + (this.observed?.leaseDurationSeconds ?? 0) * 1000 > now;
  }

  private reportTransition(): void {
    const holder = this.leader();
    if (holder === this.reportedLeader) return;
    this.reportedLeader = holder;
    if (holder) this.log.info({ leader: holder }, 'new leader elected');
    this.cfg.onNewLeader?.(holder);
  }

  private record(what: string): void {
    const lease = this.lease;
    if (!this.cfg.events || !lease) return;
    void this.cfg.events.event({ ...lease, apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' } as KubeObject, 'Normal', 'LeaderElection', `${this.identity} ${what}`);
  }
}

/**
 * The process's shared informers across leadership terms. Each term's components get a view
 * ({@link InformerTerms.begin}) whose informers are the shared ones, pinned so that the last
 * component stopping does not end a watch the next term needs, and whose event handlers go quiet
 * when the term ends, so a stopped controller's handlers are not run for the rest of the process.
 */
export class InformerTerms {
  private readonly pinned = new Set<Informer<KubeObject>>();

  constructor(
    private readonly base: SharedInformers,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** A SharedInformers for one term; `end()` silences the handlers registered through it. */
  begin(): { informers: SharedInformers; end(): void } {
    const live = { on: true };
    const pin = (inf: Informer<KubeObject>) => {
      if (this.pinned.has(inf)) return;
      this.pinned.add(inf);
      inf.start();
    };
    const informers = new TermInformers(this.base, live, pin, this.clock, this.log);
    return { informers, end: () => (live.on = false) };
  }

  /** Releases the pins (when the elector itself is done). */
  async close(): Promise<void> {
    const all = [...this.pinned];
    this.pinned.clear();
    await Promise.all(all.map((i) => i.stop()));
  }
}

class TermInformers extends SharedInformers {
  constructor(
    private readonly base: SharedInformers,
    private readonly live: { on: boolean },
    private readonly pin: (inf: Informer<KubeObject>) => void,
    clock: Clock,
    log: Logger,
  ) {
    super(base.client, clock, log);
  }

  override informer<T extends KubeObject = KubeObject>(opts: InformerOptions<T>): Informer<T> {
    const inf = this.base.informer(opts);
    // A transformed informer is private to its caller and dies with it: nothing to share.
    if (opts.transform) return inf;
    this.pin(inf as unknown as Informer<KubeObject>);
    const live = this.live;
    const gated = (h: EventHandlers<T>): EventHandlers<T> => ({
      onAdd: h.onAdd && ((o) => live.on && h.onAdd!(o)),
      onUpdate: h.onUpdate && ((o, n) => live.on && h.onUpdate!(o, n)),
      onDelete: h.onDelete && ((o) => live.on && h.onDelete!(o)),
    });
    return new Proxy(inf, {
      get(target, prop) {
        if (prop === 'addEventHandler') return (h: EventHandlers<T>) => target.addEventHandler(gated(h));
        const v: unknown = Reflect.get(target, prop, target);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  }
}

/** How a component elects (identity and timings; client-go's defaults when left out). */
export type LeaderElectionSettings = Pick<LeaderElectionConfig, 'identity' | 'leaseDurationMs' | 'renewDeadlineMs' | 'retryPeriodMs' | 'jitterFactor' | 'releaseOnCancel'>;

/** What runs during one term: stopped (and awaited) when the term ends. */
export interface TermWork {
  stop(): Promise<void>;
}

export interface LeaderElectedOptions {
  /** The process's shared informers (each term gets a view of them). */
  informers: SharedInformers;
  lease: { namespace: string; name: string };
  /** The component, as its Events name it (kube-controller-manager, default-scheduler …). */
  component: string;
  clock: Clock;
  log: Logger;
  settings?: LeaderElectionSettings;
  /** Starts the component's work for a term, over that term's informers. */
  run(informers: SharedInformers, signal: AbortSignal): TermWork;
  /** The EventRecorder for LeaderElection Events (default: one over informers.client). */
  events?: EventRecorder;
}

/** A component run only while its replica holds the Lease. */
export interface LeaderElected {
  readonly elector: LeaderElector;
  /** The work of the current term, if this replica leads. */
  current(): TermWork | undefined;
  /** Ends the term (work stopped, then the Lease released) and stops electing. */
  stop(): Promise<void>;
}

/**
 * Runs `run` for every term this replica leads and stops it when the term ends, as
 * kube-controller-manager and kube-scheduler start their work from OnStartedLeading (they exit on
 * OnStoppedLeading; here the work is stopped and the replica stands by to lead again).
 */
export function leaderElected(opts: LeaderElectedOptions): LeaderElected {
  const terms = new InformerTerms(opts.informers, opts.clock, opts.log);
  let work: { w: TermWork; end(): void } | undefined;
  const elector = new LeaderElector({
    ...opts.settings,
    client: opts.informers.client,
    lease: opts.lease,
    clock: opts.clock,
    log: opts.log.child({ controller: 'leader-election' }),
    events: opts.events ?? new EventRecorder(opts.informers.client, opts.clock, { component: opts.component }, opts.log),
    onStartedLeading(signal) {
      const t = terms.begin();
      work = { w: opts.run(t.informers, signal), end: t.end };
    },
    async onStoppedLeading() {
      const w = work;
      work = undefined;
      if (!w) return;
      w.end();
      await w.w.stop();
    },
  });
  elector.start();
  return {
    elector,
    current: () => work?.w,
    async stop() {
      await elector.stop();
      await terms.close();
    },
  };
}
