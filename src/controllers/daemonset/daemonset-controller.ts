/**
 * The DaemonSet controller, as kube-controller-manager's (pkg/controller/daemon): one pod per
 * eligible node (placement.ts), created pinned to its node by required node affinity and left to
 * the default scheduler to bind; pods on nodes that no longer fit, surplus and succeeded pods are
 * deleted, failed ones deleted with a per-node back-off and recreated; updates roll out by
 * RollingUpdate (rolling-update.ts) or OnDelete; ControllerRevisions record each template
 * (revisions.ts); status counts what `kubectl rollout status ds/…` waits for.
 *
 * Event handling follows upstream and stays proportional to what changed: pod events wake only
 * their owner (found through the controller reference), node events wake only the DaemonSets whose
 * verdict for that node changed, and node updates that change no label, taint, unschedulable flag
 * or true condition (heartbeats) wake nothing.
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { selectorFromLabelSelector, matches } from '../../apimachinery/labels.js';
import type { KubeClient } from '../../kubeclient/client.js';
import { EventRecorder } from '../../kubeclient/events.js';
import type { Informer } from '../../kubeclient/informer.js';
import { NAMESPACE_INDEX } from '../../kubeclient/informer.js';
import type { KubeObject, ResourceRef } from '../../kubeclient/types.js';
import { WorkQueue, type ReconcileResult } from '../../kubeclient/workqueue.js';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import { Expectations } from '../expectations.js';
import { ControllerLoop } from '../../kubeclient/controller-loop.js';
import type { ControllerContext } from '../manager.js';
import { controllerRefOf, isPodReady } from '../pods.js';
import { CONTROLLER_REVISIONS, RevisionHistory, type Revision } from '../history/controller-history.js';
import { claimObjects, indexByController, recheckDeletion, type ClaimOwner } from '../history/controller-ref-manager.js';
import { FailedPodBackoff } from './failed-pod-backoff.js';
import { DaemonPlacement, targetNodeName, type NodeVerdict } from './placement.js';
import { cleanupHistory, constructHistory, DAEMONSETS, type DaemonSetObject } from './revisions.js';
import { planRollingUpdate } from './rolling-update.js';
import { DaemonSetSync } from './sync.js';

const PODS: ResourceRef = { group: '', version: 'v1', resource: 'pods' };
const NODES: ResourceRef = { group: '', version: 'v1', resource: 'nodes' };
/** Pods of DaemonSets by the node they are for (bound or pinned), so a deleted node finds its daemon pods. */
export const DAEMON_POD_NODE_INDEX = 'daemon-pod-target-node';
const BACKOFF_GC_MS = 60_000;

type PodObject = Pod & KubeObject;
type NodeObject = Node & KubeObject;

/** The daemonset controller: `{start, stop, synced}` for the controller manager. */
export class DaemonSetController {
  private readonly client: KubeClient;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly dsInformer: Informer<DaemonSetObject>;
  private readonly podInformer: Informer<PodObject>;
  private readonly nodeInformer: Informer<NodeObject>;
  private readonly revisionInformer: Informer<Revision>;
  private readonly queue: WorkQueue<string>;
  private readonly expectations: Expectations;
  private readonly backoff: FailedPodBackoff;
  private readonly recorder: EventRecorder;
  private readonly history: RevisionHistory;
  private readonly loop: ControllerLoop;
  /** Placement per DaemonSet, rebuilt when its resourceVersion changes. */
  private readonly placements = new Map<string, { rv: string; placement: DaemonPlacement }>();
  private cancelGc: (() => void) | undefined;

  constructor(ctx: ControllerContext) {
    this.client = ctx.client;
    this.clock = ctx.clock;
    this.log = ctx.log;
    this.dsInformer = ctx.informers.informer<DaemonSetObject>({ resource: DAEMONSETS });
    this.podInformer = ctx.informers.informer<PodObject>({ resource: PODS });
    this.nodeInformer = ctx.informers.informer<NodeObject>({ resource: NODES });
    this.revisionInformer = ctx.informers.informer<Revision>({ resource: CONTROLLER_REVISIONS });
    indexByController(this.podInformer);
    indexByController(this.revisionInformer);
    this.podInformer.addIndexer(DAEMON_POD_NODE_INDEX, (p) => {
      if (controllerRefOf(p)?.kind !== 'DaemonSet') return [];
      const n = targetNodeName(p as PodObject);
      return n ? [n] : [];
    });
    this.queue = new WorkQueue(ctx.clock);
    this.expectations = new Expectations(ctx.clock);
    this.backoff = new FailedPodBackoff(ctx.clock);
    this.recorder = new EventRecorder(ctx.client, ctx.clock, { component: 'daemonset-controller' }, ctx.log);
    this.history = new RevisionHistory(ctx.client, this.revisionInformer);
    this.registerHandlers();
    this.loop = new ControllerLoop([this.dsInformer, this.podInformer, this.nodeInformer, this.revisionInformer], [{ queue: this.queue, reconcile: (k) => this.sync(k) }], this.log);
  }

  get synced(): Promise<void> {
    return this.loop.synced;
  }

  start(): void {
    this.loop.start();
    const gc = () => {
      this.backoff.gc();
      this.cancelGc = this.clock.setTimer(BACKOFF_GC_MS, gc);
    };
    this.cancelGc ??= this.clock.setTimer(BACKOFF_GC_MS, gc);
  }

  async stop(): Promise<void> {
    this.cancelGc?.();
    await this.loop.stop();
  }

  private enqueue(ds: DaemonSetObject, afterMs = 0): void {
    const key = `${ds.metadata!.namespace}/${ds.metadata!.name}`;
    if (afterMs > 0) this.queue.addAfter(key, afterMs);
    else this.queue.add(key);
  }

  private placementOf(ds: DaemonSetObject): DaemonPlacement {
    const key = ds.metadata!.uid!;
    const rv = ds.metadata!.resourceVersion ?? '';
    const hit = this.placements.get(key);
    if (hit?.rv === rv) return hit.placement;
    const placement = new DaemonPlacement(ds);
    this.placements.set(key, { rv, placement });
    return placement;
  }

  /** The DaemonSet a controller reference names, if it is still that one (resolveControllerRef). */
  private resolve(ns: string | undefined, obj: KubeObject): DaemonSetObject | undefined {
    const ref = controllerRefOf(obj);
    if (!ref || ref.kind !== 'DaemonSet') return undefined;
    const ds = this.dsInformer.get(ns, ref.name);
    return ds?.metadata?.uid === ref.uid ? ds : undefined;
  }

  /** DaemonSets in the object's namespace whose selector matches its labels (orphans looking for an owner). */
  private selecting(obj: KubeObject): DaemonSetObject[] {
    return this.dsInformer.byIndex(NAMESPACE_INDEX, obj.metadata?.namespace ?? '').filter((ds) => {
      const sel = ds.spec?.selector;
      return !!sel && (Object.keys(sel.matchLabels ?? {}).length > 0 || (sel.matchExpressions ?? []).length > 0) && matches(selectorFromLabelSelector(sel), obj.metadata?.labels);
    });
  }

  private registerHandlers(): void {
    this.dsInformer.addEventHandler({
      onAdd: (ds) => this.enqueue(ds),
      onUpdate: (old, ds) => {
        if (old.metadata?.uid !== ds.metadata?.uid) this.placements.delete(old.metadata!.uid!);
        this.enqueue(ds);
      },
      onDelete: (ds) => {
        this.expectations.delete(`${ds.metadata!.namespace}/${ds.metadata!.name}`);
        this.placements.delete(ds.metadata!.uid!);
        this.enqueue(ds);
      },
    });
    const onRevision = (r: Revision) => {
      const owner = this.resolve(r.metadata?.namespace, r);
      if (owner) this.enqueue(owner);
      else if (!controllerRefOf(r)) for (const ds of this.selecting(r)) this.enqueue(ds);
    };
    this.revisionInformer.addEventHandler({
      onAdd: onRevision,
      onUpdate: (old, cur) => {
        if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
        const prev = this.resolve(old.metadata?.namespace, old);
        if (prev && controllerRefOf(old)?.uid !== controllerRefOf(cur)?.uid) this.enqueue(prev);
        onRevision(cur);
      },
      onDelete: (r) => {
        const owner = this.resolve(r.metadata?.namespace, r);
        if (owner) this.enqueue(owner);
      },
    });
    this.podInformer.addEventHandler({
      onAdd: (p) => (p.metadata?.deletionTimestamp ? this.podGone(p) : this.podAdded(p)),
      onUpdate: (old, cur) => this.podUpdated(old, cur),
      onDelete: (p) => this.podGone(p),
    });
    this.nodeInformer.addEventHandler({
      onAdd: (n) => {
        for (const ds of this.dsInformer.list()) if (this.placementOf(ds).judge(n).shouldRun) this.enqueue(ds);
      },
      onUpdate: (old, cur) => {
        if (!nodeChangeMatters(old, cur)) return;
        for (const ds of this.dsInformer.list()) {
          const p = this.placementOf(ds);
          if (!sameVerdict(p.judge(old), p.judge(cur))) this.enqueue(ds);
        }
      },
      onDelete: (n) => {
        for (const p of this.podInformer.byIndex(DAEMON_POD_NODE_INDEX, n.metadata!.name!)) {
          const ds = this.resolve(p.metadata?.namespace, p);
          if (ds) this.enqueue(ds);
        }
      },
    });
  }

  private podAdded(p: PodObject): void {
    const ds = this.resolve(p.metadata?.namespace, p);
    if (ds) {
      this.expectations.creationObserved(`${ds.metadata!.namespace}/${ds.metadata!.name}`);
      this.enqueue(ds);
    } else if (!controllerRefOf(p)) for (const o of this.selecting(p)) this.enqueue(o);
  }

  private podUpdated(old: PodObject, cur: PodObject): void {
    if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
    if (cur.metadata?.deletionTimestamp) return this.podGone(cur);
    const oldRef = controllerRefOf(old);
    const curRef = controllerRefOf(cur);
    if (oldRef && oldRef.uid !== curRef?.uid) {
      const prev = this.resolve(old.metadata?.namespace, old);
      if (prev) this.enqueue(prev);
    }
    if (curRef) {
      const ds = this.resolve(cur.metadata?.namespace, cur);
      if (!ds) return;
      this.enqueue(ds);
      const minReady = ds.spec?.minReadySeconds ?? 0;
      if (minReady > 0 && !isPodReady(old) && isPodReady(cur)) this.enqueue(ds, (minReady + 1) * 1000);
      return;
    }
    const labelsChanged = JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(cur.metadata?.labels ?? {});
    if (labelsChanged || oldRef) for (const o of this.selecting(cur)) this.enqueue(o);
  }

  private podGone(p: PodObject): void {
    const ds = this.resolve(p.metadata?.namespace, p);
    if (!ds) return;
    this.expectations.deletionObserved(`${ds.metadata!.namespace}/${ds.metadata!.name}`);
    this.enqueue(ds);
  }

  /** The DaemonSet's pods, adopting matching orphans and releasing pods it no longer selects (getDaemonPods). */
  private claimPods(ds: DaemonSetObject): Promise<PodObject[]> {
    const owner: ClaimOwner = {
      obj: ds,
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      selector: selectorFromLabelSelector(ds.spec?.selector),
      canAdopt: recheckDeletion(this.client, DAEMONSETS, ds),
    };
    return claimObjects(this.client, this.podInformer, PODS, owner);
  }

  /** One pass over a DaemonSet (syncDaemonSet). */
  private async sync(key: string): Promise<ReconcileResult> {
    const ds = this.dsInformer.getByKey(key);
    if (!ds) {
      this.expectations.delete(key);
      return;
    }
    const sel = ds.spec?.selector;
    if (!sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0)) {
      void this.recorder.event(ds, 'Warning', 'SelectingAll', 'This daemon set is selecting all pods. A non-empty selector is required.');
      return;
    }
    if (ds.metadata?.deletionTimestamp) return;
    const nodes = this.nodeInformer.list();
    const placement = this.placementOf(ds);
    const judge = (n: Node) => placement.judge(n);
    const log = this.log.child({ ns: ds.metadata!.namespace, name: ds.metadata!.name });
    const sync = new DaemonSetSync({ client: this.client, clock: this.clock, log, recorder: this.recorder, expectations: this.expectations, backoff: this.backoff, key, ds, requeue: (ms) => this.enqueue(ds, ms) });

    const revisions = await this.history.claim({ obj: ds, apiVersion: 'apps/v1', kind: 'DaemonSet', selector: selectorFromLabelSelector(sel), canAdopt: recheckDeletion(this.client, DAEMONSETS, ds) });
    const { cur, old } = await constructHistory(this.client, this.history, ds, revisions, () => this.claimPods(ds));
    const hash = cur.metadata?.labels?.['controller-revision-hash'] ?? '';

    if (!this.expectations.satisfied(key)) {
      await sync.writeStatus(nodes, judge, groupByNode(await this.claimPods(ds)), hash, false);
      return;
    }
    let failure: unknown;
    try {
      await sync.manage(nodes, judge, groupByNode(await this.claimPods(ds)), hash);
      if (this.expectations.satisfied(key) && ds.spec?.updateStrategy?.type === 'RollingUpdate') {
        const plan = planRollingUpdate(ds, nodes, groupByNode(await this.claimPods(ds)), judge, hash, this.clock.now());
        await sync.syncNodes(plan.podsToDelete, plan.nodesToCreate, hash);
      }
      await cleanupHistory(this.history, ds, old, await this.claimPods(ds));
    } catch (err) {
      failure = err;
    }
    try {
      await sync.writeStatus(nodes, judge, groupByNode(await this.claimPods(ds)), hash, true);
    } catch (err) {
      if (failure) log.warn({ err }, 'failed to update daemon set status');
      else failure = err;
    }
    if (failure) throw failure;
  }
}

/** Groups daemon pods by the node they are for (getNodesToDaemonPods); pods for no node are skipped. */
function groupByNode(pods: readonly Pod[]): Map<string, Pod[]> {
  const m = new Map<string, Pod[]>();
  for (const p of pods) {
    const n = targetNodeName(p);
    if (!n) continue;
    const list = m.get(n);
    if (list) list.push(p);
    else m.set(n, [p]);
  }
  return m;
}

function sameVerdict(a: NodeVerdict, b: NodeVerdict): boolean {
  return a.shouldRun === b.shouldRun && a.shouldContinueRunning === b.shouldContinueRunning;
}

/**
 * Whether a node update can change any DaemonSet's verdict: labels, taints, unschedulable or the
 * set of true conditions (upstream's shouldIgnoreNodeUpdate, narrowed to what placement reads), so
 * kubelet heartbeats wake nothing.
 */
export function nodeChangeMatters(old: Node, cur: Node): boolean {
  const trueConditions = (n: Node) =>
    (n.status?.conditions ?? [])
      .filter((c) => c.status === 'True')
      .map((c) => c.type)
      .sort()
      .join(',');
  return (
    JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(cur.metadata?.labels ?? {}) ||
    JSON.stringify(old.spec?.taints ?? []) !== JSON.stringify(cur.spec?.taints ?? []) ||
    !!old.spec?.unschedulable !== !!cur.spec?.unschedulable ||
    trueConditions(old) !== trueConditions(cur)
  );
}
