/**
 * Resource arithmetic as the scheduler's framework.Resource: CPU in millicores, memory and
 * ephemeral storage in bytes, pods as a count, extended ("scalar") resources by name. Pod requests
 * follow component-helpers' PodRequests: the sum of the app containers and sidecars, or the largest
 * init container on top of the sidecars started before it, whichever is larger, plus overhead.
 */
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { parseQuantity, quantityMilliValue, quantityValue } from '../apimachinery/quantity.js';

export interface Resources {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  pods: number;
  /** Extended resources (nvidia.com/gpu, hugepages-2Mi, …) by name. */
  scalar: Map<string, number>;
}

/** schedutil.DefaultMilliCPURequest and DefaultMemoryRequest: what scoring assumes for a container without requests. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export const emptyResources = (): Resources => ({ milliCPU: 0, memory: 0, ephemeralStorage: 0, pods: 0, scalar: new Map() });

const memo = new Map<string, number>();
function parsed(kind: 'm' | 'v', s: string | number): number {
  const key = `${kind}${s}`;
  let v = memo.get(key);
  if (v === undefined) {
    try {
      const q = parseQuantity(s);
      v = kind === 'm' ? quantityMilliValue(q) : quantityValue(q);
    } catch {
      v = 0;
    }
    if (memo.size > 10_000) memo.clear();
    memo.set(key, v);
  }
  return v;
}

/** A resource list (requests, allocatable) as Resources. */
export function toResources(list: Record<string, string | number> | undefined): Resources {
  const r = emptyResources();
  if (!list) return r;
  for (const [name, q] of Object.entries(list)) addOne(r, name, q);
  return r;
}

function addOne(r: Resources, name: string, q: string | number): void {
  switch (name) {
    case 'cpu':
      r.milliCPU += parsed('m', q);
      break;
    case 'memory':
      r.memory += parsed('v', q);
      break;
    case 'ephemeral-storage':
      r.ephemeralStorage += parsed('v', q);
      break;
    case 'pods':
      r.pods += parsed('v', q);
      break;
    default:
      if (isScalarResource(name)) r.scalar.set(name, (r.scalar.get(name) ?? 0) + parsed('v', q));
  }
}

/** Extended resources (domain-prefixed, not kubernetes.io/), hugepages and attachable volumes count; anything else is ignored, as upstream's IsScalarResourceName. */
export function isScalarResource(name: string): boolean {
  if (name.startsWith('hugepages-') || name.startsWith('attachable-volumes-')) return true;
  const slash = name.indexOf('/');
  if (slash < 0) return false;
  const domain = name.slice(0, slash);
  return !(domain === 'kubernetes.io' || domain.endsWith('.kubernetes.io'));
}

export function addResources(into: Resources, r: Resources, sign = 1): void {
  into.milliCPU += sign * r.milliCPU;
  into.memory += sign * r.memory;
  into.ephemeralStorage += sign * r.ephemeralStorage;
  into.pods += sign * r.pods;
  for (const [k, v] of r.scalar) into.scalar.set(k, (into.scalar.get(k) ?? 0) + sign * v);
}

function maxInto(into: Resources, r: Resources): void {
  into.milliCPU = Math.max(into.milliCPU, r.milliCPU);
  into.memory = Math.max(into.memory, r.memory);
  into.ephemeralStorage = Math.max(into.ephemeralStorage, r.ephemeralStorage);
  for (const [k, v] of r.scalar) into.scalar.set(k, Math.max(into.scalar.get(k) ?? 0, v));
}

function containerRequests(c: Container, nonZero: boolean): Resources {
  const r = toResources(c.resources?.requests as Record<string, string> | undefined);
  if (nonZero) {
    const req = c.resources?.requests ?? {};
    if (req.cpu === undefined) r.milliCPU = DEFAULT_MILLI_CPU_REQUEST;
    if (req.memory === undefined) r.memory = DEFAULT_MEMORY_REQUEST;
  }
  return r;
}

function cloneResources(r: Resources): Resources {
  return { ...r, scalar: new Map(r.scalar) };
}

/**
 * The pod's effective requests (PodRequests). With `nonZero`, containers without a CPU or memory
 * request count the scoring defaults (100m, 200Mi), as NonZeroRequested does.
 */
export function podRequests(pod: Pod, nonZero = false): Resources {
  const sum = emptyResources();
  for (const c of pod.spec?.containers ?? []) addResources(sum, containerRequests(c, nonZero));
  const sidecars = emptyResources();
  const initMax = emptyResources();
  for (const ic of pod.spec?.initContainers ?? []) {
    const r = containerRequests(ic, nonZero);
    if (ic.restartPolicy === 'Always') {
      addResources(sidecars, r);
      maxInto(initMax, sidecars);
    } else {
      const withSidecars = cloneResources(r);
      addResources(withSidecars, sidecars);
      maxInto(initMax, withSidecars);
    }
  }
  addResources(sum, sidecars);
  maxInto(sum, initMax);
  const overhead = pod.spec?.overhead as Record<string, string> | undefined;
  if (overhead) addResources(sum, toResources(overhead));
  sum.pods = 0;
  return sum;
}
