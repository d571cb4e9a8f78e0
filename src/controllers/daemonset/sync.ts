/**
 * The writes of one DaemonSet sync, as upstream's manage / podsShouldBeOnNode / syncNodes /
 * updateDaemonSetStatus: which nodes need a pod and which pods must go, creating them in
 * slow-start batches (1, 2, 4 … at most 250 per sync) under expectations, with the
 * SuccessfulCreate / SuccessfulDelete / FailedCreate / FailedDelete / FailedDaemonPod events
 * upstream records, and the status `kubectl rollout status` reads.
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { KubeClient } from '../../kubeclient/client.js';
import { isConflict, isNotFound } from '../../kubeclient/errors.js';
import type { EventRecorder } from '../../kubeclient/events.js';
import type { KubeObject, ResourceRef } from '../../kubeclient/types.js';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { Expectations } from '../expectations.js';
import { isPodAvailable, isPodReady, newControllerRef, podFromTemplate } from '../pods.js';
import type { FailedPodBackoff } from './failed-pod-backoff.js';
import { CONTROLLER_REVISION_HASH_POD_LABEL, daemonPodTemplate, pinToNode, type NodeVerdict } from './placement.js';
import { DAEMONSETS, type DaemonSetObject } from './revisions.js';
import { allowsSurge, isPodUpdated, templateGeneration } from './rolling-update.js';

/** Creations or deletions one sync may issue (BurstReplicas). */
export const BURST_REPLICAS = 250;
const PODS: ResourceRef = { group: '', version: 'v1', resource: 'pods' };

export interface DaemonSetSyncDeps {
  client: KubeClient;
  clock: Clock;
  log: Logger;
  recorder: EventRecorder;
  expectations: Expectations;
  backoff: FailedPodBackoff;
  key: string;
  ds: DaemonSetObject;
  /** Syncs the DaemonSet again after `ms`. */
  requeue(ms: number): void;
}

/** Scheduled pods first, then oldest, then by name (podByCreationTimestampAndPhase). */
function byAge(a: Pod, b: Pod): number {
  const sa = !!a.spec?.nodeName;
  const sb = !!b.spec?.nodeName;
  if (sa !== sb) return sa ? -1 : 1;
  const ta = a.metadata?.creationTimestamp ?? '';
  const tb = b.metadata?.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  const na = a.metadata?.name ?? '';
  const nb = b.metadata?.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
}

export class DaemonSetSync {
  constructor(private readonly d: DaemonSetSyncDeps) {}

  /** Creates and deletes pods so each eligible node has one (manage). */
  async manage(nodes: readonly Node[], judge: (n: Node) => NodeVerdict, nodeToPods: Map<string, Pod[]>, hash: string): Promise<void> {
    const create: string[] = [];
    const remove: string[] = [];
    const existing = new Set<string>();
    for (const node of nodes) {
      const name = node.metadata!.name!;
      existing.add(name);
      this.podsShouldBeOnNode(node, judge(node), nodeToPods.get(name), hash, create, remove);
    }
    // Pods pinned to nodes that no longer exist never get scheduled and nothing else deletes them.
    for (const [name, pods] of nodeToPods) {
      if (existing.has(name)) continue;
      for (const p of pods) if (!p.spec?.nodeName) remove.push(p.metadata!.name!);
    }
    await this.syncNodes(remove, create, hash);
  }

  private podsShouldBeOnNode(node: Node, v: NodeVerdict, pods: Pod[] | undefined, hash: string, create: string[], remove: string[]): void {
    const { ds } = this.d;
    const nodeName = node.metadata!.name!;
    if (v.shouldRun && !pods) {
      create.push(nodeName);
      return;
    }
    if (!pods) return;
    if (!v.shouldContinueRunning) {
      for (const p of pods) if (!p.metadata?.deletionTimestamp) remove.push(p.metadata!.name!);
      return;
    }
    const running: Pod[] = [];
    for (const p of pods) {
      if (p.metadata?.deletionTimestamp) continue;
      const phase = p.status?.phase;
      if (phase === 'Failed') {
        const key = `${ds.metadata!.uid}/${ds.status?.observedGeneration ?? 0}/${nodeName}`;
        if (this.d.backoff.inBackoff(key)) {
          this.d.log.debug({ pod: p.metadata!.name, node: nodeName, delayMs: this.d.backoff.delayMs(key) }, 'deleting failed pod on node is limited by backoff');
          this.d.requeue(this.d.backoff.delayMs(key));
          continue;
        }
        this.d.backoff.next(key);
        void this.d.recorder.event(ds, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${p.metadata!.namespace}/${p.metadata!.name} on node ${nodeName}, will try to kill it`);
        remove.push(p.metadata!.name!);
      } else if (phase === 'Succeeded') {
        void this.d.recorder.event(ds, 'Normal', 'SucceededDaemonPod', `Found succeeded daemon pod ${p.metadata!.namespace}/${p.metadata!.name} on node ${nodeName}, will try to delete it`);
        remove.push(p.metadata!.name!);
      } else running.push(p);
    }
    running.sort(byAge);
    if (!allowsSurge(ds)) {
      for (const p of running.slice(1)) remove.push(p.metadata!.name!);
      return;
    }
    if (running.length <= 1) {
      if (running.length === 0 && v.shouldRun) create.push(nodeName);
      return;
    }
    // Surging: keep the oldest new and oldest old pod; the old one goes once the new one is available.
    let oldestNew: Pod | undefined;
    let oldestOld: Pod | undefined;
    for (const p of running) {
      if (p.metadata?.labels?.[CONTROLLER_REVISION_HASH_POD_LABEL] === hash) {
        if (!oldestNew) {
          oldestNew = p;
          continue;
        }
      } else if (!oldestOld) {
        oldestOld = p;
        continue;
      }
      remove.push(p.metadata!.name!);
    }
    if (oldestNew && oldestOld && (!isPodReady(oldestOld) || isPodAvailable(oldestNew, ds.spec?.minReadySeconds ?? 0, this.d.clock.now()))) remove.push(oldestOld.metadata!.name!);
  }

  /** Deletes `podsToDelete` and creates a pod for each of `nodesNeedingPods` under expectations (syncNodes). */
  async syncNodes(podsToDelete: readonly string[], nodesNeedingPods: readonly string[], hash: string): Promise<void> {
    const { ds, key, expectations, client, recorder } = this.d;
    const createDiff = Math.min(nodesNeedingPods.length, BURST_REPLICAS);
    const deleteDiff = Math.min(podsToDelete.length, BURST_REPLICAS);
    if (createDiff === 0 && deleteDiff === 0) return;
    expectations.expect(key, createDiff, deleteDiff);
    const errors: Error[] = [];
    const template = daemonPodTemplate(ds.spec!.template, templateGeneration(ds), hash);
    const ref = newControllerRef(ds, 'apps/v1', 'DaemonSet');
    const podsRef = { ...PODS, namespace: ds.metadata!.namespace };
    for (let pos = 0, batch = Math.min(createDiff, 1); pos < createDiff; pos += batch, batch = Math.min(2 * batch, createDiff - pos)) {
      const before = errors.length;
      await Promise.all(
        nodesNeedingPods.slice(pos, pos + batch).map(async (nodeName) => {
          const pod = podFromTemplate(template, ds, ref);
          pod.spec!.affinity = pinToNode(pod.spec!.affinity, nodeName);
          try {
            const created = await client.create(podsRef, pod as KubeObject);
            void recorder.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name}`);
          } catch (err) {
            expectations.creationObserved(key);
            void recorder.event(ds, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`);
            errors.push(err as Error);
          }
        }),
      );
      const skipped = createDiff - (pos + batch);
      if (errors.length > before && skipped > 0) {
        // Slow start: the rest would likely fail the same way; they are not expected any more.
        for (let i = 0; i < skipped; i++) expectations.creationObserved(key);
        break;
      }
    }
    await Promise.all(
      podsToDelete.slice(0, deleteDiff).map(async (name) => {
        try {
          await client.delete({ ...podsRef, name });
          void recorder.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
        } catch (err) {
          expectations.deletionObserved(key);
          if (isNotFound(err)) return;
          void recorder.event(ds, 'Warning', 'FailedDelete', `Error deleting: ${(err as Error).message}`);
          errors.push(err as Error);
        }
      }),
    );
    if (errors.length) throw new AggregateError(errors, errors.map((e) => e.message).join('; '));
  }

  /**
   * Counts pods against eligible nodes and writes the status when it changed (updateDaemonSetStatus
   * + storeDaemonSetStatus); observedGeneration only when this sync acted on the spec.
   */
  async writeStatus(nodes: readonly Node[], judge: (n: Node) => NodeVerdict, nodeToPods: Map<string, Pod[]>, hash: string, updateObservedGen: boolean): Promise<void> {
    const { ds, clock } = this.d;
    const now = clock.now();
    const minReady = ds.spec?.minReadySeconds ?? 0;
    const generation = templateGeneration(ds);
    let desired = 0;
    let current = 0;
    let misscheduled = 0;
    let ready = 0;
    let updated = 0;
    let available = 0;
    for (const node of nodes) {
      const pods = nodeToPods.get(node.metadata!.name!);
      const scheduled = !!pods?.length;
      if (!judge(node).shouldRun) {
        if (scheduled) misscheduled++;
        continue;
      }
      desired++;
      if (!scheduled) continue;
      current++;
      const pod = [...pods].sort(byAge)[0]!;
      if (isPodReady(pod)) {
        ready++;
        if (isPodAvailable(pod, minReady, now)) available++;
      }
      if (isPodUpdated(pod, hash, generation)) updated++;
    }
    const status = {
      desiredNumberScheduled: desired,
      currentNumberScheduled: current,
      numberMisscheduled: misscheduled,
      numberReady: ready,
      updatedNumberScheduled: updated,
      numberAvailable: available,
      numberUnavailable: desired - available,
    };
    const s = ds.status ?? { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 };
    const same = (Object.keys(status) as (keyof typeof status)[]).every((k) => (s[k] ?? 0) === status[k]);
    const generationSeen = (s.observedGeneration ?? 0) >= (ds.metadata?.generation ?? 0);
    if (!(same && generationSeen)) await this.storeStatus(status, updateObservedGen);
    if (minReady > 0 && ready !== available) this.d.requeue(minReady * 1000);
  }

  private async storeStatus(status: object, updateObservedGen: boolean): Promise<void> {
    const { client, ds } = this.d;
    const ref = { ...DAEMONSETS, namespace: ds.metadata!.namespace, subresource: 'status' };
    let target: DaemonSetObject = ds;
    for (let attempt = 0; ; attempt++) {
      const body: DaemonSetObject = { ...target, status: { ...target.status!, ...status } };
      if (updateObservedGen) body.status!.observedGeneration = ds.metadata?.generation;
      try {
        await client.update(ref, body);
        return;
      } catch (err) {
        // One retry from a fresh read (StatusUpdateRetries); later failures requeue the DaemonSet.
        if (attempt >= 1 || !isConflict(err)) throw err;
        target = await client.get<DaemonSetObject>({ ...DAEMONSETS, namespace: ds.metadata!.namespace, name: ds.metadata!.name! });
      }
    }
  }
}
