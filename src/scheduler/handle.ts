/**
 * What plugins get from the scheduler (framework.Handle): the cache, read access to other
 * resources through informer listers, and the client and event recorder for plugins that write
 * (binder, preemption).
 */
import type { PersistentVolume, PersistentVolumeClaim, ReplicationController, Service } from 'kubernetes-types/core/v1.js';
import type { ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { KubeClient } from '../kubeclient/client.js';
import type { EventRecorder } from '../kubeclient/events.js';
import type { SchedulerCache } from './cache.js';
import type { Framework } from './framework.js';

/** Read-only views of the informers plugins consult; any may answer undefined / [] in unit tests. */
export interface Listers {
  pvc(namespace: string, name: string): PersistentVolumeClaim | undefined;
  pv(name: string): PersistentVolume | undefined;
  storageClass(name: string): StorageClass | undefined;
  services(namespace: string): Service[];
  replicaSet(namespace: string, name: string): ReplicaSet | undefined;
  statefulSet(namespace: string, name: string): StatefulSet | undefined;
  replicationController(namespace: string, name: string): ReplicationController | undefined;
  namespaceLabels(namespace: string): Record<string, string> | undefined;
}

export interface Handle {
  cache: SchedulerCache;
  listers: Listers;
  client?: KubeClient;
  recorder?: EventRecorder;
  clock: Clock;
  log: Logger;
  schedulerName: string;
  /** The framework running the plugins (preemption re-runs filters); set once built. */
  framework(): Framework;
}

/** Listers that know nothing, for plugin unit tests. */
export const emptyListers: Listers = {
  pvc: () => undefined,
  pv: () => undefined,
  storageClass: () => undefined,
  services: () => [],
  replicaSet: () => undefined,
  statefulSet: () => undefined,
  replicationController: () => undefined,
  namespaceLabels: () => undefined,
};
