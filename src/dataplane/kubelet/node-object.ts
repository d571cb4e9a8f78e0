/**
 * The Node and Lease a simulated kubelet registers, shaped as the EKS AMI's kubelet writes them:
 * well-known labels from the instance (kubelet's getNodeLabels plus the AWS cloud provider's
 * topology), capacity from the instance type, allocatable after the reservations the EKS AMI's
 * bootstrap configures (shared/research/eks-semantics.md §4), nodeInfo of an Amazon Linux 2023
 * node with containerd, and the four conditions the kubelet's setters report.
 */
import { createHash } from 'node:crypto';
import type { Node, NodeCondition } from 'kubernetes-types/core/v1.js';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { SimulatedMachine } from '../contracts.js';

/** `--node-status-update-frequency`'s companion: the kubelet posts these on every status report. */
const CONDITIONS: { type: string; reason: string; message: string }[] = [
  { type: 'MemoryPressure', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
  { type: 'DiskPressure', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
  { type: 'PIDPressure', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
  { type: 'Ready', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
];

/** The 20 GiB root volume of an EKS AMI node, as `kubectl describe node` shows it. */
const EPHEMERAL_CAPACITY = '20959212Ki';
/** Its allocatable on EKS: minus the 1Gi kube-reserved ephemeral storage and the 10% nodefs eviction threshold. */
const EPHEMERAL_ALLOCATABLE = '18242267924';
/** eviction-hard memory.available<100Mi. */
const EVICTION_HARD_MIB = 100;

/** A stable hex string derived from `seed` (machine ids, image digests, container ids). */
export function hexId(seed: string, length: number): string {
  let out = '';
  for (let i = 0; out.length < length; i++) out += createHash('sha256').update(`${seed}#${i}`).digest('hex');
  return out.slice(0, length);
}

/**
 * kube-reserved CPU in millicores for `vcpus` cores, as the EKS AMI computes it: 6% of the first
 * core, 1% of the second, 0.5% of the third and fourth, 0.25% of every core above four.
 */
export function reservedCpuMillis(vcpus: number): number {
  let m = 0;
  for (let core = 1; core <= vcpus; core++) m += core === 1 ? 60 : core === 2 ? 10 : core <= 4 ? 5 : 2.5;
  return Math.floor(m);
}

/** kube-reserved memory in MiB: 255Mi + 11Mi per pod the node may run. */
export function reservedMemoryMiB(maxPods: number): number {
  return 255 + 11 * maxPods;
}

/** Capacity and allocatable of a machine with `maxPods`, as the kubelet reports them. */
export function nodeResources(m: SimulatedMachine, maxPods: number): { capacity: Record<string, string>; allocatable: Record<string, string> } {
  const memKi = m.shape.memoryMiB * 1024;
  const allocMemKi = (m.shape.memoryMiB - reservedMemoryMiB(maxPods) - EVICTION_HARD_MIB) * 1024;
  const common = { 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', pods: String(maxPods) };
  return {
    capacity: { cpu: String(m.shape.vcpus), 'ephemeral-storage': EPHEMERAL_CAPACITY, ...common, memory: `${memKi}Ki` },
    allocatable: { cpu: `${m.shape.vcpus * 1000 - reservedCpuMillis(m.shape.vcpus)}m`, 'ephemeral-storage': EPHEMERAL_ALLOCATABLE, ...common, memory: `${Math.max(0, allocMemKi)}Ki` },
  };
}

/** The labels a kubelet on this machine registers with (well-known ones first, then the machine's own). */
export function nodeLabels(m: SimulatedMachine): Record<string, string> {
  const arch = m.shape.architecture;
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': arch,
    'beta.kubernetes.io/instance-type': m.shape.instanceType,
    'beta.kubernetes.io/os': 'linux',
    'failure-domain.beta.kubernetes.io/region': m.region,
    'failure-domain.beta.kubernetes.io/zone': m.availabilityZone,
    'kubernetes.io/arch': arch,
    'kubernetes.io/hostname': m.nodeName,
    'kubernetes.io/os': 'linux',
    'node.kubernetes.io/instance-type': m.shape.instanceType,
    'topology.kubernetes.io/region': m.region,
    'topology.kubernetes.io/zone': m.availabilityZone,
  };
  if (m.availabilityZoneId) labels['topology.k8s.aws/zone-id'] = m.availabilityZoneId;
  return { ...labels, ...m.labels };
}

function conditions(now: string): NodeCondition[] {
  return CONDITIONS.map((c) => ({ type: c.type, status: c.type === 'Ready' ? 'True' : 'False', lastHeartbeatTime: now, lastTransitionTime: now, reason: c.reason, message: c.message }));
}

/** Keeps each condition's lastTransitionTime when its status did not change (the kubelet's setters do). */
export function refreshConditions(prev: NodeCondition[] | undefined, now: string): NodeCondition[] {
  return conditions(now).map((c) => {
    const old = prev?.find((p) => p.type === c.type);
    return old && old.status === c.status ? { ...c, lastTransitionTime: old.lastTransitionTime } : c;
  });
}

/**
 * The Node a kubelet on `m` creates. `kubeletVersion` is the cluster's gitVersion
 * (EKS's kubelets report `v1.32.9-eks-…` like the control plane).
 */
export function nodeObject(m: SimulatedMachine, maxPods: number, kubeletVersion: string, now: string): Node {
  const kernelArch = m.shape.architecture === 'arm64' ? 'aarch64' : 'x86_64';
  const { capacity, allocatable } = nodeResources(m, maxPods);
  const machineId = hexId(`machine:${m.instanceId}`, 32);
  const uuid = (h: string) => `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: m.nodeName,
      labels: nodeLabels(m),
      annotations: {
        'alpha.kubernetes.io/provided-node-ip': m.privateIp,
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: {
      providerID: `aws:///${m.availabilityZone}/${m.instanceId}`,
      ...(m.taints.length ? { taints: m.taints } : {}),
    },
    status: {
      capacity,
      allocatable,
      conditions: conditions(now),
      addresses: [
        { type: 'InternalIP', address: m.privateIp },
        { type: 'InternalDNS', address: m.nodeName },
        { type: 'Hostname', address: m.nodeName },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: machineId,
        systemUUID: uuid(`ec2${hexId(`uuid:${m.instanceId}`, 29)}`),
        bootID: uuid(hexId(`boot:${m.instanceId}:${m.launchTime}`, 32)),
        kernelVersion: `6.1.119-129.201.amzn2023.${kernelArch}`,
        osImage: 'Amazon Linux 2023.6.20241212',
        containerRuntimeVersion: 'containerd://1.7.23',
        kubeletVersion,
        kubeProxyVersion: '',
        operatingSystem: 'linux',
        architecture: m.shape.architecture,
      },
    },
  };
}

/** The node's Lease in kube-node-lease, owned by its Node (the kubelet's lease controller). */
export function leaseObject(node: Node, durationSeconds: number, renewTime: string): Lease {
  const name = node.metadata!.name!;
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name,
      namespace: 'kube-node-lease',
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata!.uid! }],
    },
    spec: { holderIdentity: name, leaseDurationSeconds: durationSeconds, renewTime },
  };
}

/** metav1.MicroTime as a Lease's renewTime carries it: RFC 3339 with microseconds. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
