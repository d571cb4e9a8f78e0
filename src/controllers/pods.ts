/**
 * What several workload controllers ask of pods and owners, in one place (upstream's
 * k8s.io/kubernetes/pkg/api/v1/pod and pkg/controller helpers): readiness, availability,
 * controller references, and the pod a template stamps out.
 */
import type { Pod, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { KubeObject } from '../kubeclient/types.js';

/** The Ready condition is True (podutil.IsPodReady). */
export function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/**
 * Ready for at least `minReadySeconds` at `now` (podutil.IsPodAvailable): the Ready condition's
 * lastTransitionTime is that far in the past.
 */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds <= 0) return true;
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  const since = ready?.lastTransitionTime ? Date.parse(ready.lastTransitionTime) : NaN;
  return !Number.isNaN(since) && since + minReadySeconds * 1000 <= now;
}

/** Succeeded or Failed: the pod will not run again. */
export function isPodTerminal(pod: Pod): boolean {
  const p = pod.status?.phase;
  return p === 'Succeeded' || p === 'Failed';
}

/** Counts toward a controller's replicas (controller.IsPodActive): not terminal, not being deleted. */
export function isPodActive(pod: Pod): boolean {
  return !isPodTerminal(pod) && !pod.metadata?.deletionTimestamp;
}

/** The owner reference with controller: true, if any (metav1.GetControllerOf). */
export function controllerRefOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller === true) as OwnerReference | undefined;
}

/** A controller reference to `owner` (metav1.NewControllerRef): controller and blockOwnerDeletion set. */
export function newControllerRef(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata!.name!, uid: owner.metadata!.uid!, controller: true, blockOwnerDeletion: true };
}

/**
 * The pod `template` stamps out for `owner` (controller.GetPodFromTemplate): the template's labels,
 * annotations, finalizers and spec, `generateName: <prefix>`, in the owner's namespace, owned
 * through a controller reference. Callers set the name when they need a stable one.
 */
export function podFromTemplate(template: PodTemplateSpec, owner: KubeObject, controllerRef: OwnerReference, generateNamePrefix = `${owner.metadata!.name}-`): Pod {
  const meta = template.metadata ?? {};
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: generateNamePrefix,
      namespace: owner.metadata!.namespace,
      labels: { ...(meta.labels ?? {}) },
      annotations: { ...(meta.annotations ?? {}) },
      ownerReferences: [controllerRef],
    },
    spec: structuredClone(template.spec ?? { containers: [] }),
  };
  if (meta.finalizers?.length) pod.metadata!.finalizers = [...meta.finalizers];
  return pod;
}
