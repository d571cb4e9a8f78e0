/**
 * Managed node groups as an EKS extension: CreateNodegroup, DescribeNodegroup, ListNodegroups,
 * DeleteNodegroup, UpdateNodegroupConfig, UpdateNodegroupVersion over the conventional
 * `nodegroups` table, each group owning one Auto Scaling group through the injected
 * {@link AutoScalingApi}. Wire it in with
 * `createEksService({ ..., extensions: [nodegroupsExtension({ autoscaling })] })`.
 */
import type { AutoScalingApi } from '../../contracts.js';
import type { EksExtensionFactory } from '../runtime.js';
import { nodegroupHandlers } from './handlers.js';
import { deleteGroupResources, registerNodegroupMachine } from './machine.js';
import { nodegroupTable, type NodegroupDeps } from './model.js';
import { nodegroupApplier } from './rollout.js';
import { nodegroupUpdateHandlers } from './updates.js';

export type { NodegroupDeps, NodegroupRecord } from './model.js';
export { asgNameOf, asgTags } from './model.js';

/**
 * The node group extension factory. Registers the node group state machine, the handlers and the
 * `nodegroup` update applier; when a cluster's deletion completes, any node group record left
 * (DeleteCluster refuses clusters with node groups, so only leftovers of a crash) is removed
 * with its Auto Scaling group.
 */
export function nodegroupsExtension(deps: NodegroupDeps): EksExtensionFactory {
  const d: NodegroupDeps = { autoscaling: deps.autoscaling, nodes: deps.nodes };
  return (rt) => {
    registerNodegroupMachine(rt, d);
    return {
      handlers: { ...nodegroupHandlers(rt), ...nodegroupUpdateHandlers(rt) },
      updateTargets: { nodegroup: nodegroupApplier(d) },
      async onClusterDeleted(scope, cluster) {
        const table = nodegroupTable(rt.store, scope);
        for (const row of await table.listUnder(`${cluster.name}/`)) {
          await deleteGroupResources(rt, d, scope, row.value);
          await table.delete(row.id);
        }
      },
    };
  };
}
