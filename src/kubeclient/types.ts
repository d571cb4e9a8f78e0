/**
 * The minimal shapes of Kubernetes objects the client and controllers read generically (metadata,
 * owner references, lists). Typed objects of a particular kind extend `KubeObject`.
 */

export type { ObjectMeta, OwnerReference } from '../apimachinery/object.js';
import type { KObject } from '../apimachinery/object.js';

/** Any Kubernetes object as JSON. */
export type KubeObject = KObject;

/** A list answer: items plus the list's resourceVersion and continue token. */
export interface KubeList<T extends KubeObject = KubeObject> {
  apiVersion?: string;
  kind?: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  items: T[];
}

/** Names a resource (and optionally one object of it) the way the REST paths do. */
export interface ResourceRef {
  /** '' for the core group. */
  group: string;
  version: string;
  /** Lower-case plural, e.g. 'configmaps'. */
  resource: string;
  namespace?: string;
  name?: string;
  /** e.g. 'status', 'scale', 'finalize'. */
  subresource?: string;
}

/** The cache key client-go uses: `namespace/name`, or `name` for cluster-scoped objects. */
export function objectKey(obj: KubeObject): string {
  const m = obj.metadata ?? {};
  return m.namespace ? `${m.namespace}/${m.name ?? ''}` : (m.name ?? '');
}

/** "apps/v1" → {group: 'apps', version: 'v1'}; "v1" → core. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}
