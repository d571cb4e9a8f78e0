/**
 * The identity rules of StatefulSet members, as upstream's stateful_set_utils.go: pod `<set>-<i>`
 * with hostname `<set>-<i>`, subdomain = serviceName and the pod-name / pod-index labels; claim
 * `<template>-<set>-<i>` per volumeClaimTemplate mounted as the template's volume; the revision
 * label `controller-revision-hash`; revisions that store the pod template as a replacing strategic
 * merge patch; and the readiness predicates the ordered policy waits on.
 */
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { PersistentVolumeClaim, Pod, Volume } from 'kubernetes-types/core/v1.js';
import type { KubeObject, ResourceRef } from '../../kubeclient/types.js';
import { isPodAvailable, isPodReady, newControllerRef, podFromTemplate } from '../pods.js';

export type StatefulSetObject = StatefulSet & KubeObject;
export type PodObject = Pod & KubeObject;
export type ClaimObject = PersistentVolumeClaim & KubeObject;

export const STATEFULSETS: ResourceRef = { group: 'apps', version: 'v1', resource: 'statefulsets' };
export const PODS: ResourceRef = { group: '', version: 'v1', resource: 'pods' };
export const PVCS: ResourceRef = { group: '', version: 'v1', resource: 'persistentvolumeclaims' };

/** Pod label with the revision the pod was made from (apps.StatefulSetRevisionLabel). */
export const REVISION_LABEL = 'controller-revision-hash';
/** Pod label with the pod's own name (apps.StatefulSetPodNameLabel). */
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
/** Pod label with the ordinal (apps.PodIndexLabel, PodIndexLabel feature, on by default since 1.28). */
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

const STATEFUL_POD = /^(.*)-([0-9]+)$/;

/** The parent name and ordinal in a pod's name, ordinal -1 when there is none (getParentNameAndOrdinal). */
export function parentAndOrdinal(pod: Pod): { parent: string; ordinal: number } {
  const m = STATEFUL_POD.exec(pod.metadata?.name ?? '');
  if (!m) return { parent: '', ordinal: -1 };
  const n = Number(m[2]);
  return { parent: m[1]!, ordinal: Number.isSafeInteger(n) && n <= 2 ** 31 - 1 ? n : -1 };
}

export const ordinalOf = (pod: Pod): number => parentAndOrdinal(pod).ordinal;
export const replicasOf = (set: StatefulSet): number => set.spec?.replicas ?? 1;
/** First ordinal of the set (spec.ordinals.start, else 0). */
export const startOrdinal = (set: StatefulSet): number => set.spec?.ordinals?.start ?? 0;
/** Last ordinal of the set, inclusive. */
export const endOrdinal = (set: StatefulSet): number => startOrdinal(set) + replicasOf(set) - 1;

export function inOrdinalRange(pod: Pod, set: StatefulSet): boolean {
  const o = ordinalOf(pod);
  return o >= startOrdinal(set) && o <= endOrdinal(set);
}

export const podName = (set: StatefulSet, ordinal: number): string => `${set.metadata!.name}-${ordinal}`;
export const claimName = (set: StatefulSet, template: PersistentVolumeClaim, ordinal: number): string => `${template.metadata?.name}-${set.metadata!.name}-${ordinal}`;

/** The pod belongs to the set by name (isMemberOf). */
export const isMemberOf = (set: StatefulSet, pod: Pod): boolean => parentAndOrdinal(pod).parent === set.metadata!.name;

/** Name, namespace and pod-name label agree with the set (identityMatches). */
export function identityMatches(set: StatefulSet, pod: Pod): boolean {
  const { parent, ordinal } = parentAndOrdinal(pod);
  return ordinal >= 0 && parent === set.metadata!.name && pod.metadata?.name === podName(set, ordinal) && pod.metadata?.namespace === set.metadata!.namespace && pod.metadata?.labels?.[POD_NAME_LABEL] === pod.metadata?.name;
}

/** Every claim template is mounted from this ordinal's claim (storageMatches). */
export function storageMatches(set: StatefulSet, pod: Pod): boolean {
  const ordinal = ordinalOf(pod);
  if (ordinal < 0) return false;
  const volumes = new Map((pod.spec?.volumes ?? []).map((v) => [v.name, v]));
  return (set.spec?.volumeClaimTemplates ?? []).every((t) => volumes.get(t.metadata?.name ?? '')?.persistentVolumeClaim?.claimName === claimName(set, t, ordinal));
}

/** The claims a member needs, by template name (getPersistentVolumeClaims): template labels plus the selector's matchLabels. */
export function claimsFor(set: StatefulSet, pod: Pod): Map<string, ClaimObject> {
  const ordinal = ordinalOf(pod);
  const out = new Map<string, ClaimObject>();
  for (const t of set.spec?.volumeClaimTemplates ?? []) {
    const { status: _status, ...spec } = structuredClone(t);
    const c = { ...spec, apiVersion: 'v1', kind: 'PersistentVolumeClaim' } as ClaimObject;
    c.metadata = { ...c.metadata, name: claimName(set, t, ordinal), namespace: set.metadata!.namespace, labels: { ...(c.metadata?.labels ?? {}), ...(set.spec?.selector.matchLabels ?? {}) } };
    out.set(t.metadata!.name!, c);
  }
  return out;
}

/** Mounts the ordinal's claims, replacing same-named volumes and keeping the others (updateStorage). */
export function updateStorage(set: StatefulSet, pod: Pod): void {
  const claims = claimsFor(set, pod);
  const volumes: Volume[] = [...claims].map(([name, c]) => ({ name, persistentVolumeClaim: { claimName: c.metadata!.name! } }));
  for (const v of pod.spec?.volumes ?? []) if (!claims.has(v.name)) volumes.push(v);
  pod.spec!.volumes = volumes;
}

/** Name, namespace and identity labels (updateIdentity). */
export function updateIdentity(set: StatefulSet, pod: Pod): void {
  const ordinal = ordinalOf(pod);
  pod.metadata!.name = podName(set, ordinal);
  pod.metadata!.namespace = set.metadata!.namespace;
  const labels = (pod.metadata!.labels ??= {});
  labels[POD_NAME_LABEL] = pod.metadata!.name;
  labels[POD_INDEX_LABEL] = String(ordinal);
}

/** A new member at `ordinal` of `set` (newStatefulSetPod): template, identity, hostname and subdomain, storage. */
export function newStatefulSetPod(set: StatefulSetObject, ordinal: number): PodObject {
  const pod = podFromTemplate(set.spec!.template, set, newControllerRef(set, 'apps/v1', 'StatefulSet')) as PodObject;
  delete pod.metadata!.generateName;
  pod.metadata!.name = podName(set, ordinal);
  updateIdentity(set, pod);
  pod.spec!.hostname = pod.metadata!.name;
  if (set.spec?.serviceName) pod.spec!.subdomain = set.spec.serviceName;
  updateStorage(set, pod);
  return pod;
}

/**
 * A new member made from the current revision when the update strategy keeps it there (below the
 * partition), else from the update revision (newVersionedStatefulSetPod).
 */
export function newVersionedPod(currentSet: StatefulSetObject, updateSet: StatefulSetObject, currentRevision: string, updateRevision: string, ordinal: number): PodObject {
  const us = currentSet.spec?.updateStrategy;
  const start = startOrdinal(currentSet);
  const atCurrent =
    (us?.type === 'RollingUpdate' && !us.rollingUpdate && ordinal < start + (currentSet.status?.currentReplicas ?? 0)) || (!!us?.rollingUpdate && ordinal < start + (us.rollingUpdate.partition ?? 0));
  const pod = newStatefulSetPod(atCurrent ? currentSet : updateSet, ordinal);
  pod.metadata!.labels![REVISION_LABEL] = atCurrent ? currentRevision : updateRevision;
  return pod;
}

export const podRevision = (pod: Pod): string => pod.metadata?.labels?.[REVISION_LABEL] ?? '';

/**
 * The revision data for `set` (getPatch): its template as Go serialises it — an unset
 * creationTimestamp as null — marked to replace the whole template.
 */
export function statefulSetPatch(set: StatefulSet): object {
  const template = structuredClone(set.spec?.template ?? {}) as Record<string, unknown>;
  template.metadata = { creationTimestamp: null, ...((template.metadata as object | undefined) ?? {}) };
  template.$patch = 'replace';
  return { spec: { template } };
}

/** The set as it was at `data` (ApplyRevision): the stored template replaces the current one. */
export function applyRevision(set: StatefulSetObject, data: unknown): StatefulSetObject {
  const clone = structuredClone(set);
  const stored = structuredClone((data as { spec?: { template?: Record<string, unknown> } } | undefined)?.spec?.template);
  if (stored) {
    delete stored.$patch;
    const meta = stored.metadata as Record<string, unknown> | undefined;
    if (meta?.creationTimestamp === null) delete meta.creationTimestamp;
    clone.spec!.template = stored as NonNullable<StatefulSet['spec']>['template'];
  }
  return clone;
}

export const isCreated = (p: Pod): boolean => !!p.status?.phase;
export const isTerminating = (p: Pod): boolean => !!p.metadata?.deletionTimestamp;
export const isRunningAndReady = (p: Pod): boolean => p.status?.phase === 'Running' && isPodReady(p);
export const isRunningAndAvailable = (p: Pod, minReadySeconds: number, now: number): boolean => isPodAvailable(p, minReadySeconds, now);
/** Not yet available, or being deleted (isUnavailable). */
export const isUnavailable = (p: Pod, minReadySeconds: number, now: number): boolean => !isPodAvailable(p, minReadySeconds, now) || isTerminating(p);
