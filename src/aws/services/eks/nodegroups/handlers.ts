/**
 * CreateNodegroup, DescribeNodegroup, ListNodegroups, DeleteNodegroup (shared/research/
 * eks-semantics.md §1, §2, §5). CreateNodegroup refuses synchronously what EKS refuses
 * synchronously and stores the group CREATING; the Auto Scaling group, activation and deletion
 * are the state machine's work (./machine.ts).
 */
import { randomUUID } from 'node:crypto';
import type { AwsHandler } from '../../../types.js';
import { eksError, MSG } from '../errors.js';
import { decodeToken, encodeToken, pageSize } from '../paging.js';
import { kick, mutate, requireCluster, scopeOf, type EksRuntime } from '../runtime.js';
import { childId, eksArn, KIND } from '../state.js';
import { NG_MSG } from './messages.js';
import { asgNameOf, nodegroupTable, nodegroupView, type NodegroupRecord, type ScalingConfig, type Taint } from './model.js';
import { amiTypeOffered, defaultAmiType, defaultDiskSize, latestRelease, releasesOf } from './releases.js';
import { checkName, checkNodeRole, checkSubnets, checkTaints, checkUpdateConfig, createScaling, resolveTemplate } from './validate.js';

interface CreateNodegroupInput {
  clusterName: string;
  nodegroupName: string;
  scalingConfig?: Partial<ScalingConfig>;
  diskSize?: number;
  subnets: string[];
  instanceTypes?: string[];
  amiType?: string;
  remoteAccess?: { ec2SshKey?: string; sourceSecurityGroups?: string[] };
  nodeRole: string;
  labels?: Record<string, string>;
  taints?: Taint[];
  tags?: Record<string, string>;
  clientRequestToken?: string;
  launchTemplate?: { id?: string; name?: string; version?: string };
  updateConfig?: { maxUnavailable?: number; maxUnavailablePercentage?: number; updateStrategy?: string };
  nodeRepairConfig?: Record<string, unknown>;
  capacityType?: string;
  version?: string;
  releaseVersion?: string;
  warmPoolConfig?: Record<string, unknown>;
}

/** The node group handlers of CRUD (updates are in ./updates.ts). */
export function nodegroupHandlers(rt: EksRuntime): Record<string, AwsHandler> {
  return {
    async CreateNodegroup(raw, ctx) {
      const input = raw as unknown as CreateNodegroupInput;
      const scope = scopeOf(ctx);
      const { clusterName, nodegroupName: name } = input;
      const f = { clusterName, nodegroupName: name };
      const cluster = (await requireCluster(rt, scope, clusterName, { nodegroupName: name })).value;
      checkName(name, f);
      const table = nodegroupTable(rt.store, scope);
      const existing = await table.get(childId(clusterName, name));
      if (existing && input.clientRequestToken && existing.value.clientRequestToken === input.clientRequestToken) return { nodegroup: nodegroupView(existing.value) };
      if (existing) throw eksError('ResourceInUseException', NG_MSG.exists(name, clusterName), f);
      if (cluster.status !== 'ACTIVE') throw eksError('InvalidRequestException', MSG.clusterNotActive(clusterName), f);

      const lt = input.launchTemplate;
      if (lt && input.diskSize !== undefined) throw eksError('InvalidParameterException', NG_MSG.diskSizeWithLaunchTemplate, f);
      if (lt && input.remoteAccess) throw eksError('InvalidParameterException', NG_MSG.remoteAccessWithLaunchTemplate, f);
      const version = input.version ?? cluster.version;
      if (version !== cluster.version) throw eksError('InvalidParameterException', NG_MSG.versionInvalid(version, cluster.version), f);
      if (input.releaseVersion !== undefined && !releasesOf(version).includes(input.releaseVersion))
        throw eksError('InvalidParameterException', NG_MSG.releaseNotForVersion(input.releaseVersion, version), f);
      const scalingConfig = createScaling(input.scalingConfig, f);
      checkUpdateConfig(input.updateConfig, f);
      checkTaints(input.taints ?? [], f);
      if (input.amiType === 'CUSTOM' && !lt) throw eksError('InvalidParameterException', NG_MSG.customAmiNeedsLaunchTemplate, f);
      if (input.amiType && !amiTypeOffered(input.amiType, version)) throw eksError('InvalidParameterException', NG_MSG.amiTypeNotOffered(input.amiType, version), f);
      const template = lt ? await resolveTemplate(rt, scope, lt, f) : undefined;
      if (template?.resolved?.instanceType && input.instanceTypes?.length) throw eksError('InvalidParameterException', NG_MSG.instanceTypeInBoth, f);
      await checkNodeRole(rt, scope, input.nodeRole, f);
      await checkSubnets(rt, scope, input.subnets, cluster.resourcesVpcConfig.vpcId, ctx.requestId, f);

      // A launch template's own instance type (or one EKS cannot see) leaves instanceTypes unset.
      const instanceTypes = input.instanceTypes?.length ? input.instanceTypes : lt && (template?.resolved?.instanceType || !template?.resolved) ? undefined : ['t3.medium'];
      const customAmi = template?.resolved?.imageId !== undefined && input.amiType === undefined;
      const amiType = customAmi ? 'CUSTOM' : (input.amiType ?? defaultAmiType(version, instanceTypes ?? [template?.resolved?.instanceType ?? 't3.medium']));
      const id = randomUUID();
      const now = rt.clock.now();
      const rec: NodegroupRecord = {
        nodegroupName: name,
        nodegroupArn: eksArn(scope, `nodegroup/${clusterName}/${name}/${id}`),
        clusterName,
        id,
        version,
        releaseVersion: amiType === 'CUSTOM' ? undefined : (input.releaseVersion ?? latestRelease(version)),
        createdAt: now,
        modifiedAt: now,
        status: 'CREATING',
        capacityType: input.capacityType ?? 'ON_DEMAND',
        scalingConfig,
        instanceTypes,
        subnets: input.subnets,
        remoteAccess: input.remoteAccess,
        amiType,
        nodeRole: input.nodeRole,
        labels: input.labels ?? {},
        taints: input.taints?.length ? input.taints : undefined,
        diskSize: lt ? undefined : (input.diskSize ?? defaultDiskSize(amiType)),
        health: { issues: [] },
        updateConfig: input.updateConfig?.maxUnavailable !== undefined || input.updateConfig?.maxUnavailablePercentage !== undefined ? input.updateConfig : { ...input.updateConfig, maxUnavailable: 1 },
        nodeRepairConfig: input.nodeRepairConfig,
        launchTemplate: template?.spec,
        tags: input.tags ?? {},
        warmPoolConfig: input.warmPoolConfig,
        asgName: asgNameOf(name, id),
        clientRequestToken: input.clientRequestToken,
        lifecycle: { phase: 'provision', startedAt: now, dueAt: now },
      };
      if (!(await table.create(childId(clusterName, name), rec))) throw eksError('ResourceInUseException', NG_MSG.exists(name, clusterName), f);
      rt.log.info({ cluster: clusterName, nodegroup: name, account: scope.account, region: scope.region }, 'eks nodegroup creating');
      kick(rt, KIND.nodegroups, scope, childId(clusterName, name), rec);
      return { nodegroup: nodegroupView(rec) };
    },

    async DescribeNodegroup(input, ctx) {
      const scope = scopeOf(ctx);
      const clusterName = input.clusterName as string;
      const name = input.nodegroupName as string;
      await requireCluster(rt, scope, clusterName, { nodegroupName: name });
      const n = await nodegroupTable(rt.store, scope).get(childId(clusterName, name));
      if (!n) throw eksError('ResourceNotFoundException', NG_MSG.notFound(name), { clusterName, nodegroupName: name });
      return { nodegroup: nodegroupView(n.value) };
    },

    async ListNodegroups(input, ctx) {
      const scope = scopeOf(ctx);
      const clusterName = input.clusterName as string;
      await requireCluster(rt, scope, clusterName);
      const after = decodeToken(input.nextToken, { clusterName }).after;
      const page = await nodegroupTable(rt.store, scope).page(`${clusterName}/`, pageSize(input.maxResults), after);
      const last = page.items[page.items.length - 1];
      return { nodegroups: page.items.map((i) => i.value.nodegroupName), nextToken: page.more && last ? encodeToken({ after: last.id }) : undefined };
    },

    async DeleteNodegroup(input, ctx) {
      const scope = scopeOf(ctx);
      const clusterName = input.clusterName as string;
      const name = input.nodegroupName as string;
      const f = { clusterName, nodegroupName: name };
      await requireCluster(rt, scope, clusterName, { nodegroupName: name });
      const refusal: { err?: Error } = {};
      const now = rt.clock.now();
      const next = await mutate(nodegroupTable(rt.store, scope), childId(clusterName, name), (n): NodegroupRecord | undefined => {
        if (n.status === 'DELETING') return undefined;
        if (n.activeUpdateId) {
          refusal.err = eksError('ResourceInUseException', NG_MSG.deleteDuringUpdate(name, n.activeUpdateId), f);
          return undefined;
        }
        return { ...n, status: 'DELETING', modifiedAt: now, lifecycle: { phase: 'delete', startedAt: now, dueAt: now } };
      });
      if (refusal.err) throw refusal.err;
      if (!next) throw eksError('ResourceNotFoundException', NG_MSG.notFound(name), f);
      if (next.lifecycle?.phase === 'delete' && next.lifecycle.startedAt === now) rt.log.info({ cluster: clusterName, nodegroup: name }, 'eks nodegroup deleting');
      kick(rt, KIND.nodegroups, scope, childId(clusterName, name), next);
      return { nodegroup: nodegroupView(next) };
    },
  };
}
