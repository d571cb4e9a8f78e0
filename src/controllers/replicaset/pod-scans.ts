/**
 * The last pod scan of each ReplicaSet, kept while no event touches its pods, so a sync that
 * follows the ReplicaSet's own update (its status write, a scale by the Deployment controller)
 * does not walk thousands of pods again to find what it found last time. A scan is kept only
 * when it was clean — every active owned pod still matched the selector and no active orphan
 * of the namespace did, so ClaimPods would patch nothing and return exactly the owned pods —
 * and the controller drops it on every event of a pod the ReplicaSet owns or may adopt. The
 * counts for status are kept beside it while the template labels are unchanged and
 * minReadySeconds is 0 (with it, availability depends on the time).
 */
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { matches, type LabelSelector } from '../../apimachinery/labels.js';
import type { Informer } from '../../kubeclient/informer.js';
import type { KubeObject } from '../../kubeclient/types.js';
import { isPodActive } from '../pods.js';
import { CONTROLLER_UID_INDEX, ORPHAN_NAMESPACE_INDEX } from './owner-indexes.js';
import type { PodCounts } from './status.js';

type P = Pod & KubeObject;

interface Scan {
  uid: string;
  selector: string;
  pods: P[];
  template?: string;
  counts?: PodCounts;
}

const selectorKey = (rs: ReplicaSet): string => JSON.stringify(rs.spec?.selector ?? null);
const templateKey = (rs: ReplicaSet): string => JSON.stringify(rs.spec?.template?.metadata?.labels ?? {});

/**
 * The active pods `rs` controls when claiming them would change nothing (see the module doc),
 * else undefined: the caller then claims through claimObjects.
 */
export function cleanScan(pods: Informer<P>, rs: ReplicaSet & KubeObject, selector: LabelSelector): P[] | undefined {
  const out: P[] = [];
  const ns = rs.metadata!.namespace!;
  for (const p of pods.byIndex(CONTROLLER_UID_INDEX, rs.metadata!.uid!)) {
    if (!isPodActive(p)) continue;
    if (p.metadata?.namespace !== ns || !matches(selector, p.metadata?.labels)) return undefined;
    out.push(p);
  }
  for (const p of pods.byIndex(ORPHAN_NAMESPACE_INDEX, ns)) if (isPodActive(p) && matches(selector, p.metadata?.labels)) return undefined;
  return out;
}

/** Clean scans by ReplicaSet key (namespace/name). */
export class PodScans {
  private readonly byKey = new Map<string, Scan>();

  /** A pod event touched the pods of the ReplicaSet `key`: its last scan no longer holds. */
  touch(key: string): void {
    this.byKey.delete(key);
  }

  /** The kept scan of `rs` (same uid and selector), with its counts when they still hold. */
  get(key: string, rs: ReplicaSet & KubeObject): { pods: P[]; counts?: PodCounts } | undefined {
    const s = this.byKey.get(key);
    if (!s || s.uid !== rs.metadata!.uid || s.selector !== selectorKey(rs)) return undefined;
    const countsHold = s.counts !== undefined && s.template === templateKey(rs) && (rs.spec?.minReadySeconds ?? 0) <= 0;
    return { pods: s.pods, counts: countsHold ? s.counts : undefined };
  }

  /** Keeps a clean scan of `rs`, made just now (no event can have come between). */
  remember(key: string, rs: ReplicaSet & KubeObject, pods: P[]): void {
    this.byKey.set(key, { uid: rs.metadata!.uid!, selector: selectorKey(rs), pods });
  }

  /** Keeps the counts of a kept scan, if it is still the one that gave `pods`. */
  rememberCounts(key: string, rs: ReplicaSet & KubeObject, pods: P[], counts: PodCounts): void {
    const s = this.byKey.get(key);
    if (!s || s.pods !== pods || (rs.spec?.minReadySeconds ?? 0) > 0) return;
    s.template = templateKey(rs);
    s.counts = counts;
  }
}
