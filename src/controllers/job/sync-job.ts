/**
 * syncJob of upstream job_controller.go (1.32, JobPodReplacementPolicy and JobManagedBy on, so
 * terminal conditions are delayed): counts the Job's pods, decides whether it failed
 * (FailureTarget for BackoffLimitExceeded "Job has reached the specified backoff limit" —
 * restarts of OnFailure pods included —, DeadlineExceeded "Job was active longer than specified
 * deadline", a podFailurePolicy FailJob rule) or met its completions (SuccessCriteriaMet,
 * CompletionsReached "Reached expected number of succeeded pods"), otherwise manages its pods and
 * the Suspended condition, then tracks status through track-status.ts.
 */
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { rfc3339 } from '../../lib/clock.js';
import { isNotFound } from '../../kubeclient/errors.js';
import type { KubeObject } from '../../kubeclient/types.js';
import { isPodActive, isPodReady } from '../pods.js';
import { completionIndexOf, parseIntervals, UNKNOWN_INDEX, withIndexes } from './indexes.js';
import { ensureConditionStatus, isJobFinished, newCondition } from './job-util.js';
import { manageJob } from './manage-job.js';
import { hasTrackingFinalizer } from './pod-control.js';
import { matchPodFailurePolicy } from './pod-failure-policy.js';
import { isIndexedJob, isPodFailed, jobSuspended, type JobDeps, type SyncJobCtx } from './sync-context.js';
import { trackJobStatusAndRemoveFinalizers } from './track-status.js';

const isTerminal = (p: Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

/** One sync of the Job `key` given its cached object and pods. */
export async function syncJob(deps: JobDeps, key: string, cached: Job, pods: Pod[]): Promise<void> {
  if (isJobFinished(cached)) {
    deps.backoff.delete(key);
    return;
  }
  const mode = cached.spec?.completionMode;
  if (mode !== undefined && mode !== 'NonIndexed' && mode !== 'Indexed') {
    void deps.recorder.event(cached as KubeObject, 'Warning', 'UnknownCompletionMode', 'Skipped Job sync because completion mode is unknown');
    return;
  }
  const job: Job = structuredClone(cached);
  const status = (job.status ??= {});
  status.uncountedTerminatedPods ??= {};
  const now = deps.clock.now();
  const satisfied = deps.expectations.satisfied(key);
  const activePods = pods.filter(isPodActive);
  const ctx: SyncJobCtx = {
    key,
    job,
    pods,
    activePods,
    succeeded: 0,
    failed: 0,
    prevSucceededIndexes: [],
    succeededIndexes: [],
    newBackoffRecord: { failuresAfterLastSuccess: 0 },
    expectedRmFinalizers: deps.finalizerExpectations.get(key),
    uncounted: { succeeded: new Set(status.uncountedTerminatedPods.succeeded ?? []), failed: new Set(status.uncountedTerminatedPods.failed ?? []) },
    terminating: pods.filter((p) => p.metadata?.deletionTimestamp && !isTerminal(p)).length,
    ready: activePods.filter(isPodReady).length,
  };
  let active = activePods.length;
  const newSucceeded = newFinishedPods(ctx, ctx.uncounted.succeeded, (p) => p.status?.phase === 'Succeeded');
  const newFailed = newFinishedPods(ctx, ctx.uncounted.failed, (p) => isPodFailed(p, job));
  const countedNewFailed = newFailed.filter((p) => matchPodFailurePolicy(job.spec?.podFailurePolicy, p).countFailed).length;
  ctx.succeeded = (status.succeeded ?? 0) + newSucceeded.length + ctx.uncounted.succeeded.size;
  ctx.failed = (status.failed ?? 0) + countedNewFailed + ctx.uncounted.failed.size;
  if (!status.startTime && !jobSuspended(job)) status.startTime = rfc3339(now);
  ctx.newBackoffRecord = deps.backoff.next(key, newSucceeded, newFailed);

  const backoffLimit = job.spec?.backoffLimit ?? 6;
  ctx.finishedCondition = status.conditions?.find((c) => c.type === 'SuccessCriteriaMet' && c.status === 'True');
  if (!ctx.finishedCondition) {
    const target = status.conditions?.find((c) => c.type === 'FailureTarget' && c.status === 'True');
    if (target) ctx.finishedCondition = newCondition('Failed', 'True', target.reason ?? '', target.message ?? '', now);
    else {
      const message = failJobMessage(job, pods);
      if (message) ctx.finishedCondition = newCondition('FailureTarget', 'True', 'PodFailurePolicy', message, now);
    }
  }
  if (!ctx.finishedCondition) {
    if (ctx.failed > backoffLimit || pastBackoffLimitOnFailure(job, pods)) {
      ctx.finishedCondition = newCondition('FailureTarget', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', now);
    } else if (pastActiveDeadline(job, now)) {
      ctx.finishedCondition = newCondition('FailureTarget', 'True', 'DeadlineExceeded', 'Job was active longer than specified deadline', now);
    } else if (job.spec?.activeDeadlineSeconds !== undefined && !jobSuspended(job)) {
      deps.enqueueAfter(key, job.spec.activeDeadlineSeconds * 1000 - (now - Date.parse(status.startTime!)));
    }
  }
  if (isIndexedJob(job)) {
    const completions = job.spec?.completions ?? 0;
    ctx.prevSucceededIndexes = parseIntervals(status.completedIndexes, completions);
    const fresh = new Set<number>();
    for (const p of pods) {
      const ix = completionIndexOf(p);
      if (p.status?.phase === 'Succeeded' && ix !== UNKNOWN_INDEX && ix < completions && hasTrackingFinalizer(p)) fresh.add(ix);
    }
    ctx.succeededIndexes = withIndexes(ctx.prevSucceededIndexes, [...fresh].sort((a, b) => a - b));
    ctx.succeeded = ctx.succeededIndexes.reduce((n, i) => n + i.last - i.first + 1, 0);
  }

  let suspendChanged = false;
  let manageError: unknown;
  if (ctx.finishedCondition) {
    const r = await deleteActivePods(deps, ctx);
    if (r.deleted !== active || !satisfied) ctx.finishedCondition = undefined;
    active -= r.deleted;
    ctx.terminating += r.deleted;
    ctx.ready -= r.deletedReady;
    manageError = r.error;
  } else {
    let managed = false;
    if (satisfied && !job.metadata?.deletionTimestamp) {
      ({ active, error: manageError } = await manageJob(deps, ctx));
      managed = true;
    }
    const completions = job.spec?.completions;
    const complete = completions === undefined || completions === null ? ctx.succeeded > 0 && active === 0 : ctx.succeeded >= completions && active === 0;
    if (complete) {
      ctx.finishedCondition = newCondition('SuccessCriteriaMet', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods', now);
    } else if (managed) {
      const suspended = jobSuspended(job);
      const r = suspended
        ? ensureConditionStatus(status.conditions ?? [], 'Suspended', 'True', 'JobSuspended', 'Job suspended', now)
        : ensureConditionStatus(status.conditions ?? [], 'Suspended', 'False', 'JobResumed', 'Job resumed', now);
      if (r.changed) {
        status.conditions = r.list;
        suspendChanged = true;
        void deps.recorder.event(job as KubeObject, 'Normal', suspended ? 'Suspended' : 'Resumed', suspended ? 'Job suspended' : 'Job resumed');
        // A resumed Job's activeDeadlineSeconds counts from now.
        if (!suspended) status.startTime = rfc3339(now);
      }
    }
  }

  const needsUpdate = suspendChanged || active !== (status.active ?? 0) || ctx.ready !== status.ready || ctx.terminating !== status.terminating;
  status.active = active;
  status.ready = ctx.ready;
  status.terminating = ctx.terminating;
  await trackJobStatusAndRemoveFinalizers(deps, ctx, needsUpdate);
  if (manageError) throw manageError;
}

/** Finished pods not yet counted: still holding the finalizer, not uncounted, a valid index (getNewFinishedPods). */
function newFinishedPods(ctx: SyncJobCtx, uncounted: Set<string>, filter: (p: Pod) => boolean): Pod[] {
  const indexed = isIndexedJob(ctx.job);
  const completions = ctx.job.spec?.completions ?? 0;
  return ctx.pods.filter((p) => {
    const uid = p.metadata!.uid!;
    if (!hasTrackingFinalizer(p) || uncounted.has(uid) || ctx.expectedRmFinalizers.has(uid)) return false;
    if (indexed) {
      const ix = completionIndexOf(p);
      if (ix === UNKNOWN_INDEX || ix >= completions) return false;
    }
    return filter(p);
  });
}

/** The first FailJob message a failed pod matches (getFailJobMessage). */
function failJobMessage(job: Job, pods: Pod[]): string | undefined {
  if (!job.spec?.podFailurePolicy) return undefined;
  for (const p of pods) {
    if (!isPodFailed(p, job)) continue;
    const m = matchPodFailurePolicy(job.spec.podFailurePolicy, p).failJobMessage;
    if (m) return m;
  }
  return undefined;
}

/** Container restarts of running or pending OnFailure pods reach backoffLimit (pastBackoffLimitOnFailure). */
function pastBackoffLimitOnFailure(job: Job, pods: Pod[]): boolean {
  if (job.spec?.template?.spec?.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const p of pods) {
    if (p.status?.phase !== 'Running' && p.status?.phase !== 'Pending') continue;
    for (const s of [...(p.status.initContainerStatuses ?? []), ...(p.status.containerStatuses ?? [])]) restarts += s.restartCount ?? 0;
  }
  const limit = job.spec.backoffLimit ?? 6;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

/** activeDeadlineSeconds have passed since startTime, unless suspended (pastActiveDeadline). */
function pastActiveDeadline(job: Job, now: number): boolean {
  const ads = job.spec?.activeDeadlineSeconds;
  if (ads === undefined || !job.status?.startTime || jobSuspended(job)) return false;
  return now - Date.parse(job.status.startTime) >= ads * 1000;
}

/** deleteActivePods: deletes keep the finalizer, which status tracking removes once counted. */
async function deleteActivePods(deps: JobDeps, ctx: SyncJobCtx): Promise<{ deleted: number; deletedReady: number; error?: unknown }> {
  let deleted = 0;
  let deletedReady = 0;
  let error: unknown;
  await Promise.all(
    ctx.activePods.map(async (pod) => {
      try {
        await deps.podControl.delete(ctx.job, pod);
        deleted++;
      } catch (err) {
        if (isNotFound(err)) deleted++;
        else error ??= err;
      }
      if (isPodReady(pod)) deletedReady++;
    }),
  );
  return { deleted, deletedReady, error };
}
