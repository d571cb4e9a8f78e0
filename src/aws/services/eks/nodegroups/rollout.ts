/**
 * The `nodegroup` update applier: carries out a node group's Update when its time comes.
 *
 * - ConfigUpdate: new scaling goes to the Auto Scaling group (min/max/desired), labels, taints,
 *   update and repair configs to the record; the group returns to ACTIVE.
 * - VersionUpdate: a rolling replacement recorded as EKS phases it (semantics doc §5, "Rolling
 *   update"): setup + scale up — the ASG's max and desired grow by max(2 × AZs, maxUnavailable)
 *   — then the upgrade phase (the data plane cordons, drains and replaces the old nodes; here it
 *   lasts `nodegroupUpdate` on the clock), then scale down back to the group's sizes; the new
 *   version, release and launch template version are applied and the Update is Successful.
 *
 * Idempotent like every step (a restart may run it again): ASG sizes are set absolutely, the
 * group's `rollout` records the phase, `lastAppliedUpdateId` tells a re-run it already finished.
 */
import { mutate, type EksRuntime, type UpdateApplier } from '../runtime.js';
import { childId, type Scope, type UpdateRecord } from '../state.js';
import { nodegroupTable, type NodegroupDeps, type NodegroupRecord, type ScalingConfig } from './model.js';

/** How many old nodes may be replaced at once: maxUnavailable, or its percentage of desired (at least 1). */
function maxUnavailableOf(n: NodegroupRecord): number {
  const u = n.updateConfig;
  if (u.maxUnavailable !== undefined) return u.maxUnavailable;
  if (u.maxUnavailablePercentage !== undefined) return Math.max(1, Math.floor((n.scalingConfig.desiredSize * u.maxUnavailablePercentage) / 100));
  return 1;
}

async function setSizes(deps: NodegroupDeps, scope: Scope, n: NodegroupRecord, s: ScalingConfig): Promise<void> {
  if (!(await deps.autoscaling.describeGroup(scope.account, scope.region, n.asgName))) return;
  await deps.autoscaling.updateGroup(scope.account, scope.region, n.asgName, { minSize: s.minSize, maxSize: s.maxSize, desiredCapacity: s.desiredSize });
}

/** Applies `change` to the group if it still has `u` in flight; the outcome says whether it did. */
async function finish(rt: EksRuntime, scope: Scope, u: UpdateRecord, change: Partial<NodegroupRecord>): Promise<'Successful' | 'Cancelled'> {
  const r: { outcome: 'Successful' | 'Cancelled' } = { outcome: 'Cancelled' };
  await mutate(nodegroupTable(rt.store, scope), childId(u.clusterName, u.target.name ?? ''), (n) => {
    if (n.activeUpdateId !== u.id) {
      r.outcome = n.lastAppliedUpdateId === u.id ? 'Successful' : 'Cancelled';
      return undefined;
    }
    r.outcome = 'Successful';
    const next: NodegroupRecord = { ...n, ...change, activeUpdateId: undefined, lastAppliedUpdateId: u.id, rollout: undefined, modifiedAt: rt.clock.now() };
    if (next.status === 'UPDATING') next.status = 'ACTIVE';
    return next;
  });
  return r.outcome;
}

async function applyConfig(rt: EksRuntime, deps: NodegroupDeps, scope: Scope, n: NodegroupRecord, u: UpdateRecord) {
  const change = u.change as Partial<NodegroupRecord>;
  if (change.scalingConfig) await setSizes(deps, scope, n, change.scalingConfig);
  return { status: await finish(rt, scope, u, change) };
}

async function applyVersion(rt: EksRuntime, deps: NodegroupDeps, scope: Scope, n: NodegroupRecord, u: UpdateRecord, now: number) {
  const sc = n.scalingConfig;
  if (n.rollout?.updateId !== u.id) {
    const zones = new Set((await rt.ec2.describeSubnets(scope.account, scope.region, n.subnets)).map((s) => s.availabilityZone));
    const surge = sc.desiredSize > 0 ? Math.max(2 * Math.max(1, zones.size), maxUnavailableOf(n)) : 0;
    if (surge) await setSizes(deps, scope, n, { minSize: sc.minSize, maxSize: sc.maxSize + surge, desiredSize: sc.desiredSize + surge });
    const rollout = { updateId: u.id, phase: 'upgrade' as const, surge, startedAt: now };
    const ok = await mutate(nodegroupTable(rt.store, scope), childId(n.clusterName, n.nodegroupName), (cur) => (cur.activeUpdateId === u.id ? { ...cur, rollout } : undefined));
    if (ok?.rollout?.updateId !== u.id) return { status: 'Cancelled' as const };
    rt.log.info({ cluster: n.clusterName, nodegroup: n.nodegroupName, update: u.id, surge }, 'eks nodegroup rolling update: scaled up');
    return { waitUntil: now + rt.timings.nodegroupUpdate };
  }
  const done = n.rollout.startedAt + rt.timings.nodegroupUpdate;
  if (now < done) return { waitUntil: done };
  if (n.rollout.surge) await setSizes(deps, scope, n, sc);
  const c = u.change as { version: string; releaseVersion?: string; launchTemplate?: NodegroupRecord['launchTemplate'] };
  return { status: await finish(rt, scope, u, { version: c.version, releaseVersion: c.releaseVersion, launchTemplate: c.launchTemplate }) };
}

/** The applier of `nodegroup` Updates (registered as the extension's `updateTargets.nodegroup`). */
export function nodegroupApplier(deps: NodegroupDeps): UpdateApplier {
  return async (u, { scope, now, rt }) => {
    const cur = await nodegroupTable(rt.store, scope).get(childId(u.clusterName, u.target.name ?? ''));
    if (!cur) return { status: 'Cancelled' };
    const n = cur.value;
    if (n.lastAppliedUpdateId === u.id) return { status: 'Successful' };
    if (n.activeUpdateId !== u.id) return { status: 'Cancelled' };
    return u.type === 'VersionUpdate' ? applyVersion(rt, deps, scope, n, u, now) : applyConfig(rt, deps, scope, n, u);
  };
}
