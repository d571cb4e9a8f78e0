/**
 * The StatefulSet controller, as kube-controller-manager's (pkg/controller/statefulset
 * stateful_set.go + stateful_set_status_updater.go): each sync claims the set's pods (members by
 * name and selector) and ControllerRevisions, runs the update (statefulset-control.ts) and writes
 * the status `kubectl rollout status sts/…` reads, completing a rolling update — currentRevision
 * becomes updateRevision — once every replica is updated and ready. Pod events wake only their
 * owner; a pod turning ready wakes it again after minReadySeconds.
 */
import type { StatefulSetStatus } from 'kubernetes-types/apps/v1.js';
import { matches, selectorFromLabelSelector } from '../../apimachinery/labels.js';
import type { KubeClient } from '../../kubeclient/client.js';
import { isConflict, isNotFound } from '../../kubeclient/errors.js';
import { EventRecorder } from '../../kubeclient/events.js';
import { NAMESPACE_INDEX, type Informer } from '../../kubeclient/informer.js';
import type { KubeObject } from '../../kubeclient/types.js';
import { WorkQueue, type ReconcileResult } from '../../kubeclient/workqueue.js';
import type { Logger } from '../../lib/logger.js';
import { ControllerLoop, LoopingController } from '../../kubeclient/controller-loop.js';
import type { ControllerContext } from '../manager.js';
import { controllerRefOf, isPodReady } from '../pods.js';
import { CONTROLLER_REVISIONS, RevisionHistory, type Revision } from '../history/controller-history.js';
import { claimObjects, indexByController, recheckDeletion, type ClaimOwner } from '../history/controller-ref-manager.js';
import { StatefulPodControl } from './pod-control.js';
import { StatefulSetControl } from './statefulset-control.js';
import { isMemberOf, PODS, PVCS, replicasOf, STATEFULSETS, type ClaimObject, type PodObject, type StatefulSetObject } from './utils.js';

const STATUS_RETRIES = 5;

/** The statefulset controller: `{start, stop, synced}` for the controller manager. */
export class StatefulSetController extends LoopingController {
  private readonly client: KubeClient;
  private readonly log: Logger;
  private readonly setInformer: Informer<StatefulSetObject>;
  private readonly podInformer: Informer<PodObject>;
  private readonly revisionInformer: Informer<Revision>;
  private readonly queue: WorkQueue<string>;
  private readonly history: RevisionHistory;
  private readonly control: StatefulSetControl;
  protected readonly loop: ControllerLoop;

  constructor(ctx: ControllerContext) {
    super();
    this.client = ctx.client;
    this.log = ctx.log;
    this.setInformer = ctx.informers.informer<StatefulSetObject>({ resource: STATEFULSETS });
    this.podInformer = ctx.informers.informer<PodObject>({ resource: PODS });
    this.revisionInformer = ctx.informers.informer<Revision>({ resource: CONTROLLER_REVISIONS });
    const pvcInformer = ctx.informers.informer<ClaimObject>({ resource: PVCS });
    indexByController(this.podInformer);
    indexByController(this.revisionInformer);
    this.queue = new WorkQueue(ctx.clock);
    const recorder = new EventRecorder(ctx.client, ctx.clock, { component: 'statefulset-controller' }, ctx.log);
    this.history = new RevisionHistory(ctx.client, this.revisionInformer);
    const pods = new StatefulPodControl(ctx.client, pvcInformer, this.podInformer, recorder, ctx.log);
    this.control = new StatefulSetControl({ history: this.history, pods, clock: ctx.clock, log: ctx.log });
    this.registerHandlers();
    this.loop = new ControllerLoop([this.setInformer, this.podInformer, this.revisionInformer, pvcInformer], [{ queue: this.queue, reconcile: (k) => this.sync(k) }], this.log);
  }

  private enqueue(set: StatefulSetObject, afterMs = 0): void {
    const key = `${set.metadata!.namespace}/${set.metadata!.name}`;
    if (afterMs > 0) this.queue.addAfter(key, afterMs);
    else this.queue.add(key);
  }

  private resolve(obj: KubeObject): StatefulSetObject | undefined {
    const ref = controllerRefOf(obj);
    if (!ref || ref.kind !== 'StatefulSet') return undefined;
    const set = this.setInformer.get(obj.metadata?.namespace, ref.name);
    return set?.metadata?.uid === ref.uid ? set : undefined;
  }

  /** Sets in the object's namespace selecting it (orphans looking for an owner; getPodStatefulSets). */
  private selecting(obj: KubeObject): StatefulSetObject[] {
    return this.setInformer.byIndex(NAMESPACE_INDEX, obj.metadata?.namespace ?? '').filter((s) => !!s.spec?.selector && matches(selectorFromLabelSelector(s.spec.selector), obj.metadata?.labels));
  }

  private registerHandlers(): void {
    this.setInformer.addEventHandler({ onAdd: (s) => this.enqueue(s), onUpdate: (_o, s) => this.enqueue(s), onDelete: (s) => this.enqueue(s) });
    const wakeOwner = (o: KubeObject) => {
      const set = this.resolve(o);
      if (set) this.enqueue(set);
      else if (!controllerRefOf(o)) for (const s of this.selecting(o)) this.enqueue(s);
    };
    this.revisionInformer.addEventHandler({
      onAdd: wakeOwner,
      onUpdate: (old, cur) => {
        if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
        const prev = this.resolve(old);
        if (prev && controllerRefOf(old)?.uid !== controllerRefOf(cur)?.uid) this.enqueue(prev);
        wakeOwner(cur);
      },
      onDelete: (r) => {
        const set = this.resolve(r);
        if (set) this.enqueue(set);
      },
    });
    this.podInformer.addEventHandler({
      onAdd: wakeOwner,
      onUpdate: (old, cur) => {
        if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
        const prev = this.resolve(old);
        if (prev && controllerRefOf(old)?.uid !== controllerRefOf(cur)?.uid) this.enqueue(prev);
        const set = this.resolve(cur);
        if (set) {
          this.enqueue(set);
          const minReady = set.spec?.minReadySeconds ?? 0;
          if (minReady > 0 && !isPodReady(old) && isPodReady(cur)) this.enqueue(set, (minReady + 1) * 1000);
        } else if (!controllerRefOf(cur) && (JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(cur.metadata?.labels ?? {}) || controllerRefOf(old))) {
          for (const s of this.selecting(cur)) this.enqueue(s);
        }
      },
      onDelete: (p) => {
        const set = this.resolve(p);
        if (set) this.enqueue(set);
      },
    });
  }

  /** One pass over a StatefulSet (sync). */
  private async sync(key: string): Promise<ReconcileResult> {
    const set = this.setInformer.getByKey(key);
    if (!set) return;
    const log = this.log.child({ ns: set.metadata!.namespace, name: set.metadata!.name });
    const owner = (filter?: (o: KubeObject) => boolean): ClaimOwner => ({
      obj: set,
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      selector: selectorFromLabelSelector(set.spec?.selector),
      filter,
      canAdopt: recheckDeletion(this.client, STATEFULSETS, set),
    });
    const revisions = await this.history.claim(owner());
    const pods = await claimObjects(this.client, this.podInformer, PODS, owner((o) => isMemberOf(set, o as PodObject)));
    const { status, error } = await this.control.update(set, pods, revisions);
    await this.writeStatus(set, status);
    if (error) throw error;
    const minReady = set.spec?.minReadySeconds ?? 0;
    if (minReady > 0 && status.readyReplicas !== status.availableReplicas) this.enqueue(set, minReady * 1000);
    log.debug({ replicas: status.replicas, ready: status.readyReplicas, current: status.currentReplicas, updated: status.updatedReplicas }, 'synced statefulset');
  }

  /**
   * Completes a finished rolling update and writes the status when it differs
   * (completeRollingUpdate + inconsistentStatus + UpdateStatefulSetStatus, retried on conflicts).
   */
  private async writeStatus(set: StatefulSetObject, status: StatefulSetStatus): Promise<void> {
    const want = replicasOf(set);
    if (set.spec?.updateStrategy?.type === 'RollingUpdate' && status.updatedReplicas === want && status.readyReplicas === want && status.replicas === want) {
      status.currentReplicas = status.updatedReplicas;
      status.currentRevision = status.updateRevision;
    }
    const s = set.status;
    const fields = ['replicas', 'currentReplicas', 'readyReplicas', 'updatedReplicas', 'availableReplicas', 'currentRevision', 'updateRevision', 'collisionCount'] as const;
    const same = !!s && (status.observedGeneration ?? 0) <= (s.observedGeneration ?? 0) && fields.every((f) => (s[f] ?? 0) === (status[f] ?? 0));
    if (same) return;
    let target = set;
    for (let i = 0; ; i++) {
      try {
        await this.client.update({ ...STATEFULSETS, namespace: set.metadata!.namespace, subresource: 'status' }, { ...target, status: { ...target.status, ...status } });
        return;
      } catch (err) {
        if (isNotFound(err)) return;
        if (!isConflict(err) || i >= STATUS_RETRIES) throw err;
        target = await this.client.get<StatefulSetObject>({ ...STATEFULSETS, namespace: set.metadata!.namespace, name: set.metadata!.name! });
      }
    }
  }
}
