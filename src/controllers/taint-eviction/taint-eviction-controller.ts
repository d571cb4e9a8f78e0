/**
 * The taint-eviction controller (`taint-eviction-controller`, pkg/controller/tainteviction): pods
 * bound to a node with NoExecute taints they do not tolerate are deleted at once; pods whose
 * matching tolerations all carry tolerationSeconds are deleted after the smallest of them, counted
 * from when the controller saw the taint, on the injected clock; a toleration without seconds
 * tolerates forever. Removing the taint (or the pod leaving the node) cancels a pending deletion.
 * Before deleting, the pod gets the condition DisruptionTarget=True, reason DeletionByTaintManager,
 * and an event TaintManagerEviction "Marking for deletion Pod ns/name" is recorded; a cancelled
 * deletion records "Cancelling deletion of Pod ns/name", as upstream.
 *
 * Node and pod changes go through two work queues keyed by node name and pod key; a node update
 * looks up the node's pods in the shared `spec.nodeName` index, so nothing scans all pods.
 */
import type { Taint, Toleration } from 'kubernetes-types/core/v1.js';
import { rfc3339 } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { KubeClient } from '../../kubeclient/client.js';
import { isNotFound } from '../../kubeclient/errors.js';
import { EventRecorder } from '../../kubeclient/events.js';
import type { Informer } from '../../kubeclient/informer.js';
import { objectKey } from '../../kubeclient/types.js';
import { WorkQueue } from '../../kubeclient/workqueue.js';
import { ControllerLoop } from '../../kubeclient/controller-loop.js';
import type { Controller, ControllerContext } from '../manager.js';
import type { NodeObject as Node, PodObject as Pod } from '../node-lifecycle/objects.js';
import { POD_NODE_NAME_INDEX, podsInformerByNode } from '../node-lifecycle/pods-by-node.js';
import { TimedWorkerQueue } from './timed-workers.js';
import { matchingTolerations, minTolerationMs, noExecuteTaints, sameTaints } from './tolerations.js';

/** The controller's name, also its event source component. */
export const TAINT_EVICTION_CONTROLLER = 'taint-eviction-controller';

/** Upstream retries a failed deletion this many times before giving up on the work item. */
const DELETE_RETRIES = 5;

const sameTolerations = (a: readonly Toleration[] = [], b: readonly Toleration[] = []) => JSON.stringify(a) === JSON.stringify(b);

export class TaintEvictionController implements Controller {
  private readonly client: KubeClient;
  private readonly log: Logger;
  private readonly nodes: Informer<Node>;
  private readonly pods: Informer<Pod>;
  private readonly nodeQueue: WorkQueue<string>;
  private readonly podQueue: WorkQueue<string>;
  private readonly loop: ControllerLoop;
  private readonly recorder: EventRecorder;
  private readonly evictions: TimedWorkerQueue;
  /** node name → its NoExecute taints, for nodes that have some. */
  private readonly taintedNodes = new Map<string, Taint[]>();

  constructor(private readonly ctx: ControllerContext) {
    this.client = ctx.client;
    this.log = ctx.log;
    this.nodes = ctx.informers.informer<Node>({ resource: { group: '', version: 'v1', resource: 'nodes' } });
    this.pods = podsInformerByNode(ctx.informers);
    this.nodeQueue = new WorkQueue(ctx.clock);
    this.podQueue = new WorkQueue(ctx.clock);
    this.recorder = new EventRecorder(ctx.client, ctx.clock, { component: TAINT_EVICTION_CONTROLLER }, ctx.log);
    this.evictions = new TimedWorkerQueue(ctx.clock, (key) => this.deletePod(key));
    this.nodes.addEventHandler({
      onAdd: (n) => this.nodeQueue.add(n.metadata!.name!),
      onUpdate: (o, n) => {
        if (!sameTaints(noExecuteTaints(o.spec?.taints), noExecuteTaints(n.spec?.taints))) this.nodeQueue.add(n.metadata!.name!);
      },
      onDelete: (n) => this.nodeQueue.add(n.metadata!.name!),
    });
    this.pods.addEventHandler({
      onAdd: (p) => this.podQueue.add(objectKey(p)),
      onUpdate: (o, p) => {
        if (o.spec?.nodeName !== p.spec?.nodeName || !sameTolerations(o.spec?.tolerations, p.spec?.tolerations)) this.podQueue.add(objectKey(p));
      },
      onDelete: (p) => this.podQueue.add(objectKey(p)),
    });
    this.loop = new ControllerLoop(
      [this.nodes, this.pods],
      [
        { queue: this.nodeQueue, reconcile: async (name) => this.handleNode(name) },
        { queue: this.podQueue, reconcile: async (key) => this.handlePod(key) },
      ],
      ctx.log,
      4,
    );
  }

  get synced(): Promise<void> {
    return this.loop.synced;
  }

  start(): void {
    this.log.info({ controller: TAINT_EVICTION_CONTROLLER }, 'starting controller');
    this.loop.start();
  }

  async stop(): Promise<void> {
    this.evictions.stop();
    await this.loop.stop();
  }

  private handleNode(name: string): void {
    const node = this.nodes.get(undefined, name);
    if (!node) {
      this.taintedNodes.delete(name);
      return;
    }
    const taints = noExecuteTaints(node.spec?.taints);
    if (taints.length) this.taintedNodes.set(name, taints);
    else this.taintedNodes.delete(name);
    const pods = this.pods.byIndex(POD_NODE_NAME_INDEX, name);
    if (!taints.length) {
      for (const p of pods) this.cancelWithEvent(objectKey(p));
      return;
    }
    const now = this.ctx.clock.now();
    for (const p of pods) this.processPodOnNode(p, taints, now);
  }

  private handlePod(key: string): void {
    const pod = this.pods.getByKey(key);
    if (!pod) {
      this.cancelWithEvent(key);
      return;
    }
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) return;
    const taints = this.taintedNodes.get(nodeName);
    if (!taints) return;
    this.processPodOnNode(pod, taints, this.ctx.clock.now());
  }

  /** processPodOnNode: delete now, after the smallest tolerationSeconds, or never. */
  private processPodOnNode(pod: Pod, taints: Taint[], now: number): void {
    const key = objectKey(pod);
    const { all, used } = matchingTolerations(taints, pod.spec?.tolerations ?? []);
    if (!all) {
      this.log.debug({ pod: key, node: pod.spec?.nodeName }, 'not all taints are tolerated; deleting pod');
      this.cancelWithEvent(key);
      this.evictions.add(key, now, now);
      return;
    }
    const wait = minTolerationMs(used);
    if (wait < 0) {
      this.cancelWithEvent(key);
      return;
    }
    let start = now;
    const scheduled = this.evictions.pending(key);
    if (scheduled) {
      start = scheduled.createdAt;
      if (start + wait < now + wait) return;
      this.cancelWithEvent(key);
    }
    this.evictions.add(key, start, start + wait);
  }

  private cancelWithEvent(key: string): void {
    if (this.evictions.cancel(key)) void this.recorder.event(podRef(key), 'Normal', 'TaintManagerEviction', `Cancelling deletion of Pod ${key}`);
  }

  /** deletePodHandler: event, DisruptionTarget condition, delete; true when done. */
  private async deletePod(key: string): Promise<boolean> {
    const [namespace, name] = key.split('/') as [string, string];
    this.log.info({ controller: TAINT_EVICTION_CONTROLLER, pod: key }, 'deleting pod');
    void this.recorder.event(podRef(key), 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`);
    for (let i = 0; i < DELETE_RETRIES; i++) {
      try {
        await this.markAndDelete(namespace, name);
        return true;
      } catch (err) {
        if (isNotFound(err)) return true;
        this.log.debug({ err, pod: key }, 'pod deletion failed; retrying');
        await new Promise<void>((resolve) => this.ctx.clock.setTimer(10, resolve));
      }
    }
    return false;
  }

  private async markAndDelete(namespace: string, name: string): Promise<void> {
    const ref = { group: '', version: 'v1', resource: 'pods', namespace, name };
    const pod = await this.client.get<Pod>(ref);
    const cur = pod.status?.conditions?.find((c) => c.type === 'DisruptionTarget');
    const want = { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' };
    if (!cur || cur.status !== want.status || cur.reason !== want.reason || cur.message !== want.message) {
      const lastTransitionTime = cur?.status === 'True' ? cur.lastTransitionTime : rfc3339(this.ctx.clock.now());
      await this.client.patch({ ...ref, subresource: 'status' }, { metadata: { uid: pod.metadata?.uid }, status: { conditions: [{ ...want, lastTransitionTime }] } }, 'strategic');
    }
    await this.client.delete(ref);
  }
}

function podRef(key: string): Pod {
  const [namespace, name] = key.split('/');
  return { apiVersion: 'v1', kind: 'Pod', metadata: { namespace, name } };
}
