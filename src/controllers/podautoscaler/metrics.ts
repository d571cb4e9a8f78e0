/**
 * The simulated resource metrics source the HPA reads instead of metrics-server's
 * metrics.k8s.io PodMetrics: a pod's current usage is the quantity in its annotations
 * `eksplane.io/cpu-usage` (e.g. `250m`) and `eksplane.io/memory-usage` (e.g. `300Mi`), for the
 * whole pod (the sum over its containers, as metrics-server's pod total). A pod without the
 * annotation, or with one that does not parse, has no metric — exactly like a pod metrics-server
 * has not scraped yet — and the replica calculator treats it as missing. Samples are stamped
 * with the current time and metrics-server's default 15 s window.
 */
import { parseQuantity, quantityMilliValue } from '../../apimachinery/quantity.js';
import type { PodObject } from '../node-lifecycle/objects.js';

export const CPU_USAGE_ANNOTATION = 'eksplane.io/cpu-usage';
export const MEMORY_USAGE_ANNOTATION = 'eksplane.io/memory-usage';

/** metrics-server's default --metric-resolution, reported as each sample's window. */
export const METRIC_WINDOW_MS = 15_000;

/** One pod's sample, in milli-units (millicores, milli-bytes), as metricsclient.PodMetric. */
export interface PodMetric {
  value: number;
  timestamp: number;
  windowMs: number;
}

const ANNOTATIONS: Record<string, string> = { cpu: CPU_USAGE_ANNOTATION, memory: MEMORY_USAGE_ANNOTATION };

/**
 * The samples of `resource` for `pods` (GetResourceMetric): pod name → metric. Throws, as the
 * resource metrics client does, when there is none at all or the resource is not cpu/memory.
 */
export function resourceMetrics(pods: readonly PodObject[], resource: string, now: number): Map<string, PodMetric> {
  const annotation = ANNOTATIONS[resource];
  if (!annotation) throw new Error(`unable to get metrics for resource ${resource}: no metrics returned from resource metrics API`);
  const out = new Map<string, PodMetric>();
  for (const pod of pods) {
    const raw = pod.metadata?.annotations?.[annotation];
    if (raw === undefined) continue;
    try {
      out.set(pod.metadata!.name!, { value: quantityMilliValue(parseQuantity(raw)), timestamp: now, windowMs: METRIC_WINDOW_MS });
    } catch {
      // An unparsable sample is a missing sample.
    }
  }
  if (!out.size) throw new Error(`unable to get metrics for resource ${resource}: no metrics returned from resource metrics API`);
  return out;
}
