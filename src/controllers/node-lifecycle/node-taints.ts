/**
 * Adding and removing node taints through the API as upstream's controller helpers do
 * (controller.AddOrUpdateTaintOnNode / RemoveTaintOffNode / SwapNodeControllerTaint): taints match
 * by key and effect, added ones get timeAdded, the write is a patch of spec.taints conditional on
 * the node's resourceVersion, retried on a conflict from a fresh GET. Nothing is written when the
 * node already looks right, so healthy nodes cost no API calls.
 */
import type { Taint } from 'kubernetes-types/core/v1.js';
import { rfc3339 } from '../../lib/clock.js';
import type { KubeClient } from '../../kubeclient/client.js';
import { isConflict } from '../../kubeclient/errors.js';
import type { NodeObject } from './objects.js';

const NODES = { group: '', version: 'v1', resource: 'nodes' };
const RETRIES = 5;

export const UNREACHABLE_NO_EXECUTE: Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' };
export const NOT_READY_NO_EXECUTE: Taint = { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' };

/** Same key and effect (Taint.MatchTaint). */
export const matchTaint = (a: Taint, b: Taint): boolean => a.key === b.key && a.effect === b.effect;

/** The node carries a taint matching `t`. */
export function hasTaint(node: NodeObject, t: Taint): boolean {
  return (node.spec?.taints ?? []).some((x) => matchTaint(x, t));
}

/** The taint list after adding `add` (timeAdded = now) and dropping `remove`; undefined when unchanged. */
function nextTaints(current: readonly Taint[], add: readonly Taint[], remove: readonly Taint[], now: number): Taint[] | undefined {
  let out = current.filter((t) => !remove.some((r) => matchTaint(r, t)));
  let changed = out.length !== current.length;
  for (const a of add) {
    const stamped: Taint = { ...a, timeAdded: rfc3339(now) };
    const i = out.findIndex((t) => matchTaint(t, a));
    if (i >= 0 && (out[i]!.value ?? '') === (a.value ?? '')) continue;
    out = i >= 0 ? out.map((t, j) => (j === i ? stamped : t)) : [...out, stamped];
    changed = true;
  }
  return changed ? out : undefined;
}

/**
 * Adds `add` and removes `remove` on the node (SwapNodeControllerTaint), starting from the cached
 * `node`; resolves once written (or nothing needed writing).
 */
export async function swapNodeTaints(client: KubeClient, node: NodeObject, add: readonly Taint[], remove: readonly Taint[], now: number): Promise<void> {
  let cur = node;
  for (let i = 0; ; i++) {
    const taints = nextTaints(cur.spec?.taints ?? [], add, remove, now);
    if (!taints) return;
    try {
      await client.patch({ ...NODES, name: cur.metadata!.name! }, { metadata: { resourceVersion: cur.metadata?.resourceVersion }, spec: { taints: taints.length ? taints : null } }, 'merge');
      return;
    } catch (err) {
      if (!isConflict(err) || i >= RETRIES) throw err;
      cur = await client.get<NodeObject>({ ...NODES, name: cur.metadata!.name! });
    }
  }
}
