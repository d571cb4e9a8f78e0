/**
 * The Job controller of kube-controller-manager (`job`, pkg/controller/job): watches Jobs and
 * pods through the shared informers, finds a Job's pods through an index on their controller
 * reference, and syncs each Job through its work queue (sync-job.ts). Pod events are batched one
 * second as upstream's syncJobBatchPeriod; spec changes sync at once. A second queue removes the
 * tracking finalizer from pods whose Job is gone or finished (syncOrphanPod).
 */
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Logger } from '../../lib/logger.js';
import { isNotFound } from '../../kubeclient/errors.js';
import { EventRecorder } from '../../kubeclient/events.js';
import type { Informer } from '../../kubeclient/informer.js';
import { objectKey, type KubeObject } from '../../kubeclient/types.js';
import { WorkQueue, type ReconcileResult } from '../../kubeclient/workqueue.js';
import { Expectations } from '../expectations.js';
import { ControllerLoop, LoopingController } from '../../kubeclient/controller-loop.js';
import type { ControllerContext } from '../manager.js';
import { controllerRefOf } from '../pods.js';
import { BackoffStore } from './backoff.js';
import { isJobFinished, JOB_CONTROLLER_NAME, JOBS, PODS } from './job-util.js';
import { SYNC_BATCH_MS } from './manage-job.js';
import { hasTrackingFinalizer, PodControl } from './pod-control.js';
import { UidExpectations, type JobDeps } from './sync-context.js';
import { syncJob } from './sync-job.js';

/** Pods by the uid of the Job that controls them. */
export const PODS_BY_JOB_UID = 'job-controller/job-uid';

const ownerJobUid = (pod: Pod): string[] => {
  const ref = controllerRefOf(pod as never);
  return ref?.kind === 'Job' ? [ref.uid] : [];
};

export class JobController extends LoopingController {
  private readonly jobs: Informer<Job & KubeObject>;
  private readonly pods: Informer<Pod & KubeObject>;
  private readonly queue: WorkQueue<string>;
  private readonly orphans: WorkQueue<string>;
  private readonly deps: JobDeps;
  protected readonly loop: ControllerLoop;
  private readonly log: Logger;

  constructor(ctx: ControllerContext) {
    super();
    this.log = ctx.log;
    // DefaultJobApiBackOff 1 s doubling to MaxJobApiBackOff 1 min.
    this.queue = new WorkQueue(ctx.clock, { baseDelayMs: 1000, maxDelayMs: 60_000 });
    this.orphans = new WorkQueue(ctx.clock, { baseDelayMs: 1000, maxDelayMs: 60_000 });
    this.jobs = ctx.informers.informer<Job & KubeObject>({ resource: JOBS });
    this.pods = ctx.informers.informer<Pod & KubeObject>({ resource: PODS });
    this.pods.addIndexer(PODS_BY_JOB_UID, ownerJobUid as never);
    const recorder = new EventRecorder(ctx.client, ctx.clock, { component: 'job-controller' }, ctx.log);
    this.deps = {
      client: ctx.client,
      clock: ctx.clock,
      log: ctx.log,
      recorder,
      podControl: new PodControl(ctx.client, recorder),
      expectations: new Expectations(ctx.clock),
      finalizerExpectations: new UidExpectations(),
      backoff: new BackoffStore(),
      enqueueAfter: (key, ms) => this.queue.addAfter(key, ms),
    };
    this.jobs.addEventHandler({
      onAdd: (job) => this.queue.add(objectKey(job)),
      onUpdate: (old, cur) => this.jobUpdated(old, cur),
      onDelete: (job) => {
        this.queue.add(objectKey(job));
        this.cleanupPodFinalizers(job);
      },
    });
    this.pods.addEventHandler({
      onAdd: (pod) => this.podAdded(pod),
      onUpdate: (old, cur) => this.podUpdated(old, cur),
      onDelete: (pod) => this.podDeleted(pod, true),
    });
    this.loop = new ControllerLoop(
      [this.jobs, this.pods],
      [
        { queue: this.queue, reconcile: (key) => this.reconcile(key) },
        { queue: this.orphans, reconcile: (key) => this.syncOrphanPod(key) },
      ],
      ctx.log,
      5,
    );
  }

  /** Syncs one Job (syncJob); a vanished Job's expectations and back-off are forgotten. */
  async reconcile(key: string): Promise<ReconcileResult> {
    const job = this.jobs.getByKey(key) as Job | undefined;
    if (!job) {
      this.deps.expectations.delete(key);
      this.deps.finalizerExpectations.delete(key);
      this.deps.backoff.delete(key);
      return;
    }
    if (managedElsewhere(job)) return;
    const pods = this.pods.byIndex(PODS_BY_JOB_UID, job.metadata!.uid!).filter((p) => p.metadata?.namespace === job.metadata!.namespace) as Pod[];
    await syncJob(this.deps, key, job, pods);
    this.log.debug({ ns: job.metadata!.namespace, name: job.metadata!.name }, 'job synced');
  }

  /** Removes the tracking finalizer from a pod no unfinished Job of ours controls. */
  private async syncOrphanPod(key: string): Promise<ReconcileResult> {
    const pod = this.pods.getByKey(key) as Pod | undefined;
    if (!pod) return;
    const ref = controllerRefOf(pod as never);
    if (ref) {
      if (ref.kind !== 'Job' || ref.apiVersion !== 'batch/v1') return;
      const job = this.resolve(pod.metadata!.namespace!, ref.name, ref.uid);
      if (job && managedElsewhere(job)) return;
      if (job && !isJobFinished(job)) return;
    }
    try {
      await this.deps.podControl.removeTrackingFinalizer(pod);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private resolve(namespace: string, name: string, uid: string): Job | undefined {
    const job = this.jobs.get(namespace, name) as Job | undefined;
    return job?.metadata?.uid === uid ? job : undefined;
  }

  private jobOf(pod: Pod): Job | undefined {
    const ref = controllerRefOf(pod as never);
    return ref?.kind === 'Job' ? this.resolve(pod.metadata!.namespace!, ref.name, ref.uid) : undefined;
  }

  private enqueueBatched(job: Job): void {
    this.queue.addAfter(objectKey(job as never), SYNC_BATCH_MS);
  }

  private jobUpdated(old: Job, cur: Job): void {
    const key = objectKey(cur as never);
    if (cur.metadata?.generation === old.metadata?.generation) this.enqueueBatched(cur);
    else this.queue.add(key);
    if (isJobFinished(cur)) this.cleanupPodFinalizers(cur);
    const ads = cur.spec?.activeDeadlineSeconds;
    if (cur.status?.startTime && ads !== undefined && ads !== old.spec?.activeDeadlineSeconds) {
      this.queue.addAfter(key, ads * 1000 - (this.deps.clock.now() - Date.parse(cur.status.startTime)));
    }
  }

  /** Pods of a gone or finished Job that still hold the finalizer go to the orphan queue. */
  private cleanupPodFinalizers(job: Job): void {
    for (const pod of this.pods.byIndex(PODS_BY_JOB_UID, job.metadata!.uid!)) if (hasTrackingFinalizer(pod)) this.orphans.add(objectKey(pod));
  }

  private podAdded(pod: Pod): void {
    if (pod.metadata?.deletionTimestamp) return this.podDeleted(pod, false);
    if (controllerRefOf(pod as never)) {
      const job = this.jobOf(pod);
      if (!job) return;
      this.deps.expectations.creationObserved(objectKey(job as never));
      this.enqueueBatched(job);
      return;
    }
    if (hasTrackingFinalizer(pod)) this.orphans.add(objectKey(pod as never));
  }

  private podUpdated(old: Pod, cur: Pod): void {
    if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
    if (cur.metadata?.deletionTimestamp) return this.podDeleted(cur, false);
    const removed = !hasTrackingFinalizer(cur);
    const oldRef = controllerRefOf(old as never);
    const curRef = controllerRefOf(cur as never);
    if (oldRef && oldRef.uid !== curRef?.uid) {
      const prev = this.jobOf(old);
      if (prev) {
        if (removed) this.deps.finalizerExpectations.observed(objectKey(prev as never), cur.metadata!.uid!);
        this.enqueueBatched(prev);
      }
    }
    if (curRef) {
      const job = this.jobOf(cur);
      if (!job) return;
      if (removed) this.deps.finalizerExpectations.observed(objectKey(job as never), cur.metadata!.uid!);
      this.enqueueBatched(job);
      return;
    }
    if (hasTrackingFinalizer(cur)) this.orphans.add(objectKey(cur as never));
  }

  /** A pod deleted or being deleted (deletePod): deletion and finalizer expectations are met. */
  private podDeleted(pod: Pod, final: boolean): void {
    const has = hasTrackingFinalizer(pod);
    if (!controllerRefOf(pod as never)) {
      if (has && !final) this.orphans.add(objectKey(pod as never));
      return;
    }
    const job = this.jobOf(pod);
    if (!job || isJobFinished(job)) {
      if (has && !final) this.orphans.add(objectKey(pod as never));
      return;
    }
    const key = objectKey(job as never);
    this.deps.expectations.deletionObserved(key);
    if (final || !has) this.deps.finalizerExpectations.observed(key, pod.metadata!.uid!);
    this.enqueueBatched(job);
  }
}

/** spec.managedBy names another controller (managedByExternalController). */
function managedElsewhere(job: Job): boolean {
  const by = job.spec?.managedBy;
  return by !== undefined && by !== JOB_CONTROLLER_NAME;
}
