/**
 * Which pods a ReplicaSet deletes first when it scales down, as upstream's getPodsToDelete over
 * controller.ActivePodsWithRanks with LogarithmicScaleDown (on by default since 1.22): unassigned
 * before assigned; Pending before Unknown before Running; not ready before ready; lower
 * `controller.kubernetes.io/pod-deletion-cost` first; pods sharing their node with more active
 * siblings first; ready for less time first and newer first, both compared on a log2 scale of
 * their age so pods of similar age are ordered by uid instead; more container restarts first.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { isPodActive, isPodReady } from '../pods.js';

/** The annotation that ranks pods for deletion (PodDeletionCost). */
export const POD_DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

const PHASE_ORDINAL: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/**
 * The `count` pods of `pods` to delete. `related` are the active pods of the ReplicaSet's sibling
 * ReplicaSets (same controller owner), counted per node to rank co-located pods first.
 */
export function podsToDelete(pods: readonly Pod[], related: readonly Pod[], count: number, now: number): Pod[] {
  if (count >= pods.length) return [...pods];
  const onNode = new Map<string, number>();
  for (const p of related) {
    if (!isPodActive(p)) continue;
    const node = p.spec?.nodeName ?? '';
    onNode.set(node, (onNode.get(node) ?? 0) + 1);
  }
  const ranked = pods.map((pod) => ({ pod, rank: onNode.get(pod.spec?.nodeName ?? '') ?? 0 }));
  ranked.sort((a, b) => compareForDeletion(a.pod, a.rank, b.pod, b.rank, now));
  return ranked.slice(0, count).map((r) => r.pod);
}

/** Negative when `a` should be deleted before `b` (ActivePodsWithRanks.Less). */
export function compareForDeletion(a: Pod, rankA: number, b: Pod, rankB: number, now: number): number {
  const nodeA = a.spec?.nodeName ?? '';
  const nodeB = b.spec?.nodeName ?? '';
  if (nodeA !== nodeB && (!nodeA || !nodeB)) return nodeA ? 1 : -1;
  const phaseA = PHASE_ORDINAL[a.status?.phase ?? ''] ?? 0;
  const phaseB = PHASE_ORDINAL[b.status?.phase ?? ''] ?? 0;
  if (phaseA !== phaseB) return phaseA - phaseB;
  const readyA = isPodReady(a);
  const readyB = isPodReady(b);
  if (readyA !== readyB) return readyA ? 1 : -1;
  const costA = deletionCost(a);
  const costB = deletionCost(b);
  if (costA !== costB) return costA - costB;
  if (rankA !== rankB) return rankB - rankA;
  if (readyA && readyB) {
    const c = compareTimes(readyTime(a), readyTime(b), now);
    if (c !== 0) return c === SAME_BUCKET ? byUid(a, b) : c;
  }
  const restartsA = maxRestarts(a);
  const restartsB = maxRestarts(b);
  if (restartsA !== restartsB) return restartsB - restartsA;
  const c = compareTimes(timeOf(a.metadata?.creationTimestamp), timeOf(b.metadata?.creationTimestamp), now);
  if (c !== 0) return c === SAME_BUCKET ? byUid(a, b) : c;
  return 0;
}

/** Different times whose ages fall in the same power of two: upstream then orders by uid. */
const SAME_BUCKET = Number.MIN_SAFE_INTEGER;

function byUid(a: Pod, b: Pod): number {
  const uidA = a.metadata?.uid ?? '';
  const uidB = b.metadata?.uid ?? '';
  return uidA < uidB ? -1 : uidA > uidB ? 1 : 0;
}

/** Later (or zero) first; with both set, compared on the log2 of their age in nanoseconds. */
function compareTimes(t1: number, t2: number, now: number): number {
  if (t1 === t2) return 0;
  if (!t1 || !t2) return t1 ? 1 : -1;
  const diff = logRank(now - t1) - logRank(now - t2);
  return diff === 0 ? SAME_BUCKET : diff;
}

function logRank(ageMs: number): number {
  return ageMs > 0 ? Math.floor(Math.log2(ageMs * 1e6)) : -1;
}

function timeOf(s: string | undefined): number {
  const t = s ? Date.parse(s) : NaN;
  return Number.isNaN(t) ? 0 : t;
}

function readyTime(p: Pod): number {
  return timeOf(p.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True')?.lastTransitionTime);
}

function deletionCost(p: Pod): number {
  const v = p.metadata?.annotations?.[POD_DELETION_COST];
  if (v === undefined || !/^[-+]?\d+$/.test(v)) return 0;
  const n = Number(v);
  return n >= -(2 ** 31) && n < 2 ** 31 ? n : 0;
}

function maxRestarts(p: Pod): number {
  let max = 0;
  for (const s of p.status?.containerStatuses ?? []) max = Math.max(max, s.restartCount ?? 0);
  for (const s of p.status?.initContainerStatuses ?? []) max = Math.max(max, s.restartCount ?? 0);
  return max;
}
