/**
 * What the data plane is given and what its parts promise each other. The server wires the
 * implementations: EC2 instances become SimulatedMachines (the data plane never imports the AWS
 * layer), the VPC CNI (dataplane/cni) implements PodNetwork over a SubnetAddresses source the
 * server backs with EC2's subnets, and kubelets (dataplane/kubelet) call PodNetwork as a real
 * kubelet calls its CNI plugin.
 */
import type { Taint } from 'kubernetes-types/core/v1.js';

/** The hardware of an instance type, as EC2 describes it. */
export interface MachineShape {
  instanceType: string;
  vcpus: number;
  memoryMiB: number;
  /** Maximum network interfaces. */
  enis: number;
  /** IPv4 addresses per network interface (the primary one included). */
  ipv4PerEni: number;
  /** Kubernetes' spelling: amd64 or arm64. */
  architecture: 'amd64' | 'arm64';
  /** Nitro types can do prefix delegation; xen types cannot. */
  hypervisor: 'nitro' | 'xen' | undefined;
}

/** One EC2 instance that is meant to become a node of one cluster. */
export interface SimulatedMachine {
  instanceId: string;
  /** The Node's name: the instance's private DNS name (ip-10-0-1-23.<region>.compute.internal). */
  nodeName: string;
  region: string;
  availabilityZone: string;
  /** e.g. use1-az1; becomes topology.k8s.aws/zone-id when known. */
  availabilityZoneId?: string;
  vpcId: string;
  subnetId: string;
  privateIp: string;
  shape: MachineShape;
  /** Labels the node registers with besides the well-known ones the kubelet derives (node group labels, eks.amazonaws.com/*). */
  labels: Record<string, string>;
  /** Taints the node registers with (a managed node group's taints). */
  taints: Taint[];
  /** ms since the epoch. */
  launchTime: number;
}

/**
 * Private addresses of VPC subnets (implemented by the server over EC2's subnet state). Every
 * address is held by an `owner` — the instance id of the machine whose ENIs carry it — so a
 * restarted CNI finds what its machines hold and EC2 frees it when the instance terminates.
 */
export interface SubnetAddresses {
  /** Takes up to `count` free addresses from the subnet; fewer (possibly none) when it runs out. */
  allocate(subnetId: string, count: number, owner: string): Promise<string[]>;
  /** Gives addresses back to the subnet. */
  release(subnetId: string, ips: string[]): Promise<void>;
  /** Takes one free, aligned /28 (prefix delegation); undefined when none is left. Returns the 16 addresses. */
  allocatePrefix(subnetId: string, owner: string): Promise<string[] | undefined>;
  /** Gives a /28 back (its 16 addresses, as allocatePrefix returned them). */
  releasePrefix(subnetId: string, ips: string[]): Promise<void>;
  /** Every address `owner` holds in the subnet, in address order. */
  heldBy(subnetId: string, owner: string): Promise<string[]>;
}

/**
 * The pod sandbox's network failed; `message` is the CNI plugin's part (`plugin type="aws-cni" …
 * failed (add): …`), which the kubelet's FailedCreatePodSandBox event wraps with the sandbox id.
 */
export class PodNetworkError extends Error {}

/** What a kubelet asks of the CNI for the pods on one machine. */
export interface PodNetwork {
  /** The node booted: set up its primary interface and warm pool. */
  attachMachine(m: SimulatedMachine): Promise<void>;
  /** The node is gone: give every address of the machine back. */
  detachMachine(m: SimulatedMachine): Promise<void>;
  /** The `--max-pods` the node registers with (the VPC CNI formula for its shape and mode). */
  maxPods(m: SimulatedMachine): number;
  /** CNI ADD for a pod that is not hostNetwork: its IP, or a PodNetworkError. Idempotent per pod uid. */
  setUp(m: SimulatedMachine, pod: { namespace: string; name: string; uid: string }): Promise<{ ip: string }>;
  /** CNI DEL: the pod's address goes back to the warm pool. Idempotent. */
  tearDown(m: SimulatedMachine, podUid: string): Promise<void>;
  /**
   * A restarted kubelet found the pod running with `ip` (its sandbox survived): the network marks
   * that address the pod's again, so it is neither handed to another pod nor leaked.
   */
  adopt(m: SimulatedMachine, pod: { namespace: string; name: string; uid: string }, ip: string): Promise<void>;
}
