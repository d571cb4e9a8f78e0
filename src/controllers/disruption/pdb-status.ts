/**
 * PodDisruptionBudget status arithmetic of the disruption controller
 * (pkg/apis/policy/helper, pkg/controller/disruption): the DisruptionAllowed condition, the
 * scaled value of an int-or-percent, and the health counts.
 */
import type { Condition } from 'kubernetes-types/meta/v1.js';
import type { PodDisruptionBudget, PodDisruptionBudgetStatus } from 'kubernetes-types/policy/v1.js';
import type { KubeObject } from '../../kubeclient/types.js';
import { rfc3339 } from '../../lib/clock.js';

export type PdbObject = PodDisruptionBudget & KubeObject;

/** policy.DisruptionAllowedCondition and its reasons. */
export const DISRUPTION_ALLOWED = 'DisruptionAllowed';
export const SUFFICIENT_PODS = 'SufficientPods';
export const INSUFFICIENT_PODS = 'InsufficientPods';
export const SYNC_FAILED = 'SyncFailed';
/** DeletionTimeout: how long an evicted pod counts as disrupted before it is considered not deleted. */
export const DELETION_TIMEOUT_MS = 2 * 60 * 1000;

/** apimeta.SetStatusCondition: the transition time moves only when the status changes. */
export function setCondition(conditions: Condition[], c: Omit<Condition, 'lastTransitionTime'>, now: number): void {
  const existing = conditions.find((x) => x.type === c.type);
  if (!existing) {
    conditions.push({ ...c, lastTransitionTime: rfc3339(now) });
    return;
  }
  if (existing.status !== c.status) existing.lastTransitionTime = rfc3339(now);
  existing.status = c.status;
  existing.reason = c.reason;
  existing.message = c.message;
  existing.observedGeneration = c.observedGeneration;
}

/** UpdateDisruptionAllowedCondition: True/SufficientPods when a disruption is allowed, else False/InsufficientPods. */
export function updateDisruptionAllowedCondition(status: PodDisruptionBudgetStatus, now: number): void {
  status.conditions ??= [];
  const allowed = status.disruptionsAllowed > 0;
  setCondition(status.conditions, { type: DISRUPTION_ALLOWED, status: allowed ? 'True' : 'False', reason: allowed ? SUFFICIENT_PODS : INSUFFICIENT_PODS, message: '', observedGeneration: status.observedGeneration }, now);
}

/** ConditionsAreUpToDate. */
export function conditionsUpToDate(pdb: PdbObject): boolean {
  const st = pdb.status;
  const c = st?.conditions?.find((x) => x.type === DISRUPTION_ALLOWED);
  if (!c || (st?.observedGeneration ?? 0) !== (pdb.metadata?.generation ?? 0)) return false;
  return st!.disruptionsAllowed > 0 ? c.status === 'True' && c.reason === SUFFICIENT_PODS : c.status === 'False' && c.reason === INSUFFICIENT_PODS;
}

/** intstr.GetScaledValueFromIntOrPercent with rounding up. */
export function scaledValue(v: number | string, total: number): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
  return Math.ceil((Number(m[1]) * total) / 100);
}
