/**
 * Completion indexes of Indexed Jobs (upstream indexed_job_utils.go): ordered, non-overlapping
 * intervals with the `status.completedIndexes` text form ("0-2,4", two neighbours as "5,6"), the
 * index a pod carries in its annotation, the lowest indexes still to run, and which pods of a
 * repeated or out-of-range index go.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { isPodReady } from '../pods.js';
import { JOB_COMPLETION_INDEX } from './job-util.js';

/** An inclusive range of indexes. */
export interface Interval {
  first: number;
  last: number;
}

/** Sorted, disjoint, non-adjacent intervals (orderedIntervals). */
export type Intervals = readonly Interval[];

/** No index known, or not a valid one. */
export const UNKNOWN_INDEX = -1;

/** The pod's completion index from its annotation, or UNKNOWN_INDEX (getCompletionIndex). */
export function completionIndexOf(pod: Pod): number {
  const v = pod.metadata?.annotations?.[JOB_COMPLETION_INDEX];
  if (v === undefined || !/^\d+$/.test(v)) return UNKNOWN_INDEX;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : UNKNOWN_INDEX;
}

/** How many indexes the intervals hold. */
export function total(iv: Intervals): number {
  let n = 0;
  for (const i of iv) n += i.last - i.first + 1;
  return n;
}

/** Whether `ix` is in the intervals. */
export function has(iv: Intervals, ix: number): boolean {
  return iv.some((i) => i.first <= ix && ix <= i.last);
}

/** The intervals plus `sorted` (ascending indexes), merged (withOrderedIndexes). */
export function withIndexes(iv: Intervals, sorted: readonly number[]): Interval[] {
  const extra: Interval[] = sorted.map((ix) => ({ first: ix, last: ix }));
  return merge(iv, extra);
}

/** The union of two interval lists (orderedIntervals.merge). */
export function merge(a: Intervals, b: Intervals): Interval[] {
  const all = [...a, ...b].sort((x, y) => x.first - y.first);
  const out: Interval[] = [];
  for (const i of all) {
    const last = out[out.length - 1];
    if (last && i.first <= last.last + 1) last.last = Math.max(last.last, i.last);
    else out.push({ ...i });
  }
  return out;
}

/** The status text: "0-2,4", and two neighbours written "5,6" as upstream does. */
export function formatIntervals(iv: Intervals): string {
  const parts: string[] = [];
  for (const { first, last } of iv) {
    if (last === first) parts.push(String(first));
    else parts.push(`${first}${last === first + 1 ? ',' : '-'}${last}`);
  }
  return parts.join(',');
}

/** Parses the status text, dropping indexes at or beyond `completions` (parseIndexesFromString). */
export function parseIntervals(text: string | undefined, completions: number): Interval[] {
  const out: Interval[] = [];
  if (!text) return out;
  for (const part of text.split(',')) {
    const [a, b, extra] = part.split('-');
    if (extra !== undefined || a === undefined || !/^\d+$/.test(a) || (b !== undefined && !/^\d+$/.test(b))) continue;
    const first = Number(a);
    if (first >= completions) break;
    const last = Math.min(b === undefined ? first : Number(b), completions - 1);
    const prev = out[out.length - 1];
    if (prev && first === prev.last + 1) prev.last = last;
    else out.push({ first, last });
  }
  return out;
}

/**
 * The `count` lowest indexes below `completions` that neither succeeded nor have an active pod
 * (firstPendingIndexes).
 */
export function firstPendingIndexes(succeeded: Intervals, activePods: readonly Pod[], count: number, completions: number): number[] {
  if (count <= 0) return [];
  const active = [...new Set(activePods.map(completionIndexOf).filter((ix) => ix !== UNKNOWN_INDEX))].sort((x, y) => x - y);
  const taken = withIndexes(succeeded, active);
  const out: number[] = [];
  let candidate = 0;
  for (const iv of taken) {
    for (; candidate < completions && out.length < count && candidate < iv.first; candidate++) out.push(candidate);
    if (candidate < iv.last + 1) candidate = iv.last + 1;
  }
  for (; candidate < completions && out.length < count; candidate++) out.push(candidate);
  return out;
}

const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function readySince(pod: Pod): number {
  const t = pod.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime;
  return t ? Date.parse(t) : 0;
}

function maxRestarts(pod: Pod): number {
  return Math.max(0, ...(pod.status?.containerStatuses ?? []).map((s) => s.restartCount ?? 0));
}

/** Zero (unknown) sorts first, then later times before earlier ones (afterOrZero). */
function afterOrZero(a: number, b: number): number {
  if (a === 0 || b === 0) return a === 0 ? -1 : 1;
  return b - a;
}

/**
 * controller.ActivePods order: the pods best deleted first come first — unscheduled, pending,
 * not ready, ready most recently, restarted most, created most recently.
 */
export function compareForDeletion(a: Pod, b: Pod): number {
  const na = a.spec?.nodeName ?? '';
  const nb = b.spec?.nodeName ?? '';
  if (na !== nb && (na === '' || nb === '')) return na === '' ? -1 : 1;
  const pa = PHASE_ORDER[a.status?.phase ?? ''] ?? 0;
  const pb = PHASE_ORDER[b.status?.phase ?? ''] ?? 0;
  if (pa !== pb) return pa - pb;
  const ra = isPodReady(a);
  if (ra !== isPodReady(b)) return ra ? 1 : -1;
  if (ra && readySince(a) !== readySince(b)) return afterOrZero(readySince(a), readySince(b));
  if (maxRestarts(a) !== maxRestarts(b)) return maxRestarts(b) - maxRestarts(a);
  const ca = Date.parse(a.metadata?.creationTimestamp ?? '') || 0;
  const cb = Date.parse(b.metadata?.creationTimestamp ?? '') || 0;
  return ca === cb ? 0 : afterOrZero(ca, cb);
}

/**
 * Active pods an Indexed Job removes whatever its parallelism: those without a valid index, with
 * an index at or beyond `completions`, and all but the most advanced pod of a repeated index
 * (appendDuplicatedIndexPodsForRemoval). Returns the doomed and the remaining pods.
 */
export function duplicatedIndexPods(pods: readonly Pod[], completions: number): { rm: Pod[]; left: Pod[] } {
  const rm: Pod[] = [];
  const left: Pod[] = [];
  const byIndex = new Map<number, Pod[]>();
  for (const p of pods) {
    const ix = completionIndexOf(p);
    if (ix === UNKNOWN_INDEX || ix >= completions) {
      rm.push(p);
      continue;
    }
    let group = byIndex.get(ix);
    if (!group) byIndex.set(ix, (group = []));
    group.push(p);
  }
  for (const group of byIndex.values()) {
    group.sort(compareForDeletion);
    rm.push(...group.slice(0, -1));
    left.push(group[group.length - 1]!);
  }
  return { rm, left };
}
