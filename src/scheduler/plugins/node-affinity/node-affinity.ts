/**
 * NodeAffinity (plugins/nodeaffinity): Filter requires spec.nodeSelector and the required node
 * affinity terms; Score sums the weights of the preferred terms a node matches, normalized so
 * the best node gets 100.
 */
import type { Handle } from '../../handle.js';
import { podMatchesNodeSelectorAndAffinity, termMatches } from '../../../apimachinery/node-matching.js';
import { SKIP, unresolvable, type FilterPlugin, type PreScorePlugin, type ScorePlugin } from '../../types.js';
import { defaultNormalizeScore, NODE_ADD_UPDATE } from '../helper.js';

/** nodeaffinity.ErrReasonPod */
export const ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";

export const nodeAffinity = (_h?: Handle) =>
  ({
    name: 'NodeAffinity',
    events: [NODE_ADD_UPDATE],
    filter(_s, pod, node) {
      if (!node.node) return unresolvable('node not found');
      return podMatchesNodeSelectorAndAffinity(pod.pod, node.node) ? null : unresolvable(ERR_REASON_POD);
    },
    preScore(_s, pod) {
      return pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length ? null : SKIP;
    },
    score(_s, pod, node) {
      let sum = 0;
      for (const t of pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
        if (t.weight !== 0 && node.node && termMatches(t.preference, node.node)) sum += t.weight;
      }
      return sum;
    },
    normalizeScore(_s, _p, scores) {
      defaultNormalizeScore(scores, false);
    },
  }) satisfies FilterPlugin & PreScorePlugin & ScorePlugin;
