/**
 * NodeUnschedulable: cordoned nodes (spec.unschedulable) take only pods that tolerate the
 * node.kubernetes.io/unschedulable:NoSchedule taint (plugins/nodeunschedulable).
 */
import type { Handle } from '../../handle.js';
import { tolerates } from '../../../apimachinery/node-matching.js';
import { unresolvable, type FilterPlugin } from '../../types.js';
import { NODE_ADD_UPDATE } from '../helper.js';

/** nodeunschedulable.ErrReasonUnschedulable */
export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
const TAINT = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

export const nodeUnschedulable = (_h?: Handle) =>
  ({
    name: 'NodeUnschedulable',
    events: [NODE_ADD_UPDATE],
    filter(_s, pod, node) {
      if (!node.node?.spec?.unschedulable) return null;
      if ((pod.pod.spec?.tolerations ?? []).some((t) => tolerates(t, TAINT))) return null;
      return unresolvable(ERR_REASON_UNSCHEDULABLE);
    },
  }) satisfies FilterPlugin;
