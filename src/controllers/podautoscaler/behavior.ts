/**
 * How the HPA turns a metric proposal into the replica count it writes (horizontal.go
 * normalizeDesiredReplicas / normalizeDesiredReplicasWithBehaviors): stabilization over the
 * recommendations of the last window (without `behavior`: the highest of the last 300 s on the way
 * down; with it: the lowest of the scale-up window and the highest of the scale-down window), then
 * the rate limits — without `behavior` at most max(2×current, 4), with it the scale-up/scale-down
 * policies (Pods or Percent per periodSeconds, selectPolicy Max/Min/Disabled) over the scale events
 * (up and down) of each policy's period — then min/max replicas. Each step reports upstream's condition reason
 * and message (AbleToScale ScaleUpStabilized/ScaleDownStabilized/ReadyForNewScale, ScalingLimited
 * ScaleUpLimit/ScaleDownLimit/TooManyReplicas/TooFewReplicas/DesiredWithinRange).
 */
import type { HPAScalingRules, HorizontalPodAutoscalerBehavior } from 'kubernetes-types/autoscaling/v2.js';

/** Per-HPA memory kept between syncs. */
export interface ScalingHistory {
  recommendations: { replicas: number; at: number }[];
  scaleUpEvents: ScaleEvent[];
  scaleDownEvents: ScaleEvent[];
}

interface ScaleEvent {
  change: number;
  at: number;
  outdated: boolean;
}

/** A condition verdict: reason and message. */
export interface Verdict {
  reason: string;
  message: string;
}

export interface Normalized {
  replicas: number;
  /** AbleToScale (status True). */
  ableToScale: Verdict;
  /** ScalingLimited, True when `limited`. */
  scalingLimited: Verdict & { limited: boolean };
}

export const newHistory = (): ScalingHistory => ({ recommendations: [], scaleUpEvents: [], scaleDownEvents: [] });

const STABILIZED_UP: Verdict = { reason: 'ScaleUpStabilized', message: 'recent recommendations were lower than current one, applying the lowest recent recommendation' };
const STABILIZED_DOWN: Verdict = { reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' };
const READY: Verdict = { reason: 'ReadyForNewScale', message: 'recommended size matches current size' };
const WITHIN: Verdict = { reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };
const UP_LIMIT: Verdict = { reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' };
const DOWN_LIMIT: Verdict = { reason: 'ScaleDownLimit', message: 'the desired replica count is decreasing faster than the maximum scale rate' };
const TOO_MANY: Verdict = { reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' };
const TOO_FEW: Verdict = { reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' };

/** Records `replicas` as a recommendation, reusing a slot older than `obsoleteBefore`. */
function record(h: ScalingHistory, replicas: number, now: number, obsoleteBefore: number): void {
  const i = h.recommendations.findLastIndex((r) => r.at < obsoleteBefore);
  if (i >= 0) h.recommendations[i] = { replicas, at: now };
  else h.recommendations.push({ replicas, at: now });
}

/** normalizeDesiredReplicas: the path of HPAs without `behavior`. */
export function normalizeWithoutBehavior(h: ScalingHistory, current: number, proposed: number, min: number, max: number, now: number, downscaleWindowMs: number): Normalized {
  const cutoff = now - downscaleWindowMs;
  let stabilized = proposed;
  for (const r of h.recommendations) if (r.at >= cutoff && r.replicas > stabilized) stabilized = r.replicas;
  record(h, proposed, now, cutoff);
  const ableToScale = stabilized !== proposed ? STABILIZED_DOWN : READY;
  const scaleUpLimit = Math.max(2 * current, 4);
  const [maxAllowed, overMax] = max > scaleUpLimit ? [scaleUpLimit, UP_LIMIT] : [max, TOO_MANY];
  let replicas = stabilized;
  let verdict = WITHIN;
  if (stabilized < min) [replicas, verdict] = [min, TOO_FEW];
  else if (stabilized > maxAllowed) [replicas, verdict] = [maxAllowed, overMax];
  return { replicas, ableToScale, scalingLimited: { ...verdict, limited: replicas !== stabilized } };
}

/** The rules with upstream's defaults filled in where the API server left them out. */
function rules(r: HPAScalingRules | undefined, up: boolean, downscaleWindowMs: number): Required<Pick<HPAScalingRules, 'selectPolicy' | 'stabilizationWindowSeconds'>> & { policies: NonNullable<HPAScalingRules['policies']> } {
  return {
    selectPolicy: r?.selectPolicy ?? 'Max',
    stabilizationWindowSeconds: r?.stabilizationWindowSeconds ?? (up ? 0 : Math.round(downscaleWindowMs / 1000)),
    policies: r?.policies ?? (up ? [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] : [{ type: 'Percent', value: 100, periodSeconds: 15 }]),
  };
}

function changeInPeriod(periodSeconds: number, events: ScaleEvent[], now: number): number {
  const cutoff = now - periodSeconds * 1000;
  return events.reduce((sum, e) => (e.at > cutoff ? sum + e.change : sum), 0);
}

/** normalizeDesiredReplicasWithBehaviors. */
export function normalizeWithBehavior(h: ScalingHistory, behavior: HorizontalPodAutoscalerBehavior, current: number, proposed: number, min: number, max: number, now: number, downscaleWindowMs: number): Normalized {
  const up = rules(behavior.scaleUp, true, downscaleWindowMs);
  const down = rules(behavior.scaleDown, false, downscaleWindowMs);
  const upCutoff = now - up.stabilizationWindowSeconds * 1000;
  const downCutoff = now - down.stabilizationWindowSeconds * 1000;
  let upRec = proposed;
  let downRec = proposed;
  let obsolete = -1;
  h.recommendations.forEach((r, i) => {
    if (r.at > upCutoff) upRec = Math.min(upRec, r.replicas);
    if (r.at > downCutoff) downRec = Math.max(downRec, r.replicas);
    if (r.at < upCutoff && r.at < downCutoff) obsolete = i;
  });
  const stabilized = Math.min(Math.max(current, upRec), downRec);
  if (obsolete >= 0) h.recommendations[obsolete] = { replicas: proposed, at: now };
  else h.recommendations.push({ replicas: proposed, at: now });
  const ableToScale = stabilized !== proposed ? (proposed >= current ? STABILIZED_UP : STABILIZED_DOWN) : READY;

  let replicas = stabilized;
  let verdict = WITHIN;
  if (stabilized > current) {
    let limit = up.selectPolicy === 'Disabled' ? current : up.selectPolicy === 'Min' ? Infinity : 0;
    if (up.selectPolicy !== 'Disabled')
      for (const p of up.policies) {
        const start = current - changeInPeriod(p.periodSeconds, h.scaleUpEvents, now) + changeInPeriod(p.periodSeconds, h.scaleDownEvents, now);
        const proposal = p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
        limit = up.selectPolicy === 'Min' ? Math.min(limit, proposal) : Math.max(limit, proposal);
      }
    limit = Math.max(limit, current);
    const [allowed, v] = max > limit ? [limit, UP_LIMIT] : [max, TOO_MANY];
    if (stabilized > allowed) [replicas, verdict] = [allowed, v];
  } else if (stabilized < current) {
    let limit = down.selectPolicy === 'Disabled' ? current : down.selectPolicy === 'Min' ? -Infinity : Infinity;
    if (down.selectPolicy !== 'Disabled')
      for (const p of down.policies) {
        const start = current + changeInPeriod(p.periodSeconds, h.scaleDownEvents, now) - changeInPeriod(p.periodSeconds, h.scaleUpEvents, now);
        const proposal = p.type === 'Pods' ? start - p.value : Math.trunc(start * (1 - p.value / 100));
        limit = down.selectPolicy === 'Min' ? Math.max(limit, proposal) : Math.min(limit, proposal);
      }
    limit = Math.min(limit, current);
    const [allowed, v] = min < limit ? [limit, DOWN_LIMIT] : [min, TOO_FEW];
    if (stabilized < allowed) [replicas, verdict] = [allowed, v];
  }
  return { replicas, ableToScale, scalingLimited: { ...verdict, limited: replicas !== stabilized } };
}

/** storeScaleEvent: remembers a rescale for the rate policies, reusing an outdated slot. */
export function storeScaleEvent(h: ScalingHistory, behavior: HorizontalPodAutoscalerBehavior | undefined, prev: number, next: number, now: number): void {
  if (!behavior) return;
  const upward = next > prev;
  const events = upward ? h.scaleUpEvents : h.scaleDownEvents;
  const longest = Math.max(0, ...((upward ? behavior.scaleUp : behavior.scaleDown)?.policies ?? []).map((p) => p.periodSeconds));
  for (const e of events) if (e.at < now - longest * 1000) e.outdated = true;
  const event = { change: Math.abs(next - prev), at: now, outdated: false };
  const i = events.findLastIndex((e) => e.outdated);
  if (i >= 0) events[i] = event;
  else events.push(event);
}
