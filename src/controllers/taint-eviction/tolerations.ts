/**
 * Taint and toleration matching as the taint-eviction controller uses it (k8s.io/api core/v1
 * Toleration.ToleratesTaint, v1helper.GetMatchingTolerations and the controller's
 * getMinTolerationTime).
 */
import type { Taint, Toleration } from 'kubernetes-types/core/v1.js';
import { tolerates } from '../../apimachinery/node-matching.js';

/**
 * GetMatchingTolerations: whether every taint is tolerated, and the first toleration matching each
 * taint (empty when not all are tolerated).
 */
export function matchingTolerations(taints: readonly Taint[], tolerations: readonly Toleration[]): { all: boolean; used: Toleration[] } {
  const used: Toleration[] = [];
  for (const taint of taints) {
    const t = tolerations.find((x) => tolerates(x, taint));
    if (!t) return { all: false, used: [] };
    used.push(t);
  }
  return { all: true, used };
}

/**
 * getMinTolerationTime in milliseconds: 0 for no tolerations or a non-positive tolerationSeconds,
 * -1 when every used toleration tolerates forever, else the smallest tolerationSeconds.
 */
export function minTolerationMs(used: readonly Toleration[]): number {
  if (!used.length) return 0;
  let min = Infinity;
  for (const t of used) {
    if (t.tolerationSeconds == null) continue;
    if (t.tolerationSeconds <= 0) return 0;
    min = Math.min(min, t.tolerationSeconds);
  }
  return min === Infinity ? -1 : min * 1000;
}

/** The NoExecute taints of a node's taint list. */
export function noExecuteTaints(taints: readonly Taint[] | undefined): Taint[] {
  return (taints ?? []).filter((t) => t.effect === 'NoExecute');
}

/** Taints compared by key, value and effect (timeAdded ignored), order-sensitive as upstream's DeepEqual of the filtered lists. */
export function sameTaints(a: readonly Taint[], b: readonly Taint[]): boolean {
  return a.length === b.length && a.every((t, i) => t.key === b[i]!.key && (t.value ?? '') === (b[i]!.value ?? '') && t.effect === b[i]!.effect && (t.timeAdded ?? '') === (b[i]!.timeAdded ?? ''));
}
