/**
 * The pod's topology spread constraints as PodTopologySpread evaluates them (plugins/
 * podtopologyspread/common.go): selectors with matchLabelKeys merged in, the inclusion policies'
 * defaults (nodeAffinityPolicy Honor, nodeTaintsPolicy Ignore), and the cluster default
 * constraints (zone maxSkew 5, hostname maxSkew 3, ScheduleAnyway) for pods that declare none,
 * selected by the Services, ReplicationControllers, ReplicaSets and StatefulSets the pod belongs
 * to (helper.DefaultSelector).
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { matches, selectorFromLabelSelector, type LabelRequirement, type LabelSelector, type MetaLabelSelector } from '../../../apimachinery/labels.js';
import type { Listers } from '../../handle.js';
import { findUntoleratedTaint, podMatchesNodeSelectorAndAffinity } from '../../../apimachinery/node-matching.js';

export interface SpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  selector: LabelSelector;
  minDomains: number;
  hard: boolean;
  honorNodeAffinity: boolean;
  honorNodeTaints: boolean;
}

export const ZONE_KEY = 'topology.kubernetes.io/zone';
export const HOSTNAME_KEY = 'kubernetes.io/hostname';

/** The explicit constraints of `pod` of one kind (hard: DoNotSchedule). */
export function podConstraints(pod: Pod, hard: boolean): SpreadConstraint[] {
  const out: SpreadConstraint[] = [];
  const labels = pod.metadata?.labels ?? {};
  for (const c of pod.spec?.topologySpreadConstraints ?? []) {
    if ((c.whenUnsatisfiable === 'DoNotSchedule') !== hard) continue;
    const sel = { ...(c.labelSelector ?? {}) } as MetaLabelSelector;
    const keys = (c.matchLabelKeys ?? []).filter((k) => labels[k] !== undefined);
    if (keys.length) sel.matchExpressions = [...(sel.matchExpressions ?? []), ...keys.map((k) => ({ key: k, operator: 'In', values: [labels[k]!] }))];
    let selector: LabelSelector;
    try {
      selector = selectorFromLabelSelector(c.labelSelector ? sel : null);
    } catch {
      selector = selectorFromLabelSelector(null);
    }
    out.push({
      maxSkew: c.maxSkew,
      topologyKey: c.topologyKey,
      selector,
      minDomains: c.minDomains ?? 1,
      hard,
      honorNodeAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor',
      honorNodeTaints: (c.nodeTaintsPolicy ?? 'Ignore') === 'Honor',
    });
  }
  return out;
}

/** helper.DefaultSelector: the union of the selectors of the pod's Services, RCs, RSs and StatefulSets. */
export function defaultSelector(pod: Pod, listers: Listers): LabelSelector | undefined {
  const ns = pod.metadata?.namespace ?? 'default';
  const labels = pod.metadata?.labels ?? {};
  const set: Record<string, string> = {};
  for (const svc of listers.services(ns)) {
    const s = svc.spec?.selector;
    if (s && Object.keys(s).length && Object.entries(s).every(([k, v]) => labels[k] === v)) Object.assign(set, s);
  }
  const reqs: LabelRequirement[] = Object.entries(set).map(([key, v]) => ({ key, operator: '=', values: [v] }));
  for (const ref of pod.metadata?.ownerReferences ?? []) {
    if (!ref.controller) continue;
    let sel: MetaLabelSelector | undefined;
    if (ref.kind === 'ReplicationController') {
      const m = listers.replicationController(ns, ref.name)?.spec?.selector;
      if (m) for (const [key, v] of Object.entries(m)) reqs.push({ key, operator: '=', values: [v] });
    } else if (ref.kind === 'ReplicaSet') sel = listers.replicaSet(ns, ref.name)?.spec?.selector as MetaLabelSelector | undefined;
    else if (ref.kind === 'StatefulSet') sel = listers.statefulSet(ns, ref.name)?.spec?.selector as MetaLabelSelector | undefined;
    if (sel) {
      try {
        const parsed = selectorFromLabelSelector(sel);
        if (matches(parsed, labels)) reqs.push(...parsed.requirements);
      } catch {
        // an invalid selector selects nothing extra
      }
    }
  }
  if (reqs.length === 0) return undefined;
  return { requirements: reqs, matchesNothing: false };
}

/** The system default constraints (both ScheduleAnyway), when the pod belongs to something. */
export function systemDefaultConstraints(pod: Pod, listers: Listers): SpreadConstraint[] {
  const selector = defaultSelector(pod, listers);
  if (!selector) return [];
  const base = { selector, minDomains: 1, hard: false, honorNodeAffinity: true, honorNodeTaints: false };
  return [
    { ...base, maxSkew: 3, topologyKey: HOSTNAME_KEY },
    { ...base, maxSkew: 5, topologyKey: ZONE_KEY },
  ];
}

/** Whether the node has every constraint's topology key (nodeLabelsMatchSpreadConstraints). */
export function hasAllKeys(node: Node, cs: readonly SpreadConstraint[]): boolean {
  const labels = node.metadata?.labels ?? {};
  return cs.every((c) => labels[c.topologyKey] !== undefined);
}

/** matchNodeInclusionPolicies: node affinity (Honor by default) and taints (Ignore by default). */
export function nodeIncluded(c: SpreadConstraint, pod: Pod, node: Node): boolean {
  if (c.honorNodeAffinity && !podMatchesNodeSelectorAndAffinity(pod, node)) return false;
  if (c.honorNodeTaints && findUntoleratedTaint(node.spec?.taints ?? [], pod.spec?.tolerations ?? [], ['NoSchedule', 'NoExecute'])) return false;
  return true;
}
