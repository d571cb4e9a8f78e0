/**
 * EC2 instances as the data plane sees them: what an instance of a cluster is (its hardware from
 * EC2's instance-type table, its subnet's zone id, and — for a managed node group's instances —
 * the labels and taints EKS gives the group's nodes), and which IAM session its kubelet speaks as.
 */
import type { Taint as KubeTaint } from 'kubernetes-types/core/v1.js';
import type { EksIdentity } from '../aws/identity/index.js';
import type { InstanceInfo, SubnetInfo } from '../aws/services/contracts.js';
import { instanceType } from '../aws/services/ec2/index.js';
import type { NodegroupRecord } from '../aws/services/eks/nodegroups/model.js';
import type { MachineShape, SimulatedMachine } from '../dataplane/contracts.js';

/** EKS's taint effects (NO_SCHEDULE …) in Kubernetes' spelling. */
const EFFECTS: Record<string, KubeTaint['effect']> = { NO_SCHEDULE: 'NoSchedule', NO_EXECUTE: 'NoExecute', PREFER_NO_SCHEDULE: 'PreferNoSchedule' };

/** The instance type's hardware, or undefined for a type EC2 does not know. */
export function machineShape(typeName: string): MachineShape | undefined {
  const t = instanceType(typeName);
  if (!t) return undefined;
  return {
    instanceType: t.name,
    vcpus: t.vcpus,
    memoryMiB: t.memoryMiB,
    enis: t.enis,
    ipv4PerEni: t.ipv4PerEni,
    architecture: t.architecture === 'arm64' ? 'arm64' : 'amd64',
    hypervisor: t.hypervisor,
  };
}

/**
 * The labels EKS gives a managed node group's nodes besides the kubelet's own
 * (shared/research/eks-semantics.md §4): the group, its capacity type, its launch template, and
 * the labels the group was created with.
 */
export function nodegroupLabels(ng: NodegroupRecord): Record<string, string> {
  const labels: Record<string, string> = {
    'eks.amazonaws.com/nodegroup': ng.nodegroupName,
    'eks.amazonaws.com/capacityType': ng.capacityType || 'ON_DEMAND',
  };
  if (ng.launchTemplate?.id) labels['eks.amazonaws.com/sourceLaunchTemplateId'] = ng.launchTemplate.id;
  if (ng.launchTemplate?.version) labels['eks.amazonaws.com/sourceLaunchTemplateVersion'] = ng.launchTemplate.version;
  return { ...labels, ...ng.labels };
}

/** A node group's taints as the nodes carry them. */
export function nodegroupTaints(ng: NodegroupRecord): KubeTaint[] {
  return (ng.taints ?? []).map((t) => ({ key: t.key, ...(t.value ? { value: t.value } : {}), effect: EFFECTS[t.effect] ?? (t.effect as KubeTaint['effect']) }));
}

/** The machine an instance is, or undefined when EC2 does not know its type. */
export function simulatedMachine(inst: InstanceInfo, region: string, subnet: SubnetInfo | undefined, ng: NodegroupRecord | undefined): SimulatedMachine | undefined {
  const shape = machineShape(inst.instanceType);
  if (!shape) return undefined;
  return {
    instanceId: inst.instanceId,
    nodeName: inst.privateDnsName,
    region,
    availabilityZone: inst.availabilityZone,
    availabilityZoneId: subnet?.availabilityZoneId,
    vpcId: inst.vpcId,
    subnetId: inst.subnetId,
    privateIp: inst.privateIpAddress,
    shape,
    labels: ng ? nodegroupLabels(ng) : {},
    taints: ng ? nodegroupTaints(ng) : [],
    launchTime: inst.launchTime,
  };
}

/**
 * The IAM identity an instance's kubelet presents (aws-iam-authenticator's view of the instance
 * profile's role session): `assumed-role/<role>/<instance id>`, so `{{EC2PrivateDNSName}}`
 * resolves through the session name.
 */
export function instanceRoleIdentity(account: string, roleArn: string, instanceId: string): EksIdentity | undefined {
  const m = /^arn:(aws[\w-]*):iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]+)$/.exec(roleArn);
  if (!m) return undefined;
  const [, partition, roleAccount, roleName] = m;
  const userId = `AROA${roleAccount}NODE`;
  return {
    arn: `arn:${partition}:sts::${roleAccount}:assumed-role/${roleName}/${instanceId}`,
    canonicalArn: `arn:${partition}:iam::${roleAccount}:role/${roleName}`,
    accountId: roleAccount!,
    userId,
    sessionName: instanceId,
    accessKeyId: `ASIA${instanceId.slice(2, 18).toUpperCase().padEnd(16, 'X')}`,
    principal: {
      account: account,
      arn: `arn:${partition}:sts::${roleAccount}:assumed-role/${roleName}/${instanceId}`,
      userId: `${userId}:${instanceId}`,
      accessKeyId: `ASIA${instanceId.slice(2, 18).toUpperCase().padEnd(16, 'X')}`,
      unrestricted: false,
      roleArn: `arn:${partition}:iam::${roleAccount}:role/${roleName}`,
    },
  };
}
