/**
 * The last-change trigger time of a service's endpoints, as upstream's TriggerTimeTracker
 * (pkg/controller/util/endpoint/trigger_time_tracker.go): the earliest time among the changes that
 * led to this sync — a pod whose Ready condition moved since the last sync (or is new), or the
 * service's creation when first seen. Written to `endpoints.kubernetes.io/last-change-trigger-time`
 * so latency SLIs can be measured from it.
 */
import type { PodObject, ServiceObject } from './objects.js';

interface ServiceState {
  lastServiceTriggerTime: number;
  lastPodTriggerTimes: Map<string, number>;
}

const readyTime = (pod: PodObject): number => {
  const t = pod.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime;
  return t ? Date.parse(t) : 0;
};

export class TriggerTimeTracker {
  private readonly states = new Map<string, ServiceState>();

  /**
   * ComputeEndpointLastChangeTriggerTime: the earliest changed trigger time (ms since the epoch),
   * or undefined when nothing it tracks changed (the annotation is then removed).
   */
  compute(key: string, svc: ServiceObject, pods: readonly PodObject[]): number | undefined {
    const prev = this.states.get(key);
    const state: ServiceState = { lastServiceTriggerTime: prev?.lastServiceTriggerTime ?? 0, lastPodTriggerTimes: new Map() };
    let min: number | undefined;
    const consider = (t: number) => {
      if (t > 0 && (min === undefined || t < min)) min = t;
    };
    for (const pod of pods) {
      const name = pod.metadata!.name!;
      const t = readyTime(pod);
      state.lastPodTriggerTimes.set(name, t);
      const known = prev?.lastPodTriggerTimes.get(name);
      if (known === undefined || known !== t) consider(t);
    }
    const created = svc.metadata?.creationTimestamp ? Date.parse(svc.metadata.creationTimestamp) : 0;
    if (created > state.lastServiceTriggerTime) {
      consider(created);
      state.lastServiceTriggerTime = created;
    }
    this.states.set(key, state);
    return min;
  }

  /** Forgets a deleted service. */
  delete(key: string): void {
    this.states.delete(key);
  }
}
