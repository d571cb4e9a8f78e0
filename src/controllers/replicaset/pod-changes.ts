/**
 * Which pod updates can change what a ReplicaSet sync decides or reports. Upstream's updatePod
 * re-queues the owner on every new resourceVersion; the sync's outcome, though, depends only on
 * the pod's labels (selector and fullyLabeledReplicas), its controller reference (claiming),
 * its deletionTimestamp and terminal phase (IsPodActive), and its Ready condition
 * (readyReplicas, and availableReplicas through the condition's lastTransitionTime). A kubelet
 * writing a pod IP, container states or the Initialized condition changes none of these, so
 * such updates are not re-queued: under a fleet of kubelets this keeps a ReplicaSet of
 * thousands of pods from being re-synced back to back for nothing.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { KubeObject } from '../../kubeclient/types.js';
import { controllerRefOf, isPodTerminal } from '../pods.js';

function sameLabels(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  if (a === b) return true;
  const ak = Object.keys(a ?? {});
  if (ak.length !== Object.keys(b ?? {}).length) return false;
  return ak.every((k) => a![k] === b?.[k]);
}

function readyCondition(p: Pod): { status?: string; lastTransitionTime?: string } | undefined {
  return p.status?.conditions?.find((c) => c.type === 'Ready');
}

/** Whether the update `old` → `cur` of a pod can change its ReplicaSet's sync (see the module doc). */
export function podChangeMatters(old: Pod & KubeObject, cur: Pod & KubeObject): boolean {
  if (!sameLabels(old.metadata?.labels, cur.metadata?.labels)) return true;
  if (controllerRefOf(old)?.uid !== controllerRefOf(cur)?.uid) return true;
  if (old.metadata?.deletionTimestamp !== cur.metadata?.deletionTimestamp) return true;
  if (isPodTerminal(old) !== isPodTerminal(cur)) return true;
  const a = readyCondition(old);
  const b = readyCondition(cur);
  return a?.status !== b?.status || a?.lastTransitionTime !== b?.lastTransitionTime;
}
