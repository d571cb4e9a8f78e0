/**
 * DefaultPreemption (plugins/defaultpreemption + framework/preemption), as PostFilter: among
 * nodes that rejected the pod as Unschedulable (not UnschedulableAndUnresolvable), find those
 * where removing lower-priority pods makes it fit, keeping back ("reprieving") as many of them as
 * still allows the fit, most important first; pick the node whose victims have the lowest
 * highest priority, then the smallest priority sum, then the fewest; nominate the pod there and
 * evict the victims (DisruptionTarget condition, delete, a "Preempted" event). Pods with
 * preemptionPolicy Never are not eligible.
 */
import type { KubeObject } from '../../../kubeclient/types.js';
import type { Handle } from '../../handle.js';
import type { NodeInfo } from '../../node-info.js';
import type { PodInfo } from '../../pod-info.js';
import { fitErrorMessage } from '../../fit-error.js';
import { rfc3339 } from '../../../lib/clock.js';
import { unresolvable, unschedulable, type CycleState, type NodeToStatus, type PostFilterPlugin, type Status } from '../../types.js';

export const NO_VICTIMS = 'No preemption victims found for incoming pod';
export const NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const NOT_ELIGIBLE_NEVER = 'not eligible due to preemptionPolicy=Never.';
export const NOT_ELIGIBLE_TERMINATING = 'not eligible due to a terminating pod on the nominated node.';

interface Candidate {
  node: string;
  victims: PodInfo[];
}

const startTime = (pi: PodInfo): number => Date.parse(pi.pod.status?.startTime ?? pi.pod.metadata?.creationTimestamp ?? '') || 0;

export const defaultPreemption = (h: Handle) => {
  /** SelectVictimsOnNode on copies of the node and the cycle state. */
  function selectVictims(state: CycleState, pod: PodInfo, node: NodeInfo): { victims?: PodInfo[]; status?: Status } {
    const fw = h.framework();
    const lower = [...node.pods.values()].filter((p) => p.priority < pod.priority);
    if (lower.length === 0) return { status: unresolvable(NO_VICTIMS) };
    const remove = (v: PodInfo) => {
      node.removePod(v);
      for (const p of fw.preFilter) if (!state.skipFilter.has(p.name)) p.removePod?.(state, pod, v, node);
    };
    const add = (v: PodInfo) => {
      node.addPod(v);
      for (const p of fw.preFilter) if (!state.skipFilter.has(p.name)) p.addPod?.(state, pod, v, node);
    };
    for (const v of lower) remove(v);
    const fits = fw.runFilter(state, pod, node);
    if (fits) return { status: fits };
    // Most important first: higher priority, then earlier start (MoreImportantPod).
    lower.sort((a, b) => b.priority - a.priority || startTime(a) - startTime(b));
    const victims: PodInfo[] = [];
    for (const v of lower) {
      add(v);
      if (fw.runFilter(state, pod, node)) {
        remove(v);
        victims.push(v);
      }
    }
    return { victims };
  }

  function better(a: Candidate, b: Candidate): boolean {
    const hi = (c: Candidate) => Math.max(...c.victims.map((v) => v.priority));
    const sum = (c: Candidate) => c.victims.reduce((s, v) => s + v.priority + 2 ** 31, 0);
    if (hi(a) !== hi(b)) return hi(a) < hi(b);
    if (sum(a) !== sum(b)) return sum(a) < sum(b);
    return a.victims.length < b.victims.length;
  }

  function evict(pod: PodInfo, c: Candidate): void {
    const client = h.client;
    if (!client) return;
    for (const v of c.victims) {
      const ref = { group: '', version: 'v1', resource: 'pods', namespace: v.namespace, name: v.pod.metadata!.name! };
      void (async () => {
        try {
          await client.patch({ ...ref, subresource: 'status' }, {
            status: { conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler', message: `${h.schedulerName}: preempting to accommodate a higher priority pod`, lastTransitionTime: rfc3339(h.clock.now()) }] },
          }, 'strategic');
          await client.delete(ref, { preconditions: { uid: v.pod.metadata?.uid } });
          void h.recorder?.event(v.pod as KubeObject, 'Normal', 'Preempted', `Preempted by pod ${pod.pod.metadata?.uid} on node ${c.node}`);
        } catch (err) {
          h.log.debug({ err, ns: v.namespace, pod: ref.name }, 'preemption: victim not deleted');
        }
      })();
    }
  }

  return {
    name: 'DefaultPreemption',
    postFilter(state, pod, statuses: NodeToStatus) {
      if (pod.pod.spec?.preemptionPolicy === 'Never') return { status: unschedulable(NOT_ELIGIBLE_NEVER) };
      const nominated = pod.pod.status?.nominatedNodeName;
      if (nominated) {
        const n = h.cache.getNode(nominated);
        if (n && [...n.pods.values()].some((p) => p.priority < pod.priority && p.pod.metadata?.deletionTimestamp)) return { status: unschedulable(NOT_ELIGIBLE_TERMINATING) };
      }
      const all = h.cache.nodeList();
      const dry: NodeToStatus = { byNode: new Map(), absent: unresolvable(NOT_HELPFUL) };
      let best: Candidate | undefined;
      let found = 0;
      const limit = Math.max(100, Math.floor(all.length / 10));
      for (const n of all) {
        const s = statuses.byNode.get(n.name) ?? statuses.absent;
        if (!s || s.code !== 'Unschedulable') continue;
        const r = selectVictims(state.clone(), pod, n.clone());
        if (!r.victims?.length) {
          dry.byNode.set(n.name, r.status ?? unresolvable(NO_VICTIMS));
          continue;
        }
        const c = { node: n.name, victims: r.victims };
        if (!best || better(c, best)) best = c;
        if (++found >= limit) break;
      }
      if (!best) return { status: unschedulable(`preemption: ${fitErrorMessage(all.length, { statuses: dry })}`) };
      evict(pod, best);
      return { result: { nominatedNodeName: best.node }, status: null };
    },
  } satisfies PostFilterPlugin;
};
