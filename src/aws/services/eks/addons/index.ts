/**
 * Amazon EKS add-ons as an EKS extension: DescribeAddonVersions, DescribeAddonConfiguration,
 * Create / Describe / List / Update / DeleteAddon over the conventional `addons` table, with
 * their state machine:
 *
 *   CREATING ─(createdAt + addonCreate)→ ACTIVE
 *   UPDATING ─(the AddonUpdate's applier, after addonUpdate)→ ACTIVE (or UPDATE_FAILED)
 *   DELETING ─(deletion + addonDelete)→ gone, with the Pod Identity associations it owns
 *
 * Wire it in with `createEksService({ ..., extensions: [addonsExtension()] })` (with
 * `podIdentityExtension()` for the association operations). Installing the add-on's workloads
 * into the cluster is the data plane's work.
 */
import type { EksExtensionFactory } from '../runtime.js';
import { tables } from '../runtime.js';
import { KIND } from '../state.js';
import { deleteOwnedBy } from '../pod-identity/model.js';
import { addonHandlers } from './handlers.js';
import { addonTable, type AddonRecord } from './model.js';
import { addonApplier, addonUpdateHandlers } from './updates.js';

export { ADDONS, addonDef, defaultVersion, type AddonDef, type AddonVersionDef } from './catalog.js';
export type { AddonRecord } from './model.js';
export { configurationSchema } from './schemas.js';

/** The add-on extension factory. */
export function addonsExtension(): EksExtensionFactory {
  return (rt) => {
    rt.reconciler.register<AddonRecord>({
      kind: KIND.addons,
      async advance(a, ctx) {
        if (!a.lifecycle) return { put: a };
        const scope = { account: ctx.key.account, region: ctx.key.region };
        const where = { cluster: a.clusterName, addon: a.addonName, account: scope.account, region: scope.region };
        if (a.status === 'DELETING') {
          await deleteOwnedBy(rt.store, scope, a.clusterName, a.addonArn);
          const updates = tables(rt, scope).updates;
          for (const row of await updates.listUnder(`${a.clusterName}/`)) {
            if (row.value.target.kind === 'addon' && row.value.target.name === a.addonName) await updates.delete(row.id);
          }
          rt.log.info(where, 'eks addon deleted');
          return { remove: true };
        }
        if (a.status === 'CREATING') {
          rt.log.info(where, 'eks addon active');
          return { put: { ...a, status: 'ACTIVE', modifiedAt: ctx.now, lifecycle: undefined } };
        }
        return { put: { ...a, lifecycle: undefined } };
      },
    });
    return {
      handlers: { ...addonHandlers(rt), ...addonUpdateHandlers(rt) },
      updateTargets: { addon: addonApplier },
      async onClusterDeleted(scope, cluster) {
        const table = addonTable(rt.store, scope);
        for (const row of await table.listUnder(`${cluster.name}/`)) {
          await deleteOwnedBy(rt.store, scope, cluster.name, row.value.addonArn);
          await table.delete(row.id);
        }
      },
    };
  };
}
