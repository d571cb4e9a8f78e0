/**
 * HPA status helpers (horizontal.go setCondition / setStatus / updateStatusIfNeeded): a condition
 * keeps its lastTransitionTime unless its status flips; the status is written only when it
 * differs from what was read.
 */
import type { HorizontalPodAutoscaler, HorizontalPodAutoscalerCondition } from 'kubernetes-types/autoscaling/v2.js';
import { rfc3339 } from '../../lib/clock.js';
import type { KubeObject } from '../../kubeclient/types.js';

export type Hpa = HorizontalPodAutoscaler & KubeObject;

/** Sets condition `type` on the HPA's status (added when missing). */
export function setCondition(hpa: Hpa, type: string, status: 'True' | 'False', reason: string, message: string, now: number): void {
  const st = (hpa.status ??= { desiredReplicas: 0 });
  const list: HorizontalPodAutoscalerCondition[] = (st.conditions ??= []);
  let c = list.find((x) => x.type === type);
  if (!c) list.push((c = { type, status }));
  if (c.status !== status || !c.lastTransitionTime) c.lastTransitionTime = rfc3339(now);
  Object.assign(c, { status, reason, message });
}

/** Deep equality of two JSON values (apiequality.Semantic.DeepEqual for status). */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
