/**
 * A ReplicaSet's status from its pods, as upstream's calculateStatus / updateReplicaSetStatus:
 * replicas (active pods it controls), fullyLabeledReplicas (those carrying every template label),
 * readyReplicas, availableReplicas (ready for minReadySeconds), observedGeneration, and a
 * ReplicaFailure condition (FailedCreate / FailedDelete with the error message) while
 * manageReplicas fails, removed once it succeeds again.
 */
import type { ReplicaSet, ReplicaSetCondition, ReplicaSetStatus } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { matches, selectorFromSet } from '../../apimachinery/labels.js';
import { rfc3339 } from '../../lib/clock.js';
import { isPodAvailable, isPodReady } from '../pods.js';

/** What the status counts of `pods` (a ReplicaSet's active pods). */
export interface PodCounts {
  replicas: number;
  fullyLabeled: number;
  ready: number;
  available: number;
}

/** The counts of `pods` for `rs` at `now`: those carrying every template label, ready, available. */
export function countPods(rs: ReplicaSet, pods: readonly Pod[], now: number): PodCounts {
  const template = selectorFromSet(rs.spec?.template?.metadata?.labels);
  const minReady = rs.spec?.minReadySeconds ?? 0;
  const counts: PodCounts = { replicas: pods.length, fullyLabeled: 0, ready: 0, available: 0 };
  for (const p of pods) {
    if (matches(template, p.metadata?.labels)) counts.fullyLabeled++;
    if (isPodReady(p)) {
      counts.ready++;
      if (isPodAvailable(p, minReady, now)) counts.available++;
    }
  }
  return counts;
}

/** The status `rs` should have with its pods' `counts` and the outcome of manageReplicas. */
export function calculateStatus(rs: ReplicaSet, counts: PodCounts, manageError: Error | undefined, now: number): ReplicaSetStatus {
  const { fullyLabeled, ready, available } = counts;
  const status: ReplicaSetStatus = { ...(rs.status ?? { replicas: 0 }) };
  const failure = status.conditions?.find((c) => c.type === 'ReplicaFailure');
  if (manageError && !failure) {
    const diff = counts.replicas - (rs.spec?.replicas ?? 1);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    const cond: ReplicaSetCondition = { type: 'ReplicaFailure', status: 'True', lastTransitionTime: rfc3339(now), reason, message: manageError.message };
    status.conditions = [...(status.conditions ?? []), cond];
  } else if (!manageError && failure) {
    status.conditions = status.conditions!.filter((c) => c.type !== 'ReplicaFailure');
    if (!status.conditions.length) delete status.conditions;
  }
  status.replicas = counts.replicas;
  // Go's omitempty: zero counts are absent from the stored status, replicas always present.
  for (const [k, v] of [['fullyLabeledReplicas', fullyLabeled], ['readyReplicas', ready], ['availableReplicas', available]] as const) {
    if (v) status[k] = v;
    else delete status[k];
  }
  return status;
}

/** Whether writing `next` would change anything (upstream compares counts, generation and conditions). */
export function statusChanged(rs: ReplicaSet, next: ReplicaSetStatus): boolean {
  const cur = rs.status ?? { replicas: 0 };
  return (
    (cur.replicas ?? 0) !== next.replicas ||
    (cur.fullyLabeledReplicas ?? 0) !== (next.fullyLabeledReplicas ?? 0) ||
    (cur.readyReplicas ?? 0) !== (next.readyReplicas ?? 0) ||
    (cur.availableReplicas ?? 0) !== (next.availableReplicas ?? 0) ||
    (rs.metadata?.generation ?? 0) !== (cur.observedGeneration ?? 0) ||
    JSON.stringify(cur.conditions ?? []) !== JSON.stringify(next.conditions ?? [])
  );
}

/**
 * Milliseconds until the next of `pods` that is ready but not yet available becomes available,
 * or undefined when none is waiting (the requeue that reports it on time).
 */
export function nextAvailableInMs(pods: readonly Pod[], minReadySeconds: number, now: number): number | undefined {
  if (minReadySeconds <= 0) return undefined;
  let next: number | undefined;
  for (const p of pods) {
    if (!isPodReady(p) || isPodAvailable(p, minReadySeconds, now)) continue;
    const since = Date.parse(p.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime ?? '');
    const wait = Number.isNaN(since) ? minReadySeconds * 1000 : since + minReadySeconds * 1000 - now;
    next = Math.min(next ?? Infinity, Math.max(1, wait));
  }
  return next;
}
