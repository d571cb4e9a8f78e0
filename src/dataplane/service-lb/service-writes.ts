/**
 * The writes both load-balancer controllers make to a Service: a finalizer added or removed
 * (a merge patch of the whole list, conditional on the resourceVersion the informer saw, so a
 * concurrent writer makes it fail with a conflict and the key is retried, as client-go's patch
 * helpers would), and `status.loadBalancer` replaced when it differs (servicehelper.PatchService
 * of the status). Not-found answers mean the Service went away meanwhile and are no error.
 */
import type { Service, LoadBalancerStatus } from 'kubernetes-types/core/v1.js';
import type { KubeClient } from '../../kubeclient/client.js';
import { isNotFound } from '../../kubeclient/errors.js';
import type { KubeObject, ResourceRef } from '../../kubeclient/types.js';

/** A Service as the informers hold it. */
export type Svc = Service & KubeObject;

/** The core/v1 services resource. */
export const SERVICES: ResourceRef = { group: '', version: 'v1', resource: 'services' };

function ref(svc: Svc, subresource?: string): ResourceRef {
  return { ...SERVICES, namespace: svc.metadata?.namespace, name: svc.metadata?.name, subresource };
}

/** Whether the Service carries `finalizer`. */
export function hasFinalizer(svc: Svc, finalizer: string): boolean {
  return svc.metadata?.finalizers?.includes(finalizer) ?? false;
}

/** Adds `finalizer` unless present; returns the Service as written (or as given). */
export async function addFinalizer(client: KubeClient, svc: Svc, finalizer: string): Promise<Svc> {
  if (hasFinalizer(svc, finalizer)) return svc;
  const finalizers = [...(svc.metadata?.finalizers ?? []), finalizer];
  return client.patch<Svc>(ref(svc), { metadata: { finalizers, resourceVersion: svc.metadata?.resourceVersion } });
}

/** Removes `finalizer` if present. */
export async function removeFinalizer(client: KubeClient, svc: Svc, finalizer: string): Promise<void> {
  if (!hasFinalizer(svc, finalizer)) return;
  const finalizers = (svc.metadata?.finalizers ?? []).filter((f) => f !== finalizer);
  try {
    await client.patch(ref(svc), { metadata: { finalizers, resourceVersion: svc.metadata?.resourceVersion } });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

function ingressText(s: LoadBalancerStatus | undefined): string {
  return JSON.stringify((s?.ingress ?? []).map((i) => [i.hostname ?? '', i.ip ?? '']));
}

/** Sets `status.loadBalancer` to `want` when it differs (ingress compared as upstream's LoadBalancerStatusEqual). */
export async function patchLoadBalancerStatus(client: KubeClient, svc: Svc, want: LoadBalancerStatus): Promise<void> {
  if (ingressText(svc.status?.loadBalancer) === ingressText(want)) return;
  // A merge patch merges maps: an emptied status must say ingress: null to drop the list.
  const loadBalancer = want.ingress?.length ? want : { ingress: null };
  try {
    await client.patch(ref(svc, 'status'), { status: { loadBalancer } });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
