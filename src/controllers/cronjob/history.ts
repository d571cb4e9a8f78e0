/**
 * Finished-Job history of a CronJob (cronjob_controllerv2.go cleanupFinishedJobs / deleteJob):
 * beyond successfulJobsHistoryLimit completed and failedJobsHistoryLimit failed Jobs, the oldest
 * by start time (no start time last, then by name) are deleted with background propagation,
 * each recorded as `SuccessfulDelete` "Deleted job <name>" (or `FailedDelete`).
 */
import type { CronJob, Job } from 'kubernetes-types/batch/v1.js';
import type { KubeObject } from '../../kubeclient/types.js';
import { finishedCondition, JOBS } from '../job/job-util.js';
import type { CronJobDeps } from './cronjob-controller.js';

function byStartTime(a: Job, b: Job): number {
  const sa = a.status?.startTime;
  const sb = b.status?.startTime;
  if (!sa && sb) return 1;
  if (sa && !sb) return -1;
  if (sa === sb || (sa && sb && Date.parse(sa) === Date.parse(sb))) return (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
  return Date.parse(sa!) - Date.parse(sb!);
}

/** Deletes `job` and drops it from status.active; false (after a FailedDelete event) when the delete failed. */
export async function deleteJob(deps: CronJobDeps, cj: CronJob & KubeObject, job: Job & KubeObject): Promise<boolean> {
  try {
    await deps.client.delete({ ...JOBS, namespace: job.metadata!.namespace, name: job.metadata!.name }, { propagationPolicy: 'Background' });
  } catch (err) {
    void deps.recorder.event(cj, 'Warning', 'FailedDelete', `Deleted job: ${(err as Error).message}`);
    deps.log.warn({ err, ns: job.metadata!.namespace, name: job.metadata!.name }, 'deleting job of cronjob failed');
    return false;
  }
  if (cj.status?.active) cj.status.active = cj.status.active.filter((r) => r.uid !== job.metadata!.uid);
  void deps.recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata!.name}`);
  return true;
}

async function removeOldest(deps: CronJobDeps, cj: CronJob & KubeObject, jobs: (Job & KubeObject)[], keep: number): Promise<boolean> {
  const excess = jobs.length - keep;
  if (excess <= 0) return false;
  let changed = false;
  for (const job of [...jobs].sort(byStartTime).slice(0, excess)) if (await deleteJob(deps, cj, job)) changed = true;
  return changed;
}

/** Trims finished Jobs to the history limits; true when status.active may have changed. */
export async function cleanupFinishedJobs(deps: CronJobDeps, cj: CronJob & KubeObject, jobs: (Job & KubeObject)[]): Promise<boolean> {
  const okLimit = cj.spec?.successfulJobsHistoryLimit;
  const failLimit = cj.spec?.failedJobsHistoryLimit;
  if ((okLimit === undefined || okLimit === null) && (failLimit === undefined || failLimit === null)) return false;
  const succeeded: (Job & KubeObject)[] = [];
  const failed: (Job & KubeObject)[] = [];
  for (const j of jobs) {
    const c = finishedCondition(j);
    if (c?.type === 'Complete') succeeded.push(j);
    else if (c?.type === 'Failed') failed.push(j);
  }
  let changed = false;
  if (okLimit !== undefined && okLimit !== null && (await removeOldest(deps, cj, succeeded, okLimit))) changed = true;
  if (failLimit !== undefined && failLimit !== null && (await removeOldest(deps, cj, failed, failLimit))) changed = true;
  return changed;
}
