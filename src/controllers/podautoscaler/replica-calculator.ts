/**
 * Upstream's ReplicaCalculator for Resource metrics (pkg/controller/podautoscaler/replica_calculator.go
 * GetResourceReplicas / GetRawResourceReplicas and groupPods, calculatePodRequests,
 * GetResourceUtilizationRatio / GetMetricUsageRatio): pods being deleted or failed are ignored;
 * pending pods, and for CPU pods not yet Ready or Ready too recently within the CPU
 * initialization period (5 min; 30 s readiness delay), count as unready; pods without a sample
 * are missing. Within the tolerance (0.1) nothing changes. Otherwise, if pods are missing or
 * unready, the ratio is recomputed with missing pods at 100 % of their request on a scale-down
 * (or the target if above 100 %) and 0 on a scale-up, unready pods at 0 on a scale-up, and the
 * scale is left alone if that flips the direction or lands within tolerance.
 */
import { parseQuantity, quantityMilliValue } from '../../apimachinery/quantity.js';
import type { PodObject } from '../node-lifecycle/objects.js';
import type { PodMetric } from './metrics.js';

/** The calculator's tunables, kube-controller-manager's defaults. */
export const REPLICA_CALC_DEFAULTS = { tolerance: 0.1, cpuInitializationPeriodMs: 5 * 60_000, delayOfInitialReadinessStatusMs: 30_000 };
export type ReplicaCalcConfig = typeof REPLICA_CALC_DEFAULTS;

interface Grouped {
  readyPodCount: number;
  unready: Set<string>;
  missing: Set<string>;
  ignored: Set<string>;
}

/** groupPods. */
export function groupPods(pods: readonly PodObject[], metrics: Map<string, PodMetric>, resource: string, now: number, cfg: ReplicaCalcConfig): Grouped {
  const g: Grouped = { readyPodCount: 0, unready: new Set(), missing: new Set(), ignored: new Set() };
  for (const pod of pods) {
    const name = pod.metadata!.name!;
    if (pod.metadata?.deletionTimestamp || pod.status?.phase === 'Failed') {
      g.ignored.add(name);
      continue;
    }
    if (pod.status?.phase === 'Pending') {
      g.unready.add(name);
      continue;
    }
    const metric = metrics.get(name);
    if (!metric) {
      g.missing.add(name);
      continue;
    }
    if (resource === 'cpu') {
      const cond = pod.status?.conditions?.find((c) => c.type === 'Ready');
      const start = pod.status?.startTime ? Date.parse(pod.status.startTime) : NaN;
      let unready: boolean;
      if (!cond || Number.isNaN(start)) unready = true;
      else {
        const transition = Date.parse(cond.lastTransitionTime ?? '') || 0;
        if (start + cfg.cpuInitializationPeriodMs > now) unready = cond.status === 'False' || metric.timestamp < transition + metric.windowMs;
        else unready = cond.status === 'False' && start + cfg.delayOfInitialReadinessStatusMs > transition;
      }
      if (unready) {
        g.unready.add(name);
        continue;
      }
    }
    g.readyPodCount++;
  }
  return g;
}

/** calculatePodRequests: pod name → summed request of its containers (and restartable init containers), in milli-units. */
export function podRequests(pods: readonly PodObject[], resource: string, container = ''): Map<string, number> {
  const out = new Map<string, number>();
  for (const pod of pods) {
    const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')];
    let sum = 0;
    for (const c of containers) {
      if (container && c.name !== container) continue;
      const req = c.resources?.requests?.[resource];
      if (req === undefined) throw new Error(`missing request for ${resource} in container ${c.name} of Pod ${pod.metadata?.name}`);
      sum += quantityMilliValue(parseQuantity(req));
    }
    out.set(pod.metadata!.name!, sum);
  }
  return out;
}

/** GetResourceUtilizationRatio: usage/target ratio, utilization percent, and average raw usage (milli). */
export function utilizationRatio(metrics: Map<string, PodMetric>, requests: Map<string, number>, target: number): { ratio: number; utilization: number; rawAverage: number } {
  let used = 0;
  let requested = 0;
  let n = 0;
  for (const [pod, m] of metrics) {
    const r = requests.get(pod);
    if (r === undefined) continue;
    used += m.value;
    requested += r;
    n++;
  }
  if (requested === 0) throw new Error('no metrics returned matched known pods');
  const utilization = Math.trunc((used * 100) / requested);
  return { ratio: utilization / target, utilization, rawAverage: Math.trunc(used / n) };
}

/** GetMetricUsageRatio: average usage over the samples against a per-pod target (milli). */
export function usageRatio(metrics: Map<string, PodMetric>, target: number): { ratio: number; usage: number } {
  let total = 0;
  for (const m of metrics.values()) total += m.value;
  const usage = Math.trunc(total / metrics.size);
  return { ratio: usage / target, usage };
}

function dropAll(metrics: Map<string, PodMetric>, names: Set<string>): void {
  for (const n of names) metrics.delete(n);
}

/** GetResourceReplicas for an AverageUtilization target. */
export function resourceReplicas(
  currentReplicas: number,
  target: number,
  resource: string,
  pods: readonly PodObject[],
  metrics: Map<string, PodMetric>,
  now: number,
  cfg: ReplicaCalcConfig,
): { replicas: number; utilization: number; rawAverage: number } {
  if (!pods.length) throw new Error('no pods returned by selector while calculating replica count');
  const g = groupPods(pods, metrics, resource, now, cfg);
  dropAll(metrics, g.ignored);
  dropAll(metrics, g.unready);
  const requests = podRequests(pods, resource);
  if (!metrics.size) throw new Error('did not receive metrics for any ready pods');
  const first = utilizationRatio(metrics, requests, target);
  const keep = { replicas: currentReplicas, utilization: first.utilization, rawAverage: first.rawAverage };
  const scaleUpWithUnready = g.unready.size > 0 && first.ratio > 1;
  if (!scaleUpWithUnready && !g.missing.size) {
    if (Math.abs(1 - first.ratio) <= cfg.tolerance) return keep;
    return { ...keep, replicas: Math.ceil(first.ratio * g.readyPodCount) };
  }
  if (g.missing.size) {
    const fallback = Math.max(100, target);
    for (const p of g.missing) {
      if (first.ratio < 1) metrics.set(p, { value: Math.trunc(((requests.get(p) ?? 0) * fallback) / 100), timestamp: now, windowMs: 0 });
      else if (first.ratio > 1) metrics.set(p, { value: 0, timestamp: now, windowMs: 0 });
    }
  }
  if (scaleUpWithUnready) for (const p of g.unready) metrics.set(p, { value: 0, timestamp: now, windowMs: 0 });
  const next = utilizationRatio(metrics, requests, target).ratio;
  if (Math.abs(1 - next) <= cfg.tolerance || (first.ratio < 1 && next > 1) || (first.ratio > 1 && next < 1)) return keep;
  const replicas = Math.ceil(next * metrics.size);
  if ((next < 1 && replicas > currentReplicas) || (next > 1 && replicas < currentReplicas)) return keep;
  return { ...keep, replicas };
}

/** GetRawResourceReplicas (calcPlainMetricReplicas) for an AverageValue target in milli-units. */
export function rawResourceReplicas(
  currentReplicas: number,
  targetMilli: number,
  resource: string,
  pods: readonly PodObject[],
  metrics: Map<string, PodMetric>,
  now: number,
  cfg: ReplicaCalcConfig,
): { replicas: number; usage: number } {
  if (!pods.length) throw new Error('no pods returned by selector while calculating replica count');
  const g = groupPods(pods, metrics, resource, now, cfg);
  dropAll(metrics, g.ignored);
  dropAll(metrics, g.unready);
  if (!metrics.size) throw new Error('did not receive metrics for any ready pods');
  const first = usageRatio(metrics, targetMilli);
  const keep = { replicas: currentReplicas, usage: first.usage };
  const scaleUpWithUnready = g.unready.size > 0 && first.ratio > 1;
  if (!scaleUpWithUnready && !g.missing.size) {
    if (Math.abs(1 - first.ratio) <= cfg.tolerance) return keep;
    return { ...keep, replicas: Math.ceil(first.ratio * g.readyPodCount) };
  }
  for (const p of g.missing) {
    if (first.ratio < 1) metrics.set(p, { value: targetMilli, timestamp: now, windowMs: 0 });
    else if (first.ratio > 1) metrics.set(p, { value: 0, timestamp: now, windowMs: 0 });
  }
  if (scaleUpWithUnready) for (const p of g.unready) metrics.set(p, { value: 0, timestamp: now, windowMs: 0 });
  const next = usageRatio(metrics, targetMilli).ratio;
  if (Math.abs(1 - next) <= cfg.tolerance || (first.ratio < 1 && next > 1) || (first.ratio > 1 && next < 1)) return keep;
  const replicas = Math.ceil(next * metrics.size);
  if ((next < 1 && replicas > currentReplicas) || (next > 1 && replicas < currentReplicas)) return keep;
  return { ...keep, replicas };
}
