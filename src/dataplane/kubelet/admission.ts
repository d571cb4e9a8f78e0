/**
 * The kubelet's resource admission (lifecycle.PredicateAdmitHandler → noderesources.Fits): a pod
 * bound to a node whose admitted pods already use its allocatable pods, CPU or memory is rejected
 * with reason `OutOf<resource>` and the message the kubelet writes, instead of being run.
 */
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { parseQuantity, quantityMilliValue, quantityValue } from '../../apimachinery/quantity.js';

/** What a pod asks of a node: CPU in millicores, memory in bytes. */
export interface PodRequests {
  cpuMillis: number;
  memoryBytes: number;
}

function requestOf(c: Container, res: 'cpu' | 'memory'): number {
  const q = c.resources?.requests?.[res] ?? c.resources?.limits?.[res];
  if (q === undefined) return 0;
  try {
    const parsed = parseQuantity(q);
    return res === 'cpu' ? quantityMilliValue(parsed) : quantityValue(parsed);
  } catch {
    return 0;
  }
}

/**
 * The effective requests (resourcehelper.PodRequests): the sum over regular containers and
 * sidecars, or the largest init container's when that is more, plus the pod overhead.
 */
export function podRequests(pod: Pod): PodRequests {
  const out: PodRequests = { cpuMillis: 0, memoryBytes: 0 };
  for (const res of ['cpu', 'memory'] as const) {
    const key = res === 'cpu' ? 'cpuMillis' : 'memoryBytes';
    let sum = (pod.spec?.containers ?? []).reduce((n, c) => n + requestOf(c, res), 0);
    let sidecars = 0;
    let initMax = 0;
    for (const c of pod.spec?.initContainers ?? []) {
      if (c.restartPolicy === 'Always') {
        sidecars += requestOf(c, res);
        initMax = Math.max(initMax, sidecars);
      } else initMax = Math.max(initMax, sidecars + requestOf(c, res));
    }
    sum += sidecars;
    const overhead = pod.spec?.overhead?.[res];
    out[key] = Math.max(sum, initMax) + (overhead ? (res === 'cpu' ? quantityMilliValue(parseQuantity(overhead)) : quantityValue(parseQuantity(overhead))) : 0);
  }
  return out;
}

/** The node's allocatable as admission counts it. */
export interface Allocatable {
  pods: number;
  cpuMillis: number;
  memoryBytes: number;
}

/** Allocatable from a Node's `status.allocatable`. */
export function allocatableOf(alloc: Record<string, string>): Allocatable {
  return {
    pods: Number(alloc.pods ?? 110),
    cpuMillis: alloc.cpu ? quantityMilliValue(parseQuantity(alloc.cpu)) : 0,
    memoryBytes: alloc.memory ? quantityValue(parseQuantity(alloc.memory)) : 0,
  };
}

/**
 * Whether a pod with `req` fits beside `used` (of `count` admitted pods); the rejection's reason
 * and message as the kubelet's admit handler words them, checking pods, then cpu, then memory.
 */
export function admitPod(req: PodRequests, used: PodRequests, count: number, alloc: Allocatable): { reason: string; message: string } | undefined {
  const deny = (res: string, requested: number, inUse: number, capacity: number) => ({
    reason: `OutOf${res}`,
    message: `Node didn't have enough resource: ${res}, requested: ${requested}, used: ${inUse}, capacity: ${capacity}`,
  });
  if (count + 1 > alloc.pods) return deny('pods', 1, count, alloc.pods);
  if (req.cpuMillis > 0 && used.cpuMillis + req.cpuMillis > alloc.cpuMillis) return deny('cpu', req.cpuMillis, used.cpuMillis, alloc.cpuMillis);
  if (req.memoryBytes > 0 && used.memoryBytes + req.memoryBytes > alloc.memoryBytes) return deny('memory', req.memoryBytes, used.memoryBytes, alloc.memoryBytes);
  return undefined;
}
