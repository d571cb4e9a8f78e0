/**
 * The text of a failed scheduling attempt, as framework.FitError.Error():
 * `0/6 nodes are available: 3 Insufficient cpu, 3 node(s) had untolerated taint {dedicated: gpu}.`
 * — the PreFilter message if PreFilter rejected, otherwise a histogram of the filter reasons
 * ("<count> <reason>", sorted as strings, joined by ", "), then the PostFilter (preemption)
 * message. Nodes absent from the per-node map count under its `absent` status.
 */
import type { NodeToStatus } from './types.js';

export interface Diagnosis {
  statuses: NodeToStatus;
  preFilterMsg?: string;
  postFilterMsg?: string;
}

/** Status.Message(): the reasons joined by ", ". */
export const statusMessage = (reasons: readonly string[]): string => reasons.join(', ');

/** ErrNoNodesAvailable's text. */
export const NO_NODES_AVAILABLE = 'no nodes available to schedule pods';

const sentence = (msg: string): string => ` ${msg}${msg.endsWith('.') ? '' : '.'}`;

export function fitErrorMessage(numAllNodes: number, d: Diagnosis): string {
  let msg = `0/${numAllNodes} nodes are available:`;
  if (d.preFilterMsg) msg += sentence(d.preFilterMsg);
  else {
    const counts = new Map<string, number>();
    for (const s of d.statuses.byNode.values()) for (const r of s.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
    const absent = numAllNodes - d.statuses.byNode.size;
    if (absent > 0 && d.statuses.absent) for (const r of d.statuses.absent.reasons) counts.set(r, (counts.get(r) ?? 0) + absent);
    const parts = [...counts].map(([r, n]) => `${n} ${r}`).sort();
    if (parts.length) msg += sentence(parts.join(', '));
  }
  if (d.postFilterMsg) msg += sentence(d.postFilterMsg);
  return msg;
}
