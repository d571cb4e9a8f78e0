/**
 * NodePorts (plugins/nodeports): a pod's host ports must be free on the node; a port conflicts
 * when protocol and number are equal and either address is 0.0.0.0 or they are the same.
 */
import type { Handle } from '../../handle.js';
import { unschedulable, type FilterPlugin } from '../../types.js';
import { NODE_ADD_UPDATE } from '../helper.js';

/** nodeports.ErrReason */
export const ERR_REASON = "node(s) didn't have free ports for the requested pod ports";

export const nodePorts = (_h?: Handle) =>
  ({
    name: 'NodePorts',
    events: [{ resource: 'AssignedPod', actions: ['Delete'] }, NODE_ADD_UPDATE],
    filter(_s, pod, node) {
      for (const p of pod.ports) {
        const ips = node.usedPorts.get(`${p.protocol}/${p.port}`);
        if (!ips) continue;
        if (p.ip === '0.0.0.0' || ips.some((ip) => ip === '0.0.0.0' || ip === p.ip)) return unschedulable(ERR_REASON);
      }
      return null;
    },
  }) satisfies FilterPlugin;
