/**
 * The ReplicaSet controller, as kube-controller-manager's (pkg/controller/replicaset): it keeps
 * `spec.replicas` active pods for every ReplicaSet. Each sync claims pods by selector (claim.ts),
 * creates missing pods from the template in slow-start batches or deletes surplus ones in the
 * order pod-ranking.ts gives, at most `burstReplicas` per sync, and writes status (status.ts).
 * Expectations keep it from acting twice on an owner before the pod informer has seen its last
 * creations and deletions. Pods are found through the controller-uid and orphan indexes, never by
 * scanning the cluster's pods, and a pod update re-queues its ReplicaSet only when it can change
 * the sync's outcome (pod-changes.ts), not for every kubelet status write.
 */
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { isEmpty, matches, selectorFromLabelSelector, type LabelSelector } from '../../apimachinery/labels.js';
import type { Logger } from '../../lib/logger.js';
import { isConflict, isNotFound, KubeApiError } from '../../kubeclient/errors.js';
import { EventRecorder } from '../../kubeclient/events.js';
import { NAMESPACE_INDEX, type Informer } from '../../kubeclient/informer.js';
import { objectKey, type KubeObject } from '../../kubeclient/types.js';
import { WorkQueue, type ReconcileResult } from '../../kubeclient/workqueue.js';
import { Expectations } from '../expectations.js';
import { ControllerLoop, LoopingController } from '../../kubeclient/controller-loop.js';
import type { Controller, ControllerContext } from '../manager.js';
import { controllerRefOf, isPodActive, newControllerRef, podFromTemplate } from '../pods.js';
import { claimObjects } from './claim.js';
import { addOwnerIndexes, CONTROLLER_UID_INDEX, ownedAndOrphans } from './owner-indexes.js';
import { podChangeMatters } from './pod-changes.js';
import { PodScans } from './pod-scans.js';
import { podsToDelete } from './pod-ranking.js';
import { slowStartBatch } from './slow-start.js';
import { calculateStatus, countPods, nextAvailableInMs, statusChanged, type PodCounts } from './status.js';

/** The informer resources both workload controllers read. */
export const PODS = { group: '', version: 'v1', resource: 'pods' } as const;
export const REPLICA_SETS = { group: 'apps', version: 'v1', resource: 'replicasets' } as const;

/** Tuning; defaults are kube-controller-manager's. */
export interface ReplicaSetControllerOptions {
  /** Most pods created or deleted per sync (upstream BurstReplicas, 500). */
  burstReplicas?: number;
  /** Concurrent syncs (--concurrent-replicaset-syncs, 5). */
  workers?: number;
}

/** The `replicaset` controller: `{start, stop, synced}` over the shared pod and ReplicaSet informers. */
export class ReplicaSetController extends LoopingController implements Controller {
  private readonly rsInformer: Informer<ReplicaSet & KubeObject>;
  private readonly podInformer: Informer<Pod & KubeObject>;
  private readonly queue: WorkQueue<string>;
  private readonly expectations: Expectations;
  /** Pods (ns/name) each ReplicaSet deleted and has not yet seen go (UIDTrackingControllerExpectations). */
  private readonly pendingDeletes = new Map<string, Set<string>>();
  /** Each ReplicaSet's kept claim, caught up from the pods events touched. */
  private readonly scans: PodScans;
  private readonly recorder: EventRecorder;
  protected readonly loop: ControllerLoop;
  private readonly log: Logger;
  private readonly burst: number;

  constructor(
    private readonly ctx: ControllerContext,
    opts: ReplicaSetControllerOptions = {},
  ) {
    super();
    this.log = ctx.log;
    this.burst = opts.burstReplicas ?? 500;
    this.queue = new WorkQueue(ctx.clock);
    this.expectations = new Expectations(ctx.clock);
    this.recorder = new EventRecorder(ctx.client, ctx.clock, { component: 'replicaset-controller' }, ctx.log);
    this.rsInformer = ctx.informers.informer<ReplicaSet & KubeObject>({ resource: REPLICA_SETS });
    this.podInformer = ctx.informers.informer<Pod & KubeObject>({ resource: PODS });
    addOwnerIndexes(this.rsInformer);
    addOwnerIndexes(this.podInformer);
    this.scans = new PodScans(this.podInformer);
    this.rsInformer.addEventHandler({
      onAdd: (rs) => this.enqueue(rs),
      onUpdate: (_old, rs) => this.enqueue(rs),
      onDelete: (rs) => {
        this.expectations.delete(objectKey(rs));
        this.pendingDeletes.delete(objectKey(rs));
        this.scans.forget(objectKey(rs));
        this.enqueue(rs);
      },
    });
    this.podInformer.addEventHandler({
      onAdd: (pod) => this.podAdded(pod),
      onUpdate: (old, pod) => this.podUpdated(old, pod),
      onDelete: (pod) => this.podDeleted(pod),
    });
    this.loop = new ControllerLoop([this.rsInformer, this.podInformer], [{ queue: this.queue, reconcile: (k) => this.reconcile(k) }], this.log, opts.workers ?? 5);
  }

  /** One syncReplicaSet pass over `ns/name`. */
  async reconcile(key: string): Promise<ReconcileResult> {
    const rs = this.rsInformer.getByKey(key);
    if (!rs) {
      this.expectations.delete(key);
      this.pendingDeletes.delete(key);
      this.scans.forget(key);
      return;
    }
    const needsSync = this.expectations.satisfied(key);
    let selector: LabelSelector;
    try {
      selector = selectorFromLabelSelector(rs.spec?.selector);
    } catch (err) {
      this.log.warn({ err, ns: rs.metadata?.namespace, name: rs.metadata?.name }, 'invalid selector; not syncing');
      return;
    }
    const kept = this.scans.claimed(key, rs, selector);
    let pods: () => (Pod & KubeObject)[];
    let counts: PodCounts | undefined;
    if (kept) ({ pods, counts } = kept);
    else {
      const claimed = await claimObjects<Pod & KubeObject>(
        { client: this.ctx.client, owner: rs, ownerApiVersion: 'apps/v1', ownerKind: 'ReplicaSet', resource: PODS, ownerResource: REPLICA_SETS, matches: (p) => matches(selector, p.metadata?.labels) },
        ownedAndOrphans(this.podInformer, rs).filter(isPodActive),
      );
      pods = () => claimed;
    }
    let manageError: Error | undefined;
    if (needsSync && !rs.metadata?.deletionTimestamp) manageError = await this.manageReplicas(key, rs, counts?.replicas ?? pods().length, pods).then(() => undefined, (e: Error) => e);
    const now = this.ctx.clock.now();
    counts ??= countPods(rs, pods(), now);
    const status = calculateStatus(rs, counts, manageError, now);
    if (statusChanged(rs, status)) await this.writeStatus(rs, { ...status, observedGeneration: rs.metadata?.generation });
    if (manageError) throw manageError;
    const wait = nextAvailableInMs(pods(), rs.spec?.minReadySeconds ?? 0, now);
    return wait === undefined ? undefined : { requeueAfterMs: wait };
  }

  /** Creates or deletes pods toward spec.replicas (upstream manageReplicas). */
  private async manageReplicas(key: string, rs: ReplicaSet & KubeObject, active: number, pods: () => (Pod & KubeObject)[]): Promise<void> {
    const diff = active - (rs.spec?.replicas ?? 1);
    if (diff < 0) {
      const n = Math.min(-diff, this.burst);
      this.expectations.expect(key, n, 0);
      const ref = newControllerRef(rs, 'apps/v1', 'ReplicaSet') as OwnerReference;
      const { successes, error } = await slowStartBatch(n, 1, () => this.createPod(rs, ref));
      for (let i = successes; i < n; i++) this.expectations.creationObserved(key);
      if (error) throw error;
    } else if (diff > 0) {
      const n = Math.min(diff, this.burst);
      const victims = podsToDelete(pods(), this.relatedPods(rs), n, this.ctx.clock.now()) as (Pod & KubeObject)[];
      this.pendingDeletes.set(key, new Set(victims.map((p) => objectKey(p))));
      this.expectations.expect(key, 0, victims.length);
      const errors: Error[] = [];
      await Promise.all(victims.map(async (p) => {
        try {
          await this.ctx.client.delete({ ...PODS, namespace: p.metadata!.namespace, name: p.metadata!.name });
          void this.recorder.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata!.name}`);
        } catch (err) {
          this.deletionObserved(key, objectKey(p));
          if (isNotFound(err)) return;
          void this.recorder.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${(err as Error).message}`);
          errors.push(err as Error);
        }
      }));
      if (errors.length) throw errors[0]!;
    }
  }

  /** podControl.CreatePods: one pod from the template, with its SuccessfulCreate / FailedCreate event. */
  private async createPod(rs: ReplicaSet & KubeObject, ref: OwnerReference): Promise<void> {
    const pod = podFromTemplate(rs.spec!.template!, rs, ref);
    try {
      const created = await this.ctx.client.create<Pod & KubeObject>({ ...PODS, namespace: rs.metadata!.namespace }, pod as Pod & KubeObject);
      void this.recorder.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata!.name}`);
    } catch (err) {
      // The namespace is going away with everything in it: nothing to create, nothing to report.
      if (err instanceof KubeApiError && err.status?.details?.causes?.some((c) => c.reason === 'NamespaceTerminating')) return;
      void this.recorder.event(rs, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`);
      throw err;
    }
  }

  /** Active pods of the ReplicaSets sharing `rs`'s controller (getIndirectlyRelatedPods). */
  private relatedPods(rs: ReplicaSet & KubeObject): Pod[] {
    const owner = controllerRefOf(rs);
    if (!owner) return [];
    const out: Pod[] = [];
    for (const sibling of this.rsInformer.byIndex(CONTROLLER_UID_INDEX, owner.uid)) {
      for (const p of this.podInformer.byIndex(CONTROLLER_UID_INDEX, sibling.metadata!.uid!)) if (isPodActive(p)) out.push(p);
    }
    return out;
  }

  /** updateReplicaSetStatus: one write through /status, retried once on a conflict with a fresh read. */
  private async writeStatus(rs: ReplicaSet & KubeObject, status: NonNullable<ReplicaSet['status']>): Promise<void> {
    const ref = { ...REPLICA_SETS, namespace: rs.metadata!.namespace, name: rs.metadata!.name, subresource: 'status' };
    try {
      await this.ctx.client.update(ref, { ...rs, status });
    } catch (err) {
      if (isNotFound(err)) return;
      if (!isConflict(err)) throw err;
      const fresh = await this.ctx.client.get<ReplicaSet & KubeObject>({ ...ref, subresource: undefined });
      await this.ctx.client.update(ref, { ...fresh, status: { ...status, observedGeneration: rs.metadata?.generation } });
    }
  }

  private enqueue(rs: KubeObject): void {
    this.queue.add(objectKey(rs));
  }

  /** The ReplicaSet a controller reference names, if it is the one in the cache (same uid). */
  private resolve(ns: string | undefined, ref: OwnerReference | undefined): (ReplicaSet & KubeObject) | undefined {
    if (!ref || ref.kind !== 'ReplicaSet') return undefined;
    const rs = this.rsInformer.get(ns, ref.name);
    return rs?.metadata?.uid === ref.uid ? rs : undefined;
  }

  /** ReplicaSets of the pod's namespace whose (non-empty) selector matches it (GetPodReplicaSets). */
  private enqueueMatching(pod: Pod & KubeObject): void {
    for (const rs of this.rsInformer.byIndex(NAMESPACE_INDEX, pod.metadata!.namespace!)) {
      let sel: LabelSelector;
      try {
        sel = selectorFromLabelSelector(rs.spec?.selector);
      } catch {
        continue;
      }
      if (!isEmpty(sel) && matches(sel, pod.metadata?.labels)) {
        this.scans.touch(objectKey(rs), objectKey(pod));
        this.enqueue(rs);
      }
    }
  }

  private podAdded(pod: Pod & KubeObject): void {
    if (pod.metadata?.deletionTimestamp) return this.podDeleted(pod);
    const ref = controllerRefOf(pod);
    if (ref) {
      const rs = this.resolve(pod.metadata?.namespace, ref as OwnerReference);
      if (!rs) return;
      this.scans.touch(objectKey(rs), objectKey(pod));
      this.expectations.creationObserved(objectKey(rs));
      this.enqueue(rs);
      return;
    }
    this.enqueueMatching(pod);
  }

  private podUpdated(old: Pod & KubeObject, pod: Pod & KubeObject): void {
    if (old.metadata?.resourceVersion === pod.metadata?.resourceVersion) return;
    const labelsChanged = JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(pod.metadata?.labels ?? {});
    if (pod.metadata?.deletionTimestamp) {
      this.podDeleted(pod);
      if (labelsChanged) this.podDeleted(old);
      return;
    }
    const cur = controllerRefOf(pod) as OwnerReference | undefined;
    const prev = controllerRefOf(old) as OwnerReference | undefined;
    const refChanged = cur?.uid !== prev?.uid;
    if (refChanged && prev) {
      const rs = this.resolve(old.metadata?.namespace, prev);
      if (rs) {
        this.scans.touch(objectKey(rs), objectKey(pod));
        this.enqueue(rs);
      }
    }
    if (cur) {
      const rs = this.resolve(pod.metadata?.namespace, cur);
      if (!rs) return;
      // Caught up at the next sync even when nothing it counts changed (then no sync is queued).
      this.scans.touch(objectKey(rs), objectKey(pod));
      if (podChangeMatters(old, pod)) this.enqueue(rs);
      return;
    }
    if (labelsChanged || refChanged) this.enqueueMatching(pod);
  }

  private podDeleted(pod: Pod & KubeObject): void {
    const rs = this.resolve(pod.metadata?.namespace, controllerRefOf(pod) as OwnerReference | undefined);
    if (!rs) return;
    this.scans.touch(objectKey(rs), objectKey(pod));
    this.deletionObserved(objectKey(rs), objectKey(pod));
    this.enqueue(rs);
  }

  /** Lowers the deletion expectation once per pod we deleted, however many events report it. */
  private deletionObserved(rsKey: string, podKey: string): void {
    if (this.pendingDeletes.get(rsKey)?.delete(podKey)) this.expectations.deletionObserved(rsKey);
  }
}
