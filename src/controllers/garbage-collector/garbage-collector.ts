/**
 * The garbage collector, as kube-controller-manager's: metadata informers on every resource that
 * supports list, watch and delete (from discovery, re-read periodically) feed the dependency
 * graph; workers then
 *  - delete dependents whose every owner is gone (verified with a live GET, uid included), with
 *    the policy their own finalizers ask for (Background by default);
 *  - for an owner being deleted in the Foreground, delete its dependents and remove the
 *    `foregroundDeletion` finalizer once no dependent blocks it (`blockOwnerDeletion`);
 *  - for an owner being deleted with Orphan, strip its ownerReference from every dependent, then
 *    remove the `orphan` finalizer.
 * Dependents with another live owner survive (the reference to the leaving owner is removed);
 * dependency cycles are broken by unblocking references, as upstream does.
 */
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import { sleep } from '../../kubeclient/backoff.js';
import type { KubeClient } from '../../kubeclient/client.js';
import { discoverResources, RestMapper, supports, type ApiResourceInfo } from '../../kubeclient/discovery.js';
import { Informer } from '../../kubeclient/informer.js';
import type { KubeObject } from '../../kubeclient/types.js';
import { runWorkers, WorkQueue, type ReconcileResult } from '../../kubeclient/workqueue.js';
import { AbsentOwnerCache, DependencyGraph, FOREGROUND_FINALIZER, identityOf, ORPHAN_FINALIZER, type GraphNode } from './graph.js';
import { Mutations, type Policy } from './mutations.js';

export interface GarbageCollectorOptions {
  client: KubeClient;
  clock: Clock;
  log: Logger;
  /** Concurrent attempt-to-delete workers (default 8). */
  workers?: number;
  /** How often discovery is re-read to watch new resources (default 30 s, as upstream). */
  discoveryResyncMs?: number;
  /** Longest wait for the informers' first lists before the workers start anyway (default 60 s). */
  syncTimeoutMs?: number;
}

/** Not watched, as upstream's default ignored resources: events churn and never own anything. */
const IGNORED = new Set(['/events', 'events.k8s.io/events']);

const metadataOnly = (info: ApiResourceInfo) => (o: KubeObject): KubeObject => {
  const m = o.metadata ?? {};
  return {
    apiVersion: info.group ? `${info.group}/${info.version}` : info.version,
    kind: info.kind,
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, ownerReferences: m.ownerReferences, finalizers: m.finalizers, deletionTimestamp: m.deletionTimestamp },
  };
};

export class GarbageCollector {
  readonly graph: DependencyGraph;
  private readonly absent = new AbsentOwnerCache();
  private readonly deleteQueue: WorkQueue<string>;
  private readonly orphanQueue: WorkQueue<string>;
  private readonly monitors = new Map<string, Informer>();
  private mapper = new RestMapper([]);
  private readonly ops: Mutations;
  private readonly abort = new AbortController();
  private running: Promise<void> | undefined;
  private syncedResolve!: () => void;
  /** Resolves once the informers have listed (or the sync timeout passed) and the workers run. */
  readonly synced: Promise<void> = new Promise((r) => (this.syncedResolve = r));

  constructor(private readonly opts: GarbageCollectorOptions) {
    const rate = { baseDelayMs: 5, maxDelayMs: 60_000 };
    this.deleteQueue = new WorkQueue(opts.clock, rate);
    this.orphanQueue = new WorkQueue(opts.clock, rate);
    this.graph = new DependencyGraph({ attemptToDelete: (uid) => this.deleteQueue.add(uid), attemptToOrphan: (uid) => this.orphanQueue.add(uid) }, this.absent);
    this.ops = new Mutations(opts.client);
  }

  start(): void {
    this.running ??= this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.deleteQueue.shutDown();
    this.orphanQueue.shutDown();
    await Promise.all([...this.monitors.values()].map((m) => m.stop()));
    await this.running;
  }

  private get log(): Logger {
    return this.opts.log;
  }

  private async run(): Promise<void> {
    const { clock } = this.opts;
    const signal = this.abort.signal;
    while (!signal.aborted) {
      try {
        await this.syncMonitors();
        break;
      } catch (err) {
        this.log.warn({ err }, 'garbage collector discovery failed; retrying');
        await sleep(clock, 5000, signal);
      }
    }
    if (signal.aborted) return this.syncedResolve();
    const timeout = new AbortController();
    const timer = clock.setTimer(this.opts.syncTimeoutMs ?? 60_000, () => timeout.abort());
    const all = Promise.all([...this.monitors.values()].map((m) => m.waitForSync()));
    await Promise.race([all, new Promise((r) => timeout.signal.addEventListener('abort', r)), new Promise((r) => signal.addEventListener('abort', r))]);
    timer();
    if (timeout.signal.aborted) this.log.warn('garbage collector started before every informer synced');
    this.syncedResolve();
    const n = this.opts.workers ?? 8;
    const workers = [
      runWorkers(this.deleteQueue, n, (uid) => this.attemptToDelete(uid), this.log),
      runWorkers(this.orphanQueue, Math.max(1, n >> 2), (uid) => this.attemptToOrphan(uid), this.log),
      this.resyncLoop(),
    ];
    await Promise.all(workers);
  }

  private async resyncLoop(): Promise<void> {
    const signal = this.abort.signal;
    const every = this.opts.discoveryResyncMs ?? 30_000;
    while (!signal.aborted) {
      await sleep(this.opts.clock, every, signal);
      if (signal.aborted) return;
      await this.syncMonitors().catch((err) => this.log.warn({ err }, 'garbage collector discovery resync failed'));
    }
  }

  /** Starts informers for new deletable resources and stops those of resources no longer served. */
  private async syncMonitors(): Promise<void> {
    const all = await discoverResources(this.opts.client);
    this.mapper = new RestMapper(all);
    const wanted = new Map<string, ApiResourceInfo>();
    for (const r of all) {
      const key = `${r.group}/${r.resource}`;
      if (r.preferred && supports(r, 'list', 'watch', 'delete') && !IGNORED.has(key)) wanted.set(key, r);
    }
    for (const [key, m] of this.monitors) {
      if (wanted.has(key)) continue;
      this.monitors.delete(key);
      await m.stop();
    }
    for (const [key, info] of wanted) {
      if (this.monitors.has(key) || this.abort.signal.aborted) continue;
      const inf = new Informer(this.opts.client, { resource: { group: info.group, version: info.version, resource: info.resource }, transform: metadataOnly(info) }, this.opts.clock, this.log);
      inf.addEventHandler({
        onAdd: (o) => this.graph.observe(o),
        onUpdate: (_old, o) => this.graph.observe(o),
        onDelete: (o) => this.graph.remove(identityOf(o).uid),
      });
      this.monitors.set(key, inf);
      inf.start();
    }
  }

  /** The live object of a graph node, or undefined when it is gone or was replaced (another uid). */
  private async live(node: GraphNode, info: ApiResourceInfo): Promise<KubeObject | undefined> {
    const ns = info.namespaced ? node.identity.namespace : undefined;
    if (info.namespaced && !ns) return undefined;
    const obj = await this.ops.get(info, ns, node.identity.name);
    return obj?.metadata?.uid === node.identity.uid ? obj : undefined;
  }

  /** upstream attemptToDeleteItem. */
  private async attemptToDelete(uid: string): Promise<ReconcileResult> {
    const node = this.graph.nodes.get(uid);
    if (!node) return;
    if (node.beingDeleted && !node.deletingDependents) return;
    const info = this.mapper.resourceFor(node.identity.apiVersion, node.identity.kind);
    if (!info) {
      this.log.debug({ kind: node.identity.kind, apiVersion: node.identity.apiVersion }, 'unknown kind; retrying after discovery');
      return { requeue: true };
    }
    const latest = await this.live(node, info);
    if (!latest) {
      if (node.virtual) this.absent.add(AbsentOwnerCache.key(node.identity, info.namespaced ? node.identity.namespace : undefined));
      this.graph.remove(uid);
      return;
    }
    if (node.virtual) {
      // It exists: wait until its informer reports it, unless nothing depends on it any more.
      if (node.dependents.size === 0) return this.graph.dropVirtual(uid);
      return { requeue: true };
    }
    if (node.deletingDependents) return this.processDeletingDependents(node, info, latest);
    const refs = latest.metadata?.ownerReferences ?? [];
    if (!refs.length) return;
    const { solid, dangling, waiting } = await this.classify(node, refs);
    if (solid.length) {
      if (!dangling.length && !waiting.length) return;
      // Another owner is alive: only the references to absent or leaving owners go.
      const drop = new Set([...dangling, ...waiting].map((r) => r.uid));
      await this.ops.patchOwnerRefs(info, latest, refs.filter((r) => !drop.has(r.uid)));
      return;
    }
    if (waiting.length && node.dependents.size) {
      // A dependent that is itself waiting on us would wait forever: unblock our references first.
      if ([...node.dependents].some((d) => d.deletingDependents)) {
        const w = new Set(waiting.map((r) => r.uid));
        await this.ops.patchOwnerRefs(info, latest, refs.map((r) => (w.has(r.uid) ? { ...r, blockOwnerDeletion: false } : r)));
      }
      return this.deleteNode(node, info, 'Foreground');
    }
    const fins = latest.metadata?.finalizers ?? [];
    const policy: Policy = fins.includes(ORPHAN_FINALIZER) ? 'Orphan' : fins.includes(FOREGROUND_FINALIZER) ? 'Foreground' : 'Background';
    return this.deleteNode(node, info, policy);
  }

  private async deleteNode(node: GraphNode, info: ApiResourceInfo, policy: Policy): Promise<void> {
    this.log.debug({ resource: info.resource, ns: node.identity.namespace, name: node.identity.name, policy }, 'deleting object whose owners are gone');
    await this.ops.delete(info, node.identity, policy);
  }

  /** Sorts references into live owners, absent ones, and owners deleting in the foreground. */
  private async classify(node: GraphNode, refs: NonNullable<NonNullable<KubeObject['metadata']>['ownerReferences']>) {
    const solid: typeof refs = [];
    const dangling: typeof refs = [];
    const waiting: typeof refs = [];
    for (const ref of refs) {
      const info = this.mapper.resourceFor(ref.apiVersion, ref.kind);
      if (!info) throw new Error(`cannot map owner ${ref.kind} (${ref.apiVersion}) of ${node.identity.kind} ${node.identity.name} to a resource`);
      const ns = info.namespaced ? node.identity.namespace : undefined;
      if (info.namespaced && !ns) {
        // A cluster-scoped object cannot be owned by a namespaced one: the reference is invalid.
        dangling.push(ref);
        continue;
      }
      const key = AbsentOwnerCache.key(ref, ns);
      if (this.absent.has(key)) {
        dangling.push(ref);
        continue;
      }
      const owner = await this.ops.get(info, ns, ref.name);
      if (!owner || owner.metadata?.uid !== ref.uid) {
        this.absent.add(key);
        dangling.push(ref);
      } else if (owner.metadata?.deletionTimestamp && owner.metadata.finalizers?.includes(FOREGROUND_FINALIZER)) {
        waiting.push(ref);
      } else {
        solid.push(ref);
      }
    }
    return { solid, dangling, waiting };
  }

  /** upstream processDeletingDependentsItem. */
  private async processDeletingDependents(node: GraphNode, info: ApiResourceInfo, latest: KubeObject): Promise<void> {
    const blocking = node.blockingDependents();
    if (!blocking.length) {
      await this.ops.removeFinalizer(info, latest, FOREGROUND_FINALIZER);
      return;
    }
    for (const d of blocking) if (!d.deletingDependents) this.deleteQueue.add(d.identity.uid);
  }

  /** upstream attemptToOrphanWorker: strip the owner from its dependents, then release the owner. */
  private async attemptToOrphan(uid: string): Promise<ReconcileResult> {
    const node = this.graph.nodes.get(uid);
    if (!node || node.virtual) return;
    const info = this.mapper.resourceFor(node.identity.apiVersion, node.identity.kind);
    if (!info) return { requeue: true };
    const latest = await this.live(node, info);
    if (!latest || !latest.metadata?.finalizers?.includes(ORPHAN_FINALIZER)) return;
    for (const d of [...node.dependents]) {
      const dInfo = this.mapper.resourceFor(d.identity.apiVersion, d.identity.kind);
      if (!dInfo) throw new Error(`cannot map dependent ${d.identity.kind} (${d.identity.apiVersion}) to a resource`);
      await this.ops.removeOwnerRef(dInfo, d.identity, uid);
    }
    await this.ops.removeFinalizer(info, latest, ORPHAN_FINALIZER);
  }
}
