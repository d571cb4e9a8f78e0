/**
 * The steps every Deployment sync shares, as upstream's deployment/sync.go: finding (or creating)
 * the new ReplicaSet and syncing revisions, scaling (proportionally across ReplicaSets while a
 * rollout is in flight), cleaning up old ReplicaSets beyond revisionHistoryLimit, and the status.
 */
import type { DeploymentStatus } from 'kubernetes-types/apps/v1.js';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { KubeClient } from '../../kubeclient/client.js';
import { isAlreadyExists, isNotFound, KubeApiError } from '../../kubeclient/errors.js';
import type { EventRecorder } from '../../kubeclient/events.js';
import { controllerRefOf, newControllerRef } from '../pods.js';
import { REPLICA_SETS } from '../replicaset/replicaset-controller.js';
import { replicasAnnotationsNeedUpdate, replicasAnnotationsOf, setNewReplicaSetAnnotations, setReplicasAnnotations } from './annotations.js';
import { getCondition, hasProgressDeadline, newCondition, REASONS, setCondition } from './conditions.js';
import { canonicalJson, computeHash, equalIgnoreHash, POD_TEMPLATE_HASH } from './hash.js';
import {
  activeOf,
  actualSum,
  availableSum,
  byCreation,
  byRevision,
  bySizeNewer,
  bySizeOlder,
  findActiveOrLatest,
  intAnnotation,
  isRollingUpdate,
  isSaturated,
  maxSurge,
  maxUnavailable,
  newRSNewReplicas,
  proportion,
  readySum,
  REVISION_ANNOTATION,
  revisionOf,
  specReplicas,
  specSum,
  DESIRED_REPLICAS_ANNOTATION,
  type Dep,
  type RS,
} from './replicas.js';

export const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments' } as const;

/** The new ReplicaSet (if any) and every other ReplicaSet of a Deployment. */
export interface ReplicaSets {
  newRS: RS | undefined;
  oldRSs: RS[];
}

/** FindNewReplicaSet: the oldest ReplicaSet whose template equals the Deployment's, hash aside. */
export function findNewReplicaSet(d: Dep, rsList: readonly RS[]): RS | undefined {
  return [...rsList].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

/** What the sync steps work with; one per controller. */
export class DeploymentSyncer {
  constructor(
    readonly client: KubeClient,
    readonly clock: Clock,
    readonly recorder: EventRecorder,
    readonly log: Logger,
  ) {}

  /** getAllReplicaSetsAndSyncRevision: split new/old and bring the new one's revision up to date. */
  async replicaSetsAndSyncRevision(d: Dep, rsList: RS[], createIfMissing: boolean): Promise<ReplicaSets> {
    const existing = findNewReplicaSet(d, rsList);
    const oldRSs = rsList.filter((rs) => rs !== existing);
    const newRS = await this.newReplicaSet(d, existing, oldRSs, createIfMissing);
    // Later steps of the same sync see what was just written, not the stale cached copy.
    if (existing && newRS && newRS !== existing) rsList[rsList.indexOf(existing)] = newRS;
    return { newRS, oldRSs };
  }

  /** getNewReplicaSet: sync the existing new ReplicaSet's annotations, or create it. */
  private async newReplicaSet(d: Dep, existing: RS | undefined, oldRSs: RS[], createIfMissing: boolean): Promise<RS | undefined> {
    const newRevision = Math.max(0, ...oldRSs.map(revisionOf)) + 1;
    const now = this.clock.now();
    if (existing) {
      const rs = structuredClone(existing);
      const annotationsChanged = setNewReplicaSetAnnotations(d, rs, newRevision, true);
      const minReadyChanged = (rs.spec?.minReadySeconds ?? 0) !== (d.spec?.minReadySeconds ?? 0);
      if (annotationsChanged || minReadyChanged) {
        rs.spec!.minReadySeconds = d.spec?.minReadySeconds;
        return this.client.update<RS>({ ...REPLICA_SETS, namespace: rs.metadata!.namespace }, rs);
      }
      let needsUpdate = setDeploymentRevision(d, String(newRevision));
      if (hasProgressDeadline(d) && !getCondition(d.status, 'Progressing')) {
        setCondition((d.status ??= {}), newCondition('Progressing', 'True', REASONS.foundNewRS, `Found new replica set "${rs.metadata!.name}"`, now));
        needsUpdate = true;
      }
      if (needsUpdate) await this.updateStatus(d);
      return rs;
    }
    if (!createIfMissing) return undefined;

    const hash = computeHash(d.spec?.template, d.status?.collisionCount);
    const template = structuredClone(d.spec!.template!);
    template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [POD_TEMPLATE_HASH]: hash } };
    const selector = structuredClone(d.spec!.selector!);
    selector.matchLabels = { ...selector.matchLabels, [POD_TEMPLATE_HASH]: hash };
    const name = `${d.metadata!.name}-${hash}`;
    const rs: RS = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name, namespace: d.metadata!.namespace, ownerReferences: [newControllerRef(d, 'apps/v1', 'Deployment')], labels: template.metadata.labels, annotations: {} },
      spec: { replicas: 0, minReadySeconds: d.spec?.minReadySeconds, selector, template },
    };
    const replicas = newRSNewReplicas(d, [...oldRSs, rs], rs);
    rs.spec!.replicas = replicas;
    setNewReplicaSetAnnotations(d, rs, newRevision, false);
    let created: RS;
    let alreadyExisted = false;
    try {
      created = await this.client.create<RS>({ ...REPLICA_SETS, namespace: d.metadata!.namespace }, rs);
    } catch (err) {
      if (isAlreadyExists(err)) {
        const found = await this.client.get<RS>({ ...REPLICA_SETS, namespace: d.metadata!.namespace, name });
        if (controllerRefOf(found)?.uid !== d.metadata!.uid || !equalIgnoreHash(d.spec?.template, found.spec?.template)) {
          // A hash collision: bump collisionCount so the next sync computes another name.
          (d.status ??= {}).collisionCount = (d.status.collisionCount ?? 0) + 1;
          await this.updateStatus(d).catch(() => undefined);
          this.log.info({ ns: d.metadata!.namespace, name: d.metadata!.name, collisionCount: d.status.collisionCount }, 'hash collision; bumped collisionCount');
          throw err;
        }
        created = found;
        alreadyExisted = true;
      } else {
        if (err instanceof KubeApiError && err.status?.details?.causes?.some((c) => c.reason === 'NamespaceTerminating')) throw err;
        const msg = `Failed to create new replica set "${name}": ${(err as Error).message}`;
        if (hasProgressDeadline(d)) {
          setCondition((d.status ??= {}), newCondition('Progressing', 'False', REASONS.failedRSCreate, msg, now));
          await this.updateStatus(d).catch(() => undefined);
        }
        void this.recorder.event(d, 'Warning', REASONS.failedRSCreate, msg);
        throw err;
      }
    }
    if (!alreadyExisted && replicas > 0) void this.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${name} from 0 to ${replicas}`);
    let needsUpdate = setDeploymentRevision(d, String(newRevision));
    if (!alreadyExisted && hasProgressDeadline(d)) {
      setCondition((d.status ??= {}), newCondition('Progressing', 'True', REASONS.newRSCreated, `Created new replica set "${name}"`, now));
      needsUpdate = true;
    }
    if (needsUpdate) await this.updateStatus(d);
    return created;
  }

  /**
   * scale: a single active (or latest) ReplicaSet takes spec.replicas; a saturated new one lets
   * the old ones go to 0; otherwise, during a rolling update, the difference to
   * replicas + maxSurge is shared in proportion to each ReplicaSet's size (leftovers to the
   * largest), newer ReplicaSets first when growing and older ones first when shrinking.
   */
  async scale(d: Dep, newRS: RS | undefined, oldRSs: RS[]): Promise<void> {
    const single = findActiveOrLatest(newRS, oldRSs);
    if (single) {
      if ((single.spec?.replicas ?? 0) !== specReplicas(d)) await this.scaleAndRecord(single, specReplicas(d), d);
      return;
    }
    if (isSaturated(d, newRS)) {
      for (const old of activeOf(oldRSs)) await this.scaleAndRecord(old, 0, d);
      return;
    }
    if (!isRollingUpdate(d)) return;
    const all = activeOf([...oldRSs, newRS]);
    const allowed = specReplicas(d) > 0 ? specReplicas(d) + maxSurge(d) : 0;
    const toAdd = allowed - specSum(all);
    const op = toAdd > 0 ? 'up' : 'down';
    all.sort(toAdd > 0 ? bySizeNewer : bySizeOlder);
    const sizes = new Map<RS, number>();
    let added = 0;
    for (const rs of all) {
      const share = toAdd !== 0 ? proportion(rs, d, toAdd, added) : 0;
      sizes.set(rs, (rs.spec?.replicas ?? 0) + share);
      added += share;
    }
    for (const [i, rs] of all.entries()) {
      let size = sizes.get(rs)!;
      if (i === 0 && toAdd !== 0) size = Math.max(0, size + toAdd - added);
      await this.scaleReplicaSet(rs, size, d, op);
    }
  }

  /** scaleReplicaSetAndRecordEvent: [scaled, the ReplicaSet after]. */
  async scaleAndRecord(rs: RS, size: number, d: Dep): Promise<[boolean, RS]> {
    if ((rs.spec?.replicas ?? 0) === size) return [false, rs];
    return this.scaleReplicaSet(rs, size, d, (rs.spec?.replicas ?? 0) < size ? 'up' : 'down');
  }

  /** scaleReplicaSet: the new size and the replicas annotations in one update, with a ScalingReplicaSet event. */
  async scaleReplicaSet(rs: RS, size: number, d: Dep, op: 'up' | 'down'): Promise<[boolean, RS]> {
    const from = rs.spec?.replicas ?? 0;
    const [desired, max] = replicasAnnotationsOf(d);
    const sizeChanged = from !== size;
    if (!sizeChanged && !replicasAnnotationsNeedUpdate(rs, desired, max)) return [false, rs];
    const copy = structuredClone(rs);
    copy.spec!.replicas = size;
    setReplicasAnnotations(copy, desired, max);
    const updated = await this.client.update<RS>({ ...REPLICA_SETS, namespace: rs.metadata!.namespace }, copy);
    if (sizeChanged) void this.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${op} replica set ${rs.metadata!.name} from ${from} to ${size}`);
    return [sizeChanged, updated];
  }

  /** cleanupDeployment: deletes the oldest revisions beyond revisionHistoryLimit that are fully scaled down. */
  async cleanup(oldRSs: readonly RS[], d: Dep): Promise<void> {
    const limit = d.spec?.revisionHistoryLimit;
    if (limit === undefined || limit === null) return;
    const cleanable = oldRSs.filter((rs) => !rs.metadata?.deletionTimestamp).sort(byRevision);
    const diff = cleanable.length - limit;
    for (const rs of cleanable.slice(0, Math.max(0, diff))) {
      if ((rs.status?.replicas ?? 0) !== 0 || (rs.spec?.replicas ?? 0) !== 0 || (rs.metadata?.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
      try {
        await this.client.delete({ ...REPLICA_SETS, namespace: rs.metadata!.namespace, name: rs.metadata!.name }, { preconditions: { uid: rs.metadata!.uid } });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }

  /** calculateStatus: counts over every ReplicaSet, and the Available condition. */
  calculateStatus(allRSs: readonly (RS | undefined)[], newRS: RS | undefined, d: Dep): DeploymentStatus {
    const available = availableSum(allRSs);
    const unavailable = Math.max(0, specSum(allRSs) - available);
    const status: DeploymentStatus = {
      observedGeneration: d.metadata?.generation,
      replicas: actualSum(allRSs),
      updatedReplicas: actualSum([newRS]),
      readyReplicas: readySum(allRSs),
      availableReplicas: available,
      unavailableReplicas: unavailable,
      collisionCount: d.status?.collisionCount,
      conditions: (d.status?.conditions ?? []).map((c) => ({ ...c })),
    };
    const now = this.clock.now();
    if (available >= specReplicas(d) - maxUnavailable(d)) setCondition(status, newCondition('Available', 'True', REASONS.minimumAvailable, 'Deployment has minimum availability.', now));
    else setCondition(status, newCondition('Available', 'False', REASONS.minimumUnavailable, 'Deployment does not have minimum availability.', now));
    return status;
  }

  /** syncDeploymentStatus: writes calculateStatus when it differs. */
  async syncStatus(allRSs: readonly (RS | undefined)[], newRS: RS | undefined, d: Dep): Promise<void> {
    const status = this.calculateStatus(allRSs, newRS, d);
    if (statusEqual(d.status, status)) return;
    d.status = status;
    await this.updateStatus(d);
  }

  /** UpdateStatus; the revision annotation travels with it, as upstream's status strategy lets it. */
  async updateStatus(d: Dep): Promise<void> {
    const updated = await this.client.update<Dep>({ ...DEPLOYMENTS, namespace: d.metadata!.namespace, name: d.metadata!.name, subresource: 'status' }, { ...d, status: compactStatus(d.status ?? {}) });
    d.metadata!.resourceVersion = updated.metadata!.resourceVersion;
  }

  /** isScalingEvent: an active ReplicaSet's desired-replicas annotation differs from spec.replicas. */
  isScalingEvent(d: Dep, rss: ReplicaSets): boolean {
    return activeOf([...rss.oldRSs, rss.newRS]).some((rs) => {
      const desired = intAnnotation(rs, DESIRED_REPLICAS_ANNOTATION);
      return desired !== undefined && desired !== specReplicas(d);
    });
  }
}

/** SetDeploymentRevision on `d` (mutated); true when it changed. */
function setDeploymentRevision(d: Dep, revision: string): boolean {
  const a = (d.metadata!.annotations ??= {});
  if (a[REVISION_ANNOTATION] === revision) return false;
  a[REVISION_ANNOTATION] = revision;
  return true;
}

/** Counts of 0 are left out, as Go's omitempty writes DeploymentStatus. */
function compactStatus(s: DeploymentStatus): DeploymentStatus {
  const out: DeploymentStatus = { ...s };
  for (const k of ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'] as const) if (!out[k]) delete out[k];
  if (out.collisionCount === undefined) delete out.collisionCount;
  if (!out.conditions?.length) delete out.conditions;
  return out;
}

/** DeepEqual of two statuses as stored (zero counts and empty lists equal to absent). */
export function statusEqual(a: DeploymentStatus | undefined, b: DeploymentStatus): boolean {
  return canonicalJson(compactStatus(a ?? {})) === canonicalJson(compactStatus(b));
}
