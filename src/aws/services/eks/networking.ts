/**
 * Subnet and security group checks of CreateCluster and UpdateClusterConfig, through the
 * injected EC2 contract: missing subnets and groups are EKS's InvalidParameterException wrapping
 * EC2's error, subnets must share one VPC and span two AZs (semantics doc §2 error table, §4).
 */
import type { SubnetInfo } from '../contracts.js';
import { eksError, MSG } from './errors.js';
import type { EksRuntime } from './runtime.js';
import type { Scope } from './state.js';

/**
 * The subnets, checked: all exist, one VPC (`vpcId` when given: that one), at least two AZs.
 * `requestId` goes into the wrapped EC2 message, as EKS quotes EC2's request id there.
 */
export async function checkSubnets(rt: EksRuntime, scope: Scope, clusterName: string, ids: readonly string[], requestId: string, vpcId?: string): Promise<SubnetInfo[]> {
  const f = { clusterName };
  const found = await rt.ec2.describeSubnets(scope.account, scope.region, [...ids]);
  const byId = new Map(found.map((s) => [s.subnetId, s]));
  const missing = ids.find((id) => !byId.has(id));
  if (missing !== undefined) throw eksError('InvalidParameterException', MSG.subnetNotFound(missing, requestId), f);
  const subnets = ids.map((id) => byId.get(id)!);
  const vpcs = new Set(subnets.map((s) => s.vpcId));
  if (vpcId !== undefined && subnets.some((s) => s.vpcId !== vpcId)) throw eksError('InvalidParameterException', MSG.vpcChange(vpcId), f);
  if (vpcs.size > 1) throw eksError('InvalidParameterException', MSG.subnetsOneVpc, f);
  if (new Set(subnets.map((s) => s.availabilityZone)).size < 2) throw eksError('InvalidParameterException', MSG.subnetsTwoAzs, f);
  return subnets;
}

/** The security groups, checked: all exist and are in `vpcId`. */
export async function checkSecurityGroups(rt: EksRuntime, scope: Scope, clusterName: string, ids: readonly string[], vpcId: string, requestId: string): Promise<void> {
  if (!ids.length) return;
  const f = { clusterName };
  const found = new Map((await rt.ec2.describeSecurityGroups(scope.account, scope.region, [...ids])).map((g) => [g.groupId, g.vpcId]));
  for (const id of ids) {
    const v = found.get(id);
    if (v === undefined) throw eksError('InvalidParameterException', MSG.securityGroupNotFound(id, requestId), f);
    if (v !== vpcId) throw eksError('InvalidParameterException', MSG.securityGroupVpc(id, vpcId), f);
  }
}
