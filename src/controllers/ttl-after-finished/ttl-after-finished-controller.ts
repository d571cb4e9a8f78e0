/**
 * The TTL-after-finished controller of kube-controller-manager (`ttl-after-finished`,
 * pkg/controller/ttlafterfinished): a finished Job with spec.ttlSecondsAfterFinished is deleted
 * that many seconds after its Complete/Failed condition turned True. The key is requeued on the
 * injected clock until then; before deleting, the Job is read afresh (its TTL may have changed)
 * and deleted with propagationPolicy Foreground and a uid precondition, as upstream's processJob.
 */
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import { isNotFound } from '../../kubeclient/errors.js';
import type { Informer } from '../../kubeclient/informer.js';
import { objectKey, type KubeObject } from '../../kubeclient/types.js';
import { WorkQueue, type ReconcileResult } from '../../kubeclient/workqueue.js';
import { ControllerLoop, LoopingController } from '../../kubeclient/controller-loop.js';
import type { ControllerContext } from '../manager.js';
import { finishedCondition, JOBS } from '../job/job-util.js';

type JobObj = Job & KubeObject;

/** Has a TTL and has finished (needsCleanup). */
function needsCleanup(job: Job): boolean {
  const ttl = job.spec?.ttlSecondsAfterFinished;
  return ttl !== undefined && ttl !== null && finishedCondition(job) !== undefined;
}

export class TtlAfterFinishedController extends LoopingController {
  private readonly jobs: Informer<JobObj>;
  private readonly queue: WorkQueue<string>;
  protected readonly loop: ControllerLoop;
  private readonly clock: Clock;
  private readonly log: Logger;

  constructor(private readonly ctx: ControllerContext) {
    super();
    this.clock = ctx.clock;
    this.log = ctx.log;
    this.queue = new WorkQueue(ctx.clock);
    this.jobs = ctx.informers.informer<JobObj>({ resource: JOBS });
    const enqueue = (job: JobObj) => {
      if (!job.metadata?.deletionTimestamp && needsCleanup(job)) this.queue.add(objectKey(job));
    };
    this.jobs.addEventHandler({ onAdd: enqueue, onUpdate: (_old, cur) => enqueue(cur) });
    this.loop = new ControllerLoop([this.jobs], [{ queue: this.queue, reconcile: (key) => this.reconcile(key) }], ctx.log, 5);
  }

  /** processJob: delete once the TTL expired, judged again on a fresh read. */
  async reconcile(key: string): Promise<ReconcileResult> {
    const cached = this.jobs.getByKey(key);
    if (!cached) return;
    const first = this.timeLeft(cached);
    if (first === undefined) return;
    if (first > 0) return { requeueAfterMs: first };
    let fresh: JobObj;
    try {
      fresh = await this.ctx.client.get<JobObj>({ ...JOBS, namespace: cached.metadata!.namespace, name: cached.metadata!.name });
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    const left = this.timeLeft(fresh);
    if (left === undefined) return;
    if (left > 0) return { requeueAfterMs: left };
    this.log.debug({ ns: fresh.metadata!.namespace, name: fresh.metadata!.name }, 'cleaning up job');
    try {
      await this.ctx.client.delete(
        { ...JOBS, namespace: fresh.metadata!.namespace, name: fresh.metadata!.name },
        { propagationPolicy: 'Foreground', preconditions: { uid: fresh.metadata!.uid } },
      );
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /**
   * ms until the Job expires (≤ 0: expired), or undefined when it is being deleted, needs no
   * cleanup, or has no finish time (processTTL / timeLeft).
   */
  private timeLeft(job: JobObj): number | undefined {
    if (job.metadata?.deletionTimestamp || !needsCleanup(job)) return undefined;
    const finishedAt = Date.parse(finishedCondition(job)!.lastTransitionTime ?? '');
    if (Number.isNaN(finishedAt)) {
      this.log.warn({ ns: job.metadata!.namespace, name: job.metadata!.name }, 'unable to find the time when the Job finished');
      return undefined;
    }
    const now = this.clock.now();
    if (finishedAt > now) this.log.info({ ns: job.metadata!.namespace, name: job.metadata!.name }, 'Job finished in the future (time skew); cleanup deferred');
    return finishedAt + job.spec!.ttlSecondsAfterFinished! * 1000 - now;
  }
}
