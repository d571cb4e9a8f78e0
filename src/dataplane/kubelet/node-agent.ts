/**
 * The node half of one simulated kubelet: registration (kubelet's registerWithAPIServer), the
 * node Lease (its lease controller) and the periodic node status report, all written with the
 * node's own identity (system:node:<name>) so the node authorizer and NodeRestriction judge
 * them as they judge a real kubelet. The fleet drives it from one shared tick.
 */
import type { Node as NodeV1 } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../kubeclient/types.js';
import type { KubeClient } from '../../kubeclient/client.js';
import { isAlreadyExists, isNotFound, KubeApiError } from '../../kubeclient/errors.js';
import type { EventRecorder } from '../../kubeclient/events.js';
import { rfc3339, type Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { SimulatedMachine } from '../contracts.js';
import { allocatableOf, type Allocatable, type PodRequests } from './admission.js';
import { leaseObject, microTime, nodeObject, refreshConditions } from './node-object.js';
import type { KubeletTimings } from './runtime.js';

/** What `machineState` reports. */
export interface MachineState {
  phase: 'booting' | 'registered' | 'join-failed';
  reason?: string;
}

type Node = NodeV1 & KubeObject;

const NODES = { group: '', version: 'v1', resource: 'nodes' };
const LEASES = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespace: 'kube-node-lease' };

export class NodeAgent {
  state: MachineState = { phase: 'booting' };
  /** The registered Node's uid (the Lease's owner). */
  nodeUid: string | undefined;
  allocatable: Allocatable = { pods: 0, cpuMillis: 0, memoryBytes: 0 };
  /** Requests of the pods admitted and not yet finished (the admit handler's view). */
  readonly used: PodRequests = { cpuMillis: 0, memoryBytes: 0 };
  admittedPods = 0;
  /** Images on the node (fully qualified). */
  readonly images = new Set<string>();
  /** Set when the Node disappeared: the next heartbeat registers it again. */
  lost = false;
  stopped = false;
  private attached = false;
  private busy = false;

  constructor(
    readonly machine: SimulatedMachine,
    readonly client: KubeClient,
    readonly events: EventRecorder,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly timings: KubeletTimings,
    private readonly maxPods: number,
    private readonly attach: () => Promise<void>,
  ) {}

  get nodeName(): string {
    return this.machine.nodeName;
  }

  /** The Node as an event's involved object (the kubelet refers to its node with uid = name). */
  private get nodeRef(): Node {
    return { apiVersion: 'v1', kind: 'Node', metadata: { name: this.nodeName, uid: this.nodeName } };
  }

  /**
   * Registers the Node (and its Lease). Refusal by the API server (401/403: the node's role is
   * not mapped) leaves the machine join-failed; it tries again on the next heartbeat, as the
   * kubelet retries registration forever. Returns true once registered.
   */
  async register(kubeletVersion: string): Promise<boolean> {
    if (this.busy || this.stopped) return false;
    this.busy = true;
    try {
      if (!this.attached) {
        await this.attach();
        this.attached = true;
      }
      const now = this.clock.now();
      const want = nodeObject(this.machine, this.maxPods, kubeletVersion, rfc3339(now));
      let node: Node;
      try {
        node = await this.client.create<Node>(NODES, want as Node);
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        // An existing Node of this name (a restart): take it over, as the kubelet does, and report status.
        node = await this.client.patch<Node>({ ...NODES, name: this.nodeName, subresource: 'status' }, { status: want.status });
      }
      this.nodeUid = node.metadata!.uid;
      this.allocatable = allocatableOf(want.status!.allocatable!);
      await this.renewLease();
      const wasLost = this.lost;
      this.lost = false;
      this.state = { phase: 'registered' };
      if (!wasLost) this.recordStartup();
      this.log.info({ node: this.nodeName, instance: this.machine.instanceId }, 'node registered');
      return true;
    } catch (err) {
      if (err instanceof KubeApiError && (err.code === 401 || err.code === 403)) {
        this.state = { phase: 'join-failed', reason: err.message };
        this.log.warn({ node: this.nodeName, code: err.code, err: err.message }, 'node registration refused');
      } else this.log.warn({ node: this.nodeName, err }, 'node registration failed; retrying');
      return false;
    } finally {
      this.busy = false;
    }
  }

  private recordStartup(): void {
    const ev = (reason: string, message: string) => void this.events.event(this.nodeRef, 'Normal', reason, message);
    ev('Starting', 'Starting kubelet.');
    for (const s of ['NodeHasSufficientMemory', 'NodeHasNoDiskPressure', 'NodeHasSufficientPID']) ev(s, `Node ${this.nodeName} status is now: ${s}`);
    ev('NodeAllocatableEnforced', 'Updated Node Allocatable limit across pods');
    ev('NodeReady', `Node ${this.nodeName} status is now: NodeReady`);
  }

  /** Renews (or recreates) the node Lease: renewTime now, holder the node, owned by the Node. */
  async renewLease(): Promise<void> {
    const renewTime = microTime(this.clock.now());
    try {
      await this.client.patch({ ...LEASES, name: this.nodeName }, { spec: { holderIdentity: this.nodeName, leaseDurationSeconds: this.timings.leaseDurationSeconds, renewTime } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      const node = { metadata: { name: this.nodeName, uid: this.nodeUid } } as Node;
      await this.client.create(LEASES, leaseObject(node, this.timings.leaseDurationSeconds, renewTime) as KubeObject);
    }
  }

  /** One heartbeat: re-register a lost Node, else renew the Lease. */
  async heartbeat(kubeletVersion: () => Promise<string>): Promise<void> {
    if (this.stopped) return;
    if (this.state.phase !== 'registered' || this.lost) {
      await this.register(await kubeletVersion());
      return;
    }
    try {
      await this.renewLease();
    } catch (err) {
      this.log.debug({ node: this.nodeName, err }, 'lease renewal failed');
    }
  }

  /** The periodic node status report: conditions with a fresh lastHeartbeatTime. */
  async reportStatus(current: Node | undefined): Promise<void> {
    if (this.stopped || this.state.phase !== 'registered' || this.lost) return;
    const conditions = refreshConditions(current?.status?.conditions, rfc3339(this.clock.now()));
    try {
      await this.client.patch({ ...NODES, name: this.nodeName, subresource: 'status' }, { status: { conditions } });
    } catch (err) {
      if (isNotFound(err)) this.lost = true;
      else this.log.debug({ node: this.nodeName, err }, 'node status report failed');
    }
  }
}
