/**
 * Where a DaemonSet's pods belong, as upstream's daemon controller decides it
 * (NodeShouldRunDaemonPod with nodeaffinity.GetRequiredNodeAffinity and
 * v1helper.FindMatchingUntoleratedTaint): the template's nodeName, nodeSelector and required node
 * affinity must admit the node; NoSchedule/NoExecute taints must be tolerated — by the template's
 * tolerations plus the ones the controller adds to every daemon pod — for a new pod to start, and
 * an existing pod keeps running as long as every NoExecute taint is tolerated.
 *
 * A placement is computed once per DaemonSet per sync and then asked about each node, so a sync
 * over 5,000 nodes is a few label lookups per node.
 */
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { Affinity, Node, NodeSelectorTerm, Pod, PodSpec, PodTemplateSpec, Taint, Toleration } from 'kubernetes-types/core/v1.js';
import { findUntoleratedTaint, specMatchesNodeSelectorAndAffinity } from '../../apimachinery/node-matching.js';

/** The field key daemon pods are pinned with (metav1.ObjectNameField). */
export const NODE_NAME_FIELD = 'metadata.name';
/** Label carrying the revision hash on daemon pods (apps.DefaultDaemonSetUniqueLabelKey). */
export const CONTROLLER_REVISION_HASH_POD_LABEL = 'controller-revision-hash';
/** Label carrying the deprecated template generation (extensions DaemonSetTemplateGenerationKey). */
export const TEMPLATE_GENERATION_POD_LABEL = 'pod-template-generation';
/** Annotation the API server keeps the template generation in. */
export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';

/** The answer for one node: start a pod there, keep an existing one. */
export interface NodeVerdict {
  shouldRun: boolean;
  shouldContinueRunning: boolean;
}

/**
 * Adds `t` to `tolerations` unless an equal one is there; one with the same key, operator, value
 * and effect but other fields is replaced (v1helper.AddOrUpdateTolerationInPodSpec).
 */
function addOrUpdateToleration(tolerations: Toleration[], t: Toleration): void {
  const i = tolerations.findIndex((x) => (x.key ?? '') === t.key && (x.operator ?? '') === t.operator && (x.value ?? '') === (t.value ?? '') && (x.effect ?? '') === t.effect);
  if (i < 0) tolerations.push(t);
  else if (tolerations[i]!.tolerationSeconds !== undefined) tolerations[i] = t;
}

/**
 * The tolerations every daemon pod gets (util.AddOrUpdateDaemonPodTolerations): not-ready and
 * unreachable NoExecute without tolerationSeconds, so node problems never evict them; the
 * pressure and unschedulable NoSchedule taints; network-unavailable for host-network pods.
 */
export function addDaemonPodTolerations(spec: PodSpec): void {
  const tolerations = (spec.tolerations ??= []);
  const exists = (key: string, effect: string) => addOrUpdateToleration(tolerations, { key, operator: 'Exists', effect });
  exists('node.kubernetes.io/not-ready', 'NoExecute');
  exists('node.kubernetes.io/unreachable', 'NoExecute');
  exists('node.kubernetes.io/disk-pressure', 'NoSchedule');
  exists('node.kubernetes.io/memory-pressure', 'NoSchedule');
  exists('node.kubernetes.io/pid-pressure', 'NoSchedule');
  exists('node.kubernetes.io/unschedulable', 'NoSchedule');
  if (spec.hostNetwork) exists('node.kubernetes.io/network-unavailable', 'NoSchedule');
}

function untolerated(taints: readonly Taint[], tolerations: readonly Toleration[], effects: readonly string[]): boolean {
  return findUntoleratedTaint(taints, tolerations, effects) !== undefined;
}

/** A DaemonSet's placement rules, ready to judge nodes (NodeShouldRunDaemonPod). */
export class DaemonPlacement {
  private readonly spec: PodSpec;

  constructor(ds: DaemonSet) {
    this.spec = { ...(ds.spec?.template.spec ?? { containers: [] }), tolerations: [...(ds.spec?.template.spec?.tolerations ?? [])] };
    addDaemonPodTolerations(this.spec);
  }

  judge(node: Node): NodeVerdict {
    const name = node.metadata?.name;
    if (this.spec.nodeName && this.spec.nodeName !== name) return { shouldRun: false, shouldContinueRunning: false };
    if (!specMatchesNodeSelectorAndAffinity(this.spec, node)) return { shouldRun: false, shouldContinueRunning: false };
    const taints = node.spec?.taints ?? [];
    const tolerations = this.spec.tolerations ?? [];
    if (untolerated(taints, tolerations, ['NoSchedule', 'NoExecute'])) return { shouldRun: false, shouldContinueRunning: !untolerated(taints, tolerations, ['NoExecute']) };
    return { shouldRun: true, shouldContinueRunning: true };
  }
}

/**
 * The template a daemon pod is made from (util.CreatePodTemplate): the DaemonSet's template with
 * the daemon tolerations, the revision hash label and, when the DaemonSet carries one, the
 * template-generation label.
 */
export function daemonPodTemplate(template: PodTemplateSpec, generation: string | undefined, hash: string): PodTemplateSpec {
  const t = structuredClone(template);
  t.spec ??= { containers: [] };
  addDaemonPodTolerations(t.spec);
  const labels = ((t.metadata ??= {}).labels ??= {});
  if (generation !== undefined) labels[TEMPLATE_GENERATION_POD_LABEL] = generation;
  if (hash) labels[CONTROLLER_REVISION_HASH_POD_LABEL] = hash;
  return t;
}

/**
 * Pins a pod to `nodeName` through its required node affinity, replacing any required terms
 * (util.ReplaceDaemonSetPodNodeNameNodeAffinity): the default scheduler then binds it there.
 */
export function pinToNode(affinity: Affinity | undefined, nodeName: string): Affinity {
  const terms: NodeSelectorTerm[] = [{ matchFields: [{ key: NODE_NAME_FIELD, operator: 'In', values: [nodeName] }] }];
  const a = affinity ?? {};
  const na = (a.nodeAffinity ??= {});
  if (!na.requiredDuringSchedulingIgnoredDuringExecution) na.requiredDuringSchedulingIgnoredDuringExecution = { nodeSelectorTerms: terms };
  else na.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms = terms;
  return a;
}

/** The node a daemon pod is for: spec.nodeName once bound, else its pinned affinity (util.GetTargetNodeName). */
export function targetNodeName(pod: Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  for (const term of pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const f of term.matchFields ?? []) {
      if (f.key === NODE_NAME_FIELD && f.operator === 'In') return f.values?.length === 1 ? f.values[0] : undefined;
    }
  }
  return undefined;
}
