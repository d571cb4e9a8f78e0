/**
 * TaintToleration (plugins/tainttoleration): Filter rejects nodes with a NoSchedule or NoExecute
 * taint the pod does not tolerate; Score counts untolerated PreferNoSchedule taints, normalized
 * in reverse (fewer is better).
 */
import type { Taint, Toleration } from 'kubernetes-types/core/v1.js';
import type { Handle } from '../../handle.js';
import { findUntoleratedTaint, tolerates } from '../../../apimachinery/node-matching.js';
import { unresolvable, type FilterPlugin, type PreScorePlugin, type ScorePlugin } from '../../types.js';
import { defaultNormalizeScore, NODE_ADD_UPDATE } from '../helper.js';

/** The filter's reason: `node(s) had untolerated taint {key: value}`. */
export const untoleratedTaintReason = (t: Taint): string => `node(s) had untolerated taint {${t.key}: ${t.value ?? ''}}`;

const STATE = 'PreScoreTaintToleration';

export const taintToleration = (_h?: Handle) =>
  ({
    name: 'TaintToleration',
    events: [NODE_ADD_UPDATE, { resource: 'UnscheduledPod', actions: ['Update'] }],
    filter(_s, pod, node) {
      const taint = findUntoleratedTaint(node.node?.spec?.taints ?? [], pod.pod.spec?.tolerations ?? [], ['NoSchedule', 'NoExecute']);
      return taint ? unresolvable(untoleratedTaintReason(taint)) : null;
    },
    preScore(state, pod) {
      const tols = (pod.pod.spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
      state.write(STATE, tols);
      return null;
    },
    score(state, _pod, node) {
      const tols = state.read<Toleration[]>(STATE) ?? [];
      let n = 0;
      for (const taint of node.node?.spec?.taints ?? []) {
        if (taint.effect === 'PreferNoSchedule' && !tols.some((t) => tolerates(t, taint))) n++;
      }
      return n;
    },
    normalizeScore(_s, _p, scores) {
      defaultNormalizeScore(scores, true);
    },
  }) satisfies FilterPlugin & PreScorePlugin & ScorePlugin;
