/**
 * trackJobStatusAndRemoveFinalizers of upstream job_controller.go, the "tracking with
 * finalizers" protocol: a finished pod's UID is first written to
 * `status.uncountedTerminatedPods`, then its `batch.kubernetes.io/job-tracking` finalizer is
 * removed, then it moves from the uncounted lists into `succeeded`/`failed` (or, for Indexed
 * Jobs, `completedIndexes`). The interim FailureTarget / SuccessCriteriaMet condition is written
 * before finalizers go; the terminal Failed / Complete one (with completionTime, and the
 * `Completed` "Job completed" or failure-reason event) only once nothing is uncounted and no pod
 * is terminating.
 */
import type { Job, JobCondition } from 'kubernetes-types/batch/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { isNotFound } from '../../kubeclient/errors.js';
import type { KubeObject } from '../../kubeclient/types.js';
import { completionIndexOf, formatIntervals, has, UNKNOWN_INDEX, withIndexes } from './indexes.js';
import { ensureConditionStatus, JOBS, newCondition } from './job-util.js';
import { hasTrackingFinalizer } from './pod-control.js';
import { matchPodFailurePolicy } from './pod-failure-policy.js';
import { isIndexedJob, isPodFailed, type JobDeps, type SyncJobCtx } from './sync-context.js';

/** MaxUncountedPods: keeps the UID lists near 20 KB and one sync's finalizer removals bounded. */
export const MAX_UNCOUNTED_PODS = 500;

const isSuccessCriteriaMet = (c: JobCondition | undefined) => c?.type === 'SuccessCriteriaMet';

/** Counts finished pods, removes their finalizers, and writes the status when it changed. */
export async function trackJobStatusAndRemoveFinalizers(deps: JobDeps, ctx: SyncJobCtx, needsFlush: boolean): Promise<void> {
  const job = ctx.job;
  const status = job.status!;
  const uncounted = (status.uncountedTerminatedPods ??= {});
  const indexed = isIndexedJob(job);
  const completions = job.spec?.completions ?? 0;
  if (indexed) ctx.pods.sort((a, b) => completionIndexOf(a) - completionIndexOf(b));
  const withFinalizer = new Set<string>();
  for (const p of ctx.pods) if (hasTrackingFinalizer(p) && !ctx.expectedRmFinalizers.has(p.metadata!.uid!)) withFinalizer.add(p.metadata!.uid!);

  if (cleanUncounted(job, withFinalizer)) needsFlush = true;
  const toRemove: Pod[] = [];
  const newSucceededIndexes: number[] = [];
  let reachedMax = false;
  for (const pod of ctx.pods) {
    const uid = pod.metadata!.uid!;
    if (!hasTrackingFinalizer(pod) || ctx.expectedRmFinalizers.has(uid)) continue;
    const failed = isPodFailed(pod, job);
    if (!canRemoveFinalizer(ctx, pod, failed)) continue;
    toRemove.push(pod);
    if (pod.status?.phase === 'Succeeded' && !ctx.uncounted.failed.has(uid)) {
      if (indexed) {
        const ix = completionIndexOf(pod);
        if (ix !== UNKNOWN_INDEX && ix < completions && !has(ctx.prevSucceededIndexes, ix)) {
          newSucceededIndexes.push(ix);
          needsFlush = true;
        }
      } else if (!ctx.uncounted.succeeded.has(uid)) {
        needsFlush = true;
        (uncounted.succeeded ??= []).push(uid);
      }
    } else if (failed || (ctx.finishedCondition && !isSuccessCriteriaMet(ctx.finishedCondition))) {
      const ix = completionIndexOf(pod);
      if (!ctx.uncounted.failed.has(uid) && (!indexed || (ix !== UNKNOWN_INDEX && ix < completions))) {
        if (matchPodFailurePolicy(job.spec?.podFailurePolicy, pod).countFailed) {
          needsFlush = true;
          (uncounted.failed ??= []).push(uid);
        }
      }
    }
    if (newSucceededIndexes.length + (uncounted.succeeded?.length ?? 0) + (uncounted.failed?.length ?? 0) >= MAX_UNCOUNTED_PODS) {
      reachedMax = true;
      break;
    }
  }
  if (indexed) {
    ctx.succeededIndexes = withIndexes(ctx.succeededIndexes, [...new Set(newSucceededIndexes)].sort((a, b) => a - b));
    const text = formatIntervals(ctx.succeededIndexes);
    if (text !== (status.completedIndexes ?? '')) needsFlush = true;
    status.succeeded = ctx.succeededIndexes.reduce((n, i) => n + i.last - i.first + 1, 0);
    status.completedIndexes = text;
  }
  if (ctx.finishedCondition?.type === 'FailureTarget') {
    status.conditions = [...(status.conditions ?? []), ctx.finishedCondition];
    needsFlush = true;
    ctx.finishedCondition = newCondition('Failed', 'True', ctx.finishedCondition.reason ?? '', ctx.finishedCondition.message ?? '', deps.clock.now());
  }
  if (isSuccessCriteriaMet(ctx.finishedCondition)) {
    if (!status.conditions?.some((c) => c.type === 'SuccessCriteriaMet' && c.status === 'True')) {
      status.conditions = [...(status.conditions ?? []), ctx.finishedCondition!];
      needsFlush = true;
    }
    ctx.finishedCondition = newCondition('Complete', 'True', ctx.finishedCondition!.reason ?? '', ctx.finishedCondition!.message ?? '', deps.clock.now());
  }

  needsFlush = await flushAndRemoveFinalizers(deps, ctx, toRemove, withFinalizer, needsFlush);
  const finished = !reachedMax && enactJobFinished(deps, ctx);
  if (finished) needsFlush = true;
  if (!needsFlush) return;
  ctx.job = await updateStatus(deps, ctx.job);
  if (finished) recordJobFinished(deps, ctx.job, ctx.finishedCondition!);
}

/**
 * flushUncountedAndRemoveFinalizers: writes the new uncounted UIDs (and interim condition), then
 * removes finalizers, then moves the pods whose finalizer is gone into the counters. Returns
 * whether a status change is still unwritten.
 */
async function flushAndRemoveFinalizers(deps: JobDeps, ctx: SyncJobCtx, pods: Pod[], withFinalizer: Set<string>, needsFlush: boolean): Promise<boolean> {
  if (needsFlush) {
    ctx.job = await updateStatus(deps, ctx.job);
    deps.backoff.set(ctx.key, ctx.newBackoffRecord);
    needsFlush = false;
  }
  let firstError: unknown;
  if (pods.length > 0) {
    deps.finalizerExpectations.expect(ctx.key, pods.map((p) => p.metadata!.uid!));
    await Promise.all(
      pods.map(async (pod) => {
        const uid = pod.metadata!.uid!;
        try {
          await deps.podControl.removeTrackingFinalizer(pod);
          withFinalizer.delete(uid);
        } catch (err) {
          deps.finalizerExpectations.observed(ctx.key, uid);
          if (isNotFound(err)) withFinalizer.delete(uid);
          else firstError ??= err;
        }
      }),
    );
  }
  if (cleanUncounted(ctx.job, withFinalizer)) needsFlush = true;
  if (firstError) {
    if (needsFlush) ctx.job = await updateStatus(deps, ctx.job);
    throw firstError;
  }
  return needsFlush;
}

/** cleanUncountedPodsWithoutFinalizers: uncounted UIDs whose finalizer is gone become counts. */
function cleanUncounted(job: Job, withFinalizer: Set<string>): boolean {
  const status = job.status!;
  const u = (status.uncountedTerminatedPods ??= {});
  let changed = false;
  const keepS = (u.succeeded ?? []).filter((uid) => withFinalizer.has(uid));
  if (keepS.length !== (u.succeeded ?? []).length) {
    status.succeeded = (status.succeeded ?? 0) + (u.succeeded ?? []).length - keepS.length;
    u.succeeded = keepS.length ? keepS : undefined;
    changed = true;
  }
  const keepF = (u.failed ?? []).filter((uid) => withFinalizer.has(uid));
  if (keepF.length !== (u.failed ?? []).length) {
    status.failed = (status.failed ?? 0) + (u.failed ?? []).length - keepF.length;
    u.failed = keepF.length ? keepF : undefined;
    changed = true;
  }
  return changed;
}

/** canRemoveFinalizer (without backoffLimitPerIndex): the Job ends, or the pod succeeded or failed. */
function canRemoveFinalizer(ctx: SyncJobCtx, pod: Pod, failed: boolean): boolean {
  return ctx.job.metadata?.deletionTimestamp !== undefined || ctx.finishedCondition !== undefined || pod.status?.phase === 'Succeeded' || failed;
}

/** enactJobFinished: the terminal condition once nothing is uncounted or terminating. */
function enactJobFinished(deps: JobDeps, ctx: SyncJobCtx): boolean {
  const cond = ctx.finishedCondition;
  if (!cond) return false;
  const status = ctx.job.status!;
  const u = status.uncountedTerminatedPods ?? {};
  if ((u.succeeded?.length ?? 0) + (u.failed?.length ?? 0) > 0) return false;
  if (ctx.terminating > 0) return false;
  const now = deps.clock.now();
  status.conditions = ensureConditionStatus(status.conditions ?? [], cond.type, cond.status, cond.reason ?? '', cond.message ?? '', now).list;
  if (cond.type === 'Complete') status.completionTime = cond.lastTransitionTime;
  return true;
}

/** recordJobFinished: the events of a finished Job. */
function recordJobFinished(deps: JobDeps, job: Job, cond: JobCondition): void {
  const obj = job as KubeObject;
  if (cond.type === 'Complete') {
    const completions = job.spec?.completions;
    if (completions !== undefined && (job.status?.succeeded ?? 0) > completions)
      void deps.recorder.event(obj, 'Warning', 'TooManySucceededPods', 'Too many succeeded pods running after completion count reached');
    void deps.recorder.event(obj, 'Normal', 'Completed', 'Job completed');
  } else void deps.recorder.event(obj, 'Warning', cond.reason ?? '', cond.message ?? '');
}

/** PUT /status with the working copy; the answer becomes the working copy. */
async function updateStatus(deps: JobDeps, job: Job): Promise<Job> {
  const m = job.metadata!;
  return deps.client.update<Job & KubeObject>({ ...JOBS, namespace: m.namespace, name: m.name, subresource: 'status' }, job as Job & KubeObject);
}
