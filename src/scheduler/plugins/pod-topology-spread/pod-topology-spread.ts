/**
 * PodTopologySpread (plugins/podtopologyspread). PreFilter counts, per hard constraint, the
 * pods matching its selector in each topology domain of the eligible nodes; Filter rejects a
 * node where placing the pod would make its domain exceed the smallest domain by more than
 * maxSkew (minDomains: fewer domains than that count the minimum as 0). PreScore/Score do the
 * same for soft constraints (the system defaults among them) and prefer nodes in emptier
 * domains, weighting each constraint by log(domains + 2). Counts come from the cache's label
 * index, once per cycle in PreFilter/PreScore (the hostname constraint's per-node counts too), so
 * the cost follows the matching pods, not nodes × pods, and Score is a map lookup per node.
 */
import type { Handle } from '../../handle.js';
import type { NodeInfo } from '../../node-info.js';
import type { PodInfo } from '../../pod-info.js';
import { matches } from '../../../apimachinery/labels.js';
import { MAX_NODE_SCORE, SKIP, unresolvable, unschedulable, type CycleState, type FilterPlugin, type NodeScore, type PreFilterPlugin, type PreScorePlugin, type ScorePlugin } from '../../types.js';
import { hasAllKeys, HOSTNAME_KEY, nodeIncluded, podConstraints, systemDefaultConstraints, type SpreadConstraint } from './constraints.js';

export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = `${ERR_REASON_CONSTRAINTS_NOT_MATCH} (missing required label)`;

const FILTER_STATE = 'PreFilterPodTopologySpread';
const SCORE_STATE = 'PreScorePodTopologySpread';

/** Per hard constraint: domain value → matching pods, and the smallest count. */
class FilterState {
  constructor(
    readonly constraints: SpreadConstraint[],
    readonly counts: Map<string, number>[],
    readonly mins: number[],
  ) {}
  clone(): FilterState {
    return new FilterState(this.constraints, this.counts.map((m) => new Map(m)), [...this.mins]);
  }
  recomputeMin(i: number): void {
    let m = Infinity;
    for (const v of this.counts[i]!.values()) if (v < m) m = v;
    this.mins[i] = m === Infinity ? 0 : m;
  }
}

interface ScoreState {
  constraints: SpreadConstraint[];
  /** Per constraint: domain value → matching pods; for hostname constraints, node name → matching pods on it. */
  counts: Map<string, number>[];
  weights: number[];
  ignored: Set<string>;
}

const countable = (pi: PodInfo): boolean => !pi.pod.metadata?.deletionTimestamp;

/**
 * Pods matching each constraint's selector in the pod's namespace, added into `counts` by the
 * node's domain. With `hostnameByNode`, a hostname constraint's pods are counted by node name
 * instead, whatever the node's eligibility: what Score's countPodsMatchSelector finds on each
 * node, gathered once from the label index rather than per scored node.
 */
function countMatching(h: Handle, pod: PodInfo, cs: SpreadConstraint[], counts: Map<string, number>[], eligible: (c: SpreadConstraint, n: NodeInfo) => boolean, hostnameByNode: boolean): void {
  cs.forEach((c, i) => {
    const m = counts[i]!;
    if (hostnameByNode && c.topologyKey === HOSTNAME_KEY) {
      for (const [pi, nodeName] of h.cache.matchingPods(pod.namespace, c.selector)) if (countable(pi)) m.set(nodeName, (m.get(nodeName) ?? 0) + 1);
      return;
    }
    for (const [pi, nodeName] of h.cache.matchingPods(pod.namespace, c.selector)) {
      if (!countable(pi)) continue;
      const n = h.cache.getNode(nodeName);
      if (!n || !eligible(c, n)) continue;
      const v = n.labels[c.topologyKey];
      if (v === undefined) continue;
      const cur = m.get(v);
      if (cur !== undefined) m.set(v, cur + 1);
    }
  });
}

export const podTopologySpread = (h: Handle) => {
  const constraintsOf = (pod: PodInfo, hard: boolean): { cs: SpreadConstraint[]; defaulted: boolean } => {
    if (pod.pod.spec?.topologySpreadConstraints?.length) return { cs: podConstraints(pod.pod, hard), defaulted: false };
    return { cs: hard ? [] : systemDefaultConstraints(pod.pod, h.listers), defaulted: true };
  };
  const adjust = (state: CycleState, pod: PodInfo, other: PodInfo, node: NodeInfo, delta: number) => {
    const st = state.read<FilterState>(FILTER_STATE);
    if (!st || !node.node || !hasAllKeys(node.node, st.constraints) || other.namespace !== pod.namespace) return;
    st.constraints.forEach((c, i) => {
      if (!nodeIncluded(c, pod.pod, node.node!) || !matches(c.selector, other.labels)) return;
      const v = node.labels[c.topologyKey]!;
      st.counts[i]!.set(v, (st.counts[i]!.get(v) ?? 0) + delta);
      st.recomputeMin(i);
    });
  };
  return {
    name: 'PodTopologySpread',
    events: [
      { resource: 'AssignedPod', actions: ['Add', 'Update', 'Delete'] },
      { resource: 'Node', actions: ['Add', 'Update', 'Delete'] },
    ],
    preFilter(state, pod, nodes) {
      const { cs } = constraintsOf(pod, true);
      if (cs.length === 0) return SKIP;
      const counts = cs.map(() => new Map<string, number>());
      const eligibleNodes = new Set<string>();
      for (const n of nodes) {
        if (!n.node || !hasAllKeys(n.node, cs)) continue;
        let any = false;
        cs.forEach((c, i) => {
          if (!nodeIncluded(c, pod.pod, n.node!)) return;
          any = true;
          const v = n.labels[c.topologyKey]!;
          if (!counts[i]!.has(v)) counts[i]!.set(v, 0);
        });
        if (any) eligibleNodes.add(n.name);
      }
      countMatching(h, pod, cs, counts, (c, n) => eligibleNodes.has(n.name) && nodeIncluded(c, pod.pod, n.node!) && hasAllKeys(n.node!, cs), false);
      const st = new FilterState(cs, counts, cs.map(() => 0));
      cs.forEach((_c, i) => st.recomputeMin(i));
      state.write(FILTER_STATE, st);
      return null;
    },
    addPod(state, pod, other, node) {
      adjust(state, pod, other, node, 1);
    },
    removePod(state, pod, other, node) {
      adjust(state, pod, other, node, -1);
    },
    filter(state, pod, node) {
      const st = state.read<FilterState>(FILTER_STATE);
      if (!st) return null;
      const labels = node.labels;
      for (let i = 0; i < st.constraints.length; i++) {
        const c = st.constraints[i]!;
        const v = labels[c.topologyKey];
        if (v === undefined) return unresolvable(ERR_REASON_NODE_LABEL_NOT_MATCH);
        const self = matches(c.selector, pod.labels) ? 1 : 0;
        const min = st.counts[i]!.size < c.minDomains ? 0 : st.mins[i]!;
        const skew = (st.counts[i]!.get(v) ?? 0) + self - min;
        if (skew > c.maxSkew) return unschedulable(ERR_REASON_CONSTRAINTS_NOT_MATCH);
      }
      return null;
    },
    preScore(state, pod, nodes) {
      const { cs, defaulted } = constraintsOf(pod, false);
      if (cs.length === 0) return SKIP;
      const counts = cs.map(() => new Map<string, number>());
      const ignored = new Set<string>();
      for (const n of nodes) {
        if (!n.node) continue;
        if (!defaulted && !hasAllKeys(n.node, cs)) {
          ignored.add(n.name);
          continue;
        }
        cs.forEach((c, i) => {
          const v = n.labels[c.topologyKey];
          if (v !== undefined && c.topologyKey !== HOSTNAME_KEY && !counts[i]!.has(v)) counts[i]!.set(v, 0);
        });
      }
      const considered = nodes.length - ignored.size;
      const weights = cs.map((c, i) => Math.log((c.topologyKey === HOSTNAME_KEY ? considered : counts[i]!.size) + 2));
      countMatching(h, pod, cs, counts, (c, n) => hasAllKeys(n.node!, cs) && nodeIncluded(c, pod.pod, n.node!), true);
      state.write(SCORE_STATE, { constraints: cs, counts, weights, ignored } satisfies ScoreState);
      return null;
    },
    score(state, pod, node) {
      const st = state.read<ScoreState>(SCORE_STATE);
      if (!st || st.ignored.has(node.name)) return 0;
      let score = 0;
      st.constraints.forEach((c, i) => {
        const v = node.labels[c.topologyKey];
        if (v === undefined) return;
        const cnt = st.counts[i]!.get(c.topologyKey === HOSTNAME_KEY ? node.name : v) ?? 0;
        score += cnt * st.weights[i]! + (c.maxSkew - 1);
      });
      return Math.round(score);
    },
    normalizeScore(state, _pod, scores: NodeScore[]) {
      const st = state.read<ScoreState>(SCORE_STATE);
      if (!st) return;
      let min = Infinity;
      let max = -Infinity;
      for (const s of scores) {
        if (st.ignored.has(s.name)) continue;
        min = Math.min(min, s.score);
        max = Math.max(max, s.score);
      }
      for (const s of scores) {
        if (st.ignored.has(s.name)) s.score = 0;
        else if (max === 0) s.score = MAX_NODE_SCORE;
        else s.score = Math.trunc((MAX_NODE_SCORE * (max + min - s.score)) / max);
      }
    },
  } satisfies PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin;
};
