/**
 * A pod's effective requests and limits, as k8s.io/component-helpers resource.PodRequests /
 * PodLimits compute them from the spec: the containers' sum, sidecars (init containers with
 * restartPolicy Always) added cumulatively, the maximum with each regular init container (plus
 * the sidecars started before it), plus spec.overhead. Shared by LimitRanger (Pod limits) and
 * ResourceQuota (pod usage).
 */
import { addQuantities, compareQuantities, parseQuantity, type Quantity } from '../../apimachinery/quantity.js';

/** name → quantity. */
export type QuantityMap = Map<string, Quantity>;

interface ContainerResources {
  restartPolicy?: string;
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
}

/** What these functions read of a PodSpec. */
export interface PodResourcesSpec {
  containers?: ContainerResources[];
  initContainers?: ContainerResources[];
  overhead?: Record<string, unknown>;
}

/** Parses a ResourceList, skipping values that are not quantities (validation reports those). */
export function parseResourceList(list: Record<string, unknown> | undefined): QuantityMap {
  const out: QuantityMap = new Map();
  for (const [k, v] of Object.entries(list ?? {})) {
    if (typeof v !== 'string' && typeof v !== 'number') continue;
    try {
      out.set(k, parseQuantity(v));
    } catch {
      // invalid quantities never get this far
    }
  }
  return out;
}

/** into += add, per name. */
export function addInto(into: QuantityMap, add: QuantityMap): void {
  for (const [k, q] of add) {
    const cur = into.get(k);
    into.set(k, cur ? addQuantities(cur, q) : q);
  }
}

/** into = max(into, other), per name. */
function maxInto(into: QuantityMap, other: QuantityMap): void {
  for (const [k, q] of other) {
    const cur = into.get(k);
    if (!cur || compareQuantities(q, cur) > 0) into.set(k, q);
  }
}

function podTotal(spec: PodResourcesSpec, which: 'requests' | 'limits'): QuantityMap {
  const total: QuantityMap = new Map();
  for (const c of spec.containers ?? []) addInto(total, parseResourceList(c.resources?.[which]));
  const sidecars: QuantityMap = new Map();
  const initMax: QuantityMap = new Map();
  for (const c of spec.initContainers ?? []) {
    const own = parseResourceList(c.resources?.[which]);
    let effective: QuantityMap;
    if (c.restartPolicy === 'Always') {
      addInto(total, own);
      addInto(sidecars, own);
      effective = sidecars;
    } else {
      effective = new Map(own);
      addInto(effective, sidecars);
    }
    maxInto(initMax, effective);
  }
  maxInto(total, initMax);
  if (spec.overhead) addInto(total, parseResourceList(spec.overhead));
  return total;
}

/** PodRequests: what the scheduler and quota count for the pod's requests. */
export function podRequests(spec: PodResourcesSpec): QuantityMap {
  return podTotal(spec, 'requests');
}

/** PodLimits: the pod's effective limits. */
export function podLimits(spec: PodResourcesSpec): QuantityMap {
  return podTotal(spec, 'limits');
}
