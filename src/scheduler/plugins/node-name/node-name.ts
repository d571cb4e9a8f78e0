/** NodeName: a pod with spec.nodeName only fits that node (plugins/nodename). */
import type { Handle } from '../../handle.js';
import { unresolvable, type FilterPlugin } from '../../types.js';
import { NODE_ADD_UPDATE } from '../helper.js';

/** nodename.ErrReason */
export const ERR_REASON = "node(s) didn't match the requested node name";

export const nodeName = (_h?: Handle) =>
  ({
    name: 'NodeName',
    events: [NODE_ADD_UPDATE],
    filter(_s, pod, node) {
      const want = pod.pod.spec?.nodeName;
      return !want || want === node.name ? null : unresolvable(ERR_REASON);
    },
  }) satisfies FilterPlugin;
