/**
 * VPCs: CreateVpc (with its main route table and default security group), DescribeVpcs,
 * DeleteVpc (refused with DependencyViolation while subnets, gateways, extra route tables or
 * security groups, interfaces or NAT gateways remain), ModifyVpcAttribute, DescribeVpcAttribute.
 */
import { buildVpcSet } from '../builders.js';
import { parseCidr } from '../cidr.js';
import { Ec2Errors } from '../errors.js';
import { applyFilters } from '../filters.js';
import { createNamedGroup, deleteNamedGroup } from '../group-names.js';
import { op, type AttributeBoolean, type DescribeInput, type Ec2Handler, type TagSpec } from '../handler.js';
import { newId } from '../ids.js';
import type { VpcDoc } from '../model.js';
import { paginate } from '../paginate.js';
import type { Ec2Region } from '../state.js';
import { tagsFromSpecs } from '../tags.js';

/** The wire form of a VPC. */
export function vpcWire(v: VpcDoc): Record<string, unknown> {
  return { ...v, Ipv6CidrBlockAssociationSet: [] };
}

const FIELDS = {
  'vpc-id': (v: VpcDoc) => v.VpcId,
  cidr: (v: VpcDoc) => v.CidrBlock,
  'cidr-block-association.cidr-block': (v: VpcDoc) => v.CidrBlockAssociationSet.map((a) => a.CidrBlock),
  'cidr-block-association.association-id': (v: VpcDoc) => v.CidrBlockAssociationSet.map((a) => a.AssociationId),
  'cidr-block-association.state': (v: VpcDoc) => v.CidrBlockAssociationSet.map((a) => a.CidrBlockState.State),
  'dhcp-options-id': (v: VpcDoc) => v.DhcpOptionsId,
  'is-default': (v: VpcDoc) => v.IsDefault,
  'owner-id': (v: VpcDoc) => v.OwnerId,
  state: (v: VpcDoc) => v.State,
  'instance-tenancy': (v: VpcDoc) => v.InstanceTenancy,
};

/** Creates a VPC set (VPC, main route table, default group); used by CreateVpc. */
export async function createVpc(r: Ec2Region, cidr: string, o: { tenancy?: string; tags?: VpcDoc['Tags'] } = {}): Promise<VpcDoc> {
  const c = parseCidr(cidr);
  if (!c) throw Ec2Errors.badCidr(cidr);
  if (c.prefix < 16 || c.prefix > 28) throw Ec2Errors.vpcRange(cidr);
  const set = buildVpcSet((prefix) => newId(prefix), { account: r.account, region: r.region, cidr, isDefault: false, tenancy: o.tenancy, tags: o.tags });
  await r.routeTables.create(set.mainRouteTable.RouteTableId, set.mainRouteTable);
  await createNamedGroup(r, set.defaultGroup);
  await r.vpcs.create(set.vpc.VpcId, set.vpc);
  return set.vpc;
}

async function hasDependencies(r: Ec2Region, v: VpcDoc): Promise<boolean> {
  const inVpc = (x: { VpcId: string }) => x.VpcId === v.VpcId;
  if ((await r.all(r.subnets)).some(inVpc)) return true;
  if ((await r.all(r.igws)).some((g) => g.Attachments.some((a) => a.VpcId === v.VpcId))) return true;
  if ((await r.all(r.routeTables)).some((t) => inVpc(t) && t.RouteTableId !== v.mainRouteTableId)) return true;
  if ((await r.all(r.groups)).some((g) => inVpc(g) && g.GroupId !== v.defaultGroupId)) return true;
  if ((await r.all(r.enis)).some(inVpc)) return true;
  return (await r.all(r.natGateways)).some((n) => inVpc(n) && n.state !== 'deleted');
}

/** CreateVpc, DescribeVpcs, DeleteVpc, ModifyVpcAttribute, DescribeVpcAttribute. */
export const vpcHandlers: Record<string, Ec2Handler> = {
  CreateVpc: op<{ CidrBlock?: string; InstanceTenancy?: string; TagSpecifications?: TagSpec[] }>(async (i, r) => {
    if (!i.CidrBlock) throw Ec2Errors.cidrOrPool();
    const vpc = await createVpc(r, i.CidrBlock, { tenancy: i.InstanceTenancy, tags: tagsFromSpecs(i.TagSpecifications, 'vpc') });
    return { Vpc: { ...vpcWire(vpc), State: 'pending' } };
  }),

  DescribeVpcs: op<DescribeInput & { VpcIds?: string[] }>(async (i, r) => {
    const vpcs = applyFilters(await r.byIds(r.vpcs, i.VpcIds, Ec2Errors.vpcNotFound), i.Filters, FIELDS, (v) => v.Tags);
    const { page, nextToken } = paginate(vpcs, (v) => v.VpcId, { maxResults: i.MaxResults, nextToken: i.NextToken });
    return { Vpcs: page.map(vpcWire), NextToken: nextToken };
  }),

  DeleteVpc: op<{ VpcId: string }>(async (i, r) => {
    const v = await r.vpc(i.VpcId);
    if (await hasDependencies(r, v)) throw Ec2Errors.dependency('vpc', v.VpcId);
    await r.vpcs.delete(v.VpcId);
    await r.routeTables.delete(v.mainRouteTableId);
    const defaultGroup = (await r.groups.get(v.defaultGroupId))?.value;
    if (defaultGroup) await deleteNamedGroup(r, defaultGroup);
    return {};
  }),

  ModifyVpcAttribute: op<{ VpcId: string; EnableDnsSupport?: AttributeBoolean; EnableDnsHostnames?: AttributeBoolean; EnableNetworkAddressUsageMetrics?: AttributeBoolean }>(async (i, r) => {
    const given = [i.EnableDnsSupport, i.EnableDnsHostnames, i.EnableNetworkAddressUsageMetrics].filter((x) => x !== undefined);
    if (given.length !== 1) throw Ec2Errors.attributeRequired();
    const v = await r.vpc(i.VpcId);
    if (i.EnableDnsHostnames?.Value && !v.enableDnsSupport) throw Ec2Errors.dnsHostnamesNeedSupport();
    await r.vpcs.modify(v.VpcId, (x) => ({
      ...x,
      enableDnsSupport: i.EnableDnsSupport?.Value ?? x.enableDnsSupport,
      enableDnsHostnames: i.EnableDnsHostnames?.Value ?? x.enableDnsHostnames,
      enableNetworkAddressUsageMetrics: i.EnableNetworkAddressUsageMetrics?.Value ?? x.enableNetworkAddressUsageMetrics,
    }));
    return {};
  }),

  DescribeVpcAttribute: op<{ VpcId: string; Attribute: 'enableDnsSupport' | 'enableDnsHostnames' | 'enableNetworkAddressUsageMetrics' }>(async (i, r) => {
    const v = await r.vpc(i.VpcId);
    const key = i.Attribute.charAt(0).toUpperCase() + i.Attribute.slice(1);
    return { VpcId: v.VpcId, [key]: { Value: v[i.Attribute] } };
  }),
};
