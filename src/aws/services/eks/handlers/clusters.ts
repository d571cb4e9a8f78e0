/**
 * CreateCluster, DescribeCluster, ListClusters, DeleteCluster (shared/research/eks-semantics.md
 * §1–§2). CreateCluster refuses synchronously what EKS refuses synchronously (name taken,
 * unsupported version, role that does not exist or does not trust eks.amazonaws.com, subnets
 * missing / in one AZ / in several VPCs, CONFIG_MAP without creator admin), creates the cluster
 * security group, stores the cluster CREATING and leaves the rest to the state machine
 * (../cluster-machine.ts).
 */
import { randomUUID } from 'node:crypto';
import type { KeyValue } from '../../../../store/types.js';
import { reusableOutput } from '../../../router.js';
import type { AwsHandler } from '../../../types.js';
import { applyLogging, CLUSTER_SG_DESCRIPTION, clusterSecurityGroupName, defaultServiceCidr, invalidPublicCidrs, serviceIpv6Cidr, validServiceCidr } from '../cluster-config.js';
import { validateEncryptionConfig } from '../encryption.js';
import { eksError, MSG } from '../errors.js';
import { checkSecurityGroups, checkSubnets } from '../networking.js';
import { decodeToken, encodeToken, pageSize } from '../paging.js';
import { kick, mutate, requireCluster, scopeOf, tables, type EksRuntime } from '../runtime.js';
import { eksArn, KIND, type AuthenticationMode, type ClusterRecord } from '../state.js';
import { DEFAULT_VERSION, supportedVersion } from '../versions.js';
import { clusterView } from '../views.js';

interface CreateClusterInput {
  name: string;
  version?: string;
  roleArn: string;
  resourcesVpcConfig: { subnetIds?: string[]; securityGroupIds?: string[]; endpointPublicAccess?: boolean; endpointPrivateAccess?: boolean; publicAccessCidrs?: string[] };
  kubernetesNetworkConfig?: { serviceIpv4Cidr?: string; ipFamily?: 'ipv4' | 'ipv6'; elasticLoadBalancing?: { enabled: boolean } };
  logging?: { clusterLogging?: { types?: string[]; enabled?: boolean }[] };
  clientRequestToken?: string;
  tags?: Record<string, string>;
  encryptionConfig?: { resources?: string[]; provider?: { keyArn?: string } }[];
  accessConfig?: { bootstrapClusterCreatorAdminPermissions?: boolean; authenticationMode?: AuthenticationMode };
  bootstrapSelfManagedAddons?: boolean;
  upgradePolicy?: { supportType?: 'STANDARD' | 'EXTENDED' };
  zonalShiftConfig?: { enabled?: boolean };
  remoteNetworkConfig?: Record<string, unknown>;
  computeConfig?: Record<string, unknown>;
  storageConfig?: Record<string, unknown>;
  deletionProtection?: boolean;
  controlPlaneScalingConfig?: { tier: string };
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\-/]+$/;

/** DescribeCluster's answer per stored version of a cluster record (see Table.getMemo). */
const described = new WeakMap<KeyValue, Record<string, unknown>>();

/** The cluster handlers. */
export function clusterHandlers(rt: EksRuntime): Record<string, AwsHandler> {
  return {
    async CreateCluster(raw, ctx) {
      const input = raw as unknown as CreateClusterInput;
      const scope = scopeOf(ctx);
      const name = input.name;
      const f = { clusterName: name };
      const t = tables(rt, scope);
      const existing = await t.clusters.get(name);
      if (existing && input.clientRequestToken && existing.value.clientRequestToken === input.clientRequestToken) return { cluster: clusterView(existing.value) };
      if (existing) throw eksError('ResourceInUseException', MSG.clusterExists(name), f);
      const version = input.version ?? DEFAULT_VERSION;
      const v = supportedVersion(version);
      if (!v) throw eksError('InvalidParameterException', MSG.unsupportedVersion, f);
      if (!ROLE_ARN.test(input.roleArn)) throw eksError('InvalidParameterException', MSG.invalidRoleArn(input.roleArn), f);
      const role = await rt.iam.getRole(scope.account, input.roleArn);
      if (!role || !(await rt.iam.roleTrusts(scope.account, input.roleArn, 'eks.amazonaws.com'))) throw eksError('InvalidParameterException', MSG.roleNotAssumable(input.roleArn), f);
      const authenticationMode = input.accessConfig?.authenticationMode ?? 'CONFIG_MAP';
      const bootstrapAdmin = input.accessConfig?.bootstrapClusterCreatorAdminPermissions ?? true;
      if (authenticationMode === 'CONFIG_MAP' && !bootstrapAdmin) throw eksError('InvalidParameterException', MSG.creatorAdminRequired, f);

      const vpc = input.resourcesVpcConfig;
      const subnets = await checkSubnets(rt, scope, name, vpc.subnetIds ?? [], ctx.requestId);
      const vpcId = subnets[0]!.vpcId;
      const securityGroupIds = vpc.securityGroupIds ?? [];
      await checkSecurityGroups(rt, scope, name, securityGroupIds, vpcId, ctx.requestId);
      const ipFamily = input.kubernetesNetworkConfig?.ipFamily ?? 'ipv4';
      const publicAccessCidrs = vpc.publicAccessCidrs ?? (ipFamily === 'ipv6' ? ['0.0.0.0/0', '::/0'] : ['0.0.0.0/0']);
      const badCidrs = invalidPublicCidrs(publicAccessCidrs, ipFamily === 'ipv6');
      if (badCidrs.length) throw eksError('InvalidParameterException', MSG.invalidCidrs(badCidrs), f);
      const subnetCidrs = subnets.map((s) => s.cidrBlock);
      const customCidr = input.kubernetesNetworkConfig?.serviceIpv4Cidr;
      if (customCidr !== undefined && !validServiceCidr(customCidr, subnetCidrs)) throw eksError('InvalidParameterException', MSG.invalidServiceCidr(customCidr), f);
      const encryptionConfig = input.encryptionConfig?.length ? validateEncryptionConfig(input.encryptionConfig, name) : undefined;

      const id = randomUUID();
      const now = rt.clock.now();
      const sgName = clusterSecurityGroupName(name, id);
      const clusterSecurityGroupId = await rt.ec2.createSecurityGroup(scope.account, scope.region, {
        vpcId,
        name: sgName,
        description: CLUSTER_SG_DESCRIPTION,
        tags: { Name: sgName, 'aws:eks:cluster-name': name, [`kubernetes.io/cluster/${name}`]: 'owned' },
      });
      const rec: ClusterRecord = {
        name,
        arn: eksArn(scope, `cluster/${name}`),
        id,
        createdAt: now,
        version,
        platformVersion: v.platformVersion ?? 'eks.1',
        roleArn: input.roleArn,
        status: 'CREATING',
        resourcesVpcConfig: {
          subnetIds: vpc.subnetIds ?? [],
          securityGroupIds,
          clusterSecurityGroupId,
          vpcId,
          endpointPublicAccess: vpc.endpointPublicAccess ?? true,
          endpointPrivateAccess: vpc.endpointPrivateAccess ?? false,
          publicAccessCidrs,
        },
        kubernetesNetworkConfig: {
          ipFamily,
          ...(ipFamily === 'ipv6' ? { serviceIpv6Cidr: serviceIpv6Cidr(id) } : { serviceIpv4Cidr: customCidr ?? defaultServiceCidr(subnetCidrs) }),
          ...(input.kubernetesNetworkConfig?.elasticLoadBalancing ? { elasticLoadBalancing: input.kubernetesNetworkConfig.elasticLoadBalancing } : {}),
        },
        logging: { clusterLogging: applyLogging([], input.logging?.clusterLogging ?? []) },
        clientRequestToken: input.clientRequestToken,
        tags: input.tags ?? {},
        encryptionConfig,
        health: { issues: [] },
        accessConfig: { authenticationMode, bootstrapClusterCreatorAdminPermissions: bootstrapAdmin },
        upgradePolicy: { supportType: input.upgradePolicy?.supportType ?? 'EXTENDED' },
        zonalShiftConfig: input.zonalShiftConfig?.enabled !== undefined ? { enabled: input.zonalShiftConfig.enabled } : undefined,
        remoteNetworkConfig: input.remoteNetworkConfig,
        computeConfig: input.computeConfig,
        storageConfig: input.storageConfig,
        controlPlaneScalingConfig: input.controlPlaneScalingConfig,
        deletionProtection: input.deletionProtection ?? false,
        bootstrapSelfManagedAddons: input.bootstrapSelfManagedAddons ?? true,
        lifecycle: { phase: 'provision', startedAt: now, dueAt: now },
        creatorArn: ctx.principal.roleArn ?? ctx.principal.arn,
      };
      if (!(await t.clusters.create(name, rec))) {
        await rt.ec2.deleteSecurityGroup(scope.account, scope.region, clusterSecurityGroupId).catch(() => undefined);
        throw eksError('ResourceInUseException', MSG.clusterExists(name), f);
      }
      rt.log.info({ cluster: name, account: scope.account, region: scope.region, version }, 'eks cluster creating');
      kick(rt, KIND.clusters, scope, name, rec);
      return { cluster: clusterView(rec) };
    },

    async DescribeCluster(input, ctx) {
      const name = input.name as string;
      const out = await tables(rt, scopeOf(ctx)).clusters.getMemo(name, described, (c) => reusableOutput({ cluster: clusterView(c) }));
      if (!out) throw eksError('ResourceNotFoundException', MSG.clusterNotFound(name), { clusterName: name });
      return out;
    },

    async ListClusters(input, ctx) {
      const after = decodeToken(input.nextToken).after;
      // Cluster records are keyed by name: the keys are the answer.
      const page = await tables(rt, scopeOf(ctx)).clusters.pageIds('', pageSize(input.maxResults), after);
      const last = page.ids[page.ids.length - 1];
      return { clusters: page.ids, nextToken: page.more && last ? encodeToken({ after: last }) : undefined };
    },

    async DeleteCluster(input, ctx) {
      const scope = scopeOf(ctx);
      const name = input.name as string;
      const f = { clusterName: name };
      const read = await requireCluster(rt, scope, name);
      const cur = read.value;
      if (cur.status === 'DELETING') return { cluster: clusterView(cur) };
      if (cur.activeUpdateId) throw eksError('ResourceInUseException', MSG.deleteDuringUpdate(name), f);
      if (cur.deletionProtection && (cur.status === 'ACTIVE' || cur.status === 'UPDATING')) throw eksError('InvalidRequestException', MSG.deletionProtected(name), f);
      if ((await rt.dependents.nodegroups(scope, name)).length) throw eksError('ResourceInUseException', MSG.clusterHasNodegroups, f);
      if ((await rt.dependents.fargateProfiles(scope, name)).length) throw eksError('ResourceInUseException', MSG.clusterHasFargateProfiles, f);
      const refusal: { err?: Error } = {};
      const now = rt.clock.now();
      const next = await mutate(tables(rt, scope).clusters, name, (c): ClusterRecord | undefined => {
        if (c.status === 'DELETING') return undefined;
        if (c.activeUpdateId) {
          refusal.err = eksError('ResourceInUseException', MSG.deleteDuringUpdate(name), f);
          return undefined;
        }
        return { ...c, status: 'DELETING', lifecycle: { phase: 'delete', startedAt: now, dueAt: now + rt.timings.clusterDelete } };
      }, read);
      if (refusal.err) throw refusal.err;
      if (!next) throw eksError('ResourceNotFoundException', MSG.clusterNotFound(name), f);
      rt.log.info({ cluster: name, account: scope.account, region: scope.region }, 'eks cluster deleting');
      kick(rt, KIND.clusters, scope, name, next);
      return { cluster: clusterView(next) };
    },
  };
}
