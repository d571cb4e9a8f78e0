/**
 * The simulated kubelets of one cluster. Built for 5,000 nodes and 150,000 pods: one shared pod
 * informer (indexed by spec.nodeName) and one node informer serve every kubelet, one work queue
 * keyed by pod runs every pod's stages, and one clock tick per second renews the Leases and
 * posts the node statuses that are due — no watch, interval or timer per node. Each kubelet
 * writes with its own node identity through `transportFor(machine)`.
 *
 * The pod lifecycle is the stage table in stages.ts; statuses are rendered by pod-status.ts and
 * written through pods/{name}/status; deletion ends with the kubelet's own DELETE with grace 0
 * and a uid precondition, after the CNI DEL. A Node deleted under a running kubelet is
 * registered again on its next heartbeat (a real kubelet only does so after a restart).
 */
import type { Node as NodeV1, Pod as PodV1, PodCondition } from 'kubernetes-types/core/v1.js';
import { KubeClient } from '../../kubeclient/client.js';
import { isNotFound } from '../../kubeclient/errors.js';
import { EventRecorder } from '../../kubeclient/events.js';
import type { Informer } from '../../kubeclient/informer.js';
import type { SharedInformers } from '../../kubeclient/shared-informers.js';
import type { KubeTransport } from '../../kubeclient/transport.js';
import { objectKey, type KubeObject } from '../../kubeclient/types.js';
import { runWorkers, WorkQueue, type ReconcileResult } from '../../kubeclient/workqueue.js';
import { rfc3339, type Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import { PodNetworkError, type PodNetwork, type SimulatedMachine } from '../contracts.js';
import { admitPod, podRequests, type PodRequests } from './admission.js';
import { ContainerLogs, type LogOptions } from './container-logs.js';
import { NodeAgent, type MachineState } from './node-agent.js';
import { renderPodStatus } from './pod-status.js';
import { DEFAULT_TIMINGS, newPodRuntime, qualifiedImage, type KubeletTimings, type PodRuntime } from './runtime.js';
import { restorePodRuntime, resumeStages } from './restore.js';
import { admit, kill, runDueStages, type StageEnv } from './stages.js';

type Pod = PodV1 & KubeObject;
type Node = NodeV1 & KubeObject;

/** The spec.nodeName index on the shared pod informer. */
export const POD_NODE_INDEX = 'spec.nodeName';

const PODS = { group: '', version: 'v1', resource: 'pods' };
const TICK_MS = 1000;

export interface KubeletFleetOptions {
  /** The cluster's shared informers (controller identity) for the one pod and one node watch. */
  informers: SharedInformers;
  clock: Clock;
  log: Logger;
  /** A transport acting as the machine's node identity (system:node:<nodeName> in system:nodes). */
  transportFor(machine: SimulatedMachine): KubeTransport;
  network: PodNetwork;
  timings?: Partial<KubeletTimings>;
  /** Concurrent pod workers (default 8). */
  workers?: number;
}

/** What the pods/log hook gets: the text, or the Status the kubelet or API server would answer. */
export type PodLogResult = { ok: true; text: string } | { ok: false; code: number; reason: string; message: string };

interface PodRecord {
  rt: PodRuntime;
  agent: NodeAgent;
  /** Requests counted against the node while the pod is admitted and not finished. */
  counted?: PodRequests;
  networkReleased: boolean;
  written?: string;
  conditions?: PodCondition[];
  deleteSent: boolean;
}

export class KubeletFleet {
  private readonly timings: KubeletTimings;
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  private readonly queue: WorkQueue<string>;
  private readonly agents = new Map<string, NodeAgent>();
  private readonly byNode = new Map<string, NodeAgent>();
  private readonly records = new Map<string, PodRecord>();
  private readonly logs = new ContainerLogs();
  private readonly bootTimers = new Map<string, () => void>();
  /** Heartbeats and status reports due, in due order (every period is the same, so FIFO is sorted). */
  private leaseDue: { at: number; agent: NodeAgent }[] = [];
  private statusDue: { at: number; agent: NodeAgent }[] = [];
  private cancelTick: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private version: Promise<string> | undefined;

  constructor(private readonly opts: KubeletFleetOptions) {
    this.timings = { ...DEFAULT_TIMINGS, ...opts.timings };
    this.pods = opts.informers.informer<Pod>({ resource: PODS });
    this.pods.addIndexer(POD_NODE_INDEX, (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []));
    this.nodes = opts.informers.informer<Node>({ resource: { group: '', version: 'v1', resource: 'nodes' } });
    this.queue = new WorkQueue<string>(opts.clock, { baseDelayMs: 100, maxDelayMs: 30_000 });
    const onPod = (p: Pod) => {
      const key = objectKey(p);
      if ((p.spec?.nodeName && this.byNode.get(p.spec.nodeName)?.state.phase === 'registered') || this.records.has(key)) this.queue.add(key);
    };
    this.pods.addEventHandler({ onAdd: onPod, onUpdate: (_o, n) => onPod(n), onDelete: onPod });
    this.nodes.addEventHandler({
      onDelete: (n) => {
        const agent = this.byNode.get(n.metadata?.name ?? '');
        if (agent && agent.nodeUid === n.metadata?.uid) agent.lost = true;
      },
    });
  }

  /** Resolves once the pod and node informers have listed. */
  get synced(): Promise<void> {
    return Promise.all([this.pods.waitForSync(), this.nodes.waitForSync()]).then(() => undefined);
  }

  start(): void {
    if (this.running) return;
    this.pods.start();
    this.nodes.start();
    this.running = (async () => {
      const ok = await Promise.all([this.pods.waitForSync(), this.nodes.waitForSync()]);
      if (ok.includes(false)) return;
      await runWorkers(this.queue, this.opts.workers ?? 8, (key) => this.reconcile(key), this.opts.log.child({ controller: 'kubelet' }));
    })();
    this.scheduleTick();
  }

  async stop(): Promise<void> {
    this.cancelTick?.();
    this.cancelTick = undefined;
    for (const cancel of this.bootTimers.values()) cancel();
    this.bootTimers.clear();
    for (const a of this.agents.values()) a.stopped = true;
    this.queue.shutDown();
    await Promise.all([this.pods.stop(), this.nodes.stop()]);
    await this.running;
  }

  /** Boots a machine: after `timings.bootMs` its kubelet registers the Node. */
  addMachine(m: SimulatedMachine): void {
    if (this.agents.has(m.instanceId)) return;
    const client = new KubeClient(this.opts.transportFor(m));
    const log = this.opts.log.child({ controller: 'kubelet', node: m.nodeName });
    const events = new EventRecorder(client, this.opts.clock, { component: 'kubelet', host: m.nodeName }, log);
    const agent = new NodeAgent(m, client, events, this.opts.clock, log, this.timings, this.opts.network.maxPods(m), () => this.opts.network.attachMachine(m));
    this.agents.set(m.instanceId, agent);
    this.byNode.set(m.nodeName, agent);
    this.bootTimers.set(m.instanceId, this.opts.clock.setTimer(this.timings.bootMs, () => {
      this.bootTimers.delete(m.instanceId);
      void this.boot(agent);
    }));
  }

  /** Stops a machine's kubelet: no more heartbeats or pod work; its pods stay as they are. */
  removeMachine(instanceId: string): void {
    const agent = this.agents.get(instanceId);
    if (!agent) return;
    agent.stopped = true;
    this.bootTimers.get(instanceId)?.();
    this.bootTimers.delete(instanceId);
    this.agents.delete(instanceId);
    if (this.byNode.get(agent.nodeName) === agent) this.byNode.delete(agent.nodeName);
    this.leaseDue = this.leaseDue.filter((d) => d.agent !== agent);
    this.statusDue = this.statusDue.filter((d) => d.agent !== agent);
    for (const p of this.pods.byIndex(POD_NODE_INDEX, agent.nodeName)) {
      const key = objectKey(p);
      const rec = this.records.get(key);
      if (rec?.agent === agent) {
        this.records.delete(key);
        this.logs.forget(rec.rt.uid);
      }
    }
  }

  machineState(instanceId: string): MachineState | undefined {
    return this.agents.get(instanceId)?.state;
  }

  /** The log record of one container, as the kubelet's /containerLogs endpoint answers. `container` is resolved by the caller. */
  podLogs(namespace: string, name: string, container: string, opts: LogOptions): PodLogResult {
    const pod = this.pods.get(namespace, name);
    const rec = this.records.get(`${namespace}/${name}`);
    if (!pod || !rec || rec.rt.uid !== pod.metadata?.uid) {
      const node = pod?.spec?.nodeName ?? '';
      return { ok: false, code: 500, reason: 'InternalError', message: `Get "https://${node}:10250/containerLogs/${namespace}/${name}/${container}": dial tcp: connect: connection refused` };
    }
    const c = rec.rt.containers.find((x) => x.name === container);
    if (!c) return { ok: false, code: 400, reason: 'BadRequest', message: `container ${container} is not valid for pod ${name}` };
    if (opts.previous && !this.logs.hasPrevious(rec.rt.uid, container))
      return { ok: false, code: 400, reason: 'BadRequest', message: `previous terminated container "${container}" in pod "${name}" not found` };
    if (!opts.previous && c.containerID === undefined)
      return { ok: false, code: 400, reason: 'BadRequest', message: `container "${container}" in pod "${name}" is waiting to start: ${c.waitingReason ?? 'ContainerCreating'}` };
    return { ok: true, text: this.logs.read(rec.rt.uid, container, opts, this.opts.clock.now()) };
  }

  private kubeletVersion(): Promise<string> {
    this.version ??= this.opts.informers.client.raw<{ gitVersion?: string }>({ method: 'GET', path: '/version' }).then(
      (v) => v.gitVersion ?? 'v0.0.0',
      (err) => {
        this.version = undefined;
        throw err;
      },
    );
    return this.version;
  }

  private async boot(agent: NodeAgent): Promise<void> {
    try {
      await agent.register(await this.kubeletVersion());
    } catch (err) {
      this.opts.log.warn({ err, node: agent.nodeName }, 'kubelet boot failed; retrying on the next heartbeat');
    }
    if (agent.stopped) return;
    const now = this.opts.clock.now();
    this.leaseDue.push({ at: now + this.timings.leaseRenewMs, agent });
    this.statusDue.push({ at: now + this.timings.statusReportMs, agent });
    if (agent.state.phase === 'registered') this.enqueueNode(agent);
  }

  private enqueueNode(agent: NodeAgent): void {
    for (const p of this.pods.byIndex(POD_NODE_INDEX, agent.nodeName)) this.queue.add(objectKey(p));
  }

  private scheduleTick(): void {
    this.cancelTick = this.opts.clock.setTimer(TICK_MS, () => {
      this.tick();
      if (this.cancelTick) this.scheduleTick();
    });
  }

  /** Renews the Leases and posts the node statuses that are due. */
  private tick(): void {
    const now = this.opts.clock.now();
    while (this.leaseDue[0] && this.leaseDue[0].at <= now) {
      const d = this.leaseDue.shift()!;
      const wasRegistered = d.agent.state.phase === 'registered' && !d.agent.lost;
      void d.agent.heartbeat(() => this.kubeletVersion()).then(() => {
        if (!wasRegistered && d.agent.state.phase === 'registered') this.enqueueNode(d.agent);
      }, (err) => this.opts.log.debug({ err, node: d.agent.nodeName }, 'heartbeat failed'));
      this.leaseDue.push({ at: now + this.timings.leaseRenewMs, agent: d.agent });
    }
    while (this.statusDue[0] && this.statusDue[0].at <= now) {
      const d = this.statusDue.shift()!;
      void d.agent.reportStatus(this.nodes.get(undefined, d.agent.nodeName));
      this.statusDue.push({ at: now + this.timings.statusReportMs, agent: d.agent });
    }
  }

  private async reconcile(key: string): Promise<ReconcileResult> {
    const pod = this.pods.getByKey(key);
    let rec = this.records.get(key);
    if (rec && (!pod || rec.rt.uid !== pod.metadata?.uid)) {
      await this.forget(key, rec);
      rec = undefined;
    }
    if (!pod) return;
    const agent = this.byNode.get(pod.spec?.nodeName ?? '');
    if (!agent || agent.stopped || agent.state.phase !== 'registered') return;
    const now = this.opts.clock.now();
    if (!rec) {
      rec = await this.adopt(pod, agent, now);
      if (!rec) return;
      this.records.set(key, rec);
    }
    const env = this.envFor(pod, rec, now);
    if (pod.metadata?.deletionTimestamp) kill(pod, rec.rt, env);
    const next = await runDueStages(pod, rec.rt, env);
    const rt = rec.rt;
    const finished = rt.step === 'terminal' || rt.step === 'killed' || rt.step === 'rejected';
    if (finished) this.release(rec);
    if ((rt.step === 'terminal' || rt.step === 'killed') && !rec.networkReleased) {
      rt.sandboxReady = false;
      if (rt.podIP && !pod.spec?.hostNetwork) await this.opts.network.tearDown(agent.machine, rt.uid);
      rec.networkReleased = true;
    }
    await this.writeStatus(pod, rec, env.now);
    if (pod.metadata?.deletionTimestamp && (rt.step === 'killed' || rt.step === 'rejected') && !rec.deleteSent) {
      try {
        await agent.client.delete({ ...PODS, namespace: pod.metadata.namespace, name: pod.metadata.name }, { gracePeriodSeconds: 0, preconditions: { uid: rt.uid } });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      rec.deleteSent = true;
    }
    return next !== undefined ? { requeueAfterMs: Math.max(1, next - now) } : undefined;
  }

  /**
   * A record for a pod seen for the first time on one of our nodes: taken over as its status says
   * when its containers already run or ran here (a kubelet restart: restore.ts), else admitted
   * (or rejected) and started.
   */
  private async adopt(pod: Pod, agent: NodeAgent, now: number): Promise<PodRecord | undefined> {
    const restored = restorePodRuntime(pod, agent.nodeName, agent.machine.privateIp);
    if (restored) return this.takeOver(pod, agent, restored, now);
    const rt = newPodRuntime(pod, agent.nodeName, agent.machine.privateIp);
    const rec: PodRecord = { rt, agent, networkReleased: false, deleteSent: false };
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') {
      // Finished (rejected, or never reported containers) before we saw it: nothing runs; deletion is immediate.
      rt.step = pod.status?.reason && !pod.status.containerStatuses ? 'rejected' : 'killed';
      rec.networkReleased = true;
      rec.written = JSON.stringify(pod.status);
      return rec;
    }
    const req = podRequests(pod);
    const rejection = admitPod(req, agent.used, agent.admittedPods, agent.allocatable);
    const env = this.envFor(pod, rec, now);
    if (rejection) {
      rt.step = 'rejected';
      rt.rejection = rejection;
      env.event('Warning', rejection.reason, rejection.message);
      return rec;
    }
    this.count(rec, req);
    admit(pod, rt, env);
    return rec;
  }

  /**
   * Takes over a pod whose containers the runtime still has: no admission (it was admitted
   * before), no events, its address kept (the network's optional `adopt`), its images present
   * on the node, and its pending stages resumed at their original times.
   */
  private async takeOver(pod: Pod, agent: NodeAgent, rt: PodRuntime, now: number): Promise<PodRecord> {
    const rec: PodRecord = { rt, agent, networkReleased: rt.step === 'killed', deleteSent: false };
    const env = this.envFor(pod, rec, now);
    for (const c of rt.containers) if (c.containerID !== undefined) agent.images.add(qualifiedImage(c.image));
    if (rt.step === 'killed') {
      // A finished pod: its status is final; it is written again only if something changes it.
      rec.written = JSON.stringify(renderPodStatus(pod, rt, now));
      return rec;
    }
    this.count(rec, podRequests(pod));
    if (rt.podIP && !pod.spec?.hostNetwork) {
      try {
        await this.opts.network.adopt(agent.machine, { namespace: rt.namespace, name: rt.name, uid: rt.uid }, rt.podIP);
      } catch (err) {
        this.opts.log.warn({ err, node: agent.nodeName, pod: `${rt.namespace}/${rt.name}` }, 'pod address not re-adopted by the network');
      }
    }
    for (const c of rt.containers)
      if (c.state === 'running') this.logs.append(rt.uid, c.name, now, `${rfc3339(now)} eksplane-kubelet: kubelet restarted; container ${c.name} still running since ${rfc3339(c.startedAt ?? now)}`);
    resumeStages(pod, rt, env);
    return rec;
  }

  private count(rec: PodRecord, req: PodRequests): void {
    rec.counted = req;
    rec.agent.used.cpuMillis += req.cpuMillis;
    rec.agent.used.memoryBytes += req.memoryBytes;
    rec.agent.admittedPods++;
  }

  private release(rec: PodRecord): void {
    if (!rec.counted) return;
    rec.agent.used.cpuMillis -= rec.counted.cpuMillis;
    rec.agent.used.memoryBytes -= rec.counted.memoryBytes;
    rec.agent.admittedPods--;
    rec.counted = undefined;
  }

  /** The pod is gone (or replaced by a namesake): release its address and its accounting. */
  private async forget(key: string, rec: PodRecord): Promise<void> {
    this.records.delete(key);
    this.release(rec);
    this.logs.forget(rec.rt.uid);
    if (!rec.networkReleased && rec.rt.podIP) await this.opts.network.tearDown(rec.agent.machine, rec.rt.uid);
  }

  private async writeStatus(pod: Pod, rec: PodRecord, now: number): Promise<void> {
    const prev = rec.conditions ? { ...pod, status: { ...pod.status, conditions: [...rec.conditions, ...(pod.status?.conditions ?? []).filter((c) => !rec.conditions!.some((o) => o.type === c.type))] } } : pod;
    const status = renderPodStatus(prev, rec.rt, now);
    const text = JSON.stringify(status);
    if (text === rec.written) return;
    try {
      await rec.agent.client.patch({ ...PODS, namespace: pod.metadata?.namespace, name: pod.metadata?.name, subresource: 'status' }, { status });
      rec.written = text;
      rec.conditions = status.conditions;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private envFor(pod: Pod, rec: PodRecord, now: number): StageEnv {
    const { agent, rt } = rec;
    const m = agent.machine;
    const env: StageEnv = {
      now,
      timings: this.timings,
      hasImage: (image) => agent.images.has(qualifiedImage(image)),
      addImage: (image) => void agent.images.add(qualifiedImage(image)),
      setUpNetwork: async () => {
        try {
          return await this.opts.network.setUp(m, { namespace: rt.namespace, name: rt.name, uid: rt.uid });
        } catch (err) {
          if (!(err instanceof PodNetworkError)) throw err;
          return { error: err.message };
        }
      },
      event: (type, reason, message) => void agent.events.event(pod, type, reason, message),
      log: (container, line) => this.logs.append(rt.uid, container, env.now, line),
      rotateLog: (container) => this.logs.rotate(rt.uid, container),
    };
    return env;
  }
}
