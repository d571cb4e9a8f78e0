/**
 * The CronJob controller of kube-controller-manager (`cronjob`, pkg/controller/cronjob
 * ControllerV2): each CronJob is synced when it or one of its Jobs changes and again just after
 * its next activation on the injected clock. A sync drops finished and vanished Jobs from
 * status.active (SawCompletedJob, MissingJob), records lastSuccessfulTime, trims finished Jobs to
 * the history limits, and, when an activation is due, applies startingDeadlineSeconds
 * (MissSchedule), concurrencyPolicy Forbid (JobAlreadyActive) or Replace, then creates the Job
 * `<cronjob>-<minutes since epoch>` (SuccessfulCreate "Created job <name>").
 */
import type { CronJob, Job } from 'kubernetes-types/batch/v1.js';
import type { ObjectReference } from 'kubernetes-types/core/v1.js';
import { rfc3339 } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { KubeClient } from '../../kubeclient/client.js';
import { isAlreadyExists, isNotFound, KubeApiError } from '../../kubeclient/errors.js';
import { EventRecorder } from '../../kubeclient/events.js';
import type { Informer } from '../../kubeclient/informer.js';
import { objectKey, type KubeObject } from '../../kubeclient/types.js';
import { WorkQueue, type ReconcileResult } from '../../kubeclient/workqueue.js';
import { ControllerLoop, LoopingController } from '../../kubeclient/controller-loop.js';
import type { ControllerContext } from '../manager.js';
import { controllerRefOf, newControllerRef } from '../pods.js';
import { finishedCondition, isJobFinished, isJobSucceeded, JOBS } from '../job/job-util.js';
import { parseStandard, type Schedule } from './cron-schedule.js';
import { cleanupFinishedJobs, deleteJob } from './history.js';
import { mostRecentScheduleTime, nextScheduleDelay } from './schedule-times.js';
import { Zone } from './zoned-time.js';

/** batch/v1 cronjobs. */
export const CRONJOBS = { group: 'batch', version: 'v1', resource: 'cronjobs' };
/** The annotation with the activation a Job was created for (batch.CronJobScheduledTimestampAnnotation). */
export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
/** Jobs by the uid of the CronJob that controls them. */
export const JOBS_BY_CRONJOB_UID = 'cronjob-controller/cronjob-uid';

type CronJobObj = CronJob & KubeObject;
type JobObj = Job & KubeObject;

const ownerCronJobUid = (job: JobObj): string[] => {
  const ref = controllerRefOf(job);
  return ref?.kind === 'CronJob' ? [ref.uid] : [];
};

/** What a sync step needs besides the objects. */
export interface CronJobDeps {
  client: KubeClient;
  recorder: EventRecorder;
  log: Logger;
}

export class CronJobController extends LoopingController {
  private readonly cronJobs: Informer<CronJobObj>;
  private readonly jobs: Informer<JobObj>;
  private readonly queue: WorkQueue<string>;
  protected readonly loop: ControllerLoop;
  private readonly deps: CronJobDeps;

  constructor(private readonly ctx: ControllerContext) {
    super();
    this.queue = new WorkQueue(ctx.clock);
    this.cronJobs = ctx.informers.informer<CronJobObj>({ resource: CRONJOBS });
    this.jobs = ctx.informers.informer<JobObj>({ resource: JOBS });
    this.jobs.addIndexer(JOBS_BY_CRONJOB_UID, ownerCronJobUid);
    this.deps = { client: ctx.client, recorder: new EventRecorder(ctx.client, ctx.clock, { component: 'cronjob-controller' }, ctx.log), log: ctx.log };
    this.cronJobs.addEventHandler({
      onAdd: (cj) => this.queue.add(objectKey(cj)),
      onUpdate: (old, cur) => this.cronJobUpdated(old, cur),
      onDelete: (cj) => this.queue.add(objectKey(cj)),
    });
    const jobChanged = (job: JobObj) => {
      const ref = controllerRefOf(job);
      if (ref?.kind !== 'CronJob') return;
      const cj = this.cronJobs.get(job.metadata?.namespace, ref.name);
      if (cj?.metadata?.uid === ref.uid) this.queue.add(objectKey(cj));
    };
    this.jobs.addEventHandler({
      onAdd: jobChanged,
      onUpdate: (old, cur) => {
        jobChanged(cur);
        if (controllerRefOf(old)?.uid !== controllerRefOf(cur)?.uid) jobChanged(old);
      },
      onDelete: jobChanged,
    });
    this.loop = new ControllerLoop([this.cronJobs, this.jobs], [{ queue: this.queue, reconcile: (key) => this.reconcile(key) }], ctx.log, 5);
  }

  /** One sync (ControllerV2.sync): clean up history, maybe start a Job, write status, requeue for the next activation. */
  async reconcile(key: string): Promise<ReconcileResult> {
    const cached = this.cronJobs.getByKey(key);
    if (!cached) return;
    const cj: CronJobObj = structuredClone(cached);
    const jobs = this.jobs.byIndex(JOBS_BY_CRONJOB_UID, cj.metadata!.uid!).filter((j) => j.metadata?.namespace === cj.metadata?.namespace);
    const cleaned = await cleanupFinishedJobs(this.deps, cj, jobs);
    let requeue: number | undefined;
    let dirty = cleaned;
    let syncError: unknown;
    try {
      const r = await this.syncCronJob(cj, jobs);
      requeue = r.requeueAfterMs;
      dirty ||= r.dirty;
    } catch (err) {
      syncError = err;
      dirty ||= (err as { dirty?: boolean }).dirty === true;
    }
    if (dirty) await this.ctx.client.update<CronJobObj>({ ...CRONJOBS, namespace: cj.metadata!.namespace, name: cj.metadata!.name, subresource: 'status' }, cj);
    if (requeue !== undefined) return { requeueAfterMs: Math.max(0, requeue) };
    if (syncError) throw syncError;
  }

  /** syncCronJob: mutates `cj.status`; returns whether it changed and when to look again. */
  private async syncCronJob(cj: CronJobObj, jobs: JobObj[]): Promise<{ dirty: boolean; requeueAfterMs?: number }> {
    const { recorder } = this.deps;
    const now = this.ctx.clock.now();
    const status = (cj.status ??= {});
    let dirty = false;
    const children = new Set<string>();
    for (const j of jobs) {
      const uid = j.metadata!.uid!;
      children.add(uid);
      const found = (status.active ?? []).some((r) => r.uid === uid);
      if (!found && !isJobFinished(j)) {
        const fresh = await this.ctx.client.get<CronJobObj>({ ...CRONJOBS, namespace: cj.metadata!.namespace, name: cj.metadata!.name });
        if ((fresh.status?.active ?? []).some((r) => r.uid === uid)) {
          Object.assign(cj, fresh);
          continue;
        }
        void recorder.event(cj, 'Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${j.metadata!.name}`);
      } else if (found && isJobFinished(j)) {
        status.active = (status.active ?? []).filter((r) => r.uid !== uid);
        void recorder.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata!.name}, condition: ${finishedCondition(j)!.type}`);
        dirty = true;
      }
      if (isJobSucceeded(j)) {
        const done = j.status?.completionTime;
        if (done && (!status.lastSuccessfulTime || Date.parse(done) > Date.parse(status.lastSuccessfulTime))) {
          status.lastSuccessfulTime = done;
          dirty = true;
        }
      }
    }
    for (const ref of [...(status.active ?? [])]) {
      if (children.has(ref.uid ?? '')) continue;
      try {
        await this.ctx.client.get({ ...JOBS, namespace: ref.namespace, name: ref.name });
      } catch (err) {
        if (!isNotFound(err)) throw Object.assign(err as Error, { dirty });
        void recorder.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name}`);
        status.active = (status.active ?? []).filter((r) => r.uid !== ref.uid);
        dirty = true;
      }
    }
    if (cj.metadata?.deletionTimestamp) return { dirty };

    const tz = cj.spec?.timeZone;
    let zone: Zone;
    try {
      zone = Zone.load(tz ?? '');
    } catch (err) {
      void recorder.event(cj, 'Warning', 'UnknownTimeZone', `invalid timeZone: ${JSON.stringify(tz)}: ${(err as Error).message}`);
      return { dirty };
    }
    if (cj.spec?.suspend) return { dirty };
    let schedule: Schedule;
    try {
      schedule = parseStandard(this.formatSchedule(cj, true), zone);
    } catch (err) {
      void recorder.event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: ${JSON.stringify(cj.spec?.schedule)} : ${(err as Error).message}`);
      return { dirty };
    }
    let scheduled: number | undefined;
    try {
      const recent = mostRecentScheduleTime(cj, now, schedule, true);
      if (recent.mostRecent !== undefined && recent.mostRecent <= now) {
        scheduled = recent.mostRecent;
        if (recent.missed === 'many') {
          void recorder.event(cj, 'Warning', 'TooManyMissedTimes', 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew');
          this.deps.log.info({ ns: cj.metadata!.namespace, name: cj.metadata!.name }, 'too many missed times');
        }
      }
    } catch (err) {
      void recorder.event(cj, 'Warning', 'InvalidSchedule', `invalid schedule: ${cj.spec?.schedule} : ${(err as Error).message}`);
      return { dirty };
    }
    const later = () => ({ dirty, requeueAfterMs: nextScheduleDelay(cj, now, schedule) });
    if (scheduled === undefined) return later();
    const deadline = cj.spec?.startingDeadlineSeconds;
    if (deadline !== undefined && deadline !== null && scheduled + deadline * 1000 < now) {
      void recorder.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${rfc1123z(scheduled)}`);
      return later();
    }
    const name = jobName(cj, scheduled);
    if ((status.active ?? []).some((r) => r.name === name) || (status.lastScheduleTime && Date.parse(status.lastScheduleTime) === scheduled)) return later();
    const policy = cj.spec?.concurrencyPolicy ?? 'Allow';
    if (policy === 'Forbid' && (status.active ?? []).length > 0) {
      void recorder.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      return later();
    }
    if (policy === 'Replace') {
      for (const ref of [...(status.active ?? [])]) {
        let job: JobObj;
        try {
          job = await this.ctx.client.get<JobObj>({ ...JOBS, namespace: ref.namespace, name: ref.name });
        } catch (err) {
          void recorder.event(cj, 'Warning', 'FailedGet', `Get job: ${(err as Error).message}`);
          throw Object.assign(err as Error, { dirty });
        }
        if (!(await deleteJob(this.deps, cj, job))) throw Object.assign(new Error(`could not replace job ${ref.namespace}/${ref.name}`), { dirty });
        dirty = true;
      }
    }

    let created: JobObj;
    try {
      created = await this.ctx.client.create<JobObj>({ ...JOBS, namespace: cj.metadata!.namespace }, jobFromTemplate(cj, scheduled, zone));
      void recorder.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${created.metadata!.name}`);
    } catch (err) {
      if (isAlreadyExists(err)) {
        const existing = await this.ctx.client.get<JobObj>({ ...JOBS, namespace: cj.metadata!.namespace, name });
        if (controllerRefOf(existing)?.uid !== cj.metadata!.uid) return { dirty };
        if ((status.active ?? []).some((r) => r.uid === existing.metadata!.uid)) return { dirty };
        created = existing;
      } else {
        const terminating = err instanceof KubeApiError && (err.status?.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating');
        if (!terminating) void recorder.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${(err as Error).message}`);
        throw Object.assign(err as Error, { dirty });
      }
    }
    status.active = [...(status.active ?? []), jobRef(created)];
    status.lastScheduleTime = rfc3339(scheduled);
    return { dirty: true, requeueAfterMs: nextScheduleDelay(cj, now, schedule) };
  }

  /** formatSchedule: the schedule, warning when it carries its own TZ (the zone is passed apart). */
  private formatSchedule(cj: CronJobObj, warn: boolean): string {
    const schedule = cj.spec?.schedule ?? '';
    if (schedule.includes('TZ') && warn) {
      void this.deps.recorder.event(cj, 'Warning', 'UnsupportedSchedule', `CRON_TZ or TZ used in schedule ${JSON.stringify(schedule)} is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details`);
    }
    return schedule;
  }

  /** updateCronJob: a new schedule or zone requeues for its next activation; other changes sync now. */
  private cronJobUpdated(old: CronJobObj, cur: CronJobObj): void {
    const key = objectKey(cur);
    const tzChanged = old.spec?.timeZone !== undefined && cur.spec?.timeZone !== undefined && old.spec.timeZone !== cur.spec.timeZone;
    if (old.spec?.schedule === cur.spec?.schedule && !tzChanged) return this.queue.add(key);
    let delay: number | undefined;
    try {
      const schedule = parseStandard(this.formatSchedule(cur, false), Zone.load(cur.spec?.timeZone ?? ''));
      delay = nextScheduleDelay(cur, this.ctx.clock.now(), schedule);
    } catch {
      void this.deps.recorder.event(cur, 'Warning', 'UnParseableCronJobSchedule', `unparseable schedule for cronjob: ${cur.spec?.schedule}`);
      return;
    }
    if (delay !== undefined) this.queue.addAfter(key, delay);
  }
}

/** getJobName: `<cronjob>-<activation in minutes since the epoch>`. */
export function jobName(cj: CronJob, scheduled: number): string {
  return `${cj.metadata!.name}-${Math.floor(scheduled / 60_000)}`;
}

/** getJobFromTemplate2: the template's labels, annotations (plus the scheduled timestamp) and spec, owned by the CronJob. */
function jobFromTemplate(cj: CronJobObj, scheduled: number, zone: Zone): JobObj {
  const tpl = cj.spec?.jobTemplate ?? {};
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobName(cj, scheduled),
      namespace: cj.metadata!.namespace,
      labels: { ...(tpl.metadata?.labels ?? {}) },
      annotations: { ...(tpl.metadata?.annotations ?? {}), [SCHEDULED_TIMESTAMP_ANNOTATION]: zone.rfc3339(scheduled) },
      ownerReferences: [newControllerRef(cj, 'batch/v1', 'CronJob')],
    },
    spec: structuredClone(tpl.spec ?? { template: {} }),
  } as JobObj;
}

function jobRef(job: JobObj): ObjectReference {
  return { kind: 'Job', namespace: job.metadata!.namespace, name: job.metadata!.name, uid: job.metadata!.uid, apiVersion: 'batch/v1', resourceVersion: job.metadata!.resourceVersion };
}

/** Go's time.RFC1123Z in UTC: "Mon, 02 Jan 2006 15:04:05 +0000". */
function rfc1123z(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}

