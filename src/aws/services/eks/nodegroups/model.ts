/**
 * The stored managed node group: every member of the model's `Nodegroup` that eksplane serves,
 * plus internal lifecycle fields that {@link nodegroupView} never shows. Stored in the
 * conventional `nodegroups` table under `<cluster>/<name>` (../state.ts), so DeleteCluster,
 * UpdateClusterVersion and the tag operations find it without wiring.
 */
import type { AutoScalingApi } from '../../contracts.js';
import { tableOf, KIND, type EksTable, type Lifecycle, type Scope } from '../state.js';

/** The model's NodegroupStatus. */
export type NodegroupStatus = 'CREATING' | 'ACTIVE' | 'UPDATING' | 'DELETING' | 'CREATE_FAILED' | 'DELETE_FAILED' | 'DEGRADED';

/** The model's Taint. */
export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

/** The model's NodegroupScalingConfig, complete. */
export interface ScalingConfig {
  minSize: number;
  maxSize: number;
  desiredSize: number;
}

/** A `health.issues[]` entry (model Issue, NodegroupIssueCode). */
export interface NodegroupIssue {
  code: string;
  message: string;
  resourceIds: string[];
}

/** Where a rolling version update stands (semantics doc §5, "Rolling update"). */
export interface Rollout {
  updateId: string;
  /** `upgrade`: the ASG was scaled up by `surge` nodes; old nodes are being replaced. */
  phase: 'upgrade';
  surge: number;
  startedAt: number;
}

/** A managed node group as stored. */
export interface NodegroupRecord {
  nodegroupName: string;
  nodegroupArn: string;
  clusterName: string;
  /** The UUID of the ARN, also in the Auto Scaling group's name. */
  id: string;
  version: string;
  releaseVersion?: string;
  createdAt: number;
  modifiedAt: number;
  status: NodegroupStatus;
  capacityType: string;
  scalingConfig: ScalingConfig;
  instanceTypes?: string[];
  subnets: string[];
  remoteAccess?: { ec2SshKey?: string; sourceSecurityGroups?: string[] };
  amiType?: string;
  nodeRole: string;
  labels: Record<string, string>;
  taints?: Taint[];
  diskSize?: number;
  health: { issues: NodegroupIssue[] };
  updateConfig: { maxUnavailable?: number; maxUnavailablePercentage?: number; updateStrategy?: string };
  nodeRepairConfig?: Record<string, unknown>;
  launchTemplate?: { id?: string; name?: string; version?: string };
  tags: Record<string, string>;
  warmPoolConfig?: Record<string, unknown>;
  /** Internal: `eks-<name>-<id>`. */
  asgName: string;
  /** Internal: the Auto Scaling group exists (shown in `resources` from then on). */
  asgCreated?: boolean;
  /** Internal: the security group EKS made for `remoteAccess` without source groups. */
  remoteAccessSecurityGroup?: string;
  clientRequestToken?: string;
  lifecycle?: Lifecycle;
  /** Internal: the node group update in flight (one at a time). */
  activeUpdateId?: string;
  /** Internal: the last update applied (tells a re-run applier it already ran). */
  lastAppliedUpdateId?: string;
  /** Internal: progress of a rolling version update. */
  rollout?: Rollout;
}

/** The `nodegroups` table of a scope. */
export function nodegroupTable(store: Parameters<typeof tableOf>[0], scope: Scope): EksTable<NodegroupRecord> {
  return tableOf<NodegroupRecord>(store, scope, KIND.nodegroups);
}

/** The model's `Nodegroup`: internal fields stay inside; `resources` appears once the ASG exists. */
export function nodegroupView(n: NodegroupRecord): Record<string, unknown> {
  return {
    nodegroupName: n.nodegroupName,
    nodegroupArn: n.nodegroupArn,
    clusterName: n.clusterName,
    version: n.version,
    releaseVersion: n.releaseVersion,
    createdAt: n.createdAt,
    modifiedAt: n.modifiedAt,
    status: n.status,
    capacityType: n.capacityType,
    scalingConfig: n.scalingConfig,
    instanceTypes: n.instanceTypes,
    subnets: n.subnets,
    remoteAccess: n.remoteAccess,
    amiType: n.amiType,
    nodeRole: n.nodeRole,
    labels: n.labels,
    taints: n.taints,
    resources: n.asgCreated
      ? { autoScalingGroups: [{ name: n.asgName }], ...(n.remoteAccessSecurityGroup ? { remoteAccessSecurityGroup: n.remoteAccessSecurityGroup } : {}) }
      : undefined,
    diskSize: n.diskSize,
    health: n.health,
    updateConfig: n.updateConfig,
    nodeRepairConfig: n.nodeRepairConfig,
    launchTemplate: n.launchTemplate,
    tags: n.tags,
    warmPoolConfig: n.warmPoolConfig,
  };
}

/** What the node group area is built from. */
export interface NodegroupDeps {
  /** The Auto Scaling service that owns each group's instances. */
  autoscaling: AutoScalingApi;
  /** The group's instances as Kubernetes nodes (absent without a data plane: instances count as nodes). */
  nodes?: NodegroupNodes;
}

/** How a node group's instances are doing as nodes of the cluster. */
export interface NodegroupNodes {
  /** Ready nodes of the group, and the ids of its instances whose kubelets were refused (role not mapped). */
  status(scope: { account: string; region: string }, clusterName: string, nodegroupName: string): Promise<{ ready: number; failedToJoin: string[] }>;
}

/**
 * The termination lifecycle hook EKS puts on a managed node group's Auto Scaling group (as seen in
 * DescribeLifecycleHooks of real node groups: `Terminate-LC-Hook`, 30-minute heartbeat): each
 * instance being terminated waits in Terminating:Wait until EKS has drained its node.
 */
export const TERMINATE_HOOK = { name: 'Terminate-LC-Hook', transition: 'autoscaling:EC2_INSTANCE_TERMINATING', heartbeatTimeout: 1800, defaultResult: 'CONTINUE' } as const;

/** `eks-<nodegroup>-<uuid>`, the name EKS gives a managed node group's Auto Scaling group (semantics doc §0). */
export function asgNameOf(nodegroupName: string, id: string): string {
  return `eks-${nodegroupName}-${id}`;
}

/**
 * The tags EKS puts on a managed node group's Auto Scaling group: its owner and the
 * cluster-autoscaler auto-discovery pair (semantics doc §5, names from community usage). The node
 * group's own tags are not propagated, as in EKS.
 */
export function asgTags(clusterName: string, nodegroupName: string): Record<string, string> {
  return {
    'eks:cluster-name': clusterName,
    'eks:nodegroup-name': nodegroupName,
    [`kubernetes.io/cluster/${clusterName}`]: 'owned',
    'k8s.io/cluster-autoscaler/enabled': 'true',
    [`k8s.io/cluster-autoscaler/${clusterName}`]: 'owned',
  };
}
