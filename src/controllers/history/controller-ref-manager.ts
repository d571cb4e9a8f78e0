/**
 * Adoption and release of dependents through controller references, as upstream's
 * BaseControllerRefManager.ClaimObject (pkg/controller/controller_ref_manager.go): an object whose
 * controller reference names the owner is kept while the selector matches and released (its
 * reference removed by a strategic merge patch) once it does not; an orphan that matches is
 * adopted by adding the reference, after an uncached read confirmed the owner is not being deleted.
 *
 * Owners find their dependents through two informer indexes instead of scanning a namespace: by
 * controller uid, and orphans (no controller) by namespace.
 */
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { matches, type LabelSelector } from '../../apimachinery/labels.js';
import type { KubeClient } from '../../kubeclient/client.js';
import { isNotFound, KubeApiError } from '../../kubeclient/errors.js';
import type { Informer } from '../../kubeclient/informer.js';
import type { KubeObject, ResourceRef } from '../../kubeclient/types.js';
import { controllerRefOf } from '../pods.js';

/** Index of objects by the uid of their controller reference. */
export const CONTROLLER_UID_INDEX = 'controller-uid';
/** Index of objects without a controller reference, by namespace. */
export const ORPHAN_NAMESPACE_INDEX = 'orphan-namespace';

/** Adds both indexes to an informer (idempotent: shared informers keep the first registration). */
export function indexByController<T extends KubeObject>(informer: Informer<T>): void {
  informer.addIndexer(CONTROLLER_UID_INDEX, (o) => {
    const uid = controllerRefOf(o)?.uid;
    return uid ? [uid] : [];
  });
  informer.addIndexer(ORPHAN_NAMESPACE_INDEX, (o) => (controllerRefOf(o) || !o.metadata?.namespace ? [] : [o.metadata.namespace]));
}

/** What a claim needs to know about the owner. */
export interface ClaimOwner {
  obj: KubeObject;
  apiVersion: string;
  kind: string;
  selector: LabelSelector;
  /** Extra condition for a dependent to belong (StatefulSet: its name is `<set>-<ordinal>`). */
  filter?: (o: KubeObject) => boolean;
  /** Resolves when the owner may adopt (fresh read, same uid, not being deleted); throws otherwise. */
  canAdopt: () => Promise<void>;
}

/**
 * The dependents of `owner` among the informer's objects, adopting matching orphans and releasing
 * owned objects that no longer match (ClaimPods / ClaimControllerRevisions). `resource` names the
 * dependents' collection for the patches.
 */
export async function claimObjects<T extends KubeObject>(client: KubeClient, informer: Informer<T>, resource: ResourceRef, owner: ClaimOwner): Promise<T[]> {
  const meta = owner.obj.metadata!;
  const ownerDeleting = !!meta.deletionTimestamp;
  const fits = (o: T) => matches(owner.selector, o.metadata?.labels) && (owner.filter?.(o) ?? true);
  const claimed: T[] = [];
  for (const o of informer.byIndex(CONTROLLER_UID_INDEX, meta.uid!)) {
    if (o.metadata?.namespace !== meta.namespace) continue;
    if (fits(o)) claimed.push(o);
    else if (!ownerDeleting) await release(client, resource, o, meta.uid!);
  }
  if (ownerDeleting) return claimed;
  let adoptable: Promise<void> | undefined;
  for (const o of informer.byIndex(ORPHAN_NAMESPACE_INDEX, meta.namespace!)) {
    if (o.metadata?.deletionTimestamp || !fits(o)) continue;
    adoptable ??= owner.canAdopt();
    await adoptable;
    const ref: OwnerReference = { apiVersion: owner.apiVersion, kind: owner.kind, name: meta.name!, uid: meta.uid!, controller: true, blockOwnerDeletion: true };
    try {
      const adopted = await client.patch<T>({ ...resource, namespace: meta.namespace, name: o.metadata!.name! }, { metadata: { ownerReferences: [ref], uid: o.metadata!.uid } }, 'strategic');
      claimed.push(adopted);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  return claimed;
}

async function release(client: KubeClient, resource: ResourceRef, o: KubeObject, ownerUid: string): Promise<void> {
  try {
    await client.patch({ ...resource, namespace: o.metadata!.namespace, name: o.metadata!.name! }, { metadata: { ownerReferences: [{ $patch: 'delete', uid: ownerUid }], uid: o.metadata!.uid } }, 'strategic');
  } catch (err) {
    // Gone, or no longer ours (the uid precondition fails as Invalid): nothing to release.
    if (isNotFound(err) || (err instanceof KubeApiError && err.code === 422)) return;
    throw err;
  }
}

/**
 * controller.RecheckDeletionTimestamp over a fresh GET: adoption is refused when the owner is gone,
 * was replaced (other uid) or is being deleted.
 */
export function recheckDeletion(client: KubeClient, ref: ResourceRef, owner: KubeObject): () => Promise<void> {
  return async () => {
    const fresh = await client.get({ ...ref, namespace: owner.metadata!.namespace, name: owner.metadata!.name! });
    if (fresh.metadata?.uid !== owner.metadata!.uid) throw new Error(`original ${ref.resource} ${owner.metadata!.namespace}/${owner.metadata!.name} is gone: got uid ${fresh.metadata?.uid}, wanted ${owner.metadata!.uid}`);
    if (fresh.metadata?.deletionTimestamp) throw new Error(`${ref.resource} ${owner.metadata!.namespace}/${owner.metadata!.name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
  };
}
