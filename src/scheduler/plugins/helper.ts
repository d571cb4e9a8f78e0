/** Scoring helpers shared by plugins (pkg/scheduler/framework/plugins/helper). */
import { MAX_NODE_SCORE, type ClusterEvent, type NodeScore } from '../types.js';

/**
 * DefaultNormalizeScore: scales scores so the largest becomes MAX_NODE_SCORE (all zero stays
 * zero, or MAX with `reverse`), then reverses them if asked.
 */
export function defaultNormalizeScore(scores: NodeScore[], reverse: boolean, max = MAX_NODE_SCORE): void {
  let highest = 0;
  for (const s of scores) if (s.score > highest) highest = s.score;
  if (highest === 0) {
    if (reverse) for (const s of scores) s.score = max;
    return;
  }
  for (const s of scores) {
    let v = Math.trunc((max * s.score) / highest);
    if (reverse) v = max - v;
    s.score = v;
  }
}

/** Node add/update: the event most filters wait for. */
export const NODE_ADD_UPDATE: ClusterEvent = { resource: 'Node', actions: ['Add', 'Update'] };
