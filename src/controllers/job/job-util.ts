/**
 * What the Job, CronJob and TTL-after-finished controllers share about Jobs (upstream
 * pkg/controller/job/util and the condition helpers of job_controller.go): the well-known label,
 * annotation and finalizer names, whether a Job has finished, and the condition list edits the
 * Job controller makes.
 */
import type { Job, JobCondition } from 'kubernetes-types/batch/v1.js';
import { rfc3339 } from '../../lib/clock.js';
import type { ResourceRef } from '../../kubeclient/types.js';

/** batch/v1 jobs. */
export const JOBS: ResourceRef = { group: 'batch', version: 'v1', resource: 'jobs' };
/** core/v1 pods. */
export const PODS: ResourceRef = { group: '', version: 'v1', resource: 'pods' };

/** The finalizer the Job controller puts on its pods until it has counted them (batch.JobTrackingFinalizer). */
export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
/** Annotation and label carrying an Indexed Job pod's completion index (batch.JobCompletionIndexAnnotation). */
export const JOB_COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';
/** The environment variable Indexed Job containers read their index from. */
export const JOB_COMPLETION_INDEX_ENV = 'JOB_COMPLETION_INDEX';
/** The value of spec.managedBy that names this controller (batch.JobControllerName). */
export const JOB_CONTROLLER_NAME = 'kubernetes.io/job-controller';

/** The Complete or Failed condition that is True, if any (jobutil.FinishedCondition). */
export function finishedCondition(job: Job): JobCondition | undefined {
  return job.status?.conditions?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

/** Complete=True or Failed=True (jobutil.IsJobFinished). */
export function isJobFinished(job: Job): boolean {
  return finishedCondition(job) !== undefined;
}

/** Complete=True (jobutil.IsJobSucceeded). */
export function isJobSucceeded(job: Job): boolean {
  return job.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True') ?? false;
}

/** A condition stamped at `now` for probe and transition (newCondition). */
export function newCondition(type: string, status: string, reason: string, message: string, now: number): JobCondition {
  const at = rfc3339(now);
  return { type, status, lastProbeTime: at, lastTransitionTime: at, reason, message };
}

/**
 * Appends or rewrites the condition of `type` (ensureJobConditionStatus): a new False condition is
 * never appended, an existing one is replaced only when status, reason or message differ.
 * Returns the list and whether it changed.
 */
export function ensureConditionStatus(list: JobCondition[], type: string, status: string, reason: string, message: string, now: number): { list: JobCondition[]; changed: boolean } {
  const i = list.findIndex((c) => c.type === type);
  if (i >= 0) {
    const c = list[i]!;
    if (c.status === status && (c.reason ?? '') === reason && (c.message ?? '') === message) return { list, changed: false };
    const next = [...list];
    next[i] = newCondition(type, status, reason, message, now);
    return { list: next, changed: true };
  }
  if (status === 'False') return { list, changed: false };
  return { list: [...list, newCondition(type, status, reason, message, now)], changed: true };
}
