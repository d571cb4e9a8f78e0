/**
 * UpdateAddon and the `addon` update applier (shared/research/eks-semantics.md §2): an
 * AddonUpdate with the CLI example's params (AddonVersion, ServiceAccountRoleArn,
 * ResolveConflicts, ConfigurationValues, PodIdentityAssociations), the add-on UPDATING until the
 * applier merges the change after `addonUpdate` and returns it to ACTIVE. Replacing the Pod
 * Identity associations happens in the applier (delete the owned ones, create the new ones), so
 * a re-run converges to the same set.
 */
import type { AwsHandler } from '../../../types.js';
import { eksError, MSG } from '../errors.js';
import { mutate, requireCluster, scopeOf, tables, type EksRuntime, type UpdateApplier } from '../runtime.js';
import { childId, type UpdateParam } from '../state.js';
import { createUpdate, kickUpdate, updateByToken } from '../update-machine.js';
import { updateView } from '../views.js';
import { associationsOf, deleteOwnedBy } from '../pod-identity/model.js';
import { addonDef } from './catalog.js';
import { checkPodIdentity, chooseVersion, createOwned, requireDef } from './handlers.js';
import { ADDON_MSG, addonTable, checkConfiguration, type AddonRecord } from './model.js';
import { configurationSchema } from './schemas.js';

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\-/]+$/;
const UPDATABLE = new Set(['ACTIVE', 'DEGRADED', 'UPDATE_FAILED', 'CREATE_FAILED']);

interface AddonChange {
  addonVersion?: string;
  serviceAccountRoleArn?: string;
  configurationValues?: string;
  resolveConflicts?: string;
  podIdentityAssociations?: { serviceAccount: string; roleArn: string }[];
}

/** The UpdateAddon handler. */
export function addonUpdateHandlers(rt: EksRuntime): Record<string, AwsHandler> {
  return {
    async UpdateAddon(input, ctx) {
      const scope = scopeOf(ctx);
      const clusterName = input.clusterName as string;
      const name = input.addonName as string;
      const f = { clusterName, addonName: name };
      const cluster = (await requireCluster(rt, scope, clusterName, { addonName: name })).value;
      const cur = await addonTable(rt.store, scope).get(childId(clusterName, name));
      if (!cur) throw eksError('ResourceNotFoundException', ADDON_MSG.notFound(name, clusterName), f);
      const retried = await updateByToken(rt, scope, clusterName, { kind: 'addon', name }, input.clientRequestToken);
      if (retried) return { update: updateView(retried) };
      const a = cur.value;
      if (a.activeUpdateId) throw eksError('ResourceInUseException', ADDON_MSG.updateInProgress(name, clusterName, a.activeUpdateId), f);
      if (!UPDATABLE.has(a.status)) throw eksError('InvalidRequestException', ADDON_MSG.notUpdatable(name, a.status), f);
      const def = requireDef(name, f);
      const params: UpdateParam[] = [];
      const change: AddonChange = {};
      const version = input.addonVersion as string | undefined;
      if (version !== undefined) {
        change.addonVersion = chooseVersion(def, version, cluster.version, f);
        params.push({ type: 'AddonVersion', value: version });
      }
      const roleArn = input.serviceAccountRoleArn as string | undefined;
      if (roleArn !== undefined) {
        if (roleArn !== '' && !ROLE_ARN.test(roleArn)) throw eksError('InvalidParameterException', MSG.invalidRoleArn(roleArn), f);
        change.serviceAccountRoleArn = roleArn;
        params.push({ type: 'ServiceAccountRoleArn', value: roleArn });
      }
      const resolve = input.resolveConflicts as string | undefined;
      if (resolve !== undefined) {
        change.resolveConflicts = resolve;
        params.push({ type: 'ResolveConflicts', value: resolve });
      }
      const config = input.configurationValues as string | undefined;
      if (config !== undefined) {
        checkConfiguration(config, configurationSchema(name), f);
        change.configurationValues = config;
        params.push({ type: 'ConfigurationValues', value: config });
      }
      const pods = input.podIdentityAssociations as { serviceAccount: string; roleArn: string }[] | undefined;
      if (pods !== undefined) {
        await checkPodIdentity(rt, scope, def, pods, f);
        change.podIdentityAssociations = pods;
        params.push({ type: 'PodIdentityAssociations', value: JSON.stringify(pods) });
      }
      if (!params.length) throw eksError('InvalidParameterException', ADDON_MSG.noChange, f);

      const u = await createUpdate(rt, scope, clusterName, { kind: 'addon', name }, {
        type: 'AddonUpdate',
        params,
        change: change as Record<string, unknown>,
        durationMs: rt.timings.addonUpdate,
        clientRequestToken: input.clientRequestToken as string | undefined,
      });
      const refusal: { err?: Error } = {};
      const claimed = await mutate(addonTable(rt.store, scope), childId(clusterName, name), (x): AddonRecord | undefined => {
        if (x.activeUpdateId) refusal.err = eksError('ResourceInUseException', ADDON_MSG.updateInProgress(name, clusterName, x.activeUpdateId), f);
        else if (!UPDATABLE.has(x.status)) refusal.err = eksError('InvalidRequestException', ADDON_MSG.notUpdatable(name, x.status), f);
        else return { ...x, status: 'UPDATING', activeUpdateId: u.id, modifiedAt: rt.clock.now() };
        return undefined;
      });
      if (!claimed || refusal.err) {
        await tables(rt, scope).updates.delete(childId(clusterName, u.id));
        throw refusal.err ?? eksError('ResourceNotFoundException', ADDON_MSG.notFound(name, clusterName), f);
      }
      rt.log.info({ cluster: clusterName, addon: name, update: u.id }, 'eks addon updating');
      kickUpdate(rt, scope, u);
      return { update: updateView(u) };
    },
  };
}

/**
 * The `addon` applier: when the add-on still has the update in flight, replaces its owned Pod
 * Identity associations if asked, merges the change and returns it to ACTIVE; an association
 * that cannot be made (its service account taken meanwhile) fails the update (UPDATE_FAILED).
 */
export const addonApplier: UpdateApplier = async (u, { scope, rt }) => {
  const table = addonTable(rt.store, scope);
  const id = childId(u.clusterName, u.target.name ?? '');
  const cur = await table.get(id);
  if (!cur) return { status: 'Cancelled' };
  if (cur.value.lastAppliedUpdateId === u.id) return { status: 'Successful' };
  if (cur.value.activeUpdateId !== u.id) return { status: 'Cancelled' };
  const change = u.change as AddonChange;
  let arns = cur.value.podIdentityAssociations;
  let failure: { errorCode: string; errorMessage: string; resourceIds: string[] } | undefined;
  if (change.podIdentityAssociations) {
    const a = cur.value;
    await deleteOwnedBy(rt.store, scope, a.clusterName, a.addonArn);
    try {
      const namespace = a.namespaceConfig?.namespace ?? addonDef(a.addonName)?.defaultNamespace ?? 'kube-system';
      arns = (await createOwned(rt, scope, a, namespace, change.podIdentityAssociations, { clusterName: a.clusterName, addonName: a.addonName })).map((x) => x.associationArn);
    } catch (err) {
      arns = (await associationsOf(rt.store, scope, a.clusterName)).filter((x) => x.ownerArn === a.addonArn).map((x) => x.associationArn);
      failure = { errorCode: 'ConfigurationConflict', errorMessage: (err as Error).message, resourceIds: [a.addonArn] };
    }
  }
  const r: { outcome: 'Successful' | 'Cancelled' | 'Failed' } = { outcome: 'Cancelled' };
  await mutate(table, id, (a) => {
    if (a.activeUpdateId !== u.id) {
      r.outcome = a.lastAppliedUpdateId === u.id ? 'Successful' : 'Cancelled';
      return undefined;
    }
    r.outcome = failure ? 'Failed' : 'Successful';
    const next: AddonRecord = { ...a, activeUpdateId: undefined, lastAppliedUpdateId: u.id, podIdentityAssociations: arns, modifiedAt: rt.clock.now() };
    if (!failure) {
      if (change.addonVersion !== undefined) next.addonVersion = change.addonVersion;
      if (change.serviceAccountRoleArn !== undefined) next.serviceAccountRoleArn = change.serviceAccountRoleArn || undefined;
      if (change.configurationValues !== undefined) next.configurationValues = change.configurationValues || undefined;
      if (change.resolveConflicts !== undefined) next.resolveConflicts = change.resolveConflicts;
    }
    next.status = failure ? 'UPDATE_FAILED' : 'ACTIVE';
    return next;
  });
  return r.outcome === 'Failed' ? { status: 'Failed', errors: failure ? [failure] : [] } : { status: r.outcome };
};
