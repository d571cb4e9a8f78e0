/**
 * Adoption and release of owned objects, as upstream's BaseControllerRefManager.ClaimObject
 * (ClaimPods for ReplicaSets, ClaimReplicaSets for Deployments): an object we control that still
 * matches is kept; one that no longer matches is released (our controller reference removed with
 * a strategic merge patch); an orphan that matches is adopted (a controller reference added),
 * unless the owner or the orphan is being deleted. Before the first adoption the owner is read
 * again live (RecheckDeletionTimestamp), so a controller being deleted never adopts.
 */
import type { KubeClient } from '../../kubeclient/client.js';
import { isNotFound } from '../../kubeclient/errors.js';
import type { KubeObject, ResourceRef } from '../../kubeclient/types.js';
import { controllerRefOf, newControllerRef } from '../pods.js';

/** What a claim needs: the owner, how it is referenced, and what its selector matches. */
export interface ClaimSpec<T extends KubeObject> {
  client: KubeClient;
  owner: KubeObject;
  ownerApiVersion: string;
  ownerKind: string;
  /** The claimed objects' resource (namespace is taken from the owner). */
  resource: Omit<ResourceRef, 'namespace' | 'name'>;
  matches(obj: T): boolean;
  /** Where the owner is read live before adopting. */
  ownerResource: Omit<ResourceRef, 'namespace' | 'name'>;
}

/**
 * Returns the objects `spec.owner` controls after claiming `candidates` (what it owned plus
 * orphans of its namespace). Adoption errors other than NotFound are thrown after every candidate
 * was looked at, as ClaimObjects aggregates them.
 */
export async function claimObjects<T extends KubeObject>(spec: ClaimSpec<T>, candidates: readonly T[]): Promise<T[]> {
  const owner = spec.owner;
  const ownerUid = owner.metadata!.uid!;
  const ns = owner.metadata!.namespace!;
  const claimed: T[] = [];
  const errors: Error[] = [];
  let canAdopt: Promise<void> | undefined;
  for (const obj of candidates) {
    const ref = controllerRefOf(obj);
    if (ref) {
      if (ref.uid !== ownerUid) continue;
      if (spec.matches(obj)) {
        claimed.push(obj);
        continue;
      }
      if (owner.metadata?.deletionTimestamp) continue;
      try {
        await spec.client.patch(targetOf(spec, ns, obj), { metadata: { ownerReferences: [{ $patch: 'delete', uid: ownerUid }], uid: obj.metadata!.uid } }, 'strategic');
      } catch (err) {
        if (!isNotFound(err)) errors.push(err as Error);
      }
      continue;
    }
    if (owner.metadata?.deletionTimestamp || !spec.matches(obj) || obj.metadata?.deletionTimestamp || obj.metadata?.namespace !== ns) continue;
    try {
      await (canAdopt ??= recheckOwner(spec));
      await spec.client.patch(targetOf(spec, ns, obj), { metadata: { ownerReferences: [newControllerRef(owner, spec.ownerApiVersion, spec.ownerKind)], uid: obj.metadata!.uid } }, 'strategic');
      claimed.push(obj);
    } catch (err) {
      if (!isNotFound(err)) errors.push(err as Error);
    }
  }
  if (errors.length) throw new Error(errors.map((e) => e.message).join('; '));
  return claimed;
}

/** Where a claimed object is patched (built only when one is: most syncs patch nothing). */
function targetOf<T extends KubeObject>(spec: ClaimSpec<T>, ns: string, obj: T): ResourceRef {
  return { ...spec.resource, namespace: ns, name: obj.metadata!.name! };
}

/** Reads the owner live: adoption is refused once it is gone, replaced or being deleted. */
async function recheckOwner(spec: ClaimSpec<KubeObject>): Promise<void> {
  const m = spec.owner.metadata!;
  const fresh = await spec.client.get({ ...spec.ownerResource, namespace: m.namespace, name: m.name });
  if (fresh.metadata?.uid !== m.uid) throw new Error(`original ${spec.ownerKind} ${m.namespace}/${m.name} is gone: got uid ${fresh.metadata?.uid}, wanted ${m.uid}`);
  if (fresh.metadata?.deletionTimestamp) throw new Error(`${m.namespace}/${m.name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
}
