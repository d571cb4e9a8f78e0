/**
 * manageJob of upstream job_controller.go: brings the number of active pods to what the Job wants
 * — none while suspended; parallelism capped by the completions still missing; for Indexed Jobs
 * the lowest pending indexes (annotation and label `batch.kubernetes.io/job-completion-index`,
 * hostname `<job>-<index>`, JOB_COMPLETION_INDEX in the environment) — deleting first when there
 * are too many, waiting out the pod-failure back-off before creating, and creating in slow-start
 * batches (1, 2, 4 …) that stop at the first failure.
 */
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { Container, Pod, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { isNotFound } from '../../kubeclient/errors.js';
import type { KubeObject } from '../../kubeclient/types.js';
import { isPodReady, newControllerRef, podFromTemplate } from '../pods.js';
import { remainingBackoffMs } from './backoff.js';
import { compareForDeletion, duplicatedIndexPods, firstPendingIndexes } from './indexes.js';
import { JOB_COMPLETION_INDEX, JOB_COMPLETION_INDEX_ENV, JOB_TRACKING_FINALIZER } from './job-util.js';
import { isIndexedJob, jobSuspended, onlyReplaceFailedPods, type JobDeps, type SyncJobCtx } from './sync-context.js';

/** MaxPodCreateDeletePerSync. */
export const MAX_POD_CREATE_DELETE_PER_SYNC = 500;
/** The batch period pod-driven syncs wait (syncJobBatchPeriod). */
export const SYNC_BATCH_MS = 1000;
/** Upstream's MaxGeneratedNameLength: 63 less the 5 random characters. */
const MAX_GENERATED_NAME = 58;

/**
 * Brings active pods toward the wanted number; returns the active count after the writes it made
 * and the first write error, after doing what it could.
 */
export async function manageJob(deps: JobDeps, ctx: SyncJobCtx): Promise<{ active: number; error?: unknown }> {
  const job = ctx.job;
  let active = ctx.activePods.length;
  const parallelism = job.spec?.parallelism ?? 1;
  if (jobSuspended(job)) {
    const doomed = activePodsForRemoval(job, ctx.activePods, active);
    deps.expectations.expect(ctx.key, 0, doomed.length);
    const r = await deleteJobPods(deps, ctx, doomed);
    ctx.terminating += r.deleted;
    ctx.ready -= r.deletedReady;
    return { active: active - r.deleted, error: r.error };
  }

  let wantActive: number;
  const completions = job.spec?.completions;
  if (completions === undefined || completions === null) wantActive = ctx.succeeded > 0 ? active : parallelism;
  else wantActive = Math.max(0, Math.min(completions - ctx.succeeded, parallelism));

  const doomed = activePodsForRemoval(job, ctx.activePods, Math.max(0, active - wantActive)).slice(0, MAX_POD_CREATE_DELETE_PER_SYNC);
  if (doomed.length > 0) {
    deps.expectations.expect(ctx.key, 0, doomed.length);
    const r = await deleteJobPods(deps, ctx, doomed);
    ctx.terminating += r.deleted;
    ctx.ready -= r.deletedReady;
    return { active: active - r.deleted, error: r.error };
  }

  const terminating = onlyReplaceFailedPods(job) ? ctx.terminating : 0;
  let diff = wantActive - terminating - active;
  if (diff <= 0) return { active };
  const wait = remainingBackoffMs(ctx.newBackoffRecord, deps.clock.now());
  if (wait > 0) {
    deps.enqueueAfter(ctx.key, Math.max(wait, SYNC_BATCH_MS));
    return { active: 0 };
  }
  diff = Math.min(diff, MAX_POD_CREATE_DELETE_PER_SYNC);
  let indexes: number[] = [];
  if (isIndexedJob(job)) {
    indexes = firstPendingIndexes(ctx.succeededIndexes, ctx.activePods, diff, completions ?? 0);
    diff = indexes.length;
  }
  if (diff === 0) return { active };

  deps.expectations.expect(ctx.key, diff);
  const template = podTemplate(job);
  let firstError: unknown;
  active += diff;
  for (let batch = 1, left = diff; left > 0; batch = Math.min(batch * 2, left)) {
    batch = Math.min(batch, left);
    const slice = indexes.splice(0, batch);
    const results = await Promise.allSettled(
      Array.from({ length: batch }, (_, i) => deps.podControl.create(job, newPod(job, template, slice[i]))),
    );
    const failed = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    for (const f of failed) {
      deps.expectations.creationObserved(ctx.key);
      active--;
      firstError ??= f.reason;
    }
    left -= batch;
    if (failed.length > 0 && left > 0) {
      // Slow start: the pods never attempted are not expected either.
      for (let i = 0; i < left; i++) deps.expectations.creationObserved(ctx.key);
      active -= left;
      break;
    }
  }
  return { active, error: firstError };
}

/**
 * The pods to delete (activePodsForRemoval): for Indexed Jobs the invalid and repeated indexes
 * first, then the least advanced pods until `atLeast` are chosen.
 */
function activePodsForRemoval(job: Job, pods: Pod[], atLeast: number): Pod[] {
  let rm: Pod[] = [];
  let left: Pod[] = pods;
  if (isIndexedJob(job)) ({ rm, left } = duplicatedIndexPods(pods, job.spec?.completions ?? 0));
  if (rm.length < atLeast) rm = [...rm, ...[...left].sort(compareForDeletion).slice(0, atLeast - rm.length)];
  return rm;
}

/**
 * Removes the tracking finalizer, then deletes each pod (deleteJobPods); a failure lowers the
 * expected deletions. Returns how many (and how many ready) went, and the first error.
 */
async function deleteJobPods(deps: JobDeps, ctx: SyncJobCtx, pods: Pod[]): Promise<{ deleted: number; deletedReady: number; error?: unknown }> {
  let deleted = 0;
  let deletedReady = 0;
  let error: unknown;
  await Promise.all(
    pods.map(async (pod) => {
      try {
        await deps.podControl.removeTrackingFinalizer(pod);
        await deps.podControl.delete(ctx.job, pod);
        deleted++;
      } catch (err) {
        deps.expectations.deletionObserved(ctx.key);
        if (isNotFound(err)) deleted++;
        else error ??= err;
      }
      if (isPodReady(pod)) deletedReady++;
    }),
  );
  return { deleted, deletedReady, error };
}

/** The Job's template with the tracking finalizer and, for Indexed Jobs, the index variable. */
function podTemplate(job: Job): PodTemplateSpec {
  const template = structuredClone(job.spec?.template ?? {});
  const meta = (template.metadata ??= {});
  if (!(meta.finalizers ?? []).includes(JOB_TRACKING_FINALIZER)) meta.finalizers = [...(meta.finalizers ?? []), JOB_TRACKING_FINALIZER];
  if (isIndexedJob(job) && template.spec) {
    for (const c of [...(template.spec.initContainers ?? []), ...template.spec.containers]) addIndexEnv(c);
  }
  return template;
}

/** addCompletionIndexEnvVariable: JOB_COMPLETION_INDEX from the pod's annotation, unless set. */
function addIndexEnv(c: Container): void {
  if ((c.env ?? []).some((e) => e.name === JOB_COMPLETION_INDEX_ENV)) return;
  c.env = [...(c.env ?? []), { name: JOB_COMPLETION_INDEX_ENV, valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${JOB_COMPLETION_INDEX}']` } } }];
}

/** A pod from the template; Indexed ones carry their index and are named `<job>-<index>-xxxxx`. */
function newPod(job: Job, template: PodTemplateSpec, index: number | undefined): Pod {
  const owner = job as KubeObject;
  const ref = newControllerRef(owner, 'batch/v1', 'Job');
  if (index === undefined) return podFromTemplate(template, owner, ref);
  const name = job.metadata!.name!;
  const suffix = `-${index}-`;
  const prefix = name.length + suffix.length > MAX_GENERATED_NAME ? name.slice(0, MAX_GENERATED_NAME - suffix.length) + suffix : name + suffix;
  const pod = podFromTemplate(template, owner, ref, prefix);
  pod.metadata!.annotations![JOB_COMPLETION_INDEX] = String(index);
  pod.metadata!.labels![JOB_COMPLETION_INDEX] = String(index);
  pod.spec!.hostname = `${name}-${index}`;
  return pod;
}

