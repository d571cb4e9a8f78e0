/**
 * The QoS class the API server writes into `status.qosClass` when a pod is created, as
 * pkg/apis/core/helper/qos ComputePodQOS: BestEffort without any cpu/memory request or limit,
 * Guaranteed when every container limits both cpu and memory and the summed requests equal the
 * summed limits, Burstable otherwise.
 */
import { addQuantities, compareQuantities, parseQuantity, type Quantity } from '../../../apimachinery/quantity.js';
import type { PodSpec, ResourceList } from './pod-types.js';

const QOS_RESOURCES = ['cpu', 'memory'];

/** The values of `status.qosClass`. */
export type QOSClass = 'BestEffort' | 'Burstable' | 'Guaranteed';

/** Positive cpu/memory quantities of one list, added into `into`; returns the names seen. */
function accumulate(list: ResourceList | undefined, into: Map<string, Quantity>): Set<string> {
  const seen = new Set<string>();
  for (const [name, raw] of Object.entries(list ?? {})) {
    if (!QOS_RESOURCES.includes(name)) continue;
    let q: Quantity;
    try {
      q = parseQuantity(raw);
    } catch {
      continue;
    }
    if (q.mantissa <= 0n) continue;
    seen.add(name);
    const prev = into.get(name);
    into.set(name, prev ? addQuantities(prev, q) : q);
  }
  return seen;
}

/** ComputePodQOS over regular and init containers (ephemeral containers have no resources). */
export function podQOSClass(spec: PodSpec): QOSClass {
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let guaranteed = true;
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    accumulate(c.resources?.requests, requests);
    const found = accumulate(c.resources?.limits, limits);
    if (!QOS_RESOURCES.every((r) => found.has(r))) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, req] of requests) {
      const lim = limits.get(name);
      if (!lim || compareQuantities(lim, req) !== 0) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}
