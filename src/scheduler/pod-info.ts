/**
 * What the scheduler computes once per pod and reuses in every cycle and every node aggregate
 * (framework.PodInfo): requests, non-zero requests for scoring, host ports, priority, parsed
 * affinity terms. Building it parses quantities and selectors, so it is cached by resourceVersion.
 */
import type { Pod, PodAffinityTerm } from 'kubernetes-types/core/v1.js';
import { matches as matchesSel, selectorFromLabelSelector, type LabelSelector, type MetaLabelSelector } from '../apimachinery/labels.js';
import { podRequests, type Resources } from './resources.js';

/** A host port a pod claims: ip (0.0.0.0 when unset), protocol, port. */
export interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

/** A parsed PodAffinityTerm (framework.AffinityTerm). */
export interface AffinityTerm {
  selector: LabelSelector;
  topologyKey: string;
  /** Explicit namespaces (the pod's own when both these and namespaceSelector are empty). */
  namespaces: Set<string>;
  /** Parsed namespaceSelector; undefined when absent. An empty selector means every namespace. */
  namespaceSelector?: LabelSelector;
}

export interface WeightedAffinityTerm extends AffinityTerm {
  weight: number;
}

export interface PodInfo {
  pod: Pod;
  /** namespace/name */
  key: string;
  namespace: string;
  labels: Record<string, string>;
  priority: number;
  requests: Resources;
  /** Requests with the scoring defaults for containers without CPU/memory requests. */
  nonZero: Resources;
  ports: HostPort[];
  requiredAffinity: AffinityTerm[];
  requiredAntiAffinity: AffinityTerm[];
  preferredAffinity: WeightedAffinityTerm[];
  preferredAntiAffinity: WeightedAffinityTerm[];
}

function term(pod: Pod, t: PodAffinityTerm): AffinityTerm {
  const ns = new Set(t.namespaces ?? []);
  const nsSel = t.namespaceSelector ? selectorFromLabelSelector(t.namespaceSelector as MetaLabelSelector) : undefined;
  if (ns.size === 0 && nsSel === undefined) ns.add(pod.metadata?.namespace ?? 'default');
  // matchLabelKeys / mismatchLabelKeys merge the incoming pod's own label values into the selector.
  const sel = { ...(t.labelSelector ?? {}) } as MetaLabelSelector;
  const labels = pod.metadata?.labels ?? {};
  const extra = [
    ...(t.matchLabelKeys ?? []).filter((k) => labels[k] !== undefined).map((k) => ({ key: k, operator: 'In', values: [labels[k]!] })),
    ...(t.mismatchLabelKeys ?? []).filter((k) => labels[k] !== undefined).map((k) => ({ key: k, operator: 'NotIn', values: [labels[k]!] })),
  ];
  if (extra.length && t.labelSelector) sel.matchExpressions = [...(sel.matchExpressions ?? []), ...extra];
  let selector: LabelSelector;
  try {
    selector = selectorFromLabelSelector(t.labelSelector ? sel : null);
  } catch {
    selector = selectorFromLabelSelector(null);
  }
  return { selector, topologyKey: t.topologyKey, namespaces: ns, namespaceSelector: nsSel };
}

/** Builds the PodInfo of `pod`. */
export function newPodInfo(pod: Pod): PodInfo {
  const ports: HostPort[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) if (p.hostPort && p.hostPort > 0) ports.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port: p.hostPort });
  }
  const aff = pod.spec?.affinity;
  const safe = <T>(f: () => T, dflt: T): T => {
    try {
      return f();
    } catch {
      return dflt;
    }
  };
  return {
    pod,
    key: `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`,
    namespace: pod.metadata?.namespace ?? 'default',
    labels: pod.metadata?.labels ?? {},
    priority: pod.spec?.priority ?? 0,
    requests: podRequests(pod),
    nonZero: podRequests(pod, true),
    ports,
    requiredAffinity: safe(() => (aff?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => term(pod, t)), []),
    requiredAntiAffinity: safe(() => (aff?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => term(pod, t)), []),
    preferredAffinity: safe(() => (aff?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => ({ ...term(pod, w.podAffinityTerm), weight: w.weight })), []),
    preferredAntiAffinity: safe(() => (aff?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => ({ ...term(pod, w.podAffinityTerm), weight: w.weight })), []),
  };
}

/** Whether an existing pod (in `namespace` with `labels`) falls under the term; `nsLabels` resolves namespaceSelector. */
export function termMatches(t: AffinityTerm, namespace: string, labels: Record<string, string>, nsLabels: (ns: string) => Record<string, string> | undefined): boolean {
  if (!t.namespaces.has(namespace)) {
    if (!t.namespaceSelector) return false;
    if (t.namespaceSelector.requirements.length > 0 && !matchesSel(t.namespaceSelector, nsLabels(namespace))) return false;
  }
  return matchesSel(t.selector, labels);
}

/** True for a pod that a scheduler should consider gone: deleted (deletionTimestamp) pods still hold resources, so only terminal phases count. */
export function isTerminal(pod: Pod): boolean {
  const ph = pod.status?.phase;
  return ph === 'Succeeded' || ph === 'Failed';
}
