/**
 * NodeResourcesFit (plugins/noderesources/fit.go): Filter checks the pod count against
 * allocatable pods and each requested resource (CPU, memory, ephemeral storage, extended
 * resources) against allocatable minus what the node's pods request, reporting every shortage
 * ("Insufficient cpu", "Too many pods"); Score is LeastAllocated over CPU and memory (weight 1
 * each) using the non-zero requests.
 */
import type { Handle } from '../../handle.js';
import type { NodeInfo } from '../../node-info.js';
import type { PodInfo } from '../../pod-info.js';
import { MAX_NODE_SCORE, unschedulable, type FilterPlugin, type ScorePlugin } from '../../types.js';
import { NODE_ADD_UPDATE } from '../helper.js';

export const TOO_MANY_PODS = 'Too many pods';
export const insufficient = (resource: string): string => `Insufficient ${resource}`;

/** The shortages of `node` for `pod` (fitsRequest), in upstream's order. */
export function insufficientResources(pod: PodInfo, node: NodeInfo): string[] {
  const out: string[] = [];
  const a = node.allocatable;
  const used = node.requested;
  if (node.pods.size + 1 > a.pods) out.push(TOO_MANY_PODS);
  const r = pod.requests;
  if (r.milliCPU === 0 && r.memory === 0 && r.ephemeralStorage === 0 && r.scalar.size === 0) return out;
  if (r.milliCPU > 0 && r.milliCPU > a.milliCPU - used.milliCPU) out.push(insufficient('cpu'));
  if (r.memory > 0 && r.memory > a.memory - used.memory) out.push(insufficient('memory'));
  if (r.ephemeralStorage > 0 && r.ephemeralStorage > a.ephemeralStorage - used.ephemeralStorage) out.push(insufficient('ephemeral-storage'));
  for (const [name, q] of r.scalar) {
    if (q > 0 && q > (a.scalar.get(name) ?? 0) - (used.scalar.get(name) ?? 0)) out.push(insufficient(name));
  }
  return out;
}

/** leastResourceScorer for one resource: the unused share of allocatable, 0–100. */
function leastRequested(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

export const nodeResourcesFit = (_h?: Handle) =>
  ({
    name: 'NodeResourcesFit',
    events: [{ resource: 'AssignedPod', actions: ['Delete', 'Update'] }, NODE_ADD_UPDATE],
    filter(_s, pod, node) {
      const reasons = insufficientResources(pod, node);
      return reasons.length ? unschedulable(...reasons) : null;
    },
    score(_s, pod, node) {
      const a = node.allocatable;
      const n = node.nonZeroRequested;
      const cpu = leastRequested(n.milliCPU + pod.nonZero.milliCPU, a.milliCPU);
      const mem = leastRequested(n.memory + pod.nonZero.memory, a.memory);
      return Math.trunc((cpu + mem) / 2);
    },
  }) satisfies FilterPlugin & ScorePlugin;
