/**
 * NodeResourcesBalancedAllocation (plugins/noderesources/balanced_allocation.go): favours nodes
 * whose CPU and memory would be used in equal shares after placing the pod: score
 * (1 − standard deviation of the shares) × 100. Skipped for pods that request nothing.
 */
import type { Handle } from '../../handle.js';
import { MAX_NODE_SCORE, SKIP, type PreScorePlugin, type ScorePlugin } from '../../types.js';

export const balancedAllocation = (_h?: Handle) =>
  ({
    name: 'NodeResourcesBalancedAllocation',
    preScore(_s, pod) {
      return pod.requests.milliCPU === 0 && pod.requests.memory === 0 ? SKIP : null;
    },
    score(_s, pod, node) {
      const a = node.allocatable;
      const shares: number[] = [];
      if (a.milliCPU > 0) shares.push(Math.min(1, (node.requested.milliCPU + pod.requests.milliCPU) / a.milliCPU));
      if (a.memory > 0) shares.push(Math.min(1, (node.requested.memory + pod.requests.memory) / a.memory));
      let std = 0;
      if (shares.length === 2) std = Math.abs(shares[0]! - shares[1]!) / 2;
      return Math.trunc((1 - std) * MAX_NODE_SCORE);
    },
  }) satisfies PreScorePlugin & ScorePlugin;
