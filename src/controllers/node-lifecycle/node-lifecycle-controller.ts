/**
 * The node lifecycle controller (`node-lifecycle`, pkg/controller/nodelifecycle), on the injected
 * clock. Every nodeMonitorPeriod (5 s) a monitor pass checks each node's heartbeat — its Ready
 * condition and its Lease in kube-node-lease — and after nodeMonitorGracePeriod (50 s in 1.32)
 * without one turns its conditions Unknown (node-health.ts). Per node it then:
 * - queues a NoExecute taint (`node.kubernetes.io/unreachable` for Unknown, `not-ready` for False)
 *   in its zone's rate-limited queue, or swaps one for the other at once, or removes both when the
 *   node is Ready again;
 * - on a Ready → not-Ready transition records NodeNotReady and marks the node's pods not Ready.
 * Zones are Normal, PartialDisruption (≥ 55 % of more than two nodes not Ready: 0.01 nodes/s above
 * 50 nodes, else 0) or FullDisruption (no Ready node: back to 0.1 nodes/s) — unless every zone is
 * fully disrupted, when the controller assumes it is itself cut off, removes the NoExecute taints
 * and stops tainting until some node is Ready again.
 * Independently, on every node event the NoSchedule taints mirror the conditions
 * (Ready False/Unknown, MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable) and
 * spec.unschedulable (`node.kubernetes.io/unschedulable`); a pod newly bound to a node that is not
 * Ready is marked not Ready.
 *
 * The pass is O(nodes) over informer caches; API calls happen only for nodes whose state changes.
 */
import type { NodeCondition, Taint } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../lib/logger.js';
import { EventRecorder } from '../../kubeclient/events.js';
import type { Informer } from '../../kubeclient/informer.js';
import { objectKey } from '../../kubeclient/types.js';
import { WorkQueue } from '../../kubeclient/workqueue.js';
import { ControllerLoop } from '../../kubeclient/controller-loop.js';
import type { Controller, ControllerContext } from '../manager.js';
import { checkNodeHealth, readyCondition, type NodeHealth } from './node-health.js';
import { hasTaint, matchTaint, NOT_READY_NO_EXECUTE, swapNodeTaints, UNREACHABLE_NO_EXECUTE } from './node-taints.js';
import type { LeaseObject, NodeObject, PodObject } from './objects.js';
import { markPodsNotReady } from './pod-readiness.js';
import { POD_NODE_NAME_INDEX, podsInformerByNode } from './pods-by-node.js';
import { RateLimitedTimedQueue } from './rate-limited-queue.js';
import { computeZoneState, excludedFromDisruption, zoneKey, type ZoneState } from './zones.js';

/** kube-controller-manager's defaults for this controller (1.32). */
export const NODE_LIFECYCLE_DEFAULTS = {
  nodeMonitorPeriodMs: 5_000,
  nodeMonitorGracePeriodMs: 50_000,
  nodeStartupGracePeriodMs: 60_000,
  evictionLimiterQPS: 0.1,
  secondaryEvictionLimiterQPS: 0.01,
  largeClusterThreshold: 50,
  unhealthyZoneThreshold: 0.55,
};

export type NodeLifecycleConfig = typeof NODE_LIFECYCLE_DEFAULTS;

/** How often the NoExecute tainting pass runs while work is queued (scheduler.NodeEvictionPeriod). */
const TAINTING_PERIOD_MS = 100;
/** Tries of one node's health update before giving up for this pass (NodeHealthUpdateRetry). */
const HEALTH_UPDATE_RETRIES = 5;
/** Nodes handled at once in a pass (nodeUpdateWorkerSize). */
const PASS_CONCURRENCY = 8;

/** Condition type → status → NoSchedule taint key (nodeConditionToTaintKeyStatusMap). */
const CONDITION_TAINTS: Record<string, Record<string, string>> = {
  Ready: { False: 'node.kubernetes.io/not-ready', Unknown: 'node.kubernetes.io/unreachable' },
  MemoryPressure: { True: 'node.kubernetes.io/memory-pressure' },
  DiskPressure: { True: 'node.kubernetes.io/disk-pressure' },
  NetworkUnavailable: { True: 'node.kubernetes.io/network-unavailable' },
  PIDPressure: { True: 'node.kubernetes.io/pid-pressure' },
};
const CONDITION_TAINT_KEYS = new Set(Object.values(CONDITION_TAINTS).flatMap((m) => Object.values(m)));
const UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

const NODES = { group: '', version: 'v1', resource: 'nodes' };

export class NodeLifecycleController implements Controller {
  private readonly cfg: NodeLifecycleConfig;
  private readonly log: Logger;
  private readonly nodes: Informer<NodeObject>;
  private readonly leases: Informer<LeaseObject>;
  private readonly pods: Informer<PodObject>;
  private readonly nodeQueue: WorkQueue<string>;
  private readonly podQueue: WorkQueue<string>;
  private readonly loop: ControllerLoop;
  private readonly recorder: EventRecorder;
  private readonly health = new Map<string, NodeHealth>();
  private readonly known = new Map<string, NodeObject>();
  private readonly zoneStates = new Map<string, ZoneState>();
  private readonly zoneTainters = new Map<string, RateLimitedTimedQueue>();
  private readonly nodesToRetry = new Set<string>();
  private stopped = false;
  private cancelMonitor: (() => void) | undefined;
  private cancelTainting: (() => void) | undefined;
  private monitoring: Promise<void> | undefined;
  private tainting: Promise<void> | undefined;

  constructor(
    private readonly ctx: ControllerContext,
    config: Partial<NodeLifecycleConfig> = {},
  ) {
    this.cfg = { ...NODE_LIFECYCLE_DEFAULTS, ...config };
    this.log = ctx.log;
    this.nodes = ctx.informers.informer<NodeObject>({ resource: NODES });
    this.leases = ctx.informers.informer<LeaseObject>({ resource: { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespace: 'kube-node-lease' } });
    this.pods = podsInformerByNode(ctx.informers);
    this.nodeQueue = new WorkQueue(ctx.clock);
    this.podQueue = new WorkQueue(ctx.clock);
    this.recorder = new EventRecorder(ctx.client, ctx.clock, { component: 'node-controller' }, ctx.log);
    this.nodes.addEventHandler({
      onAdd: (n) => this.nodeQueue.add(n.metadata!.name!),
      onUpdate: (_, n) => this.nodeQueue.add(n.metadata!.name!),
      onDelete: (n) => this.nodesToRetry.delete(n.metadata!.name!),
    });
    this.pods.addEventHandler({
      onAdd: (p) => p.spec?.nodeName && this.podQueue.add(objectKey(p)),
      onUpdate: (o, p) => p.spec?.nodeName && p.spec.nodeName !== o.spec?.nodeName && this.podQueue.add(objectKey(p)),
    });
    this.loop = new ControllerLoop(
      [this.nodes, this.leases, this.pods],
      [
        { queue: this.nodeQueue, reconcile: (name) => this.syncNoScheduleTaints(name) },
        { queue: this.podQueue, reconcile: (key) => this.processPod(key) },
      ],
      ctx.log,
      4,
    );
  }

  get synced(): Promise<void> {
    return this.loop.synced;
  }

  start(): void {
    this.loop.start();
    void this.loop.synced.then(() => {
      if (!this.stopped) this.scheduleMonitor(0);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelMonitor?.();
    this.cancelTainting?.();
    await this.loop.stop();
    await this.monitoring;
    await this.tainting;
  }

  private scheduleMonitor(ms: number): void {
    const run = () => {
      this.monitoring = this.monitorNodeHealth()
        .catch((err) => this.log.error({ err }, 'error monitoring node health'))
        .finally(() => {
          if (!this.stopped) this.scheduleMonitor(this.cfg.nodeMonitorPeriodMs);
        });
    };
    if (ms <= 0) run();
    else this.cancelMonitor = this.ctx.clock.setTimer(ms, run);
  }

  /** One monitor pass (monitorNodeHealth). */
  private async monitorNodeHealth(): Promise<void> {
    const nodes = this.nodes.list();
    const seen = new Set<string>();
    for (const node of nodes) {
      const name = node.metadata!.name!;
      seen.add(name);
      this.addZone(node);
      if (this.known.has(name)) continue;
      this.log.debug({ node: name }, 'controller observed a new node');
      void this.nodeEvent(node, 'RegisteredNode', `Registered Node ${name} in Controller`);
      this.known.set(name, node);
      await this.markNodeAsReachable(node).catch((err) => this.log.warn({ err, node: name }, 'failed to remove taints from node'));
    }
    for (const [name, node] of this.known) {
      if (seen.has(name)) continue;
      void this.nodeEvent(node, 'RemovingNode', `Removing Node ${name} from Controller`);
      this.known.delete(name);
      this.health.delete(name);
    }

    const zoneConditions = new Map<string, (NodeCondition | undefined)[]>();
    let next = 0;
    const worker = async () => {
      while (next < nodes.length) {
        const node = nodes[next++]!;
        await this.updateNode(node, zoneConditions).catch((err) => this.log.warn({ err, node: node.metadata?.name }, 'node health update failed'));
      }
    };
    await Promise.all(Array.from({ length: PASS_CONCURRENCY }, worker));
    await this.handleDisruption(zoneConditions, nodes);
    this.kickTainting();
  }

  private async updateNode(cached: NodeObject, zoneConditions: Map<string, (NodeCondition | undefined)[]>): Promise<void> {
    const name = cached.metadata!.name!;
    let node = cached;
    let check;
    for (let i = 0; ; i++) {
      check = checkNodeHealth(node, this.health.get(name), this.leases.get('kube-node-lease', name), this.ctx.clock.now(), { monitor: this.cfg.nodeMonitorGracePeriodMs, startup: this.cfg.nodeStartupGracePeriodMs });
      if (!check.newConditions) break;
      try {
        node = await this.ctx.client.update<NodeObject>({ ...NODES, name, subresource: 'status' }, { ...node, status: { ...node.status, conditions: check.newConditions } });
        break;
      } catch (err) {
        this.health.set(name, check.health);
        if (i + 1 >= HEALTH_UPDATE_RETRIES) throw err;
        node = await this.ctx.client.get<NodeObject>({ ...NODES, name });
      }
    }
    this.health.set(name, check.health);
    const { observedReady: observed, currentReady: current } = check;
    if (!excludedFromDisruption(node)) {
      const zone = zoneKey(node);
      let list = zoneConditions.get(zone);
      if (!list) zoneConditions.set(zone, (list = []));
      list.push(current);
    }
    if (!current) {
      this.nodesToRetry.delete(name);
      return;
    }
    await this.processTaintBasedEviction(node, observed);
    const becameNotReady = current.status !== 'True' && observed.status === 'True';
    if (becameNotReady) void this.nodeEvent(node, 'NodeNotReady', `Node ${name} status is now: NodeNotReady`, true);
    if (becameNotReady || (this.nodesToRetry.has(name) && observed.status !== 'True')) {
      try {
        await markPodsNotReady(this.ctx.client, this.recorder, this.pods.byIndex(POD_NODE_NAME_INDEX, name), name, this.ctx.clock.now());
      } catch (err) {
        this.log.warn({ err, node: name }, 'unable to mark all pods NotReady on node; queuing for retry');
        this.nodesToRetry.add(name);
        return;
      }
    }
    this.nodesToRetry.delete(name);
  }

  /** processTaintBaseEviction: swap at once, queue for tainting, or untaint. */
  private async processTaintBasedEviction(node: NodeObject, observed: NodeCondition): Promise<void> {
    const now = this.ctx.clock.now();
    if (observed.status === 'False' || observed.status === 'Unknown') {
      const [want, opposite] = observed.status === 'False' ? [NOT_READY_NO_EXECUTE, UNREACHABLE_NO_EXECUTE] : [UNREACHABLE_NO_EXECUTE, NOT_READY_NO_EXECUTE];
      if (hasTaint(node, opposite)) {
        await swapNodeTaints(this.ctx.client, node, [want], [opposite], now).catch((err) => this.log.warn({ err, node: node.metadata?.name }, 'failed to swap NoExecute taints; will retry'));
        return;
      }
      const q = this.zoneTainters.get(zoneKey(node))!;
      if (!hasTaint(node, want)) q.remove(node.metadata!.name!);
      if (q.add(node.metadata!.name!, node.metadata?.uid ?? '')) this.log.debug({ node: node.metadata?.name, status: observed.status }, 'node is not ready; queued for tainting');
    } else if (observed.status === 'True') {
      await this.markNodeAsReachable(node).catch((err) => this.log.warn({ err, node: node.metadata?.name }, 'failed to remove taints from node; will retry'));
    }
  }

  /** Removes both NoExecute taints (no API call when absent) and un-marks the node. */
  private async markNodeAsReachable(node: NodeObject): Promise<boolean> {
    await swapNodeTaints(this.ctx.client, node, [], [UNREACHABLE_NO_EXECUTE, NOT_READY_NO_EXECUTE], this.ctx.clock.now());
    return this.zoneTainters.get(zoneKey(node))?.remove(node.metadata!.name!) ?? false;
  }

  private addZone(node: NodeObject): void {
    const zone = zoneKey(node);
    if (this.zoneStates.has(zone)) return;
    this.zoneStates.set(zone, 'Initial');
    if (!this.zoneTainters.has(zone)) this.zoneTainters.set(zone, new RateLimitedTimedQueue(this.ctx.clock, this.cfg.evictionLimiterQPS));
  }

  /** handleDisruption: zone states and the tainting rate of each zone. */
  private async handleDisruption(zoneConditions: Map<string, (NodeCondition | undefined)[]>, nodes: NodeObject[]): Promise<void> {
    const newStates = new Map<string, ZoneState>();
    let allAreFullyDisrupted = true;
    for (const [zone, conds] of zoneConditions) {
      const { state } = computeZoneState(conds, this.cfg.unhealthyZoneThreshold);
      if (state !== 'FullDisruption') allAreFullyDisrupted = false;
      newStates.set(zone, state);
      if (!this.zoneStates.has(zone)) this.zoneStates.set(zone, 'Initial');
    }
    let allWasFullyDisrupted = true;
    for (const [zone, state] of this.zoneStates) {
      if (!zoneConditions.has(zone)) {
        this.zoneStates.delete(zone);
        continue;
      }
      if (state !== 'FullDisruption') {
        allWasFullyDisrupted = false;
        break;
      }
    }
    if (allAreFullyDisrupted && allWasFullyDisrupted) return;
    if (allAreFullyDisrupted) {
      this.log.info('controller detected that all nodes are not ready; entering master disruption mode');
      for (const node of nodes) await this.markNodeAsReachable(node).catch((err) => this.log.warn({ err, node: node.metadata?.name }, 'failed to remove taints from node'));
      for (const zone of this.zoneStates.keys()) {
        this.zoneTainters.get(zone)?.swapLimiter(0);
        this.zoneStates.set(zone, 'FullDisruption');
      }
      return;
    }
    if (allWasFullyDisrupted) {
      this.log.info('controller detected that some nodes are ready; exiting master disruption mode');
      const now = this.ctx.clock.now();
      for (const node of nodes) {
        const h = this.health.get(node.metadata!.name!);
        if (h) this.health.set(node.metadata!.name!, { ...h, probeTimestamp: now, readyTransitionTimestamp: now });
      }
      for (const zone of this.zoneStates.keys()) {
        const state = newStates.get(zone)!;
        this.setLimiterInZone(zone, zoneConditions.get(zone)?.length ?? 0, state);
        this.zoneStates.set(zone, state);
      }
      return;
    }
    for (const [zone, state] of this.zoneStates) {
      const next = newStates.get(zone)!;
      if (state === next) continue;
      this.log.info({ zone, state: next }, 'controller detected that zone is now in new state');
      this.setLimiterInZone(zone, zoneConditions.get(zone)?.length ?? 0, next);
      this.zoneStates.set(zone, next);
    }
  }

  private setLimiterInZone(zone: string, size: number, state: ZoneState): void {
    const q = this.zoneTainters.get(zone);
    if (!q) return;
    if (state === 'Normal' || state === 'FullDisruption') q.swapLimiter(this.cfg.evictionLimiterQPS);
    else if (state === 'PartialDisruption') q.swapLimiter(size > this.cfg.largeClusterThreshold ? this.cfg.secondaryEvictionLimiterQPS : 0);
  }

  /** Runs the NoExecute tainting pass now, and again every 100 ms while a zone can still make progress. */
  private kickTainting(): void {
    if (this.tainting || this.stopped) return;
    this.cancelTainting?.();
    this.cancelTainting = undefined;
    this.tainting = this.doNoExecuteTaintingPass().finally(() => {
      this.tainting = undefined;
      if (this.stopped) return;
      if ([...this.zoneTainters.values()].some((q) => q.length > 0 && q.qps > 0)) this.cancelTainting = this.ctx.clock.setTimer(TAINTING_PERIOD_MS, () => this.kickTainting());
    });
  }

  /** doNoExecuteTaintingPass: taint queued nodes, as fast as each zone's limiter allows. */
  private async doNoExecuteTaintingPass(): Promise<void> {
    for (const q of this.zoneTainters.values()) {
      await q.try(async ({ value }) => {
        const node = this.nodes.get(undefined, value);
        if (!node) return { done: true };
        const ready = readyCondition(node.status?.conditions);
        if (!ready) return { done: false, retryMs: 50 };
        let add: Taint;
        let opposite: Taint;
        if (ready.status === 'False') [add, opposite] = [NOT_READY_NO_EXECUTE, UNREACHABLE_NO_EXECUTE];
        else if (ready.status === 'Unknown') [add, opposite] = [UNREACHABLE_NO_EXECUTE, NOT_READY_NO_EXECUTE];
        else return { done: true };
        try {
          await swapNodeTaints(this.ctx.client, node, [add], [opposite], this.ctx.clock.now());
          return { done: true };
        } catch (err) {
          this.log.warn({ err, node: value }, 'failed to taint node');
          return { done: false };
        }
      });
    }
  }

  /** doNoScheduleTaintingPass: NoSchedule taints mirror the node's conditions and spec.unschedulable. */
  private async syncNoScheduleTaints(name: string): Promise<void> {
    const node = this.nodes.get(undefined, name);
    if (!node) return;
    const want: Taint[] = [];
    for (const c of node.status?.conditions ?? []) {
      const key = CONDITION_TAINTS[c.type]?.[c.status];
      if (key) want.push({ key, effect: 'NoSchedule' });
    }
    if (node.spec?.unschedulable) want.push({ key: UNSCHEDULABLE, effect: 'NoSchedule' });
    const have = (node.spec?.taints ?? []).filter((t) => t.effect === 'NoSchedule' && (t.key === UNSCHEDULABLE || CONDITION_TAINT_KEYS.has(t.key)));
    const add = want.filter((w) => !have.some((h) => matchTaint(h, w)));
    const remove = have.filter((h) => !want.some((w) => matchTaint(h, w)));
    if (!add.length && !remove.length) return;
    await swapNodeTaints(this.ctx.client, node, add, remove, this.ctx.clock.now());
  }

  /** processPod: a pod bound to a node that is not Ready is marked not Ready. */
  private async processPod(key: string): Promise<void> {
    const pod = this.pods.getByKey(key);
    const nodeName = pod?.spec?.nodeName;
    if (!pod || !nodeName) return;
    const ready = this.health.get(nodeName)?.ready;
    if (!ready || !this.nodes.get(undefined, nodeName)) return;
    if (ready.status !== 'True') await markPodsNotReady(this.ctx.client, this.recorder, [pod], nodeName, this.ctx.clock.now());
  }

  private nodeEvent(node: NodeObject, reason: string, message: string, statusChange = false): Promise<void> {
    const name = node.metadata!.name!;
    const ref = { apiVersion: 'v1', kind: 'Node', metadata: { name, uid: node.metadata?.uid } };
    return this.recorder.event(ref, 'Normal', reason, statusChange ? message : `Node ${name} event: ${message}`);
  }
}
