/**
 * The two rollout strategies and the rollout status, as upstream's rolling.go, recreate.go and
 * progress.go. RollingUpdate grows the new ReplicaSet up to replicas + maxSurge and shrinks old
 * ones while at least replicas − maxUnavailable stay available (unhealthy old replicas first).
 * Recreate scales every old ReplicaSet to 0, waits until none of their pods runs, then scales the
 * new one up. The rollout status adds the Progressing condition and asks for a wake-up at the
 * progress deadline.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import {
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  getCondition,
  hasProgressDeadline,
  newCondition,
  REASONS,
  removeCondition,
  setCondition,
} from './conditions.js';
import { activeOf, actualSum, availableSum, byCreation, maxUnavailable, newRSNewReplicas, specReplicas, specSum, type Dep, type RS } from './replicas.js';
import { statusEqual, type DeploymentSyncer } from './sync.js';

/** What a rollout asks of the work queue afterwards: nothing, or a look again after `ms`. */
export type Wake = { afterMs: number } | undefined;

/** rolloutRolling. */
export async function rolloutRolling(s: DeploymentSyncer, d: Dep, rsList: RS[]): Promise<Wake> {
  const { newRS, oldRSs } = await s.replicaSetsAndSyncRevision(d, rsList, true);
  const all = [...oldRSs, newRS!];
  if (await reconcileNewReplicaSet(s, all, newRS!, d)) return syncRolloutStatus(s, all, newRS, d);
  if (await reconcileOldReplicaSets(s, all, activeOf(oldRSs), newRS!, d)) return syncRolloutStatus(s, all, newRS, d);
  if (deploymentComplete(d, d.status ?? {})) await s.cleanup(oldRSs, d);
  return syncRolloutStatus(s, all, newRS, d);
}

async function reconcileNewReplicaSet(s: DeploymentSyncer, all: RS[], newRS: RS, d: Dep): Promise<boolean> {
  const have = newRS.spec?.replicas ?? 0;
  if (have === specReplicas(d)) return false;
  const target = have > specReplicas(d) ? specReplicas(d) : newRSNewReplicas(d, all, newRS);
  const [scaled, updated] = await s.scaleAndRecord(newRS, target, d);
  all[all.indexOf(newRS)] = updated;
  return scaled;
}

async function reconcileOldReplicaSets(s: DeploymentSyncer, all: RS[], oldRSs: RS[], newRS: RS, d: Dep): Promise<boolean> {
  if (specSum(oldRSs) === 0) return false;
  const minAvailable = specReplicas(d) - maxUnavailable(d);
  const newUnavailable = (newRS.spec?.replicas ?? 0) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = specSum(all) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  const cleaned = await cleanupUnhealthyReplicas(s, oldRSs, d, maxScaledDown);
  const scaledDown = await scaleDownOldForRollingUpdate(s, [...oldRSs, newRS], oldRSs, d);
  return cleaned + scaledDown > 0;
}

/** cleanupUnhealthyReplicas: old replicas that are not available go first (oldest ReplicaSet first). */
async function cleanupUnhealthyReplicas(s: DeploymentSyncer, oldRSs: RS[], d: Dep, maxCleanup: number): Promise<number> {
  oldRSs.sort(byCreation);
  let total = 0;
  for (const [i, rs] of oldRSs.entries()) {
    if (total >= maxCleanup) break;
    const size = rs.spec?.replicas ?? 0;
    const available = rs.status?.availableReplicas ?? 0;
    if (size === 0 || size === available) continue;
    const n = Math.min(maxCleanup - total, size - available);
    const [, updated] = await s.scaleAndRecord(rs, size - n, d);
    oldRSs[i] = updated;
    total += n;
  }
  return total;
}

/** scaleDownOldReplicaSetsForRollingUpdate: as many as availability above replicas − maxUnavailable allows. */
async function scaleDownOldForRollingUpdate(s: DeploymentSyncer, all: RS[], oldRSs: RS[], d: Dep): Promise<number> {
  const minAvailable = specReplicas(d) - maxUnavailable(d);
  const available = availableSum(all);
  if (available <= minAvailable) return 0;
  oldRSs.sort(byCreation);
  const want = available - minAvailable;
  let total = 0;
  for (const [i, rs] of oldRSs.entries()) {
    if (total >= want) break;
    const size = rs.spec?.replicas ?? 0;
    if (size === 0) continue;
    const n = Math.min(size, want - total);
    const [, updated] = await s.scaleAndRecord(rs, size - n, d);
    oldRSs[i] = updated;
    total += n;
  }
  return total;
}

/** rolloutRecreate; `podsByRS` maps each ReplicaSet uid to its pods, terminal ones included. */
export async function rolloutRecreate(s: DeploymentSyncer, d: Dep, rsList: RS[], podsByRS: Map<string, Pod[]>): Promise<Wake> {
  let { newRS, oldRSs } = await s.replicaSetsAndSyncRevision(d, rsList, false);
  let all: (RS | undefined)[] = [...oldRSs, newRS];
  let scaledDown = false;
  for (const [i, rs] of oldRSs.entries()) {
    if ((rs.spec?.replicas ?? 0) === 0) continue;
    const [scaled, updated] = await s.scaleAndRecord(rs, 0, d);
    oldRSs[i] = updated;
    scaledDown ||= scaled;
  }
  if (scaledDown) return syncRolloutStatus(s, all, newRS, d);
  if (oldPodsRunning(newRS, oldRSs, podsByRS)) return syncRolloutStatus(s, all, newRS, d);
  if (!newRS) {
    ({ newRS, oldRSs } = await s.replicaSetsAndSyncRevision(d, rsList, true));
    all = [...oldRSs, newRS];
  }
  await s.scaleAndRecord(newRS!, specReplicas(d), d);
  if (deploymentComplete(d, d.status ?? {})) await s.cleanup(oldRSs, d);
  return syncRolloutStatus(s, all, newRS, d);
}

/** oldPodsRunning: old ReplicaSets report replicas, or one of their pods is not yet terminal. */
function oldPodsRunning(newRS: RS | undefined, oldRSs: RS[], podsByRS: Map<string, Pod[]>): boolean {
  if (actualSum(oldRSs) > 0) return true;
  for (const [uid, pods] of podsByRS) {
    if (newRS && newRS.metadata?.uid === uid) continue;
    if (pods.some((p) => p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded')) return true;
  }
  return false;
}

/**
 * syncRolloutStatus: the status plus the Progressing condition (NewReplicaSetAvailable once
 * complete, ReplicaSetUpdated while progressing, ProgressDeadlineExceeded after the deadline) and
 * the new ReplicaSet's ReplicaFailure, then a wake-up at the deadline (requeueStuckDeployment).
 */
export async function syncRolloutStatus(s: DeploymentSyncer, all: readonly (RS | undefined)[], newRS: RS | undefined, d: Dep): Promise<Wake> {
  const status = s.calculateStatus(all, newRS, d);
  const now = s.clock.now();
  if (!hasProgressDeadline(d)) removeCondition(status, 'Progressing');
  const current = getCondition(d.status, 'Progressing');
  const complete = status.replicas === status.updatedReplicas && current?.reason === REASONS.newRSAvailable;
  if (hasProgressDeadline(d) && !complete) {
    const subject = newRS ? `ReplicaSet "${newRS.metadata!.name}"` : `Deployment "${d.metadata!.name}"`;
    if (deploymentComplete(d, status)) {
      setCondition(status, newCondition('Progressing', 'True', REASONS.newRSAvailable, `${subject} has successfully progressed.`, now));
    } else if (deploymentProgressing(d, status)) {
      const cond = newCondition('Progressing', 'True', REASONS.rsUpdated, `${subject} is progressing.`, now);
      if (current?.status === 'True') cond.lastTransitionTime = current.lastTransitionTime;
      removeCondition(status, 'Progressing');
      setCondition(status, cond);
    } else if (deploymentTimedOut(d, status, now)) {
      setCondition(status, newCondition('Progressing', 'False', REASONS.timedOut, `${subject} has timed out progressing.`, now));
    }
  }
  const failure = replicaFailure(all, newRS);
  if (failure) setCondition(status, failure);
  else removeCondition(status, 'ReplicaFailure');
  if (statusEqual(d.status, status)) return stuckWake(d, status, now);
  d.status = status;
  await s.updateStatus(d);
  return undefined;
}

/** getReplicaFailures: the new ReplicaSet's ReplicaFailure first, else an old one's, as a deployment condition. */
function replicaFailure(all: readonly (RS | undefined)[], newRS: RS | undefined) {
  for (const rs of newRS ? [newRS, ...all] : all) {
    const c = rs?.status?.conditions?.find((x) => x.type === 'ReplicaFailure');
    if (c) return { type: 'ReplicaFailure', status: c.status, lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime, reason: c.reason, message: c.message };
  }
  return undefined;
}

/** requeueStuckDeployment: look again one second after the deadline of a rollout still in progress. */
function stuckWake(d: Dep, status: NonNullable<Dep['status']>, now: number): Wake {
  const current = getCondition(d.status, 'Progressing');
  if (!hasProgressDeadline(d) || !current || deploymentComplete(d, status) || current.reason === REASONS.timedOut) return undefined;
  const after = Date.parse(current.lastUpdateTime ?? '') + d.spec!.progressDeadlineSeconds! * 1000 - now;
  if (Number.isNaN(after)) return undefined;
  return { afterMs: after < 1000 ? 1000 : after + 1000 };
}
