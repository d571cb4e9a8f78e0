/**
 * DescribeAddonVersions, DescribeAddonConfiguration, CreateAddon, DescribeAddon, ListAddons and
 * DeleteAddon (shared/research/eks-semantics.md §1, §2; shapes as in the AWS CLI examples).
 * The catalog is ./catalog.ts; configuration values are checked against ./schemas.ts. An
 * add-on's Pod Identity associations are created with it (owned by its ARN) and deleted with it.
 */
import { randomUUID } from 'node:crypto';
import type { AwsHandler } from '../../../types.js';
import { eksError, MSG, type EksErrorFields } from '../errors.js';
import { decodeToken, encodeToken, pageArray, pageSize } from '../paging.js';
import { kick, mutate, requireCluster, scopeOf, type EksRuntime } from '../runtime.js';
import { childId, eksArn, KIND, type Scope } from '../state.js';
import { checkPodRole, createAssociation, deleteAssociation, type AssociationRecord } from '../pod-identity/model.js';
import { ADDONS, addonDef, defaultVersion, versionDef, type AddonDef } from './catalog.js';
import { ADDON_MSG, addonTable, addonView, checkConfiguration, type AddonRecord } from './model.js';
import { configurationSchema } from './schemas.js';

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\-/]+$/;

/** The model's AddonInfo of an add-on, its versions limited to those for `kubernetesVersion` when given. */
function addonInfo(a: AddonDef, kubernetesVersion?: string): Record<string, unknown> {
  const versions = a.versions.filter((v) => kubernetesVersion === undefined || v.clusterVersions.includes(kubernetesVersion));
  return {
    addonName: a.addonName,
    type: a.type,
    addonVersions: versions.map((v) => ({
      addonVersion: v.addonVersion,
      architecture: a.architecture,
      computeTypes: a.computeTypes,
      compatibilities: v.clusterVersions
        .filter((c) => kubernetesVersion === undefined || c === kubernetesVersion)
        .map((c) => ({ clusterVersion: c, platformVersions: ['*'], defaultVersion: v.defaultFor.includes(c) })),
      requiresConfiguration: false,
      requiresIamPermissions: a.requiresIamPermissions,
    })),
    publisher: a.publisher,
    owner: a.owner,
    defaultNamespace: a.defaultNamespace,
  };
}

/** The add-on of the catalog, or InvalidParameterException `Addon specified is not supported`. */
export function requireDef(name: string, f: EksErrorFields): AddonDef {
  const def = addonDef(name);
  if (!def) throw eksError('InvalidParameterException', ADDON_MSG.unsupportedAddon, f);
  return def;
}

/** The requested (or default) version, which must run on the cluster's Kubernetes version. */
export function chooseVersion(def: AddonDef, requested: string | undefined, clusterVersion: string, f: EksErrorFields): string {
  const v = requested === undefined ? defaultVersion(def, clusterVersion) : versionDef(def, requested);
  if (!v || !v.clusterVersions.includes(clusterVersion)) throw eksError('InvalidParameterException', ADDON_MSG.unsupportedVersion, f);
  return v.addonVersion;
}

/** A pod identity request of an add-on: its service accounts must be the add-on's, its roles pod identity roles. */
export async function checkPodIdentity(rt: EksRuntime, scope: Scope, def: AddonDef, list: { serviceAccount: string; roleArn: string }[], f: EksErrorFields): Promise<void> {
  for (const p of list) {
    if (!def.podIdentity.some((x) => x.serviceAccount === p.serviceAccount)) throw eksError('InvalidParameterException', ADDON_MSG.serviceAccountNotSupported(p.serviceAccount, def.addonName), f);
    await checkPodRole(rt, scope, p.roleArn, f);
  }
}

/** Creates the associations an add-on owns, all or none. */
export async function createOwned(rt: EksRuntime, scope: Scope, a: Pick<AddonRecord, 'clusterName' | 'addonArn'>, namespace: string, list: { serviceAccount: string; roleArn: string }[], f: EksErrorFields): Promise<AssociationRecord[]> {
  const made: AssociationRecord[] = [];
  try {
    for (const p of list) made.push(await createAssociation(rt, scope, { clusterName: a.clusterName, namespace, serviceAccount: p.serviceAccount, roleArn: p.roleArn, ownerArn: a.addonArn }, f));
  } catch (err) {
    for (const m of made) await deleteAssociation(rt.store, scope, m);
    throw err;
  }
  return made;
}

/** The add-on handlers other than UpdateAddon (./updates.ts). */
export function addonHandlers(rt: EksRuntime): Record<string, AwsHandler> {
  return {
    async DescribeAddonVersions(input) {
      const k8s = input.kubernetesVersion as string | undefined;
      const name = input.addonName as string | undefined;
      const types = input.types as string[] | undefined;
      const publishers = input.publishers as string[] | undefined;
      const owners = input.owners as string[] | undefined;
      const matching = ADDONS.filter(
        (a) =>
          (name === undefined || a.addonName === name) &&
          (!types?.length || types.includes(a.type)) &&
          (!publishers?.length || publishers.includes(a.publisher)) &&
          (!owners?.length || owners.includes(a.owner)) &&
          (k8s === undefined || a.versions.some((v) => v.clusterVersions.includes(k8s))),
      );
      const { page, nextToken } = pageArray(matching, input);
      return { addons: page.map((a) => addonInfo(a, k8s)), nextToken };
    },

    async DescribeAddonConfiguration(input) {
      const name = input.addonName as string;
      const version = input.addonVersion as string;
      const def = addonDef(name);
      if (!def || !versionDef(def, version)) throw eksError('ResourceNotFoundException', ADDON_MSG.noSchema(name, version), { addonName: name });
      return {
        addonName: name,
        addonVersion: version,
        configurationSchema: JSON.stringify(configurationSchema(name)),
        podIdentityConfiguration: def.podIdentity.length ? def.podIdentity : undefined,
      };
    },

    async CreateAddon(input, ctx) {
      const scope = scopeOf(ctx);
      const clusterName = input.clusterName as string;
      const name = input.addonName as string;
      const f = { clusterName, addonName: name };
      const cluster = (await requireCluster(rt, scope, clusterName, { addonName: name })).value;
      const table = addonTable(rt.store, scope);
      const existing = await table.get(childId(clusterName, name));
      const token = input.clientRequestToken as string | undefined;
      if (existing && token && existing.value.clientRequestToken === token) return { addon: addonView(existing.value) };
      if (existing) throw eksError('ResourceInUseException', ADDON_MSG.exists, f);
      if (cluster.status !== 'ACTIVE' && cluster.status !== 'UPDATING') throw eksError('InvalidRequestException', MSG.clusterNotActive(clusterName), f);
      const def = requireDef(name, f);
      const addonVersion = chooseVersion(def, input.addonVersion as string | undefined, cluster.version, f);
      const configurationValues = input.configurationValues as string | undefined;
      checkConfiguration(configurationValues, configurationSchema(name), f);
      const roleArn = input.serviceAccountRoleArn as string | undefined;
      if (roleArn !== undefined && !ROLE_ARN.test(roleArn)) throw eksError('InvalidParameterException', MSG.invalidRoleArn(roleArn), f);
      const pods = (input.podIdentityAssociations as { serviceAccount: string; roleArn: string }[] | undefined) ?? [];
      await checkPodIdentity(rt, scope, def, pods, f);
      const namespace = (input.namespaceConfig as { namespace?: string } | undefined)?.namespace;
      const now = rt.clock.now();
      const addonArn = eksArn(scope, `addon/${clusterName}/${name}/${randomUUID()}`);
      const owned = await createOwned(rt, scope, { clusterName, addonArn }, namespace ?? def.defaultNamespace, pods, f);
      const rec: AddonRecord = {
        addonName: name,
        clusterName,
        status: 'CREATING',
        addonVersion,
        health: { issues: [] },
        addonArn,
        createdAt: now,
        modifiedAt: now,
        serviceAccountRoleArn: roleArn,
        tags: (input.tags as Record<string, string> | undefined) ?? {},
        publisher: def.publisher,
        owner: def.owner,
        configurationValues: configurationValues || undefined,
        podIdentityAssociations: owned.map((a) => a.associationArn),
        namespaceConfig: namespace ? { namespace } : undefined,
        resolveConflicts: input.resolveConflicts as string | undefined,
        clientRequestToken: token,
        lifecycle: { phase: 'create', startedAt: now, dueAt: now + rt.timings.addonCreate },
      };
      if (!(await table.create(childId(clusterName, name), rec))) {
        for (const a of owned) await deleteAssociation(rt.store, scope, a);
        throw eksError('ResourceInUseException', ADDON_MSG.exists, f);
      }
      rt.log.info({ cluster: clusterName, addon: name, version: addonVersion, account: scope.account, region: scope.region }, 'eks addon creating');
      kick(rt, KIND.addons, scope, childId(clusterName, name), rec);
      return { addon: addonView(rec) };
    },

    async DescribeAddon(input, ctx) {
      const scope = scopeOf(ctx);
      const clusterName = input.clusterName as string;
      const name = input.addonName as string;
      await requireCluster(rt, scope, clusterName, { addonName: name });
      const a = await addonTable(rt.store, scope).get(childId(clusterName, name));
      if (!a) throw eksError('ResourceNotFoundException', ADDON_MSG.notFound(name, clusterName), { clusterName, addonName: name });
      return { addon: addonView(a.value) };
    },

    async ListAddons(input, ctx) {
      const scope = scopeOf(ctx);
      const clusterName = input.clusterName as string;
      await requireCluster(rt, scope, clusterName);
      const after = decodeToken(input.nextToken, { clusterName }).after;
      const page = await addonTable(rt.store, scope).page(`${clusterName}/`, pageSize(input.maxResults), after);
      const last = page.items[page.items.length - 1];
      return { addons: page.items.map((i) => i.value.addonName), nextToken: page.more && last ? encodeToken({ after: last.id }) : undefined };
    },

    async DeleteAddon(input, ctx) {
      const scope = scopeOf(ctx);
      const clusterName = input.clusterName as string;
      const name = input.addonName as string;
      const f = { clusterName, addonName: name };
      await requireCluster(rt, scope, clusterName, { addonName: name });
      const now = rt.clock.now();
      // An update in flight is abandoned: its applier finds the claim gone and ends Cancelled.
      const next = await mutate(addonTable(rt.store, scope), childId(clusterName, name), (a): AddonRecord | undefined =>
        a.status === 'DELETING'
          ? undefined
          : { ...a, status: 'DELETING', activeUpdateId: undefined, preserve: input.preserve === true, modifiedAt: now, lifecycle: { phase: 'delete', startedAt: now, dueAt: now + rt.timings.addonDelete } },
      );
      if (!next) throw eksError('ResourceNotFoundException', ADDON_MSG.notFound(name, clusterName), f);
      rt.log.info({ cluster: clusterName, addon: name, preserve: next.preserve }, 'eks addon deleting');
      kick(rt, KIND.addons, scope, childId(clusterName, name), next);
      return { addon: addonView(next) };
    },
  };
}
