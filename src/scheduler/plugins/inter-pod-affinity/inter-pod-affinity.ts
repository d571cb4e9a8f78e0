/**
 * InterPodAffinity (plugins/interpodaffinity). PreFilter counts, per topology pair, (1) existing
 * pods whose required anti-affinity the incoming pod matches, (2) existing pods matching all of
 * the pod's required affinity terms, (3) existing pods matching each anti-affinity term; Filter
 * then checks affinity (UnschedulableAndUnresolvable), anti-affinity and existing pods'
 * anti-affinity (Unschedulable). A pod whose affinity nothing matches yet may go anywhere its
 * own labels satisfy its terms (the first pod of a group). Score sums preferred term weights by
 * topology pair, both ways. Matching pods come from the cache's label index.
 */
import { matches } from '../../../apimachinery/labels.js';
import type { Handle } from '../../handle.js';
import type { NodeInfo } from '../../node-info.js';
import { termMatches, type AffinityTerm, type PodInfo } from '../../pod-info.js';
import { MAX_NODE_SCORE, SKIP, unresolvable, unschedulable, type FilterPlugin, type NodeScore, type PreFilterPlugin, type PreScorePlugin, type ScorePlugin } from '../../types.js';
import { NODE_ADD_UPDATE } from '../helper.js';

export const ERR_REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";
export const ERR_REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";

const FILTER_STATE = 'PreFilterInterPodAffinity';
const SCORE_STATE = 'PreScoreInterPodAffinity';

/** topologyKey → value → count */
type PairCounts = Map<string, Map<string, number>>;

function bump(m: PairCounts, key: string, value: string, by: number): void {
  let inner = m.get(key);
  if (!inner) m.set(key, (inner = new Map()));
  inner.set(value, (inner.get(value) ?? 0) + by);
}
const get = (m: PairCounts, key: string, value: string | undefined): number => (value === undefined ? 0 : (m.get(key)?.get(value) ?? 0));

interface FilterState {
  existingAnti: PairCounts;
  affinity: PairCounts;
  anti: PairCounts[];
  clone(): FilterState;
}

const cloneCounts = (m: PairCounts): PairCounts => new Map([...m].map(([k, v]) => [k, new Map(v)]));

export const interPodAffinity = (h: Handle) => {
  const nsLabels = (ns: string) => h.listers.namespaceLabels(ns);
  /** Placed pods an affinity term selects, with their node. */
  function* podsFor(t: AffinityTerm): Generator<[PodInfo, NodeInfo]> {
    const namespaces = new Set(t.namespaces);
    const nsSel = t.namespaceSelector;
    if (nsSel) for (const ns of h.cache.namespaces()) if (nsSel.requirements.length === 0 || matches(nsSel, nsLabels(ns))) namespaces.add(ns);
    for (const ns of namespaces) {
      for (const [pi, nodeName] of h.cache.matchingPods(ns, t.selector)) {
        const n = h.cache.getNode(nodeName);
        if (n) yield [pi, n];
      }
    }
  }
  const matchesAll = (terms: AffinityTerm[], pi: PodInfo) => terms.every((t) => termMatches(t, pi.namespace, pi.labels, nsLabels));

  return {
    name: 'InterPodAffinity',
    events: [{ resource: 'AssignedPod', actions: ['Add', 'Update', 'Delete'] }, NODE_ADD_UPDATE],
    preFilter(state, pod) {
      const existingAnti: PairCounts = new Map();
      for (const e of h.cache.withRequiredAntiAffinity) {
        if (e.key === pod.key) continue;
        const n = h.cache.getNode(h.cache.nodeOf(e.key) ?? '');
        if (!n) continue;
        for (const t of e.requiredAntiAffinity) {
          const v = n.labels[t.topologyKey];
          if (v !== undefined && termMatches(t, pod.namespace, pod.labels, nsLabels)) bump(existingAnti, t.topologyKey, v, 1);
        }
      }
      const affinity: PairCounts = new Map();
      const first = pod.requiredAffinity[0];
      if (first) {
        for (const [pi, n] of podsFor(first)) {
          if (pi.key === pod.key || !matchesAll(pod.requiredAffinity, pi)) continue;
          for (const t of pod.requiredAffinity) {
            const v = n.labels[t.topologyKey];
            if (v !== undefined) bump(affinity, t.topologyKey, v, 1);
          }
        }
      }
      const anti = pod.requiredAntiAffinity.map((t) => {
        const m: PairCounts = new Map();
        for (const [pi, n] of podsFor(t)) {
          const v = n.labels[t.topologyKey];
          if (pi.key !== pod.key && v !== undefined) bump(m, t.topologyKey, v, 1);
        }
        return m;
      });
      if (existingAnti.size === 0 && pod.requiredAffinity.length === 0 && pod.requiredAntiAffinity.length === 0) return SKIP;
      const st: FilterState = {
        existingAnti,
        affinity,
        anti,
        clone() {
          return { ...this, existingAnti: cloneCounts(this.existingAnti), affinity: cloneCounts(this.affinity), anti: this.anti.map(cloneCounts) };
        },
      };
      state.write(FILTER_STATE, st);
      return null;
    },
    removePod(state, pod, other, node) {
      const st = state.read<FilterState>(FILTER_STATE);
      if (!st) return;
      pod.requiredAntiAffinity.forEach((t, i) => {
        const v = node.labels[t.topologyKey];
        if (v !== undefined && termMatches(t, other.namespace, other.labels, nsLabels)) bump(st.anti[i]!, t.topologyKey, v, -1);
      });
      for (const t of other.requiredAntiAffinity) {
        const v = node.labels[t.topologyKey];
        if (v !== undefined && termMatches(t, pod.namespace, pod.labels, nsLabels)) bump(st.existingAnti, t.topologyKey, v, -1);
      }
      if (pod.requiredAffinity.length && matchesAll(pod.requiredAffinity, other)) {
        for (const t of pod.requiredAffinity) {
          const v = node.labels[t.topologyKey];
          if (v !== undefined) bump(st.affinity, t.topologyKey, v, -1);
        }
      }
    },
    filter(state, pod, node) {
      const st = state.read<FilterState>(FILTER_STATE);
      if (!st) return null;
      const labels = node.labels;
      if (pod.requiredAffinity.length) {
        const ok = pod.requiredAffinity.every((t) => get(st.affinity, t.topologyKey, labels[t.topologyKey]) > 0);
        if (!ok) {
          let anyMatch = false;
          for (const inner of st.affinity.values()) for (const c of inner.values()) if (c > 0) anyMatch = true;
          const selfOk = !anyMatch && matchesAll(pod.requiredAffinity, pod) && pod.requiredAffinity.every((t) => labels[t.topologyKey] !== undefined);
          if (!selfOk) return unresolvable(ERR_REASON_AFFINITY);
        }
      }
      for (let i = 0; i < pod.requiredAntiAffinity.length; i++) {
        const t = pod.requiredAntiAffinity[i]!;
        if (get(st.anti[i]!, t.topologyKey, labels[t.topologyKey]) > 0) return unschedulable(ERR_REASON_ANTI_AFFINITY);
      }
      for (const [key, values] of st.existingAnti) {
        const v = labels[key];
        if (v !== undefined && (values.get(v) ?? 0) > 0) return unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY);
      }
      return null;
    },
    preScore(state, pod) {
      const scores: PairCounts = new Map();
      for (const t of pod.preferredAffinity) for (const [, n] of podsFor(t)) { const v = n.labels[t.topologyKey]; if (v !== undefined) bump(scores, t.topologyKey, v, t.weight); }
      for (const t of pod.preferredAntiAffinity) for (const [, n] of podsFor(t)) { const v = n.labels[t.topologyKey]; if (v !== undefined) bump(scores, t.topologyKey, v, -t.weight); }
      for (const e of h.cache.withPreferredAffinity) {
        if (e.key === pod.key) continue;
        const n = h.cache.getNode(h.cache.nodeOf(e.key) ?? '');
        if (!n) continue;
        for (const t of e.preferredAffinity) { const v = n.labels[t.topologyKey]; if (v !== undefined && termMatches(t, pod.namespace, pod.labels, nsLabels)) bump(scores, t.topologyKey, v, t.weight); }
        for (const t of e.preferredAntiAffinity) { const v = n.labels[t.topologyKey]; if (v !== undefined && termMatches(t, pod.namespace, pod.labels, nsLabels)) bump(scores, t.topologyKey, v, -t.weight); }
      }
      if (scores.size === 0) return SKIP;
      state.write(SCORE_STATE, scores);
      return null;
    },
    score(state, _pod, node) {
      const scores = state.read<PairCounts>(SCORE_STATE);
      let s = 0;
      if (scores) for (const [key, values] of scores) s += values.get(node.labels[key] ?? '\u0000') ?? 0;
      return s;
    },
    normalizeScore(_state, _pod, scores: NodeScore[]) {
      let min = Infinity;
      let max = -Infinity;
      for (const s of scores) {
        min = Math.min(min, s.score);
        max = Math.max(max, s.score);
      }
      const diff = max - min;
      for (const s of scores) s.score = diff > 0 ? Math.trunc((MAX_NODE_SCORE * (s.score - min)) / diff) : 0;
    },
  } satisfies PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin;
};
