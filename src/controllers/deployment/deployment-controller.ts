/**
 * The Deployment controller, as kube-controller-manager's (pkg/controller/deployment): for each
 * Deployment it claims ReplicaSets by selector, then, as syncDeployment does, only reports status
 * while the Deployment is being deleted, records the paused / resumed Progressing condition,
 * scales without rolling out while paused or when only spec.replicas changed (a scaling event),
 * and otherwise rolls out with the RollingUpdate or Recreate strategy (rollout.ts). Rollback is
 * kubectl's business (it writes an old template back); finding that template's ReplicaSet makes it
 * the new one again with the next revision. Events are recorded as `deployment-controller`.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { isEmpty, matches, selectorFromLabelSelector, type LabelSelector } from '../../apimachinery/labels.js';
import type { Logger } from '../../lib/logger.js';
import { EventRecorder } from '../../kubeclient/events.js';
import { NAMESPACE_INDEX, type Informer } from '../../kubeclient/informer.js';
import { objectKey, type KubeObject } from '../../kubeclient/types.js';
import { WorkQueue, type ReconcileResult } from '../../kubeclient/workqueue.js';
import { ControllerLoop, LoopingController } from '../../kubeclient/controller-loop.js';
import type { Controller, ControllerContext } from '../manager.js';
import { controllerRefOf } from '../pods.js';
import { claimObjects } from '../replicaset/claim.js';
import { addOwnerIndexes, CONTROLLER_UID_INDEX, ownedAndOrphans } from '../replicaset/owner-indexes.js';
import { PODS, REPLICA_SETS } from '../replicaset/replicaset-controller.js';
import { getCondition, hasProgressDeadline, newCondition, REASONS, setCondition } from './conditions.js';
import type { Dep, RS } from './replicas.js';
import { rolloutRecreate, rolloutRolling, type Wake } from './rollout.js';
import { DEPLOYMENTS, DeploymentSyncer } from './sync.js';

/** Tuning; the default is kube-controller-manager's --concurrent-deployment-syncs. */
export interface DeploymentControllerOptions {
  workers?: number;
}

/** The `deployment` controller: `{start, stop, synced}` over the shared deployment, ReplicaSet and pod informers. */
export class DeploymentController extends LoopingController implements Controller {
  private readonly dInformer: Informer<Dep>;
  private readonly rsInformer: Informer<RS>;
  private readonly podInformer: Informer<Pod & KubeObject>;
  private readonly queue: WorkQueue<string>;
  private readonly syncer: DeploymentSyncer;
  protected readonly loop: ControllerLoop;
  private readonly log: Logger;

  constructor(
    private readonly ctx: ControllerContext,
    opts: DeploymentControllerOptions = {},
  ) {
    super();
    this.log = ctx.log;
    this.queue = new WorkQueue(ctx.clock);
    this.dInformer = ctx.informers.informer<Dep>({ resource: DEPLOYMENTS });
    this.rsInformer = ctx.informers.informer<RS>({ resource: REPLICA_SETS });
    this.podInformer = ctx.informers.informer<Pod & KubeObject>({ resource: PODS });
    addOwnerIndexes(this.rsInformer);
    addOwnerIndexes(this.podInformer);
    const recorder = new EventRecorder(ctx.client, ctx.clock, { component: 'deployment-controller' }, ctx.log);
    this.syncer = new DeploymentSyncer(ctx.client, ctx.clock, recorder, ctx.log);
    this.dInformer.addEventHandler({ onAdd: (d) => this.enqueue(d), onUpdate: (_o, d) => this.enqueue(d), onDelete: (d) => this.enqueue(d) });
    this.rsInformer.addEventHandler({
      onAdd: (rs) => (rs.metadata?.deletionTimestamp ? this.rsDeleted(rs) : this.rsAdded(rs)),
      onUpdate: (old, rs) => this.rsUpdated(old, rs),
      onDelete: (rs) => this.rsDeleted(rs),
    });
    this.podInformer.addEventHandler({ onDelete: (pod) => this.podDeleted(pod) });
    this.loop = new ControllerLoop([this.dInformer, this.rsInformer, this.podInformer], [{ queue: this.queue, reconcile: (k) => this.reconcile(k) }], this.log, opts.workers ?? 5);
  }

  /** syncDeployment for `ns/name`. */
  async reconcile(key: string): Promise<ReconcileResult> {
    const cached = this.dInformer.getByKey(key);
    if (!cached) return;
    const d = structuredClone(cached);
    const s = this.syncer;
    const selectorSpec = d.spec?.selector;
    if (selectorSpec && !selectorSpec.matchLabels && !selectorSpec.matchExpressions?.length) {
      void s.recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < (d.metadata?.generation ?? 0)) {
        d.status = { ...d.status, observedGeneration: d.metadata?.generation };
        await s.updateStatus(d);
      }
      return;
    }
    let selector: LabelSelector;
    try {
      selector = selectorFromLabelSelector(selectorSpec);
    } catch (err) {
      this.log.warn({ err, ns: d.metadata?.namespace, name: d.metadata?.name }, 'invalid selector; not syncing');
      return;
    }
    const rsList = await claimObjects<RS>(
      { client: this.ctx.client, owner: d, ownerApiVersion: 'apps/v1', ownerKind: 'Deployment', resource: REPLICA_SETS, ownerResource: DEPLOYMENTS, matches: (rs) => matches(selector, rs.metadata?.labels) },
      ownedAndOrphans(this.rsInformer, d),
    );
    if (d.metadata?.deletionTimestamp) {
      const { newRS, oldRSs } = await s.replicaSetsAndSyncRevision(d, rsList, false);
      await s.syncStatus([...oldRSs, newRS], newRS, d);
      return;
    }
    await this.checkPausedConditions(d);
    if (d.spec?.paused) return this.scaleOnly(d, rsList);
    if (s.isScalingEvent(d, await s.replicaSetsAndSyncRevision(d, rsList, false))) return this.scaleOnly(d, rsList);
    const wake: Wake = d.spec?.strategy?.type === 'Recreate' ? await rolloutRecreate(s, d, rsList, this.podsByReplicaSet(rsList)) : await rolloutRolling(s, d, rsList);
    return wake ? { requeueAfterMs: wake.afterMs } : undefined;
  }

  /** sync: scale (proportionally) and report, without rolling out; a paused Deployment also cleans up history. */
  private async scaleOnly(d: Dep, rsList: RS[]): Promise<void> {
    const s = this.syncer;
    const { newRS, oldRSs } = await s.replicaSetsAndSyncRevision(d, rsList, false);
    await s.scale(d, newRS, oldRSs);
    if (d.spec?.paused) await s.cleanup(oldRSs, d);
    await s.syncStatus([...oldRSs, newRS], newRS, d);
  }

  /**
   * checkPausedConditions: Progressing becomes Unknown/DeploymentPaused when paused and
   * Unknown/DeploymentResumed when resumed, so time spent paused never counts toward the deadline.
   */
  private async checkPausedConditions(d: Dep): Promise<void> {
    if (!hasProgressDeadline(d)) return;
    const cond = getCondition(d.status, 'Progressing');
    if (cond?.reason === REASONS.timedOut) return;
    const pausedShown = cond?.reason === REASONS.paused;
    const now = this.ctx.clock.now();
    if (d.spec?.paused && !pausedShown) setCondition((d.status ??= {}), newCondition('Progressing', 'Unknown', REASONS.paused, 'Deployment is paused', now));
    else if (!d.spec?.paused && pausedShown) setCondition((d.status ??= {}), newCondition('Progressing', 'Unknown', REASONS.resumed, 'Deployment is resumed', now));
    else return;
    await this.syncer.updateStatus(d);
  }

  /** getPodMapForDeployment: every pod (terminal ones too) of each ReplicaSet, by ReplicaSet uid. */
  private podsByReplicaSet(rsList: readonly RS[]): Map<string, Pod[]> {
    const out = new Map<string, Pod[]>();
    for (const rs of rsList) out.set(rs.metadata!.uid!, this.podInformer.byIndex(CONTROLLER_UID_INDEX, rs.metadata!.uid!));
    return out;
  }

  private enqueue(d: KubeObject): void {
    this.queue.add(objectKey(d));
  }

  private resolve(ns: string | undefined, ref: OwnerReference | undefined): Dep | undefined {
    if (!ref || ref.kind !== 'Deployment') return undefined;
    const d = this.dInformer.get(ns, ref.name);
    return d?.metadata?.uid === ref.uid ? d : undefined;
  }

  /** getDeploymentsForReplicaSet: Deployments of the namespace whose non-empty selector matches an orphan. */
  private enqueueMatching(rs: RS): void {
    for (const d of this.dInformer.byIndex(NAMESPACE_INDEX, rs.metadata!.namespace!)) {
      let sel: LabelSelector;
      try {
        sel = selectorFromLabelSelector(d.spec?.selector);
      } catch {
        continue;
      }
      if (!isEmpty(sel) && matches(sel, rs.metadata?.labels)) this.enqueue(d);
    }
  }

  private rsAdded(rs: RS): void {
    const ref = controllerRefOf(rs) as OwnerReference | undefined;
    if (ref) {
      const d = this.resolve(rs.metadata?.namespace, ref);
      if (d) this.enqueue(d);
      return;
    }
    this.enqueueMatching(rs);
  }

  private rsUpdated(old: RS, rs: RS): void {
    if (old.metadata?.resourceVersion === rs.metadata?.resourceVersion) return;
    const cur = controllerRefOf(rs) as OwnerReference | undefined;
    const prev = controllerRefOf(old) as OwnerReference | undefined;
    const refChanged = cur?.uid !== prev?.uid;
    if (refChanged && prev) {
      const d = this.resolve(old.metadata?.namespace, prev);
      if (d) this.enqueue(d);
    }
    if (cur) {
      const d = this.resolve(rs.metadata?.namespace, cur);
      if (d) this.enqueue(d);
      return;
    }
    const labelsChanged = JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(rs.metadata?.labels ?? {});
    if (labelsChanged || refChanged) this.enqueueMatching(rs);
  }

  private rsDeleted(rs: RS): void {
    const d = this.resolve(rs.metadata?.namespace, controllerRefOf(rs) as OwnerReference | undefined);
    if (d) this.enqueue(d);
  }

  /** A Recreate rollout waits for the old pods to go: wake it when the Deployment has none left. */
  private podDeleted(pod: Pod & KubeObject): void {
    const ref = controllerRefOf(pod);
    if (ref?.kind !== 'ReplicaSet') return;
    const rs = this.rsInformer.get(pod.metadata?.namespace, ref.name);
    const d = rs && this.resolve(rs.metadata?.namespace, controllerRefOf(rs) as OwnerReference | undefined);
    if (d?.spec?.strategy?.type !== 'Recreate') return;
    const remaining = this.rsInformer.byIndex(CONTROLLER_UID_INDEX, d.metadata!.uid!).some((x) => this.podInformer.byIndex(CONTROLLER_UID_INDEX, x.metadata!.uid!).length > 0);
    if (!remaining) this.enqueue(d);
  }
}
