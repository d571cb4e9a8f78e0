/**
 * The cluster state machine (shared/research/eks-semantics.md §2), run by the reconciler:
 *
 *   CREATING/provision ─(now)→ CREATING/activate ─(createdAt + clusterCreate, control plane ready)→ ACTIVE
 *                                  └─ role gone or no longer trusting eks.amazonaws.com, subnet gone → FAILED + health.issues
 *   DELETING/delete ─(deletion + clusterDelete)→ gone (control plane, security group, updates, access entries and
 *                                                the extensions' records removed)
 *
 * Requests that are wrong from the start (unknown role, one AZ, missing subnet) are refused
 * synchronously by CreateCluster with EKS's 400s; FAILED is for causes that appear after the
 * request was accepted. UPDATING is driven by Update records (./update-machine.ts) through the
 * `cluster` update applier below.
 */
import { bootstrapCreatorEntry } from './access-entry-model.js';
import type { ControlPlaneCluster } from './control-plane.js';
import type { Step } from './reconciler.js';
import { mutate, tables, type EksRuntime, type UpdateApplier } from './runtime.js';
import { KIND, type ClusterIssue, type ClusterRecord, type Scope } from './state.js';

/** The provider's view of a cluster. */
export function controlPlaneCluster(scope: Scope, c: ClusterRecord): ControlPlaneCluster {
  const encryptsSecrets = !!c.encryptionConfig?.some((e) => e.resources.includes('secrets'));
  return { account: scope.account, region: scope.region, name: c.name, id: c.id, arn: c.arn, version: c.version, platformVersion: c.platformVersion, encryptsSecrets };
}

/** Why a cluster being created cannot work (anymore): health issues, empty when fine. */
async function creationIssues(rt: EksRuntime, scope: Scope, c: ClusterRecord): Promise<ClusterIssue[]> {
  const issues: ClusterIssue[] = [];
  const role = await rt.iam.getRole(scope.account, c.roleArn);
  if (!role) issues.push({ code: 'IamRoleNotFound', message: `The cluster role ${c.roleArn} does not exist.`, resourceIds: [c.roleArn] });
  else if (!(await rt.iam.roleTrusts(scope.account, c.roleArn, 'eks.amazonaws.com')))
    issues.push({ code: 'AccessDenied', message: `The cluster role ${c.roleArn} cannot be assumed by eks.amazonaws.com: its trust policy does not allow it.`, resourceIds: [c.roleArn] });
  const ids = c.resourcesVpcConfig.subnetIds;
  const found = new Set((await rt.ec2.describeSubnets(scope.account, scope.region, ids)).map((s) => s.subnetId));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length) issues.push({ code: 'Ec2SubnetNotFound', message: `The subnets ${missing.join(', ')} of the cluster no longer exist.`, resourceIds: missing });
  return issues;
}

async function stepCreating(rt: EksRuntime, scope: Scope, c: ClusterRecord, now: number): Promise<Step<ClusterRecord>> {
  const lc = c.lifecycle!;
  if (lc.phase === 'provision') {
    const cp = await rt.controlPlane.provision(controlPlaneCluster(scope, c));
    return { put: { ...c, controlPlane: cp, lifecycle: { phase: 'activate', startedAt: now, dueAt: c.createdAt + rt.timings.clusterCreate } } };
  }
  const issues = await creationIssues(rt, scope, c);
  if (issues.length) {
    await rt.controlPlane.deprovision(controlPlaneCluster(scope, c));
    rt.log.info({ cluster: c.name, account: scope.account, region: scope.region, issues: issues.map((i) => i.code) }, 'eks cluster failed');
    return { put: { ...c, status: 'FAILED', health: { issues }, lifecycle: undefined } };
  }
  if (!(await rt.controlPlane.ready(controlPlaneCluster(scope, c)))) {
    return { put: { ...c, lifecycle: { ...lc, dueAt: now + rt.timings.readyPoll } } };
  }
  await bootstrapCreatorEntry(rt.store, scope, c, now);
  rt.log.info({ cluster: c.name, account: scope.account, region: scope.region }, 'eks cluster active');
  return { put: { ...c, status: 'ACTIVE', activatedAt: now, lifecycle: undefined } };
}

async function stepDeleting(rt: EksRuntime, scope: Scope, c: ClusterRecord): Promise<Step<ClusterRecord>> {
  await rt.controlPlane.deprovision(controlPlaneCluster(scope, c));
  const sg = c.resourcesVpcConfig.clusterSecurityGroupId;
  if (sg) {
    try {
      await rt.ec2.deleteSecurityGroup(scope.account, scope.region, sg);
    } catch (err) {
      // Already gone, or still used by something outside EKS: EKS leaves it too.
      rt.log.debug({ err, cluster: c.name }, 'eks cluster security group not deleted');
    }
  }
  for (const hook of rt.clusterDeletedHooks) await hook(scope, c);
  const t = tables(rt, scope);
  for (const table of [t.updates, t.accessEntries]) {
    for (const row of await table.listUnder(`${c.name}/`)) await table.delete(row.id);
  }
  rt.log.info({ cluster: c.name, account: scope.account, region: scope.region }, 'eks cluster deleted');
  return { remove: true };
}

/** Registers the cluster state machine and the `cluster` update applier. */
export function registerClusterMachine(rt: EksRuntime): void {
  rt.reconciler.register<ClusterRecord>({
    kind: KIND.clusters,
    async advance(c, ctx) {
      const scope = { account: ctx.key.account, region: ctx.key.region };
      if (!c.lifecycle) return { put: c };
      if (c.status === 'DELETING') return stepDeleting(rt, scope, c);
      if (c.status === 'CREATING') return stepCreating(rt, scope, c, ctx.now);
      return { put: { ...c, lifecycle: undefined } };
    },
  });
  rt.updateTargets.set('cluster', applyClusterUpdate);
}

/**
 * Applies a cluster update: when the cluster still has it in flight (`activeUpdateId`), merges
 * its `change` into the cluster, clears the claim and returns to ACTIVE; when the cluster already
 * applied it (`lastAppliedUpdateId`, a restart between the two writes) it is Successful; an update
 * the cluster never claimed (a crash between creating it and claiming) is Cancelled.
 */
const applyClusterUpdate: UpdateApplier = async (u, { scope, rt }) => {
  const r: { outcome: 'Successful' | 'Cancelled' } = { outcome: 'Cancelled' };
  const after = await mutate(tables(rt, scope).clusters, u.clusterName, (c) => {
    if (c.activeUpdateId !== u.id) {
      r.outcome = c.lastAppliedUpdateId === u.id ? 'Successful' : 'Cancelled';
      return undefined;
    }
    r.outcome = 'Successful';
    const next: ClusterRecord = { ...c, ...(u.change as Partial<ClusterRecord>), activeUpdateId: undefined, lastAppliedUpdateId: u.id };
    if (next.status === 'UPDATING') next.status = 'ACTIVE';
    return next;
  });
  if (after) await rt.controlPlane.updated?.(controlPlaneCluster(scope, after));
  return { status: r.outcome };
};
