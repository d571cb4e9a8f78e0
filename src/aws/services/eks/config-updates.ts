/**
 * UpdateClusterConfig's update types (shared/research/eks-semantics.md §2 "Update objects"):
 * which members of the request make which update type, and for each type how the request turns
 * into the Update's params (strings; structured values as JSON) and the change applied when it
 * succeeds — or into EKS's "already at the desired configuration" 400.
 */
import { applyLogging, enabledLogTypes, invalidPublicCidrs, sameSet } from './cluster-config.js';
import { eksError, MSG } from './errors.js';
import { checkSecurityGroups, checkSubnets } from './networking.js';
import type { EksRuntime } from './runtime.js';
import type { ClusterRecord, Scope, UpdateParam } from './state.js';
import type { UpdateSpec } from './update-machine.js';

/** The request members of UpdateClusterConfig (already validated against the model). */
export interface ConfigRequest {
  resourcesVpcConfig?: { subnetIds?: string[]; securityGroupIds?: string[]; endpointPublicAccess?: boolean; endpointPrivateAccess?: boolean; publicAccessCidrs?: string[] };
  logging?: { clusterLogging?: { types?: string[]; enabled?: boolean }[] };
  accessConfig?: { authenticationMode?: string };
  upgradePolicy?: { supportType?: string };
  zonalShiftConfig?: { enabled?: boolean };
  computeConfig?: Record<string, unknown>;
  kubernetesNetworkConfig?: { elasticLoadBalancing?: { enabled?: boolean } };
  storageConfig?: Record<string, unknown>;
  remoteNetworkConfig?: Record<string, unknown>;
  deletionProtection?: boolean;
  controlPlaneScalingConfig?: { tier?: string };
}

/** What a builder needs. */
export interface BuildContext {
  rt: EksRuntime;
  scope: Scope;
  cluster: ClusterRecord;
  requestId: string;
}

type Builder = (req: ConfigRequest, b: BuildContext) => Promise<Omit<UpdateSpec, 'type' | 'durationMs'>>;

const has = (o: object | undefined, ...keys: string[]): boolean => !!o && keys.some((k) => (o as Record<string, unknown>)[k] !== undefined);
const json = (v: unknown): string => JSON.stringify(v);
const param = (type: string, value: string): UpdateParam => ({ type, value });
const same = (a: unknown, b: unknown): boolean => json(a ?? null) === json(b ?? null);
const noChange = (b: BuildContext, what: string) => eksError('InvalidParameterException', MSG.noChange(what), { clusterName: b.cluster.name });

/** The update types a request asks for, in the model's UpdateType order. */
export function requestedTypes(req: ConfigRequest): string[] {
  const out: string[] = [];
  const vpc = req.resourcesVpcConfig;
  if (has(vpc, 'endpointPublicAccess', 'endpointPrivateAccess', 'publicAccessCidrs')) out.push('EndpointAccessUpdate');
  if (req.logging?.clusterLogging !== undefined) out.push('LoggingUpdate');
  if (has(vpc, 'subnetIds', 'securityGroupIds')) out.push('VpcConfigUpdate');
  if (req.accessConfig?.authenticationMode !== undefined) out.push('AccessConfigUpdate');
  if (req.upgradePolicy?.supportType !== undefined) out.push('UpgradePolicyUpdate');
  if (req.zonalShiftConfig?.enabled !== undefined) out.push('ZonalShiftConfigUpdate');
  if (req.computeConfig || req.storageConfig || req.kubernetesNetworkConfig) out.push('AutoModeUpdate');
  if (req.remoteNetworkConfig) out.push('RemoteNetworkConfigUpdate');
  if (req.deletionProtection !== undefined) out.push('DeletionProtectionUpdate');
  if (req.controlPlaneScalingConfig?.tier !== undefined) out.push('ControlPlaneScalingConfigUpdate');
  return out;
}

/** authenticationMode moves one way only: CONFIG_MAP → API_AND_CONFIG_MAP → API (semantics doc §3). */
const AUTH_MODE_NEXT: Record<string, string> = { CONFIG_MAP: 'API_AND_CONFIG_MAP', API_AND_CONFIG_MAP: 'API' };

/** The builder of each update type. */
export const BUILDERS: Record<string, Builder> = {
  async EndpointAccessUpdate(req, b) {
    const cur = b.cluster.resourcesVpcConfig;
    const vpc = req.resourcesVpcConfig!;
    const pub = vpc.endpointPublicAccess ?? cur.endpointPublicAccess;
    const priv = vpc.endpointPrivateAccess ?? cur.endpointPrivateAccess;
    const cidrs = vpc.publicAccessCidrs ?? cur.publicAccessCidrs;
    const bad = invalidPublicCidrs(cidrs, b.cluster.kubernetesNetworkConfig.ipFamily === 'ipv6');
    if (bad.length) throw eksError('InvalidParameterException', MSG.invalidCidrs(bad), { clusterName: b.cluster.name });
    if (pub === cur.endpointPublicAccess && priv === cur.endpointPrivateAccess && sameSet(cidrs, cur.publicAccessCidrs))
      throw eksError('InvalidParameterException', MSG.endpointNoChange(priv, pub, cidrs), { clusterName: b.cluster.name });
    return {
      params: [param('EndpointPublicAccess', String(pub)), param('EndpointPrivateAccess', String(priv)), param('PublicAccessCidrs', json(cidrs))],
      change: { resourcesVpcConfig: { ...cur, endpointPublicAccess: pub, endpointPrivateAccess: priv, publicAccessCidrs: cidrs } },
    };
  },

  async LoggingUpdate(req, b) {
    const cur = b.cluster.logging.clusterLogging;
    const next = applyLogging(cur, req.logging!.clusterLogging!);
    if (sameSet([...enabledLogTypes(cur)], [...enabledLogTypes(next)])) throw eksError('InvalidParameterException', MSG.loggingNoChange, { clusterName: b.cluster.name });
    return { params: [param('ClusterLogging', json(req.logging))], change: { logging: { clusterLogging: next } } };
  },

  async VpcConfigUpdate(req, b) {
    const cur = b.cluster.resourcesVpcConfig;
    const subnetIds = req.resourcesVpcConfig!.subnetIds ?? cur.subnetIds;
    const securityGroupIds = req.resourcesVpcConfig!.securityGroupIds ?? cur.securityGroupIds;
    if (sameSet(subnetIds, cur.subnetIds) && sameSet(securityGroupIds, cur.securityGroupIds)) throw noChange(b, 'VPC configuration');
    await checkSubnets(b.rt, b.scope, b.cluster.name, subnetIds, b.requestId, cur.vpcId);
    await checkSecurityGroups(b.rt, b.scope, b.cluster.name, securityGroupIds, cur.vpcId, b.requestId);
    return { params: [param('Subnets', json(subnetIds)), param('SecurityGroups', json(securityGroupIds))], change: { resourcesVpcConfig: { ...cur, subnetIds, securityGroupIds } } };
  },

  async AccessConfigUpdate(req, b) {
    const from = b.cluster.accessConfig.authenticationMode;
    const to = req.accessConfig!.authenticationMode!;
    if (AUTH_MODE_NEXT[from] !== to) throw eksError('InvalidParameterException', MSG.authModeUpdate(from, to), { clusterName: b.cluster.name });
    return { params: [param('AuthenticationMode', to)], change: { accessConfig: { ...b.cluster.accessConfig, authenticationMode: to } } };
  },

  async UpgradePolicyUpdate(req, b) {
    const next = { supportType: req.upgradePolicy!.supportType };
    if (same(next, b.cluster.upgradePolicy)) throw noChange(b, 'upgrade policy');
    return { params: [param('UpgradePolicy', json(next))], change: { upgradePolicy: next } };
  },

  async ZonalShiftConfigUpdate(req, b) {
    const next = { enabled: req.zonalShiftConfig!.enabled };
    if (same(next, b.cluster.zonalShiftConfig ?? { enabled: false })) throw noChange(b, 'zonal shift config');
    return { params: [param('ZonalShiftConfig', json(next))], change: { zonalShiftConfig: next } };
  },

  async AutoModeUpdate(req, b) {
    const c = b.cluster;
    const params: UpdateParam[] = [];
    const change: Record<string, unknown> = {};
    if (req.computeConfig && !same(req.computeConfig, c.computeConfig)) {
      params.push(param('ComputeConfig', json(req.computeConfig)));
      change.computeConfig = req.computeConfig;
    }
    if (req.storageConfig && !same(req.storageConfig, c.storageConfig)) {
      params.push(param('StorageConfig', json(req.storageConfig)));
      change.storageConfig = req.storageConfig;
    }
    const elb = req.kubernetesNetworkConfig?.elasticLoadBalancing;
    if (elb && !same(elb, c.kubernetesNetworkConfig.elasticLoadBalancing)) {
      params.push(param('KubernetesNetworkConfig', json(req.kubernetesNetworkConfig)));
      change.kubernetesNetworkConfig = { ...c.kubernetesNetworkConfig, elasticLoadBalancing: elb };
    }
    if (!params.length) throw noChange(b, 'Auto Mode configuration');
    return { params, change };
  },

  async RemoteNetworkConfigUpdate(req, b) {
    if (same(req.remoteNetworkConfig, b.cluster.remoteNetworkConfig)) throw noChange(b, 'remote network config');
    return { params: [param('RemoteNetworkConfig', json(req.remoteNetworkConfig))], change: { remoteNetworkConfig: req.remoteNetworkConfig } };
  },

  async DeletionProtectionUpdate(req, b) {
    if (req.deletionProtection === b.cluster.deletionProtection) throw noChange(b, 'deletion protection');
    return { params: [param('DeletionProtection', String(req.deletionProtection))], change: { deletionProtection: req.deletionProtection } };
  },

  async ControlPlaneScalingConfigUpdate(req, b) {
    const previous = b.cluster.controlPlaneScalingConfig?.tier ?? 'standard';
    const tier = req.controlPlaneScalingConfig!.tier!;
    if (tier === previous) throw noChange(b, 'control plane scaling config');
    return { params: [param('UpdatedTier', tier), param('PreviousTier', previous)], change: { controlPlaneScalingConfig: { tier } } };
  },
};
