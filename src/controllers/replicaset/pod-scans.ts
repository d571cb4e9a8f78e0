/**
 * Each ReplicaSet's claimed pods and status counts, kept between syncs and brought up to date
 * from the pods that events touched since, so a sync costs O(pods that changed) rather than
 * O(pods of the ReplicaSet) — what lets one controller keep up with a fleet of kubelets writing
 * the statuses of tens of thousands of pods. It holds only while claiming would change nothing:
 * every active pod the ReplicaSet controls matches its selector and no active orphan of the
 * namespace does (then upstream's ClaimPods patches nothing and returns exactly the owned
 * pods). A touched pod that breaks this (it stopped matching, or an orphan now matches), a
 * ReplicaSet whose uid, selector or template labels changed, or one with minReadySeconds
 * (availability then depends on the time) drops back to a full scan and claim.
 */
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { matches, selectorFromSet, type LabelSelector } from '../../apimachinery/labels.js';
import type { Informer } from '../../kubeclient/informer.js';
import { objectKey, type KubeObject } from '../../kubeclient/types.js';
import { controllerRefOf, isPodActive, isPodReady } from '../pods.js';
import { CONTROLLER_UID_INDEX, ORPHAN_NAMESPACE_INDEX } from './owner-indexes.js';
import type { PodCounts } from './status.js';

type P = Pod & KubeObject;

interface Member {
  pod: P;
  labeled: boolean;
  ready: boolean;
}

/** One ReplicaSet's kept claim: its pods by key, what each adds to the counts, and the keys touched since. */
class Tally {
  readonly members = new Map<string, Member>();
  readonly counts: PodCounts = { replicas: 0, fullyLabeled: 0, ready: 0, available: 0 };
  dirty = new Set<string>();
  private list: P[] | undefined;

  constructor(
    readonly uid: string,
    readonly selector: string,
    readonly template: string,
    private readonly templateSel: LabelSelector,
  ) {}

  set(key: string, pod: P | undefined): void {
    const old = this.members.get(key);
    if (old) {
      this.counts.replicas--;
      if (old.labeled) this.counts.fullyLabeled--;
      if (old.ready) this.counts.ready--;
      this.members.delete(key);
    }
    if (pod) {
      const m = { pod, labeled: matches(this.templateSel, pod.metadata?.labels), ready: isPodReady(pod) };
      this.members.set(key, m);
      this.counts.replicas++;
      if (m.labeled) this.counts.fullyLabeled++;
      if (m.ready) this.counts.ready++;
    }
    this.counts.available = this.counts.ready;
    this.list = undefined;
  }

  pods(): P[] {
    return (this.list ??= [...this.members.values()].map((m) => m.pod));
  }
}

const selectorKey = (rs: ReplicaSet): string => JSON.stringify(rs.spec?.selector ?? null);
const templateLabels = (rs: ReplicaSet): Record<string, string> => rs.spec?.template?.metadata?.labels ?? {};

/** Kept claims by ReplicaSet key (namespace/name). */
export class PodScans {
  private readonly byKey = new Map<string, Tally>();

  constructor(private readonly informer: Informer<P>) {}

  /** An event of the pod `podKey`, which the ReplicaSet `key` controls or may adopt. */
  touch(key: string, podKey: string): void {
    this.byKey.get(key)?.dirty.add(podKey);
  }

  /** Forgets the ReplicaSet `key` (deleted). */
  forget(key: string): void {
    this.byKey.delete(key);
  }

  /**
   * The pods `rs` controls and their counts, from its kept claim brought up to date, or from a
   * fresh scan when claiming would change nothing; undefined when the caller must claim.
   */
  claimed(key: string, rs: ReplicaSet & KubeObject, selector: LabelSelector): { pods: () => P[]; counts: PodCounts } | undefined {
    const timeless = (rs.spec?.minReadySeconds ?? 0) <= 0;
    let t = this.byKey.get(key);
    if (t && (!timeless || t.uid !== rs.metadata!.uid || t.selector !== selectorKey(rs) || t.template !== JSON.stringify(templateLabels(rs)) || !this.catchUp(t, rs, selector))) t = undefined;
    if (!t && timeless) t = this.scan(rs, selector);
    if (!t) {
      this.byKey.delete(key);
      return undefined;
    }
    this.byKey.set(key, t);
    const tally = t;
    return { pods: () => tally.pods(), counts: { ...tally.counts } };
  }

  /** Applies the touched pods; false when one of them means claiming has work to do. */
  private catchUp(t: Tally, rs: ReplicaSet & KubeObject, selector: LabelSelector): boolean {
    const dirty = t.dirty;
    t.dirty = new Set();
    for (const podKey of dirty) {
      const pod = this.informer.getByKey(podKey);
      const ref = pod && controllerRefOf(pod);
      if (!pod || !isPodActive(pod)) t.set(podKey, undefined);
      else if (ref?.uid === t.uid) {
        if (pod.metadata?.namespace !== rs.metadata!.namespace || !matches(selector, pod.metadata?.labels)) return false;
        t.set(podKey, pod);
      } else if (!ref && matches(selector, pod.metadata?.labels)) return false;
      else t.set(podKey, undefined);
    }
    return true;
  }

  /** A fresh tally of `rs` when claiming would patch nothing, else undefined. */
  private scan(rs: ReplicaSet & KubeObject, selector: LabelSelector): Tally | undefined {
    const ns = rs.metadata!.namespace!;
    const labels = templateLabels(rs);
    const t = new Tally(rs.metadata!.uid!, selectorKey(rs), JSON.stringify(labels), selectorFromSet(labels));
    for (const p of this.informer.byIndex(CONTROLLER_UID_INDEX, t.uid)) {
      if (!isPodActive(p)) continue;
      if (p.metadata?.namespace !== ns || controllerRefOf(p)?.name !== rs.metadata!.name || !matches(selector, p.metadata?.labels)) return undefined;
      t.set(objectKey(p), p);
    }
    for (const p of this.informer.byIndex(ORPHAN_NAMESPACE_INDEX, ns)) if (isPodActive(p) && matches(selector, p.metadata?.labels)) return undefined;
    return t;
  }
}
