/**
 * The pod writes of the Job controller with the events upstream's RealPodControl records on the
 * Job: `SuccessfulCreate` "Created pod: <name>", `FailedCreate` "Error creating: <err>",
 * `SuccessfulDelete` "Deleted pod: <name>", `FailedDelete` "Error deleting: <err>"; and the
 * strategic-merge patch that drops the tracking finalizer (removeTrackingFinalizerPatch).
 */
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { KubeClient } from '../../kubeclient/client.js';
import { isNotFound, KubeApiError } from '../../kubeclient/errors.js';
import type { EventRecorder } from '../../kubeclient/events.js';
import type { KubeObject } from '../../kubeclient/types.js';
import { JOB_TRACKING_FINALIZER, PODS } from './job-util.js';

/** The cause a create in a terminating namespace carries (v1.NamespaceTerminatingCause). */
const NAMESPACE_TERMINATING_CAUSE = 'NamespaceTerminating';

function terminatingNamespace(err: unknown): boolean {
  const causes = err instanceof KubeApiError ? (err.status?.details?.causes ?? []) : [];
  return causes.some((c) => c.reason === NAMESPACE_TERMINATING_CAUSE);
}

export class PodControl {
  constructor(
    private readonly client: KubeClient,
    private readonly recorder: EventRecorder,
  ) {}

  /** Creates `pod` for `job`; throws what the server answered. */
  async create(job: Job, pod: Pod): Promise<Pod> {
    try {
      const created = await this.client.create<Pod & KubeObject>({ ...PODS, namespace: job.metadata!.namespace }, pod as Pod & KubeObject);
      void this.recorder.event(job as KubeObject, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name}`);
      return created;
    } catch (err) {
      if (!terminatingNamespace(err)) void this.recorder.event(job as KubeObject, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`);
      throw err;
    }
  }

  /** Deletes the pod (default grace); a pod already gone throws NotFound without an event. */
  async delete(job: Job, pod: Pod): Promise<void> {
    const name = pod.metadata!.name!;
    try {
      await this.client.delete({ ...PODS, namespace: pod.metadata!.namespace, name });
    } catch (err) {
      if (!isNotFound(err)) void this.recorder.event(job as KubeObject, 'Warning', 'FailedDelete', `Error deleting: ${(err as Error).message}`);
      throw err;
    }
    void this.recorder.event(job as KubeObject, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
  }

  /** Drops the tracking finalizer when the pod has it; true when a patch was sent. */
  async removeTrackingFinalizer(pod: Pod): Promise<boolean> {
    if (!hasTrackingFinalizer(pod)) return false;
    await this.client.patch(
      { ...PODS, namespace: pod.metadata!.namespace, name: pod.metadata!.name },
      { metadata: { '$deleteFromPrimitiveList/finalizers': [JOB_TRACKING_FINALIZER] } },
      'strategic',
    );
    return true;
  }
}

/** Whether the pod still carries the tracking finalizer (hasJobTrackingFinalizer). */
export function hasTrackingFinalizer(pod: Pod): boolean {
  return pod.metadata?.finalizers?.includes(JOB_TRACKING_FINALIZER) ?? false;
}
