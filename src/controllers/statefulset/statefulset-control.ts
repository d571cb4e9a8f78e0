/**
 * One StatefulSet sync, as upstream's defaultStatefulSetControl (stateful_set_control.go):
 * find or record the update revision (reusing an equal older revision on rollback), lay the pods
 * out by ordinal, recreate failed or succeeded members, create missing ones (claims first), and —
 * under OrderedReady — go one ordinal at a time, waiting for each to be Running, Ready and
 * available before the next and scaling down from the highest ordinal; Parallel creates and
 * deletes without waiting. RollingUpdate then deletes members not at the update revision from the
 * highest ordinal down to the partition, at most maxUnavailable unavailable at once; OnDelete
 * leaves that to the user. Old revisions beyond revisionHistoryLimit no pod uses are deleted.
 */
import type { StatefulSetStatus } from 'kubernetes-types/apps/v1.js';
import { isNotFound } from '../../kubeclient/errors.js';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import { equalRevision, findEqualRevisions, newControllerRevision, nextRevision, sortControllerRevisions, type Revision, type RevisionHistory } from '../history/controller-history.js';
import type { StatefulPodControl } from './pod-control.js';
import {
  applyRevision,
  endOrdinal,
  identityMatches,
  inOrdinalRange,
  isCreated,
  isRunningAndAvailable,
  isRunningAndReady,
  isTerminating,
  isUnavailable,
  newVersionedPod,
  ordinalOf,
  podRevision,
  startOrdinal,
  statefulSetPatch,
  storageMatches,
  type PodObject,
  type StatefulSetObject,
} from './utils.js';

/** Parallel creations/deletions in one sync are issued in slow-start batches up to this size. */
const MAX_BATCH = 500;

export interface ControlDeps {
  history: RevisionHistory;
  pods: StatefulPodControl;
  clock: Clock;
  log: Logger;
}

/** The outcome: the status to write and the revisions in play. */
export interface ControlResult {
  status: StatefulSetStatus;
  error?: unknown;
}

/** intstr.GetScaledValueFromIntOrPercent rounding down: a number as is, "n%" of `total`. */
function scaledValueDown(v: number | string, total: number): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (m) return Math.floor((Number(m[1]) * total) / 100);
  if (/^\d+$/.test(v)) return Number(v);
  throw new Error(`invalid value for IntOrString: invalid value "${v}": must be an integer or percentage (e.g '5%')`);
}

/** Runs `fn` over `items`: in order stopping at the first that blocks (monotonic), else in doubling batches (runForAll). */
async function runForAll<T>(items: readonly T[], fn: (item: T) => Promise<boolean>, monotonic: boolean): Promise<boolean> {
  if (monotonic) {
    for (const it of items) if (await fn(it)) return true;
    return false;
  }
  for (let pos = 0, batch = Math.min(items.length, 1); pos < items.length; pos += batch, batch = Math.min(2 * batch, items.length - pos, MAX_BATCH)) {
    const results = await Promise.allSettled(items.slice(pos, pos + batch).map(fn));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
  return false;
}

export class StatefulSetControl {
  constructor(private readonly d: ControlDeps) {}

  /** Syncs `set` over its claimed `pods` and `revisions` (UpdateStatefulSet). */
  async update(set: StatefulSetObject, pods: PodObject[], revisions: Revision[]): Promise<ControlResult> {
    sortControllerRevisions(revisions);
    const { current, update, collisionCount } = await this.revisions(set, revisions);
    const status: StatefulSetStatus = { replicas: 0, observedGeneration: set.metadata?.generation, currentRevision: current.metadata!.name, updateRevision: update.metadata!.name, collisionCount };
    let error: unknown;
    try {
      await this.updatePods(set, current, update, pods, status);
    } catch (err) {
      error = err;
    }
    await this.truncateHistory(set, pods, revisions, current, update);
    return { status, error };
  }

  /**
   * The current and update revisions (getStatefulSetRevisions): the set's template becomes the
   * update revision — the latest one if equal, an equal older one renumbered (rollback), or a new one.
   */
  private async revisions(set: StatefulSetObject, revisions: Revision[]): Promise<{ current: Revision; update: Revision; collisionCount: number }> {
    const collision = { count: set.status?.collisionCount ?? 0 };
    let update = newControllerRevision(set, 'apps/v1', 'StatefulSet', set.spec?.template.metadata?.labels, statefulSetPatch(set), nextRevision(revisions), collision.count);
    update.metadata!.annotations = { ...(set.metadata?.annotations ?? {}) };
    const equal = findEqualRevisions(revisions, update);
    const latest = revisions[revisions.length - 1];
    if (equal.length && equalRevision(latest, equal[equal.length - 1])) update = latest!;
    else if (equal.length) update = await this.d.history.renumber(equal[equal.length - 1]!, update.revision);
    else update = await this.d.history.create(set, update, collision);
    const current = revisions.find((r) => r.metadata?.name === set.status?.currentRevision) ?? update;
    return { current, update, collisionCount: collision.count };
  }

  private async updatePods(set: StatefulSetObject, current: Revision, update: Revision, pods: PodObject[], status: StatefulSetStatus): Promise<void> {
    const { clock } = this.d;
    const currentSet = applyRevision(set, current.data);
    const updateSet = applyRevision(set, update.data);
    const minReady = set.spec?.minReadySeconds ?? 0;
    const start = startOrdinal(set);
    const replicas: PodObject[] = [];
    const condemned: PodObject[] = [];
    for (const p of pods) {
      if (inOrdinalRange(p, set)) replicas[ordinalOf(p) - start] = p;
      else if (ordinalOf(p) >= 0) condemned.push(p);
    }
    for (let ord = start; ord <= endOrdinal(set); ord++) {
      replicas[ord - start] ??= newVersionedPod(currentSet, updateSet, current.metadata!.name!, update.metadata!.name!, ord);
    }
    condemned.sort((a, b) => ordinalOf(b) - ordinalOf(a));
    const recount = () => Object.assign(status, countStatus([...replicas, ...condemned], minReady, clock.now(), current, update));
    recount();
    if (set.metadata?.deletionTimestamp) return;
    const monotonic = set.spec?.podManagementPolicy !== 'Parallel';
    const firstUnavailable = replicas.find((p) => isUnavailable(p, minReady, clock.now())) ?? [...condemned].reverse().find((p) => isUnavailable(p, minReady, clock.now()));
    const fixClaims = async (p: PodObject) => {
      if (!this.d.pods.claimsMatchPolicy(updateSet, p)) await this.d.pods.updateClaimsForRetention(updateSet, p);
      return false;
    };
    try {
      if (await runForAll(replicas, (p) => this.processReplica(set, updateSet, monotonic, p), monotonic)) return;
      if (await runForAll(condemned, fixClaims, monotonic)) return;
      if (await runForAll(condemned, (p) => this.processCondemned(set, firstUnavailable, monotonic, p), monotonic)) return;
    } finally {
      recount();
    }
    if (set.spec?.updateStrategy?.type === 'OnDelete') return;
    await this.rollingUpdate(set, replicas, update, status);
  }

  /** One member in range (processReplica); true means stop here. */
  private async processReplica(set: StatefulSetObject, updateSet: StatefulSetObject, monotonic: boolean, pod: PodObject): Promise<boolean> {
    const { pods, log, clock } = this.d;
    const phase = pod.status?.phase;
    if (phase === 'Failed' || phase === 'Succeeded') {
      // Recreated on the next sync, once the deletion is seen.
      if (!isTerminating(pod)) await pods.deletePod(set, pod);
      return true;
    }
    if (!isCreated(pod)) {
      if (pods.claimIsStale(set, pod)) return true;
      await pods.createPod(set, pod);
      return monotonic;
    }
    if (phase === 'Pending') await pods.createMissingClaims(set, pod);
    if (monotonic && isTerminating(pod)) {
      log.debug({ pod: pod.metadata!.name }, 'StatefulSet is waiting for Pod to Terminate');
      return true;
    }
    if (monotonic && !isRunningAndReady(pod)) {
      log.debug({ pod: pod.metadata!.name }, 'StatefulSet is waiting for Pod to be Running and Ready');
      return true;
    }
    if (monotonic && !isRunningAndAvailable(pod, set.spec?.minReadySeconds ?? 0, clock.now())) {
      log.debug({ pod: pod.metadata!.name }, 'StatefulSet is waiting for Pod to be Available');
      return true;
    }
    if (identityMatches(set, pod) && storageMatches(set, pod) && pods.claimsMatchPolicy(updateSet, pod)) return false;
    await pods.updatePod(updateSet, pod);
    return false;
  }

  /** One member beyond the range, highest first (processCondemned); true means stop here. */
  private async processCondemned(set: StatefulSetObject, firstUnavailable: PodObject | undefined, monotonic: boolean, pod: PodObject): Promise<boolean> {
    const minReady = set.spec?.minReadySeconds ?? 0;
    if (isTerminating(pod)) return monotonic;
    if (monotonic && pod !== firstUnavailable && (!isRunningAndReady(pod) || !isRunningAndAvailable(pod, minReady, this.d.clock.now()))) return true;
    this.d.log.debug({ pod: pod.metadata!.name }, 'Pod of StatefulSet is terminating for scale down');
    await this.d.pods.deletePod(set, pod);
    return true;
  }

  /**
   * Deletes members not at the update revision, highest ordinal first down to the partition, while
   * fewer than maxUnavailable members are unavailable (updateStatefulSetAfterInvariantEstablished).
   */
  private async rollingUpdate(set: StatefulSetObject, replicas: PodObject[], update: Revision, status: StatefulSetStatus): Promise<void> {
    const ru = set.spec?.updateStrategy?.rollingUpdate;
    const partition = ru?.partition ?? 0;
    const maxUnavailable = Math.max(1, scaledValueDown(ru?.maxUnavailable ?? 1, replicas.length));
    const now = this.d.clock.now();
    const minReady = set.spec?.minReadySeconds ?? 0;
    const unavailable = replicas.filter((p) => isUnavailable(p, minReady, now)).length;
    if (unavailable >= maxUnavailable) return;
    let budget = maxUnavailable - unavailable;
    for (let target = replicas.length - 1; target >= partition && budget > 0; target--) {
      const pod = replicas[target]!;
      if (podRevision(pod) === update.metadata!.name || isTerminating(pod)) continue;
      this.d.log.debug({ pod: pod.metadata!.name }, 'StatefulSet terminating Pod for update');
      try {
        await this.d.pods.deletePod(set, pod);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      budget--;
      status.currentReplicas = (status.currentReplicas ?? 0) - 1;
    }
  }

  /** Deletes the oldest revisions no pod, current or update revision uses beyond the limit (truncateHistory). */
  private async truncateHistory(set: StatefulSetObject, pods: PodObject[], revisions: Revision[], current: Revision, update: Revision): Promise<void> {
    const live = new Set([current.metadata!.name!, update.metadata!.name!, ...pods.map(podRevision)]);
    const history = revisions.filter((r) => !live.has(r.metadata!.name!));
    const limit = set.spec?.revisionHistoryLimit ?? 10;
    if (limit < 0 || history.length <= limit) return;
    for (const r of history.slice(0, history.length - limit)) await this.d.history.delete(r);
  }
}

/** Replica counts over the members (computeReplicaStatus); uncreated placeholders do not count. */
function countStatus(pods: readonly PodObject[], minReady: number, now: number, current: Revision, update: Revision): Pick<StatefulSetStatus, 'replicas' | 'readyReplicas' | 'availableReplicas' | 'currentReplicas' | 'updatedReplicas'> {
  let replicas = 0;
  let ready = 0;
  let available = 0;
  let cur = 0;
  let updated = 0;
  for (const p of pods) {
    if (!isCreated(p)) continue;
    replicas++;
    if (isRunningAndReady(p)) {
      ready++;
      if (isRunningAndAvailable(p, minReady, now)) available++;
    }
    if (!isTerminating(p)) {
      if (podRevision(p) === current.metadata!.name) cur++;
      if (podRevision(p) === update.metadata!.name) updated++;
    }
  }
  return { replicas, readyReplicas: ready, availableReplicas: available, currentReplicas: cur, updatedReplicas: updated };
}
