/**
 * Cluster updates and the Update objects: UpdateClusterConfig, UpdateClusterVersion,
 * AssociateEncryptionConfig, DescribeUpdate, ListUpdates (shared/research/eks-semantics.md §2,
 * §6, §7). Each update is one Update InProgress that the reconciler carries out after its delay;
 * one cluster update at a time.
 */
import type { AwsHandler } from '../../../types.js';
import { BUILDERS, requestedTypes, type ConfigRequest } from '../config-updates.js';
import { validateEncryptionConfig } from '../encryption.js';
import { eksError, MSG, type EksErrorFields } from '../errors.js';
import { pageArray } from '../paging.js';
import { requireCluster, scopeOf, tables, type EksRuntime } from '../runtime.js';
import { childId, type ClusterRecord, type UpdateRecord } from '../state.js';
import { startClusterUpdate, updateByToken } from '../update-machine.js';
import { CLUSTER_VERSIONS, nextMinor, supportedVersion } from '../versions.js';
import { updateView } from '../views.js';

/** The common refusals before a cluster update: one in flight (409), cluster not ACTIVE. */
function assertUpdatable(c: ClusterRecord, type: string): void {
  const f = { clusterName: c.name };
  if (c.activeUpdateId) throw eksError('ResourceInUseException', MSG.updateInProgress(type, c.name, c.activeUpdateId), f);
  if (c.status !== 'ACTIVE') throw eksError('InvalidRequestException', MSG.clusterNotActive(c.name), f);
}

/** Which Update target a DescribeUpdate / ListUpdates request addresses. */
function targetOf(input: Record<string, unknown>): { target: UpdateRecord['target']; fields: EksErrorFields } {
  if (typeof input.nodegroupName === 'string') return { target: { kind: 'nodegroup', name: input.nodegroupName }, fields: { nodegroupName: input.nodegroupName } };
  if (typeof input.addonName === 'string') return { target: { kind: 'addon', name: input.addonName }, fields: { addonName: input.addonName } };
  if (typeof input.capabilityName === 'string') return { target: { kind: 'capability', name: input.capabilityName }, fields: {} };
  return { target: { kind: 'cluster' }, fields: {} };
}

const sameTarget = (a: UpdateRecord['target'], b: UpdateRecord['target']): boolean => a.kind === b.kind && (a.name ?? '') === (b.name ?? '');

/** The update handlers. */
export function updateHandlers(rt: EksRuntime): Record<string, AwsHandler> {
  return {
    async UpdateClusterConfig(input, ctx) {
      const scope = scopeOf(ctx);
      const name = input.name as string;
      const f = { clusterName: name };
      const cluster = (await requireCluster(rt, scope, name)).value;
      const retried = await updateByToken(rt, scope, name, { kind: 'cluster' }, input.clientRequestToken);
      if (retried) return { update: updateView(retried) };
      const req = input as ConfigRequest;
      const types = requestedTypes(req);
      if (!types.length) throw eksError('InvalidParameterException', MSG.noUpdateRequested, f);
      if (types.length > 1) throw eksError('InvalidParameterException', MSG.onlyOneUpdateType, f);
      const type = types[0]!;
      assertUpdatable(cluster, type);
      const built = await BUILDERS[type]!(req, { rt, scope, cluster, requestId: ctx.requestId });
      const u = await startClusterUpdate(rt, scope, name, { type, ...built, durationMs: rt.timings.configUpdate, clientRequestToken: input.clientRequestToken as string | undefined });
      return { update: updateView(u) };
    },

    async UpdateClusterVersion(input, ctx) {
      const scope = scopeOf(ctx);
      const name = input.name as string;
      const f = { clusterName: name };
      const target = input.version as string;
      const cluster = (await requireCluster(rt, scope, name)).value;
      const retried = await updateByToken(rt, scope, name, { kind: 'cluster' }, input.clientRequestToken);
      if (retried) return { update: updateView(retried) };
      const v = supportedVersion(target);
      if (!v && !CLUSTER_VERSIONS.some((x) => x.version === target)) throw eksError('InvalidParameterException', MSG.unsupportedVersion, f);
      if (!v || target !== nextMinor(cluster.version)) throw eksError('InvalidParameterException', MSG.unsupportedMinorUpdate(cluster.version, target), f);
      assertUpdatable(cluster, 'VersionUpdate');
      const behind = (await rt.dependents.nodegroups(scope, name)).filter((n) => n.version !== undefined && n.version !== cluster.version);
      if (behind.length) throw eksError('InvalidRequestException', MSG.nodegroupsBehind(behind.map((n) => n.name), cluster.version), f);
      const platformVersion = v.platformVersion ?? 'eks.1';
      const u = await startClusterUpdate(rt, scope, name, {
        type: 'VersionUpdate',
        params: [{ type: 'Version', value: target }, { type: 'PlatformVersion', value: platformVersion }],
        change: { version: target, platformVersion },
        durationMs: rt.timings.versionUpdate,
        clientRequestToken: input.clientRequestToken as string | undefined,
      });
      return { update: updateView(u) };
    },

    async AssociateEncryptionConfig(input, ctx) {
      const scope = scopeOf(ctx);
      const name = input.clusterName as string;
      const f = { clusterName: name };
      const cluster = (await requireCluster(rt, scope, name)).value;
      const retried = await updateByToken(rt, scope, name, { kind: 'cluster' }, input.clientRequestToken);
      if (retried) return { update: updateView(retried) };
      const config = validateEncryptionConfig(input.encryptionConfig as { resources?: string[]; provider?: { keyArn?: string } }[], name);
      if (cluster.encryptionConfig?.length) throw eksError('InvalidRequestException', MSG.encryptionAlreadyEnabled(name), f);
      assertUpdatable(cluster, 'AssociateEncryptionConfig');
      const u = await startClusterUpdate(rt, scope, name, {
        type: 'AssociateEncryptionConfig',
        params: [{ type: 'EncryptionConfig', value: JSON.stringify(config) }],
        change: { encryptionConfig: config },
        durationMs: rt.timings.configUpdate,
        clientRequestToken: input.clientRequestToken as string | undefined,
      });
      return { update: updateView(u) };
    },

    async DescribeUpdate(input, ctx) {
      const scope = scopeOf(ctx);
      const name = input.name as string;
      const id = input.updateId as string;
      const { target, fields } = targetOf(input);
      await requireCluster(rt, scope, name, fields);
      const u = await tables(rt, scope).updates.get(childId(name, id));
      if (!u || !sameTarget(u.value.target, target)) throw eksError('ResourceNotFoundException', MSG.updateNotFound(id), { clusterName: name, ...fields });
      return { update: updateView(u.value) };
    },

    async ListUpdates(input, ctx) {
      const scope = scopeOf(ctx);
      const name = input.name as string;
      const { target, fields } = targetOf(input);
      await requireCluster(rt, scope, name, fields);
      const all = (await tables(rt, scope).updates.listUnder(`${name}/`))
        .map((r) => r.value)
        .filter((u) => sameTarget(u.target, target))
        .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
      const { page, nextToken } = pageArray(all, input, { clusterName: name });
      return { updateIds: page.map((u) => u.id), nextToken };
    },
  };
}
