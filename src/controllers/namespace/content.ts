/**
 * Deleting everything in a terminating namespace, as upstream's namespacedResourcesDeleter: for
 * every namespaced resource that can be deleted, a DELETE on the collection (or list + delete per
 * object when deletecollection is not served), then a list of what remains, counting objects and
 * their finalizers, and an estimate of how long until they are gone. The result also drives the
 * namespace's status conditions (conditions.ts).
 */
import type { KubeClient } from '../../kubeclient/client.js';
import { supports, type ApiResourceInfo } from '../../kubeclient/discovery.js';
import { isMethodNotSupported, isNotFound } from '../../kubeclient/errors.js';
import type { ResourceRef } from '../../kubeclient/types.js';

/** Upstream's default wait for finalizers on remaining objects to finish (seconds). */
export const FINALIZER_ESTIMATE_SECONDS = 15;

export interface ContentResult {
  /** Seconds until the remaining content is expected to be gone; 0 when nothing remains. */
  estimateSeconds: number;
  /** `resource.group` → objects left. */
  remaining: Map<string, number>;
  /** finalizer → objects left carrying it. */
  finalizers: Map<string, number>;
  /** One message per resource whose deletion failed. */
  errors: string[];
}

/** Resources a namespace deletion must empty: namespaced, deletable, listable. */
export function namespacedDeletable(all: ApiResourceInfo[]): ApiResourceInfo[] {
  return all.filter((r) => r.preferred && r.namespaced && supports(r, 'delete') && (supports(r, 'deletecollection') || supports(r, 'list')));
}

/** Deletes the namespace's content of every resource in `resources` and reports what remains. */
export async function deleteAllContent(
  client: KubeClient,
  namespace: string,
  resources: ApiResourceInfo[],
  now: number,
  finalizerEstimateSeconds = FINALIZER_ESTIMATE_SECONDS,
): Promise<ContentResult> {
  const out: ContentResult = { estimateSeconds: 0, remaining: new Map(), finalizers: new Map(), errors: [] };
  for (const r of resources) {
    const ref: ResourceRef = { group: r.group, version: r.version, resource: r.resource, namespace };
    const label = `${r.resource}.${r.group}`;
    try {
      await deleteResource(client, r, ref);
      if (!supports(r, 'list')) continue;
      const { items } = await client.list(ref);
      if (!items.length) continue;
      out.remaining.set(label, items.length);
      let estimate = 0;
      let unexpected = 0;
      for (const item of items) {
        const m = item.metadata ?? {};
        for (const f of m.finalizers ?? []) out.finalizers.set(f, (out.finalizers.get(f) ?? 0) + 1);
        if (m.finalizers?.length) estimate = Math.max(estimate, finalizerEstimateSeconds);
        else if (m.deletionTimestamp) estimate = Math.max(estimate, 1, Math.ceil((Date.parse(m.deletionTimestamp) - now) / 1000));
        else unexpected++;
      }
      out.estimateSeconds = Math.max(out.estimateSeconds, estimate);
      if (unexpected) out.errors.push(`unexpected items still remain in namespace: ${namespace} for gvr: ${gvrString(r)}`);
    } catch (err) {
      out.errors.push(`${label}: ${(err as Error).message}`);
    }
  }
  return out;
}

/** deletecollection when served (falls back on 404/405, as upstream), else list + delete each. */
async function deleteResource(client: KubeClient, r: ApiResourceInfo, ref: ResourceRef): Promise<void> {
  // Background: the garbage collector must not turn these into orphaning or foreground deletes.
  const opts = { propagationPolicy: 'Background' as const };
  if (supports(r, 'deletecollection')) {
    try {
      await client.deleteCollection(ref, opts);
      return;
    } catch (err) {
      if (!isMethodNotSupported(err) && !isNotFound(err)) throw err;
    }
  }
  if (!supports(r, 'list')) return;
  const { items } = await client.list(ref);
  for (const item of items) {
    if (item.metadata?.deletionTimestamp) continue;
    try {
      await client.delete({ ...ref, name: item.metadata!.name! }, { ...opts, preconditions: { uid: item.metadata!.uid } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

function gvrString(r: ApiResourceInfo): string {
  return `${r.group ? `${r.group}/` : ''}${r.version}, Resource=${r.resource}`;
}
