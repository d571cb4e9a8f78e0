/**
 * EKS Pod Identity associations as an EKS extension: Create / Describe / List / Update /
 * DeletePodIdentityAssociation. Associations have no lifecycle of their own (EKS answers them
 * at once; they are "eventually consistent" on the node side), so there is no state machine.
 * Associations an add-on created (`ownerArn`) change only through the add-on.
 *
 * Wire it in with `createEksService({ ..., extensions: [podIdentityExtension()] })`; the pod
 * identity agent of the data plane reads them through {@link associationsOf}.
 */
import { randomUUID } from 'node:crypto';
import type { AwsHandler } from '../../../types.js';
import { eksError, MSG, type EksErrorFields } from '../errors.js';
import { pageArray } from '../paging.js';
import { requireCluster, scopeOf, type EksExtensionFactory, type EksRuntime } from '../runtime.js';
import { childId, type Scope } from '../state.js';
import {
  associationsOf,
  associationTable,
  associationView,
  checkPodRole,
  claimTable,
  createAssociation,
  deleteAssociation,
  PIA_MSG,
  summaryView,
  type AssociationRecord,
} from './model.js';

export { associationsOf, type AssociationRecord } from './model.js';

/** The association handlers. */
export function podIdentityHandlers(rt: EksRuntime): Record<string, AwsHandler> {
  /** The association, checked: a 19-character id that exists in the cluster. */
  async function requireAssociation(scope: Scope, clusterName: string, id: string, f: EksErrorFields): Promise<{ value: AssociationRecord; revision: number }> {
    await requireCluster(rt, scope, clusterName);
    if (id.length !== 19) throw eksError('InvalidParameterException', PIA_MSG.idLength, f);
    const a = await associationTable(rt.store, scope).get(childId(clusterName, id));
    if (!a) throw eksError('ResourceNotFoundException', PIA_MSG.notFound(id), f);
    return a;
  }

  return {
    async CreatePodIdentityAssociation(input, ctx) {
      const scope = scopeOf(ctx);
      const clusterName = input.clusterName as string;
      const f = { clusterName };
      const cluster = (await requireCluster(rt, scope, clusterName)).value;
      const token = input.clientRequestToken as string | undefined;
      if (token) {
        const retried = (await associationsOf(rt.store, scope, clusterName)).find((a) => a.clientRequestToken === token);
        if (retried) return { association: associationView(retried) };
      }
      if (cluster.status !== 'ACTIVE' && cluster.status !== 'UPDATING') throw eksError('InvalidRequestException', MSG.clusterNotActive(clusterName), f);
      const a = await createAssociation(
        rt,
        scope,
        {
          clusterName,
          namespace: input.namespace as string,
          serviceAccount: input.serviceAccount as string,
          roleArn: input.roleArn as string,
          tags: input.tags as Record<string, string> | undefined,
          disableSessionTags: input.disableSessionTags as boolean | undefined,
          targetRoleArn: input.targetRoleArn as string | undefined,
          policy: input.policy as string | undefined,
          clientRequestToken: token,
        },
        f,
      );
      rt.log.info({ cluster: clusterName, ns: a.namespace, association: a.associationId }, 'eks pod identity association created');
      return { association: associationView(a) };
    },

    async DescribePodIdentityAssociation(input, ctx) {
      const clusterName = input.clusterName as string;
      const a = await requireAssociation(scopeOf(ctx), clusterName, input.associationId as string, { clusterName });
      return { association: associationView(a.value) };
    },

    async ListPodIdentityAssociations(input, ctx) {
      const scope = scopeOf(ctx);
      const clusterName = input.clusterName as string;
      await requireCluster(rt, scope, clusterName);
      const ns = input.namespace as string | undefined;
      const sa = input.serviceAccount as string | undefined;
      const all = (await associationsOf(rt.store, scope, clusterName)).filter((a) => (ns === undefined || a.namespace === ns) && (sa === undefined || a.serviceAccount === sa));
      const { page, nextToken } = pageArray(all, input, { clusterName });
      return { associations: page.map(summaryView), nextToken };
    },

    async UpdatePodIdentityAssociation(input, ctx) {
      const scope = scopeOf(ctx);
      const clusterName = input.clusterName as string;
      const id = input.associationId as string;
      const f = { clusterName };
      const cur = await requireAssociation(scope, clusterName, id, f);
      if (cur.value.ownerArn) throw eksError('InvalidRequestException', PIA_MSG.ownedByAddon(id, cur.value.ownerArn), f);
      const roleArn = input.roleArn as string | undefined;
      const targetRoleArn = input.targetRoleArn as string | undefined;
      const disableSessionTags = input.disableSessionTags as boolean | undefined;
      const policy = input.policy as string | undefined;
      if (roleArn === undefined && targetRoleArn === undefined && disableSessionTags === undefined && policy === undefined) throw eksError('InvalidParameterException', PIA_MSG.nothingToUpdate, f);
      if (roleArn !== undefined) await checkPodRole(rt, scope, roleArn, f);
      const next: AssociationRecord = {
        ...cur.value,
        roleArn: roleArn ?? cur.value.roleArn,
        disableSessionTags: disableSessionTags ?? cur.value.disableSessionTags,
        policy: policy === undefined ? cur.value.policy : policy || undefined,
        modifiedAt: rt.clock.now(),
      };
      if (targetRoleArn !== undefined) {
        next.targetRoleArn = targetRoleArn || undefined;
        next.externalId = targetRoleArn ? (cur.value.externalId ?? randomUUID()) : undefined;
      }
      if (next.policy !== undefined && next.disableSessionTags !== true) throw eksError('InvalidParameterException', PIA_MSG.policyNeedsNoSessionTags, f);
      if (!(await associationTable(rt.store, scope).update(childId(clusterName, id), next, cur.revision))) throw eksError('ResourceInUseException', PIA_MSG.exists(id), f);
      return { association: associationView(next) };
    },

    async DeletePodIdentityAssociation(input, ctx) {
      const scope = scopeOf(ctx);
      const clusterName = input.clusterName as string;
      const id = input.associationId as string;
      const f = { clusterName };
      const cur = await requireAssociation(scope, clusterName, id, f);
      if (cur.value.ownerArn) throw eksError('InvalidRequestException', PIA_MSG.ownedByAddon(id, cur.value.ownerArn), f);
      await deleteAssociation(rt.store, scope, cur.value);
      rt.log.info({ cluster: clusterName, association: id }, 'eks pod identity association deleted');
      return { association: associationView(cur.value) };
    },
  };
}

/** The pod identity extension factory; a deleted cluster's associations go with it. */
export function podIdentityExtension(): EksExtensionFactory {
  return (rt) => ({
    handlers: podIdentityHandlers(rt),
    async onClusterDeleted(scope, cluster) {
      for (const a of await associationsOf(rt.store, scope, cluster.name)) await deleteAssociation(rt.store, scope, a);
      const claims = claimTable(rt.store, scope);
      for (const row of await claims.listUnder(`${cluster.name}/`)) await claims.delete(row.id);
    },
  });
}
