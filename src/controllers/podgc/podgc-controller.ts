/**
 * The pod garbage collector, as kube-controller-manager's `pod-garbage-collector`
 * (pkg/controller/podgc/gc_controller.go), every 20 s of the clock:
 * - orphaned pods — bound to a node that no longer exists (a terminated instance's Node is
 *   deleted) — are marked with a DisruptionTarget condition (reason DeletionByPodGC) and
 *   force-deleted once the node has been missing for the 40 s quarantine, after a live GET
 *   confirms it is gone;
 * - pods being deleted that were never scheduled are force-deleted (no kubelet will);
 * - terminated pods beyond `terminatedPodThreshold` (default 12,500) are deleted oldest first.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { rfc3339 } from '../../lib/clock.js';
import { isNotFound } from '../../kubeclient/errors.js';
import type { Informer } from '../../kubeclient/informer.js';
import type { KubeObject, ResourceRef } from '../../kubeclient/types.js';
import type { Controller, ControllerContext } from '../manager.js';
import { isPodTerminal } from '../pods.js';

const PODS: ResourceRef = { group: '', version: 'v1', resource: 'pods' };
const NODES: ResourceRef = { group: '', version: 'v1', resource: 'nodes' };
const NODE_NAME_INDEX = 'spec.nodeName';

/** Upstream's gcCheckPeriod and quarantineTime. */
const CHECK_PERIOD_MS = 20_000;
const QUARANTINE_MS = 40_000;
const DEFAULT_TERMINATED_THRESHOLD = 12_500;

export class PodGcController implements Controller {
  private readonly pods: Informer<Pod & KubeObject>;
  private readonly nodes: Informer;
  /** Node name → when it was first seen missing while pods were bound to it. */
  private readonly missingSince = new Map<string, number>();
  private cancel: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly terminatedPodThreshold = DEFAULT_TERMINATED_THRESHOLD,
  ) {
    this.pods = ctx.informers.informer<Pod & KubeObject>({ resource: PODS });
    this.pods.addIndexer(NODE_NAME_INDEX, (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []));
    this.nodes = ctx.informers.informer({ resource: NODES });
  }

  get synced(): Promise<void> {
    return Promise.all([this.pods.waitForSync(), this.nodes.waitForSync()]).then(() => undefined);
  }

  start(): void {
    this.pods.start();
    this.nodes.start();
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cancel?.();
    await this.running;
    await Promise.all([this.pods.stop(), this.nodes.stop()]);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.cancel = this.ctx.clock.setTimer(CHECK_PERIOD_MS, () => {
      this.running = this.gc()
        .catch((err) => this.ctx.log.warn({ err }, 'pod gc pass failed'))
        .finally(() => this.schedule());
    });
  }

  /** One pass; exposed for tests that drive it directly. */
  async gc(): Promise<void> {
    if (!this.pods.hasSynced() || !this.nodes.hasSynced()) return;
    await this.gcOrphaned();
    await this.gcUnscheduledTerminating();
    await this.gcTerminated();
  }

  private async gcOrphaned(): Promise<void> {
    const now = this.ctx.clock.now();
    const boundTo = new Set<string>();
    for (const p of this.pods.list()) if (p.spec?.nodeName) boundTo.add(p.spec.nodeName);
    for (const name of [...this.missingSince.keys()]) if (!boundTo.has(name) || this.nodes.get(undefined, name)) this.missingSince.delete(name);
    for (const node of boundTo) {
      if (this.nodes.get(undefined, node)) continue;
      const since = this.missingSince.get(node);
      if (since === undefined) {
        this.missingSince.set(node, now);
        continue;
      }
      if (now - since < QUARANTINE_MS) continue;
      if (await this.nodeExists(node)) continue;
      for (const pod of this.pods.byIndex(NODE_NAME_INDEX, node)) await this.forceDelete(pod, 'PodGC: node no longer exists', true);
      this.missingSince.delete(node);
    }
  }

  private async gcUnscheduledTerminating(): Promise<void> {
    for (const pod of this.pods.list()) if (pod.metadata?.deletionTimestamp && !pod.spec?.nodeName) await this.forceDelete(pod, '', false);
  }

  private async gcTerminated(): Promise<void> {
    if (this.terminatedPodThreshold <= 0) return;
    const terminated = this.pods.list().filter((p) => isPodTerminal(p) && !p.metadata?.deletionTimestamp);
    const excess = terminated.length - this.terminatedPodThreshold;
    if (excess <= 0) return;
    terminated.sort((a, b) => (a.metadata?.creationTimestamp ?? '').localeCompare(b.metadata?.creationTimestamp ?? ''));
    for (const pod of terminated.slice(0, excess)) await this.forceDelete(pod, '', false);
  }

  private async nodeExists(name: string): Promise<boolean> {
    try {
      await this.ctx.client.get({ ...NODES, name });
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  /** Marks the pod (orphans get the DisruptionTarget condition) and deletes it with no grace. */
  private async forceDelete(pod: Pod & KubeObject, message: string, markDisruption: boolean): Promise<void> {
    const ns = pod.metadata!.namespace!;
    const name = pod.metadata!.name!;
    try {
      if (markDisruption && !isPodTerminal(pod)) {
        const condition = { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message, lastTransitionTime: rfc3339(this.ctx.clock.now()) };
        await this.ctx.client.patch({ ...PODS, namespace: ns, name, subresource: 'status' }, { status: { phase: 'Failed', conditions: [condition] } }, 'strategic');
      }
      await this.ctx.client.delete({ ...PODS, namespace: ns, name }, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata!.uid } });
      this.ctx.log.info({ ns, pod: name }, 'pod garbage-collected');
    } catch (err) {
      if (!isNotFound(err)) this.ctx.log.warn({ err, ns, pod: name }, 'pod gc delete failed');
    }
  }
}
