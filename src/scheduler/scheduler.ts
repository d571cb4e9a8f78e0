/**
 * kube-scheduler for one cluster, a client of its API only. Pending pods that name this
 * scheduler (default-scheduler unless spec.schedulerName says otherwise), are not bound, not
 * terminating and have no scheduling gates enter the scheduling queue; one cycle at a time picks
 * a node through the framework's plugins, assumes the pod there in the cache and starts the
 * binding (pods/binding) without waiting for it, so many bindings are in flight while the next
 * pods are scheduled — as kube-scheduler's scheduleOne / bindingCycle split. A pod that fits
 * nowhere gets PodScheduled=False (Unschedulable) and a FailedScheduling event with
 * FitError's message, after preemption had its chance; a bound pod gets a Scheduled event.
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { Clock } from '../lib/clock.js';
import { rfc3339 } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { KubeClient } from '../kubeclient/client.js';
import { isNotFound } from '../kubeclient/errors.js';
import { EventRecorder } from '../kubeclient/events.js';
import type { Informer } from '../kubeclient/informer.js';
import type { SharedInformers } from '../kubeclient/shared-informers.js';
import { Algorithm } from './algorithm.js';
import { SchedulerCache } from './cache.js';
import { fitErrorMessage, statusMessage } from './fit-error.js';
import { Framework } from './framework.js';
import type { Handle } from './handle.js';
import { listerInformers, listersOf, type K, type ListerInformers } from './listers.js';
import { newPodInfo, type PodInfo } from './pod-info.js';
import { SchedulingQueue, type QueuedPodInfo } from './queue.js';
import { buildPlugins } from './registry.js';
import { CycleState, type ActionType, type EventResource } from './types.js';

export interface SchedulerOptions {
  client: KubeClient;
  informers: SharedInformers;
  clock: Clock;
  log: Logger;
  /** The spec.schedulerName this scheduler serves (default 'default-scheduler'). */
  schedulerName?: string;
  /** percentageOfNodesToScore; 0 (default) is adaptive. */
  percentageOfNodesToScore?: number;
}

/** Continuous scheduling yields to I/O after this long, so bindings and watch events get through. */
const SLICE_MS = 20;

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const sameRequests = (a: PodInfo, b: PodInfo): boolean =>
  a.requests.milliCPU === b.requests.milliCPU && a.requests.memory === b.requests.memory && a.requests.ephemeralStorage === b.requests.ephemeralStorage && sameJson([...a.requests.scalar], [...b.requests.scalar]);

export class Scheduler {
  readonly schedulerName: string;
  readonly cache = new SchedulerCache();
  readonly queue: SchedulingQueue;
  readonly framework: Framework;
  private readonly algorithm: Algorithm;
  private readonly pods: Informer<K<Pod>>;
  private readonly nodes: Informer<K<Node>>;
  private readonly others: ListerInformers;
  private readonly recorder: EventRecorder;
  private readonly log: Logger;
  private readonly inflightBinds = new Set<Promise<void>>();
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly opts: SchedulerOptions) {
    this.schedulerName = opts.schedulerName ?? 'default-scheduler';
    this.log = opts.log;
    this.recorder = new EventRecorder(opts.client, opts.clock, { component: 'default-scheduler' }, opts.log);
    this.pods = opts.informers.informer<K<Pod>>({ resource: { group: '', version: 'v1', resource: 'pods' } });
    this.nodes = opts.informers.informer<K<Node>>({ resource: { group: '', version: 'v1', resource: 'nodes' } });
    this.others = listerInformers(opts.informers);
    let fw: Framework | undefined;
    const handle: Handle = {
      cache: this.cache,
      listers: listersOf(this.others),
      client: opts.client,
      recorder: this.recorder,
      clock: opts.clock,
      log: opts.log,
      schedulerName: this.schedulerName,
      framework: () => fw!,
    };
    fw = this.framework = new Framework(buildPlugins(handle));
    this.algorithm = new Algorithm(fw, this.cache, opts.percentageOfNodesToScore);
    this.queue = new SchedulingQueue(opts.clock, { pluginEvents: fw.events });
    this.wire();
  }

  private get allInformers(): { start(): void; stop(): Promise<void>; waitForSync(): Promise<boolean> }[] {
    return [this.nodes, this.pods, ...Object.values(this.others)];
  }

  /** Resolves once every informer the scheduler reads has listed. */
  get synced(): Promise<void> {
    return Promise.all(this.allInformers.map((i) => i.waitForSync())).then(() => undefined);
  }

  start(): void {
    if (this.running) return;
    for (const i of this.allInformers) i.start();
    this.running = (async () => {
      const ok = await Promise.all(this.allInformers.map((i) => i.waitForSync()));
      if (ok.includes(false) || this.stopped) return;
      this.queue.run();
      this.log.info({ scheduler: this.schedulerName, nodes: this.cache.nodeCount() }, 'scheduler started');
      await this.loop();
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.close();
    await Promise.all(this.allInformers.map((i) => i.stop()));
    await this.running;
    await Promise.allSettled([...this.inflightBinds]);
  }

  /** Whether this scheduler should place `pod` now. */
  responsibleFor(pod: Pod): boolean {
    const s = pod.spec;
    return (s?.schedulerName ?? 'default-scheduler') === this.schedulerName && !s?.nodeName && !pod.metadata?.deletionTimestamp && !(s?.schedulingGates?.length) && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';
  }

  private moved(resource: EventResource, action: ActionType): void {
    this.queue.moveOnEvent(resource, action);
  }

  private wire(): void {
    const key = (p: Pod) => `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`;
    this.pods.addEventHandler({
      onAdd: (pod) => {
        if (SchedulerCache.isPlaced(pod)) {
          this.cache.addOrUpdatePod(newPodInfo(pod));
          this.moved('AssignedPod', 'Add');
        } else if (this.responsibleFor(pod)) this.queue.add(newPodInfo(pod));
      },
      onUpdate: (old, pod) => {
        const k = key(pod);
        if (pod.spec?.nodeName) {
          this.queue.delete(k);
          if (!SchedulerCache.isPlaced(pod)) {
            if (this.cache.nodeOf(k) !== undefined) {
              this.cache.removePod(k);
              this.moved('AssignedPod', 'Delete');
            }
            return;
          }
          const wasPlaced = this.cache.nodeOf(k) !== undefined && !this.cache.isAssumed(k);
          const prev = this.cache.podInfo(k);
          const pi = prev && prev.pod.metadata?.resourceVersion === pod.metadata?.resourceVersion ? prev : newPodInfo(pod);
          this.cache.addOrUpdatePod(pi);
          if (!wasPlaced && !old.spec?.nodeName) this.moved('AssignedPod', 'Add');
          else if (!sameJson(old.metadata?.labels, pod.metadata?.labels) || (prev !== undefined && !sameRequests(prev, pi))) this.moved('AssignedPod', 'Update');
          return;
        }
        if (this.cache.isAssumed(k)) return; // our binding is in flight
        if (this.responsibleFor(pod)) {
          if (old.metadata?.resourceVersion !== pod.metadata?.resourceVersion && (!sameJson(old.spec, pod.spec) || !sameJson(old.metadata?.labels, pod.metadata?.labels) || !this.queue.has(k))) this.queue.update(newPodInfo(pod));
        } else this.queue.delete(k);
      },
      onDelete: (pod) => {
        const k = key(pod);
        this.queue.delete(k);
        if (this.cache.nodeOf(k) !== undefined) {
          this.cache.removePod(k);
          this.moved('AssignedPod', 'Delete');
        }
      },
    });
    this.nodes.addEventHandler({
      onAdd: (n) => {
        this.cache.addNode(n);
        this.moved('Node', 'Add');
      },
      onUpdate: (old, n) => {
        this.cache.addNode(n);
        const changed =
          !sameJson(old.metadata?.labels, n.metadata?.labels) ||
          !sameJson(old.spec?.taints, n.spec?.taints) ||
          old.spec?.unschedulable !== n.spec?.unschedulable ||
          !sameJson(old.status?.allocatable, n.status?.allocatable);
        if (changed) this.moved('Node', 'Update');
      },
      onDelete: (n) => {
        this.cache.removeNode(n.metadata!.name!);
        this.moved('Node', 'Delete');
      },
    });
    const volumeEvents = (inf: Informer, resource: EventResource) =>
      inf.addEventHandler({ onAdd: () => this.moved(resource, 'Add'), onUpdate: () => this.moved(resource, 'Update'), onDelete: () => this.moved(resource, 'Delete') });
    volumeEvents(this.others.pvcs as unknown as Informer, 'PersistentVolumeClaim');
    volumeEvents(this.others.pvs as unknown as Informer, 'PersistentVolume');
    volumeEvents(this.others.storageClasses as unknown as Informer, 'StorageClass');
  }

  private async loop(): Promise<void> {
    let slice = performance.now();
    while (!this.stopped) {
      const q = await this.queue.pop();
      if (!q) return;
      try {
        this.scheduleOne(q);
      } catch (err) {
        this.log.error({ err, pod: q.pi.key }, 'scheduling cycle failed');
        this.queue.addUnschedulable({ ...q, unschedulablePlugins: new Set() }, this.queue.cycle);
      }
      if (performance.now() - slice > SLICE_MS) {
        await new Promise((r) => setImmediate(r));
        slice = performance.now();
      }
    }
  }

  /** One scheduling cycle (scheduleOne): synchronous up to the assumption; binding continues in the background. */
  scheduleOne(q: QueuedPodInfo): void {
    const k = q.pi.key;
    const ns = q.pi.namespace;
    const current = this.pods.get(ns, q.pi.pod.metadata!.name!);
    if (!current || !this.responsibleFor(current) || this.cache.nodeOf(k) !== undefined) {
      this.queue.done(k);
      return;
    }
    if (current !== q.pi.pod) q.pi = newPodInfo(current);
    const pi = q.pi;
    const cycle = this.queue.cycle;
    const state = new CycleState();
    const r = this.algorithm.schedule(state, pi);
    if (r.kind === 'error') {
      q.unschedulablePlugins = new Set();
      this.failed(q, r.message, 'SchedulerError', cycle);
      return;
    }
    if (r.kind === 'unfit') {
      const post = this.framework.runPostFilter(state, pi, r.diagnosis.statuses);
      if (post.status && post.status.reasons.length) r.diagnosis.postFilterMsg = statusMessage(post.status.reasons);
      q.unschedulablePlugins = r.plugins;
      this.failed(q, fitErrorMessage(r.numAllNodes, r.diagnosis), 'Unschedulable', cycle, post.result?.nominatedNodeName);
      return;
    }
    const node = r.node;
    this.cache.assumePod(pi, node);
    const rs = this.framework.runReserve(state, pi, node) ?? this.framework.runPermit(state, pi, node);
    if (rs) {
      this.framework.runUnreserve(state, pi, node);
      this.cache.forgetPod(k);
      q.unschedulablePlugins = new Set(rs.plugin ? [rs.plugin] : []);
      this.failed(q, statusMessage(rs.reasons), rs.code === 'Error' ? 'SchedulerError' : 'Unschedulable', cycle);
      return;
    }
    const p = this.bindingCycle(state, q, node, cycle);
    this.inflightBinds.add(p);
    void p.finally(() => this.inflightBinds.delete(p));
  }

  private async bindingCycle(state: CycleState, q: QueuedPodInfo, node: string, cycle: number): Promise<void> {
    const pi = q.pi;
    const pod = pi.pod;
    let s = await this.framework.runPreBind(state, pi, node);
    if (!s) s = await this.framework.runBind(state, pod, node);
    if (!s) {
      this.queue.done(pi.key);
      void this.recorder.event(pod as K<Pod>, 'Normal', 'Scheduled', `Successfully assigned ${pi.namespace}/${pod.metadata?.name} to ${node}`);
      return;
    }
    this.cache.forgetPod(pi.key);
    this.framework.runUnreserve(state, pi, node);
    this.moved('AssignedPod', 'Delete');
    if (!this.pods.get(pi.namespace, pod.metadata!.name!)) {
      this.queue.done(pi.key);
      return;
    }
    q.unschedulablePlugins = new Set();
    this.failed(q, `running ${s.plugin ? `"${s.plugin}" ` : ''}bind plugin: ${statusMessage(s.reasons)}`, 'SchedulerError', cycle);
  }

  /**
   * handleSchedulingFailure: back to the queue, a FailedScheduling event, and PodScheduled=False
   * with the message (plus status.nominatedNodeName after preemption) when it changed.
   */
  private failed(q: QueuedPodInfo, message: string, reason: 'Unschedulable' | 'SchedulerError', cycle: number, nominatedNodeName?: string): void {
    const pod = q.pi.pod;
    const name = pod.metadata!.name!;
    this.queue.addUnschedulable(q, cycle);
    this.log.debug({ ns: q.pi.namespace, pod: name, reason }, message);
    void this.recorder.event(pod as K<Pod>, 'Warning', 'FailedScheduling', message);
    const cond = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    const nominatedChanged = nominatedNodeName !== undefined && nominatedNodeName !== pod.status?.nominatedNodeName;
    if (cond?.status === 'False' && cond.reason === reason && cond.message === message && !nominatedChanged) return;
    const status: Record<string, unknown> = {
      conditions: [{ type: 'PodScheduled', status: 'False', reason, message, lastProbeTime: null, lastTransitionTime: rfc3339(this.opts.clock.now()) }],
    };
    if (nominatedNodeName !== undefined) status.nominatedNodeName = nominatedNodeName;
    this.opts.client
      .patch({ group: '', version: 'v1', resource: 'pods', namespace: q.pi.namespace, name, subresource: 'status' }, { status }, 'strategic')
      .catch((err: unknown) => {
        if (!isNotFound(err)) this.log.warn({ err, ns: q.pi.namespace, pod: name }, 'pod status not updated');
      });
  }
}

export type { PodInfo };
