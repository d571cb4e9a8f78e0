/**
 * One EKS cluster's data plane, wired: the scheduler, the VPC CNI, and a kubelet for every EC2
 * instance that belongs to the cluster (tag `kubernetes.io/cluster/<name>`, which Auto Scaling
 * propagates from a managed node group's group). Every `syncMs` of the clock it compares the
 * cluster's running instances with its kubelets: a new running instance boots a kubelet that joins
 * as the instance role's session (mapped through access entries / aws-auth like any EKS token),
 * an instance that stops running loses its kubelet and — terminated — its Node, as the AWS cloud
 * controller manager deletes it. The default add-ons (aws-node, kube-proxy, CoreDNS) are applied
 * once, as EKS installs them in a new cluster.
 *
 * It is also EKS's managed node group agent for the cluster: an instance of a node group that its
 * Auto Scaling group holds in `Terminating:Wait` (the group's Terminate-LC-Hook, on scale-in or
 * DeleteNodegroup) has its node drained once — cordoned, pods evicted through the Eviction API
 * within their PodDisruptionBudgets — and then the lifecycle action is completed (CONTINUE), also
 * when the drain timed out (`drainTimeoutMs`), as EKS lets a scale-in proceed. A node group's
 * labels and taints changed by UpdateNodegroupConfig are applied to its existing Nodes.
 *
 * A second replica of the server must not double-act, so the scheduler runs while its replica
 * holds the Lease kube-system/kube-scheduler (as kube-scheduler does) and everything else here —
 * kubelets, instance sync, drains, load balancers, add-ons — while it holds
 * kube-system/eksplane-data-plane; losing a Lease stops that work until it is won again.
 */
import type { UserInfo } from '../apiserver/endpoints/types.js';
import type { ApiServer } from '../apiserver/api-server.js';
import type { EksIdentity } from '../aws/identity/index.js';
import type { Taint as KubeTaint } from 'kubernetes-types/core/v1.js';
import type { AutoScalingApi, Ec2Api, InstanceInfo, SubnetInfo } from '../aws/services/contracts.js';
import { nodegroupTable, TERMINATE_HOOK, type NodegroupRecord } from '../aws/services/eks/nodegroups/model.js';
import { eksTables } from '../aws/services/eks/state.js';
import { applyAddons, eksDefaultAddons } from '../dataplane/addons/index.js';
import { CniConfigWatcher } from '../dataplane/cni/config-watcher.js';
import { VpcCni } from '../dataplane/cni/vpc-cni.js';
import type { SimulatedMachine } from '../dataplane/contracts.js';
import { Drainer } from '../dataplane/drain/drainer.js';
import { KubeletFleet } from '../dataplane/kubelet/fleet.js';
import { AwsLoadBalancerController, ServiceLoadBalancerController } from '../dataplane/service-lb/index.js';
import { isConflict, isNotFound } from '../kubeclient/errors.js';
import { leaderElected, type LeaderElectionSettings } from '../kubeclient/leader-election.js';
import type { SharedInformers } from '../kubeclient/shared-informers.js';
import type { KubeObject } from '../kubeclient/types.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { Scheduler } from '../scheduler/scheduler.js';
import type { Store } from '../store/types.js';
import { mapNodeRoleInAwsAuth } from './aws-auth.js';
import { inProcessTransport } from './in-process-transport.js';
import { instanceRoleIdentity, nodegroupLabels, nodegroupTaints, simulatedMachine } from './machines.js';
import type { ClusterInstances } from './cluster-instances.js';
import { subnetAddresses } from './subnet-addresses.js';

/** What a server with EC2 gives its control planes so their clusters get nodes. */
export interface DataPlaneDeps {
  ec2: Ec2Api;
  /** The instances of each cluster, from sweeps shared by every cluster of the process. */
  instances: ClusterInstances;
  store: Store;
  /** How often instances are matched with kubelets, in clock ms (default 1000). */
  syncMs?: number;
  /** Auto Scaling, whose termination hooks hold node group instances until their nodes are drained (no draining without it). */
  autoscaling?: AutoScalingApi;
  /** How long a node's drain may take before its instance terminates anyway, in clock ms (default 30 s; EKS: 15 min). */
  drainTimeoutMs?: number;
}

export interface ClusterDataPlaneOptions {
  api: ApiServer;
  /** The cluster's shared informers (the controller manager's identity). */
  informers: SharedInformers;
  cluster: { account: string; region: string; name: string; /** "1.32" */ version: string; /** The API server's URL (kube-proxy's kubeconfig). */ endpoint: string };
  deps: DataPlaneDeps;
  /** The cluster's IAM → Kubernetes identity mapping (eksIdentityMapper). */
  mapIdentity: (id: EksIdentity) => Promise<UserInfo | undefined>;
  clock: Clock;
  log: Logger;
  /** Leader election for the scheduler and the rest of the data plane (default on; false: always run). */
  leaderElection?: LeaderElectionSettings | false;
}

/** kube-scheduler's Lease (--leader-elect-resource-name default). */
export const SCHEDULER_LEASE = { namespace: 'kube-system', name: 'kube-scheduler' };
/** The Lease of the kubelet fleet, instance sync, drains and load balancers (ours). */
export const DATA_PLANE_LEASE = { namespace: 'kube-system', name: 'eksplane-data-plane' };

/** What the data-plane Lease guards for one term. */
interface Term {
  informers: SharedInformers;
  fleet: KubeletFleet;
  serviceLb: ServiceLoadBalancerController;
  awsLbc: AwsLoadBalancerController;
  drainer: Drainer;
  drains: AbortController;
}

const RUNNING = 'running';
const DEFAULT_DRAIN_TIMEOUT_MS = 30_000;
const sameTaint = (a: KubeTaint, b: KubeTaint) => a.key === b.key && a.effect === b.effect;
const SERVICE_CIDR = '10.100.0.0/16';

interface Known {
  machine: SimulatedMachine;
  nodegroup?: string;
}

export class ClusterDataPlane {
  private readonly cniConfig: CniConfigWatcher;
  private readonly network: VpcCni;
  /** The scheduler's election and the data plane's (or, without election, their work run directly). */
  private readonly elections: { stop(): Promise<void> }[] = [];
  /** The data plane's work while this replica holds its Lease. */
  private term: Term | undefined;
  private readonly known = new Map<string, Known>();
  private readonly subnets = new Map<string, SubnetInfo>();
  /** Instance id → the role its kubelet speaks as (the node group's node role). */
  private readonly roles = new Map<string, string>();
  /** Node roles already mapped in aws-auth by this process. */
  private readonly mappedRoles = new Set<string>();
  /** Instances whose drain has started (each is drained once), with the drain in flight. */
  private readonly draining = new Map<string, Promise<void>>();
  private cancel: (() => void) | undefined;
  private syncing: Promise<void> | undefined;

  constructor(private readonly opts: ClusterDataPlaneOptions) {
    const { informers, clock, log, cluster, deps } = opts;
    this.cniConfig = new CniConfigWatcher({ informers, log });
    const nodes = informers.informer({ resource: { group: '', version: 'v1', resource: 'nodes' } });
    this.network = new VpcCni({
      addresses: subnetAddresses(deps.ec2, cluster.account, cluster.region),
      clock,
      log,
      config: () => this.cniConfig.config(),
      nodeMeta: (name) => {
        const n = nodes.get(undefined, name);
        return n && { labels: n.metadata?.labels ?? {}, annotations: n.metadata?.annotations ?? {} };
      },
    });
  }

  /**
   * Starts the CNI config watcher and elects: the scheduler and the rest start as their Leases
   * are won (at once for a lone replica). Add-ons are applied in the background (idempotently).
   */
  start(): void {
    const { informers, clock, log } = this.opts;
    this.cniConfig.start();
    const startScheduler = (inf: SharedInformers) => {
      const s = new Scheduler({ client: inf.client, informers: inf, clock, log: log.child({ controller: 'scheduler' }) });
      s.start();
      return s;
    };
    const startDataPlane = (inf: SharedInformers) => {
      this.beginTerm(inf);
      return { stop: () => this.endTerm() };
    };
    const settings = this.opts.leaderElection;
    if (settings === false) {
      this.elections.push(startScheduler(informers), startDataPlane(informers));
      return;
    }
    this.elections.push(
      leaderElected({ informers, lease: SCHEDULER_LEASE, component: 'default-scheduler', clock, log, settings, run: startScheduler }),
      leaderElected({ informers, lease: DATA_PLANE_LEASE, component: 'eksplane-data-plane', clock, log, settings, run: startDataPlane }),
    );
  }

  async stop(): Promise<void> {
    await Promise.all(this.elections.splice(0).map((e) => e.stop()));
    await this.cniConfig.stop();
  }

  /** The pod logs of a kubelet of this cluster (the API server's pods/log); none on a standby replica. */
  get podLogs(): KubeletFleet['podLogs'] {
    return (namespace, name, container, o) => {
      const fleet = this.term?.fleet;
      if (fleet) return fleet.podLogs(namespace, name, container, o);
      const node = this.opts.informers.informer<KubeObject & { spec?: { nodeName?: string } }>({ resource: { group: '', version: 'v1', resource: 'pods' } }).get(namespace, name)?.spec?.nodeName ?? '';
      return { ok: false, code: 500, reason: 'InternalError', message: `Get "https://${node}:10250/containerLogs/${namespace}/${name}/${container}": dial tcp: connect: connection refused` };
    };
  }

  /** A data-plane term: kubelets, load balancers, add-ons and the instance sync, over the term's informers. */
  private beginTerm(informers: SharedInformers): void {
    const { clock, log, cluster, api } = this.opts;
    const client = informers.client;
    const term: Term = (this.term = {
      informers,
      fleet: new KubeletFleet({ informers, clock, log: log.child({ controller: 'kubelet' }), network: this.network, transportFor: (m) => inProcessTransport(api, () => this.nodeUser(m)) }),
      serviceLb: new ServiceLoadBalancerController({ client, informers, clock, log: log.child({ controller: 'service-controller' }), region: cluster.region }),
      awsLbc: new AwsLoadBalancerController({ client, informers, clock, log: log.child({ controller: 'aws-load-balancer-controller' }), region: cluster.region, clusterName: cluster.name }),
      drainer: new Drainer({ client, clock, log: log.child({ controller: 'nodegroup-drain' }) }),
      drains: new AbortController(),
    });
    term.serviceLb.start();
    term.awsLbc.start();
    term.fleet.start();
    // EKS installs these once; a failure is logged, never a reason for the cluster not to come up.
    void (async () => applyAddons(client, eksDefaultAddons({ region: cluster.region, kubernetesVersion: cluster.version, serviceIpv4Cidr: SERVICE_CIDR, endpoint: cluster.endpoint, clusterName: cluster.name })))().catch((err: unknown) =>
      log.warn({ err }, 'default add-ons not applied'),
    );
    this.schedule(0);
  }

  /** Ends the term: no more syncs, drains abandoned, kubelets and load balancers stopped; machines are re-adopted next term. */
  private async endTerm(): Promise<void> {
    const term = this.term;
    if (!term) return;
    this.term = undefined;
    this.cancel?.();
    term.drains.abort();
    await this.syncing;
    await Promise.all(this.draining.values());
    this.draining.clear();
    this.known.clear();
    this.roles.clear();
    await term.fleet.stop();
    await term.awsLbc.stop();
    await term.serviceLb.stop();
  }

  /** A node group's Ready nodes and its instances whose kubelets the cluster refused. */
  nodegroupStatus(nodegroupName: string): { ready: number; failedToJoin: string[] } {
    let ready = 0;
    const failedToJoin: string[] = [];
    const nodes = this.opts.informers.informer({ resource: { group: '', version: 'v1', resource: 'nodes' } });
    for (const [id, k] of this.known) {
      if (k.nodegroup !== nodegroupName) continue;
      const state = this.term?.fleet.machineState(id);
      if (state?.phase === 'join-failed') failedToJoin.push(id);
      const node = nodes.get(undefined, k.machine.nodeName) as KubeObject & { status?: { conditions?: { type: string; status: string }[] } } | undefined;
      if (node?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) ready++;
    }
    return { ready, failedToJoin };
  }

  private async nodeUser(m: SimulatedMachine): Promise<UserInfo | undefined> {
    const role = this.roles.get(m.instanceId);
    const id = role ? instanceRoleIdentity(this.opts.cluster.account, role, m.instanceId) : undefined;
    return id ? this.opts.mapIdentity(id) : undefined;
  }

  private schedule(ms: number): void {
    const term = this.term;
    if (!term) return;
    this.cancel = this.opts.clock.setTimer(ms, () => {
      this.syncing = this.sync(term)
        .catch((err) => this.opts.log.warn({ err }, 'instance sync failed'))
        .finally(() => {
          if (this.term === term) this.schedule(this.opts.deps.syncMs ?? 1000);
        });
    });
  }

  /** One pass: kubelets for new running instances, none for instances that stopped running. */
  private async sync(term: Term): Promise<void> {
    const { account, region, name } = this.opts.cluster;
    const instances = await this.opts.deps.instances.of(account, region, name);
    const byId = new Map(instances.map((i) => [i.instanceId, i]));
    const running = new Map<string, InstanceInfo>();
    for (const i of instances) if (i.state === RUNNING) running.set(i.instanceId, i);
    for (const [id, k] of this.known) {
      if (running.has(id)) continue;
      this.known.delete(id);
      this.roles.delete(id);
      this.draining.delete(id);
      term.fleet.removeMachine(id);
      await this.network.detachMachine(k.machine);
      const inst = byId.get(id);
      if (!inst || inst.state === 'terminated' || inst.state === 'shutting-down') await this.deleteNode(k.machine.nodeName);
    }
    const nodegroups = new Map<string, NodegroupRecord | undefined>();
    const nodegroup = async (ngName: string) => {
      if (!nodegroups.has(ngName)) nodegroups.set(ngName, (await nodegroupTable(this.opts.deps.store, { account, region }).get(`${name}/${ngName}`))?.value);
      return nodegroups.get(ngName);
    };
    for (const k of this.known.values()) if (k.nodegroup) await this.reflectNodegroupConfig(k, await nodegroup(k.nodegroup));
    for (const [id, inst] of running) {
      if (this.known.has(id)) continue;
      const ngName = inst.tags['eks:nodegroup-name'];
      const ng = ngName ? await nodegroup(ngName) : undefined;
      const machine = simulatedMachine(inst, region, await this.subnet(inst.subnetId), ng);
      if (!machine) {
        this.opts.log.warn({ instance: id, type: inst.instanceType }, 'instance type unknown; no kubelet');
        continue;
      }
      if (ng) {
        this.roles.set(id, ng.nodeRole);
        await this.mapNodeRole(ng.nodeRole);
      }
      this.known.set(id, { machine, nodegroup: ngName });
      term.fleet.addMachine(machine);
    }
    for (const ng of nodegroups.values()) if (ng?.asgCreated) await this.drainWaiting(term, ng);
  }

  /**
   * Drains, once each, the node group's instances its Auto Scaling group holds in
   * Terminating:Wait, then completes their lifecycle action (CONTINUE) so they terminate. An
   * instance without a node (no kubelet) is let go at once; a failed completion is tried again
   * next sync.
   */
  private async drainWaiting(term: Term, ng: NodegroupRecord): Promise<void> {
    const { autoscaling, drainTimeoutMs } = this.opts.deps;
    if (!autoscaling) return;
    const { account, region } = this.opts.cluster;
    const g = await autoscaling.describeGroup(account, region, ng.asgName);
    for (const inst of g?.instances ?? []) {
      if (inst.lifecycleState !== 'Terminating:Wait' || this.draining.has(inst.instanceId)) continue;
      const id = inst.instanceId;
      const node = this.known.get(id)?.machine.nodeName;
      const log = this.opts.log.child({ nodegroup: ng.nodegroupName, instance: id, node });
      const run = (async () => {
        if (node) await term.drainer.drain(node, { timeoutMs: drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS, signal: term.drains.signal });
        if (term.drains.signal.aborted) return;
        await autoscaling.completeLifecycleAction(account, region, { groupName: ng.asgName, hookName: TERMINATE_HOOK.name, instanceId: id, result: 'CONTINUE' });
        log.info('node drained; instance let go');
      })().catch((err: unknown) => {
        log.warn({ err }, 'drain or lifecycle completion failed; retried next sync');
        this.draining.delete(id);
      });
      this.draining.set(id, run);
    }
  }

  /**
   * UpdateNodegroupConfig's labels and taints on the group's existing Nodes (EKS applies them to
   * the nodes it manages): labels added, changed and removed by a merge patch, the group's taints
   * swapped in spec.taints beside taints of others (unschedulable, not-ready …), as the controller.
   */
  private async reflectNodegroupConfig(k: Known, ng: NodegroupRecord | undefined): Promise<void> {
    if (!ng) return;
    const labels = nodegroupLabels(ng);
    const taints = nodegroupTaints(ng);
    const was = k.machine;
    const labelsChanged = JSON.stringify(Object.entries(labels).sort()) !== JSON.stringify(Object.entries(was.labels).sort());
    const taintsChanged = JSON.stringify(taints) !== JSON.stringify(was.taints);
    if (!labelsChanged && !taintsChanged) return;
    const client = this.opts.informers.client;
    const ref = { group: '', version: 'v1', resource: 'nodes', name: was.nodeName };
    try {
      if (labelsChanged) {
        const patch: Record<string, string | null> = { ...labels };
        for (const key of Object.keys(was.labels)) if (!(key in labels)) patch[key] = null;
        await client.patch(ref, { metadata: { labels: patch } }, 'merge');
      }
      for (let attempt = 0; taintsChanged && attempt < 5; attempt++) {
        const node = await client.get<KubeObject & { spec?: { taints?: KubeTaint[] } }>(ref);
        const others = (node.spec?.taints ?? []).filter((t) => !was.taints.some((o) => sameTaint(o, t)) && !taints.some((n) => sameTaint(n, t)));
        const next = [...others, ...taints];
        try {
          await client.update(ref, { ...node, spec: { ...node.spec, taints: next.length ? next : undefined } });
          break;
        } catch (err) {
          if (!isConflict(err)) throw err;
        }
      }
    } catch (err) {
      // Not registered yet: tried again next sync.
      if (isNotFound(err)) return;
      throw err;
    }
    k.machine = { ...was, labels, taints };
    this.opts.log.info({ node: was.nodeName, nodegroup: ng.nodegroupName }, 'node group labels and taints applied to the node');
  }

  /** In the CONFIG_MAP mode EKS maps a managed node group's role in aws-auth (in the API modes it made an access entry). */
  private async mapNodeRole(roleArn: string): Promise<void> {
    if (this.mappedRoles.has(roleArn)) return;
    const { account, region, name } = this.opts.cluster;
    const cluster = (await eksTables(this.opts.deps.store, { account, region }).clusters.get(name))?.value;
    if (cluster?.accessConfig.authenticationMode === 'CONFIG_MAP') await mapNodeRoleInAwsAuth(this.opts.informers.client, roleArn);
    this.mappedRoles.add(roleArn);
  }

  private async subnet(id: string): Promise<SubnetInfo | undefined> {
    let s = this.subnets.get(id);
    if (!s) {
      [s] = await this.opts.deps.ec2.describeSubnets(this.opts.cluster.account, this.opts.cluster.region, [id]);
      if (s) this.subnets.set(id, s);
    }
    return s;
  }

  /** The cloud controller manager's part: a terminated instance's Node goes. */
  private async deleteNode(nodeName: string): Promise<void> {
    try {
      await this.opts.informers.client.delete({ group: '', version: 'v1', resource: 'nodes', name: nodeName });
      this.opts.log.info({ node: nodeName }, 'node of a terminated instance deleted');
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
