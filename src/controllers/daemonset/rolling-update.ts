/**
 * The RollingUpdate step of a DaemonSet, as upstream's daemon controller plans it (update.go
 * rollingUpdate): without surge, old pods are deleted — unavailable ones at once, available ones
 * only while fewer than maxUnavailable nodes are unavailable — and the manage loop recreates them
 * at the new revision; with maxSurge, a new pod is started beside an old one (at most maxSurge at
 * a time, immediately where the old one is unavailable) and the old one is deleted once the new
 * one is available.
 */
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { isPodAvailable } from '../pods.js';
import { CONTROLLER_REVISION_HASH_POD_LABEL, TEMPLATE_GENERATION_ANNOTATION, TEMPLATE_GENERATION_POD_LABEL, type NodeVerdict } from './placement.js';

/** What the rolling update asks the manage step to do. */
export interface RollingPlan {
  podsToDelete: string[];
  nodesToCreate: string[];
}

/** intstr.GetScaledValueFromIntOrPercent: a number as is, "n%" of `total` rounded up or down. */
export function scaledValue(v: number | string | undefined, total: number, roundUp: boolean): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) {
    if (/^\d+$/.test(v)) return Number(v);
    throw new Error(`invalid value for IntOrString: invalid value "${v}": must be an integer or percentage (e.g '5%')`);
  }
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** Whether a non-zero maxSurge is configured (util.AllowsSurge). */
export function allowsSurge(ds: DaemonSet): boolean {
  const ru = ds.spec?.updateStrategy?.type === 'RollingUpdate' ? ds.spec.updateStrategy.rollingUpdate : undefined;
  return !!ru && scaledValue(ru.maxSurge, 1, true) !== 0;
}

/** The template generation the DaemonSet records in its deprecated annotation, if any. */
export function templateGeneration(ds: DaemonSet): string | undefined {
  const g = ds.metadata?.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
  return g !== undefined && /^-?\d+$/.test(g) ? g : undefined;
}

/** The pod is at the DaemonSet's current revision (util.IsPodUpdated): hash label, or the old generation label. */
export function isPodUpdated(pod: Pod, hash: string, generation: string | undefined): boolean {
  const labels = pod.metadata?.labels ?? {};
  return (hash !== '' && labels[CONTROLLER_REVISION_HASH_POD_LABEL] === hash) || (generation !== undefined && labels[TEMPLATE_GENERATION_POD_LABEL] === generation);
}

/** The single new and old pod on a node, or ok=false when there are several of either (findUpdatedPodsOnNode). */
function updatedPodsOnNode(pods: readonly Pod[], hash: string, generation: string | undefined): { newPod?: Pod; oldPod?: Pod; ok: boolean } {
  let newPod: Pod | undefined;
  let oldPod: Pod | undefined;
  for (const p of pods) {
    if (p.metadata?.deletionTimestamp) continue;
    if (isPodUpdated(p, hash, generation)) {
      if (newPod) return { ok: false };
      newPod = p;
    } else {
      if (oldPod) return { ok: false };
      oldPod = p;
    }
  }
  return { newPod, oldPod, ok: true };
}

/**
 * Plans one rolling-update step. `nodeToPods` maps node names to the DaemonSet's pods there;
 * `judge` answers NodeShouldRunDaemonPod for a node.
 */
export function planRollingUpdate(ds: DaemonSet, nodes: readonly Node[], nodeToPods: Map<string, Pod[]>, judge: (n: Node) => NodeVerdict, hash: string, now: number): RollingPlan {
  const byNode = new Map<string, Pod[]>(nodeToPods);
  const nodeByName = new Map<string, Node>();
  let desired = 0;
  for (const n of nodes) {
    nodeByName.set(n.metadata!.name!, n);
    if (!judge(n).shouldRun) continue;
    desired++;
    if (!byNode.has(n.metadata!.name!)) byNode.set(n.metadata!.name!, []);
  }
  const ru = ds.spec?.updateStrategy?.rollingUpdate;
  let maxUnavailable = scaledValue(ru?.maxUnavailable, desired, true);
  const maxSurge = allowsSurge(ds) ? scaledValue(ru?.maxSurge, desired, true) : 0;
  if (desired > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
  const generation = templateGeneration(ds);
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const available = (p: Pod) => isPodAvailable(p, minReady, now);
  const shouldRun = (name: string) => {
    const n = nodeByName.get(name);
    return n ? judge(n).shouldRun : false;
  };

  if (maxSurge === 0) {
    let numUnavailable = 0;
    const replacements: string[] = [];
    const candidates: string[] = [];
    for (const pods of byNode.values()) {
      const { newPod, oldPod, ok } = updatedPodsOnNode(pods, hash, generation);
      if (!ok || (!oldPod && !newPod) || (oldPod && newPod)) numUnavailable++;
      else if (newPod) {
        if (!available(newPod)) numUnavailable++;
      } else if (!available(oldPod!)) {
        replacements.push(oldPod!.metadata!.name!);
        numUnavailable++;
      } else if (numUnavailable < maxUnavailable) candidates.push(oldPod!.metadata!.name!);
    }
    const remaining = Math.min(Math.max(maxUnavailable - numUnavailable, 0), candidates.length);
    return { podsToDelete: [...replacements, ...candidates.slice(0, remaining)], nodesToCreate: [] };
  }

  const podsToDelete: string[] = [];
  const shouldNotRun: string[] = [];
  const candidates: string[] = [];
  const allowed: string[] = [];
  let numSurge = 0;
  let numAvailable = 0;
  for (const [nodeName, pods] of byNode) {
    const { newPod, oldPod, ok } = updatedPodsOnNode(pods, hash, generation);
    if (!ok) {
      numSurge++;
      continue;
    }
    if (oldPod ? available(oldPod) : newPod && available(newPod)) numAvailable++;
    if (!oldPod) continue;
    if (!newPod) {
      if (!available(oldPod)) {
        if (!shouldRun(nodeName)) podsToDelete.push(oldPod.metadata!.name!);
        else allowed.push(nodeName);
      } else if (!shouldRun(nodeName)) shouldNotRun.push(oldPod.metadata!.name!);
      else if (numSurge < maxSurge) candidates.push(nodeName);
      continue;
    }
    if (!available(newPod)) numSurge++;
    else podsToDelete.push(oldPod.metadata!.name!);
  }
  // With surge the owner expects full availability: a pod on a node that no longer fits goes only
  // once enough pods elsewhere are available.
  const deletable = Math.min(numAvailable - desired, shouldNotRun.length);
  if (deletable > 0) podsToDelete.push(...shouldNotRun.slice(0, deletable));
  const remainingSurge = Math.min(Math.max(maxSurge - numSurge, 0), candidates.length);
  return { podsToDelete, nodesToCreate: [...allowed, ...candidates.slice(0, remainingSurge)] };
}
