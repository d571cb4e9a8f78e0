/**
 * The managed node group state machine (shared/research/eks-semantics.md §2, §5), run by the
 * reconciler:
 *
 *   CREATING/provision ─(now)→ Auto Scaling group `eks-<ng>-<uuid>` (and the remote access
 *       security group) created → CREATING/activate
 *   CREATING/activate ─(every readyPoll)→ ACTIVE once the group has its desired instances
 *       InService, or once createdAt + nodegroupCreate has passed
 *       └─ node role gone / no longer trusting ec2.amazonaws.com, ASG gone → CREATE_FAILED + health.issues
 *   DELETING/delete ─(now)→ with a data plane and instances: ASG scaled to 0 → DELETING/drain
 *       (every readyPoll; the nodes are drained through the termination hook) ─(ASG empty)→
 *       ASG deleted (force) → DELETING/finish ─(deletion + nodegroupDelete)→ gone
 *
 * UPDATING is driven by Update records through the `nodegroup` update applier (./updates.ts).
 * Every side effect is idempotent: the ASG is looked up before it is created, deleting what is
 * already gone is not an error.
 */
import { AwsError } from '../../../types.js';
import { bootstrapNodeRoleEntry } from '../access-entry-model.js';
import type { Step } from '../reconciler.js';
import { tables, type EksRuntime } from '../runtime.js';
import { KIND, type Lifecycle, type Scope } from '../state.js';
import { NG_MSG } from './messages.js';
import { asgTags, TERMINATE_HOOK, type NodegroupDeps, type NodegroupIssue, type NodegroupRecord } from './model.js';

/** Why a node group being created cannot work (anymore): health issues, empty when fine. */
async function roleIssues(rt: EksRuntime, scope: Scope, n: NodegroupRecord): Promise<NodegroupIssue[]> {
  const role = await rt.iam.getRole(scope.account, n.nodeRole);
  if (!role) return [{ code: 'IamNodeRoleNotFound', message: `The node role ${n.nodeRole} does not exist.`, resourceIds: [n.nodeRole] }];
  if (!(await rt.iam.roleTrusts(scope.account, n.nodeRole, 'ec2.amazonaws.com')))
    return [{ code: 'AccessDenied', message: `The node role ${n.nodeRole} cannot be assumed by ec2.amazonaws.com: its trust policy does not allow it.`, resourceIds: [n.nodeRole] }];
  return [];
}

/** How long a deletion waits for the drained instances before deleting the group anyway (the hook's heartbeat and a minute). */
const DRAIN_LIMIT_MS = (TERMINATE_HOOK.heartbeatTimeout + 60) * 1000;

const failed = (n: NodegroupRecord, now: number, issues: NodegroupIssue[]): Step<NodegroupRecord> => ({
  put: { ...n, status: 'CREATE_FAILED', health: { issues }, modifiedAt: now, lifecycle: undefined },
});

async function provision(rt: EksRuntime, deps: NodegroupDeps, scope: Scope, n: NodegroupRecord, now: number): Promise<Step<NodegroupRecord>> {
  let sg = n.remoteAccessSecurityGroup;
  if (n.remoteAccess?.ec2SshKey && !n.remoteAccess.sourceSecurityGroups?.length && !sg) {
    const cluster = await tables(rt, scope).clusters.get(n.clusterName);
    if (cluster) {
      sg = await rt.ec2.createSecurityGroup(scope.account, scope.region, {
        vpcId: cluster.value.resourcesVpcConfig.vpcId,
        name: `eks-remoteAccess-${n.id}`,
        description: 'Security group for all nodes in the nodeGroup to allow SSH access',
        tags: { 'eks:cluster-name': n.clusterName, 'eks:nodegroup-name': n.nodegroupName },
      });
    }
  }
  if (!(await deps.autoscaling.describeGroup(scope.account, scope.region, n.asgName))) {
    try {
      await deps.autoscaling.createGroup(scope.account, scope.region, {
        name: n.asgName,
        minSize: n.scalingConfig.minSize,
        maxSize: n.scalingConfig.maxSize,
        desiredCapacity: n.scalingConfig.desiredSize,
        subnetIds: n.subnets,
        // Auto Scaling takes the template by id or by name, never both.
        launchTemplate: n.launchTemplate && (n.launchTemplate.id ? { id: n.launchTemplate.id, version: n.launchTemplate.version } : { name: n.launchTemplate.name, version: n.launchTemplate.version }),
        instanceType: n.launchTemplate ? n.instanceTypes?.[0] : (n.instanceTypes?.[0] ?? 't3.medium'),
        tags: asgTags(n.clusterName, n.nodegroupName),
        // With a data plane to drain the nodes, EKS's termination hook holds each instance until it is drained.
        lifecycleHooks: deps.nodes ? [TERMINATE_HOOK] : undefined,
      });
    } catch (err) {
      // Auto Scaling refused the group (a service error): the node group cannot be created.
      if (!(err instanceof AwsError)) throw err;
      return failed({ ...n, remoteAccessSecurityGroup: sg }, now, [{ code: 'AutoScalingGroupInvalidConfiguration', message: err.message, resourceIds: [n.asgName] }]);
    }
  }
  const cluster = await tables(rt, scope).clusters.get(n.clusterName);
  if (cluster) await bootstrapNodeRoleEntry(rt.store, scope, cluster.value, n.nodeRole, now);
  const due = Math.min(now + rt.timings.readyPoll, n.createdAt + rt.timings.nodegroupCreate);
  return { put: { ...n, asgCreated: true, remoteAccessSecurityGroup: sg, lifecycle: { phase: 'activate', startedAt: now, dueAt: due } } };
}

async function activate(rt: EksRuntime, deps: NodegroupDeps, scope: Scope, n: NodegroupRecord, now: number): Promise<Step<NodegroupRecord>> {
  const issues = await roleIssues(rt, scope, n);
  if (issues.length) return failed(n, now, issues);
  const g = await deps.autoscaling.describeGroup(scope.account, scope.region, n.asgName);
  if (!g) return failed(n, now, [{ code: 'AutoScalingGroupNotFound', message: `The Auto Scaling group ${n.asgName} of the node group does not exist.`, resourceIds: [n.asgName] }]);
  const inService = g.instances.filter((i) => i.lifecycleState === 'InService').length;
  const active = (): Step<NodegroupRecord> => {
    rt.log.info({ cluster: n.clusterName, nodegroup: n.nodegroupName, account: scope.account, region: scope.region }, 'eks nodegroup active');
    return { put: { ...n, status: 'ACTIVE', modifiedAt: now, lifecycle: undefined } };
  };
  const deadline = n.createdAt + rt.timings.nodegroupCreate;
  if (!deps.nodes) {
    if (inService >= n.scalingConfig.desiredSize || now >= deadline) return active();
    return { put: { ...n, lifecycle: { ...n.lifecycle!, dueAt: Math.min(now + rt.timings.readyPoll, deadline) } } };
  }
  // With a data plane, EKS waits for the instances to join as Ready nodes.
  const nodes = await deps.nodes.status(scope, n.clusterName, n.nodegroupName);
  if (now >= deadline && nodes.ready >= n.scalingConfig.desiredSize) return active();
  // Instances that cannot even launch (no free addresses, unknown type…): the group cannot be created.
  if (now >= deadline && g.launchError && inService < n.scalingConfig.desiredSize)
    return failed(n, now, [{ code: 'AsgInstanceLaunchFailures', message: NG_MSG.launchFailed(n.capacityType, g.launchError.code, g.launchError.message), resourceIds: [n.asgName] }]);
  const joinDeadline = n.createdAt + Math.max(rt.timings.nodegroupCreate, rt.timings.nodegroupJoin);
  if (now >= joinDeadline) {
    if (nodes.failedToJoin.length) return failed(n, now, [{ code: 'NodeCreationFailure', message: NG_MSG.instancesFailedToJoin, resourceIds: nodes.failedToJoin }]);
    return active();
  }
  return { put: { ...n, lifecycle: { ...n.lifecycle!, dueAt: Math.min(now + rt.timings.readyPoll, now < deadline ? deadline : joinDeadline) } } };
}

/** Deletes a node group's Auto Scaling group and remote access security group (both may be gone already). */
export async function deleteGroupResources(rt: EksRuntime, deps: NodegroupDeps, scope: Scope, n: NodegroupRecord): Promise<void> {
  if (await deps.autoscaling.describeGroup(scope.account, scope.region, n.asgName)) {
    await deps.autoscaling.deleteGroup(scope.account, scope.region, n.asgName, { forceDelete: true });
  }
  if (n.remoteAccessSecurityGroup) {
    try {
      await rt.ec2.deleteSecurityGroup(scope.account, scope.region, n.remoteAccessSecurityGroup);
    } catch (err) {
      rt.log.debug({ err, nodegroup: n.nodegroupName }, 'eks nodegroup remote access security group not deleted');
    }
  }
}

/**
 * DeleteNodegroup's first part as EKS does it (delete-managed-node-group docs): the Auto Scaling
 * group goes to 0/0/0 so every instance is drained through the termination hook and terminates;
 * once it is empty (or after the hook's own timeout) the group is deleted.
 */
async function removeNodes(rt: EksRuntime, deps: NodegroupDeps, scope: Scope, n: NodegroupRecord, lc: Lifecycle, now: number): Promise<Step<NodegroupRecord>> {
  const g = deps.nodes ? await deps.autoscaling.describeGroup(scope.account, scope.region, n.asgName) : undefined;
  const waiting = g !== undefined && g.instances.length > 0 && now < lc.startedAt + DRAIN_LIMIT_MS;
  if (waiting) {
    if (lc.phase === 'delete') await deps.autoscaling.updateGroup(scope.account, scope.region, n.asgName, { minSize: 0, maxSize: 0, desiredCapacity: 0 });
    return { put: { ...n, lifecycle: { phase: 'drain', startedAt: lc.startedAt, dueAt: now + rt.timings.readyPoll } } };
  }
  await deleteGroupResources(rt, deps, scope, n);
  return { put: { ...n, lifecycle: { phase: 'finish', startedAt: lc.startedAt, dueAt: Math.max(now, lc.startedAt + rt.timings.nodegroupDelete) } } };
}

/** Removes the Update records of a node group (a group recreated under the name starts afresh). */
async function deleteUpdatesOf(rt: EksRuntime, scope: Scope, n: NodegroupRecord): Promise<void> {
  const updates = tables(rt, scope).updates;
  for (const row of await updates.listUnder(`${n.clusterName}/`)) {
    if (row.value.target.kind === 'nodegroup' && row.value.target.name === n.nodegroupName) await updates.delete(row.id);
  }
}

/** Registers the node group state machine. */
export function registerNodegroupMachine(rt: EksRuntime, deps: NodegroupDeps): void {
  rt.reconciler.register<NodegroupRecord>({
    kind: KIND.nodegroups,
    async advance(n, ctx) {
      const scope = { account: ctx.key.account, region: ctx.key.region };
      const lc = n.lifecycle;
      if (!lc) return { put: n };
      if (n.status === 'DELETING') {
        if (lc.phase === 'delete' || lc.phase === 'drain') return removeNodes(rt, deps, scope, n, lc, ctx.now);
        await deleteUpdatesOf(rt, scope, n);
        rt.log.info({ cluster: n.clusterName, nodegroup: n.nodegroupName, account: scope.account, region: scope.region }, 'eks nodegroup deleted');
        return { remove: true };
      }
      if (n.status === 'CREATING') return lc.phase === 'provision' ? provision(rt, deps, scope, n, ctx.now) : activate(rt, deps, scope, n, ctx.now);
      return { put: { ...n, lifecycle: undefined } };
    },
  });
}
