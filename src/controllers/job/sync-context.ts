/**
 * What one sync of a Job works with (upstream syncJobCtx) and the collaborators the sync steps
 * share, so manageJob and the status tracking live in their own files.
 */
import type { Job, JobCondition } from 'kubernetes-types/batch/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { KubeClient } from '../../kubeclient/client.js';
import type { EventRecorder } from '../../kubeclient/events.js';
import type { Expectations } from '../expectations.js';
import type { BackoffRecord, BackoffStore } from './backoff.js';
import type { Interval } from './indexes.js';
import type { PodControl } from './pod-control.js';

/** Pod UIDs whose finalizer removal the controller waits to observe (uidTrackingExpectations). */
export class UidExpectations {
  private readonly byKey = new Map<string, Set<string>>();

  /** The UIDs still expected for `key` (empty when none). */
  get(key: string): ReadonlySet<string> {
    return this.byKey.get(key) ?? new Set();
  }

  expect(key: string, uids: readonly string[]): void {
    let set = this.byKey.get(key);
    if (!set) this.byKey.set(key, (set = new Set()));
    for (const u of uids) set.add(u);
  }

  observed(key: string, uid: string): void {
    const set = this.byKey.get(key);
    if (!set) return;
    set.delete(uid);
    if (set.size === 0) this.byKey.delete(key);
  }

  delete(key: string): void {
    this.byKey.delete(key);
  }
}

/** The Job controller's collaborators. */
export interface JobDeps {
  client: KubeClient;
  clock: Clock;
  log: Logger;
  recorder: EventRecorder;
  podControl: PodControl;
  expectations: Expectations;
  finalizerExpectations: UidExpectations;
  backoff: BackoffStore;
  /** Queues the Job key again after `ms` of clock time. */
  enqueueAfter(key: string, ms: number): void;
}

/** State of one sync (syncJobCtx). */
export interface SyncJobCtx {
  key: string;
  /** The working copy whose status is written. */
  job: Job;
  pods: Pod[];
  activePods: Pod[];
  finishedCondition?: JobCondition;
  succeeded: number;
  failed: number;
  prevSucceededIndexes: Interval[];
  succeededIndexes: Interval[];
  newBackoffRecord: BackoffRecord;
  expectedRmFinalizers: ReadonlySet<string>;
  uncounted: { succeeded: Set<string>; failed: Set<string> };
  terminating: number;
  ready: number;
}

/** Pods are only replaced once Failed (podReplacementPolicy Failed, implied by a podFailurePolicy). */
export function onlyReplaceFailedPods(job: Job): boolean {
  return job.spec?.podReplacementPolicy === 'Failed' || job.spec?.podFailurePolicy !== undefined;
}

/** Failed, or (unless only failed pods are replaced) deleted before it succeeded (isPodFailed). */
export function isPodFailed(pod: Pod, job: Job): boolean {
  if (pod.status?.phase === 'Failed') return true;
  if (onlyReplaceFailedPods(job)) return false;
  return pod.metadata?.deletionTimestamp !== undefined && pod.status?.phase !== 'Succeeded';
}

/** spec.suspend is true. */
export function jobSuspended(job: Job): boolean {
  return job.spec?.suspend === true;
}

/** spec.completionMode Indexed. */
export function isIndexedJob(job: Job): boolean {
  return job.spec?.completionMode === 'Indexed';
}
