/**
 * The pod-failure back-off of the Job controller (upstream backoff_utils.go): per Job, how many
 * pods failed since the last success and when the last of them finished. A replacement pod is
 * created only `10 s × 2^(failures-1)` (capped at MaxJobPodFailureBackOff, 10 min in 1.32) after
 * that last failure; a success resets it.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';

/** DefaultJobPodFailureBackOff. */
export const POD_FAILURE_BACKOFF_MS = 10_000;
/** MaxJobPodFailureBackOff. */
export const MAX_POD_FAILURE_BACKOFF_MS = 10 * 60_000;

/** Failures since the last success and the finish time of the latest one (backoffRecord). */
export interface BackoffRecord {
  failuresAfterLastSuccess: number;
  lastFailureTime?: number;
}

/**
 * When the pod finished (getFinishedTime): the latest container finishedAt when every container
 * terminated, else when Ready turned False, else its deletion time less the grace period, else its
 * creation time.
 */
export function podFinishedTime(pod: Pod): number {
  const statuses = pod.status?.containerStatuses ?? [];
  let latest: number | undefined;
  let complete = statuses.length > 0;
  for (const s of statuses) {
    const at = s.state?.terminated?.finishedAt ? Date.parse(s.state.terminated.finishedAt) : NaN;
    if (Number.isNaN(at)) {
      complete = false;
      break;
    }
    latest = latest === undefined ? at : Math.max(latest, at);
  }
  if (complete && latest !== undefined) return latest;
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready?.status === 'False' && ready.lastTransitionTime) return Date.parse(ready.lastTransitionTime);
  if (pod.metadata?.deletionTimestamp) return Date.parse(pod.metadata.deletionTimestamp) - (pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
  return Date.parse(pod.metadata?.creationTimestamp ?? '') || 0;
}

/** Back-off records of every Job, by key (backoffStore). */
export class BackoffStore {
  private readonly records = new Map<string, BackoffRecord>();

  /**
   * The record after the newly finished pods (newBackoffRecord): failures add up; a success
   * resets the count to the failures that finished after it.
   */
  next(key: string, newSucceeded: readonly Pod[], newFailed: readonly Pod[]): BackoffRecord {
    const prev = this.records.get(key) ?? { failuresAfterLastSuccess: 0 };
    if (newSucceeded.length === 0 && newFailed.length === 0) return prev;
    const failedTimes = newFailed.map(podFinishedTime).sort((a, b) => a - b);
    if (newSucceeded.length === 0) return { failuresAfterLastSuccess: prev.failuresAfterLastSuccess + failedTimes.length, lastFailureTime: failedTimes[failedTimes.length - 1] };
    const lastSuccess = Math.max(...newSucceeded.map(podFinishedTime));
    const after = failedTimes.filter((t) => t > lastSuccess);
    return after.length ? { failuresAfterLastSuccess: after.length, lastFailureTime: after[after.length - 1] } : { failuresAfterLastSuccess: 0 };
  }

  /** Keeps `record` as the Job's (after its status was written). */
  set(key: string, record: BackoffRecord): void {
    if (record.failuresAfterLastSuccess === 0) this.records.delete(key);
    else this.records.set(key, record);
  }

  /** Forgets a finished or deleted Job. */
  delete(key: string): void {
    this.records.delete(key);
  }
}

/** How long to wait before the next pod may be created (getRemainingTime); 0 when it may now. */
export function remainingBackoffMs(record: BackoffRecord, now: number): number {
  if (record.failuresAfterLastSuccess === 0 || record.lastFailureTime === undefined) return 0;
  let delay = POD_FAILURE_BACKOFF_MS;
  for (let i = 1; i < record.failuresAfterLastSuccess; i++) {
    delay *= 2;
    if (delay >= MAX_POD_FAILURE_BACKOFF_MS) {
      delay = MAX_POD_FAILURE_BACKOFF_MS;
      break;
    }
  }
  const elapsed = now - record.lastFailureTime;
  return delay < elapsed ? 0 : delay - elapsed;
}
