/**
 * The informers the scheduler reads besides pods and nodes (PVCs, PVs, StorageClasses for
 * volume binding; Services, ReplicaSets, StatefulSets, ReplicationControllers for the default
 * spread selector; Namespaces for affinity namespaceSelectors), all through SharedInformers,
 * and the Listers view plugins use.
 */
import type { ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { Namespace, PersistentVolume, PersistentVolumeClaim, ReplicationController, Service } from 'kubernetes-types/core/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import type { Informer } from '../kubeclient/informer.js';
import { NAMESPACE_INDEX } from '../kubeclient/informer.js';
import type { SharedInformers } from '../kubeclient/shared-informers.js';
import type { KubeObject } from '../kubeclient/types.js';
import type { Listers } from './handle.js';

/** A kubernetes-types object as the informers hold it. */
export type K<T> = T & KubeObject;

export interface ListerInformers {
  pvcs: Informer<K<PersistentVolumeClaim>>;
  pvs: Informer<K<PersistentVolume>>;
  storageClasses: Informer<K<StorageClass>>;
  services: Informer<K<Service>>;
  replicaSets: Informer<K<ReplicaSet>>;
  statefulSets: Informer<K<StatefulSet>>;
  replicationControllers: Informer<K<ReplicationController>>;
  namespaces: Informer<K<Namespace>>;
}

export function listerInformers(informers: SharedInformers): ListerInformers {
  const core = (resource: string) => ({ resource: { group: '', version: 'v1', resource } });
  return {
    pvcs: informers.informer<K<PersistentVolumeClaim>>(core('persistentvolumeclaims')),
    pvs: informers.informer<K<PersistentVolume>>(core('persistentvolumes')),
    storageClasses: informers.informer<K<StorageClass>>({ resource: { group: 'storage.k8s.io', version: 'v1', resource: 'storageclasses' } }),
    services: informers.informer<K<Service>>(core('services')),
    replicaSets: informers.informer<K<ReplicaSet>>({ resource: { group: 'apps', version: 'v1', resource: 'replicasets' } }),
    statefulSets: informers.informer<K<StatefulSet>>({ resource: { group: 'apps', version: 'v1', resource: 'statefulsets' } }),
    replicationControllers: informers.informer<K<ReplicationController>>(core('replicationcontrollers')),
    namespaces: informers.informer<K<Namespace>>(core('namespaces')),
  };
}

export function listersOf(i: ListerInformers): Listers {
  return {
    pvc: (ns, name) => i.pvcs.get(ns, name),
    pv: (name) => i.pvs.get(undefined, name),
    storageClass: (name) => i.storageClasses.get(undefined, name),
    services: (ns) => i.services.byIndex(NAMESPACE_INDEX, ns),
    replicaSet: (ns, name) => i.replicaSets.get(ns, name),
    statefulSet: (ns, name) => i.statefulSets.get(ns, name),
    replicationController: (ns, name) => i.replicationControllers.get(ns, name),
    namespaceLabels: (ns) => i.namespaces.get(undefined, ns)?.metadata?.labels,
  };
}
