/**
 * MarkPodsNotReady (pkg/controller/util/node): the Ready condition of every pod bound to a node
 * that stopped being Ready is set to False through pods/status, and a Warning event NodeNotReady
 * "Node is not ready" is recorded on the pod. Pods already not Ready, or without the condition,
 * cost no write.
 */
import { rfc3339 } from '../../lib/clock.js';
import type { KubeClient } from '../../kubeclient/client.js';
import { isNotFound } from '../../kubeclient/errors.js';
import type { EventRecorder } from '../../kubeclient/events.js';
import type { PodObject } from './objects.js';

/** Marks `pods` of `nodeName` not ready; throws the first failure after trying them all. */
export async function markPodsNotReady(client: KubeClient, recorder: EventRecorder, pods: readonly PodObject[], nodeName: string, now: number): Promise<void> {
  let failure: unknown;
  for (const pod of pods) {
    if (pod.spec?.nodeName !== nodeName) continue;
    const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
    if (!ready || ready.status === 'False') continue;
    const updated: PodObject = {
      ...pod,
      status: { ...pod.status, conditions: pod.status!.conditions!.map((c) => (c.type === 'Ready' ? { ...c, status: 'False', lastTransitionTime: rfc3339(now) } : c)) },
    };
    try {
      await client.update({ group: '', version: 'v1', resource: 'pods', namespace: pod.metadata!.namespace, name: pod.metadata!.name!, subresource: 'status' }, updated);
      void recorder.event(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
    } catch (err) {
      if (!isNotFound(err)) failure ??= err;
    }
  }
  if (failure !== undefined) throw failure;
}
