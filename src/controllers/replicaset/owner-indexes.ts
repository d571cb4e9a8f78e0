/**
 * Informer indexes the workload controllers look owned objects up by, instead of scanning every
 * pod or ReplicaSet of the cluster per sync (upstream's podControllerUID indexer and its orphan
 * key, controller.FilterPodsByOwner): objects by the uid of their controller reference, and
 * orphans (no controller reference) by namespace, so adoption candidates are found without a scan.
 */
import type { Informer } from '../../kubeclient/informer.js';
import type { KubeObject } from '../../kubeclient/types.js';
import { controllerRefOf } from '../pods.js';

/** Index name: objects filed under their controller reference's uid. */
export const CONTROLLER_UID_INDEX = 'controller-uid';
/** Index name: objects without a controller reference, filed under their namespace. */
export const ORPHAN_NAMESPACE_INDEX = 'orphan-namespace';

/** Adds both indexes to `informer` (a no-op for indexes another controller added first). */
export function addOwnerIndexes<T extends KubeObject>(informer: Informer<T>): void {
  informer.addIndexer(CONTROLLER_UID_INDEX, (o) => {
    const uid = controllerRefOf(o)?.uid;
    return uid ? [uid] : [];
  });
  informer.addIndexer(ORPHAN_NAMESPACE_INDEX, (o) => (!controllerRefOf(o) && o.metadata?.namespace ? [o.metadata.namespace] : []));
}

/** What `owner` controls plus the orphans of its namespace: the candidates ClaimObjects looks at. */
export function ownedAndOrphans<T extends KubeObject>(informer: Informer<T>, owner: KubeObject): T[] {
  const owned = informer.byIndex(CONTROLLER_UID_INDEX, owner.metadata!.uid!);
  const orphans = informer.byIndex(ORPHAN_NAMESPACE_INDEX, owner.metadata!.namespace!);
  return orphans.length ? [...owned, ...orphans] : owned;
}
