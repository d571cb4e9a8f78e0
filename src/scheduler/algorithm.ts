/**
 * The scheduling algorithm of one cycle (schedule_one.go schedulePod): PreFilter, then Filter
 * over a round-robin window of nodes until enough feasible ones are found
 * (percentageOfNodesToScore, adaptive: 50% − nodes/125, at least 5% and 100 nodes), the pod's
 * nominated node first; then PreScore/Score and the highest total, ties broken at random
 * (reservoir sampling, as selectHost).
 */
import type { SchedulerCache } from './cache.js';
import { NO_NODES_AVAILABLE, statusMessage, type Diagnosis } from './fit-error.js';
import type { Framework } from './framework.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';
import { isRejected, type CycleState, type Status } from './types.js';

/** The outcome of schedulePod: a node, a fit error (every node rejected), or an error. */
export type ScheduleResult =
  | { kind: 'node'; node: string; evaluated: number; feasible: number }
  | { kind: 'unfit'; numAllNodes: number; diagnosis: Diagnosis; plugins: Set<string> }
  | { kind: 'error'; message: string };

/** numFeasibleNodesToFind with percentageOfNodesToScore unset (0 → adaptive). */
export function numFeasibleNodesToFind(numAllNodes: number, percentage = 0): number {
  const MIN_FEASIBLE = 100;
  if (numAllNodes < MIN_FEASIBLE || percentage >= 100) return numAllNodes;
  let pct = percentage;
  if (pct <= 0) {
    pct = 50 - Math.trunc(numAllNodes / 125);
    if (pct < 5) pct = 5;
  }
  const n = Math.trunc((numAllNodes * pct) / 100);
  return n < MIN_FEASIBLE ? MIN_FEASIBLE : n;
}

export class Algorithm {
  private nextStartNodeIndex = 0;

  constructor(
    private readonly fw: Framework,
    private readonly cache: SchedulerCache,
    private readonly percentageOfNodesToScore = 0,
  ) {}

  schedule(state: CycleState, pod: PodInfo): ScheduleResult {
    const nodes = this.cache.nodeList();
    if (nodes.length === 0) return { kind: 'error', message: NO_NODES_AVAILABLE };
    const pre = this.fw.runPreFilter(state, pod, nodes);
    if (pre) {
      if (!isRejected(pre)) return { kind: 'error', message: `running PreFilter plugin "${pre.plugin}": ${statusMessage(pre.reasons)}` };
      return { kind: 'unfit', numAllNodes: nodes.length, diagnosis: { statuses: { byNode: new Map(), absent: pre }, preFilterMsg: statusMessage(pre.reasons) }, plugins: new Set(pre.plugin ? [pre.plugin] : []) };
    }
    const statuses = new Map<string, Status>();
    const plugins = new Set<string>();
    const feasible: NodeInfo[] = [];
    const nominated = pod.pod.status?.nominatedNodeName ? this.cache.getNode(pod.pod.status.nominatedNodeName) : undefined;
    if (nominated && !this.fw.runFilter(state, pod, nominated)) {
      return { kind: 'node', node: nominated.name, evaluated: 1, feasible: 1 };
    }
    const want = numFeasibleNodesToFind(nodes.length, this.percentageOfNodesToScore);
    const n = nodes.length;
    const start = this.nextStartNodeIndex % n;
    let processed = 0;
    for (let i = 0; i < n && feasible.length < want; i++) {
      const node = nodes[(start + i) % n]!;
      processed++;
      const s = this.fw.runFilter(state, pod, node);
      if (!s) {
        feasible.push(node);
        continue;
      }
      if (s.code === 'Error') return { kind: 'error', message: `running "${s.plugin}" filter plugin: ${statusMessage(s.reasons)}` };
      statuses.set(node.name, s);
      if (s.plugin) plugins.add(s.plugin);
    }
    this.nextStartNodeIndex = (start + processed) % n;
    if (feasible.length === 0) return { kind: 'unfit', numAllNodes: n, diagnosis: { statuses: { byNode: statuses } }, plugins };
    if (feasible.length === 1) return { kind: 'node', node: feasible[0]!.name, evaluated: processed, feasible: 1 };
    const ps = this.fw.runPreScore(state, pod, feasible);
    if (ps) return { kind: 'error', message: `running PreScore plugin "${ps.plugin}": ${statusMessage(ps.reasons)}` };
    const scores = this.fw.runScore(state, pod, feasible);
    let best = scores[0]!;
    let ties = 1;
    for (let i = 1; i < scores.length; i++) {
      const s = scores[i]!;
      if (s.score > best.score) {
        best = s;
        ties = 1;
      } else if (s.score === best.score) {
        ties++;
        if (Math.random() * ties < 1) best = s;
      }
    }
    return { kind: 'node', node: best.name, evaluated: processed, feasible: feasible.length };
  }
}
