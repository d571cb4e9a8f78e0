/**
 * Subnets: CreateSubnet with EC2's checks in its order — the VPC exists, the zone is one of the
 * region's, the CIDR parses, is /16–/28 and inside the VPC (InvalidSubnet.Range), overlaps no other
 * subnet of the VPC (InvalidSubnet.Conflict) — DescribeSubnets (AvailableIpAddressCount = size − 5 −
 * addresses in use), DeleteSubnet (DependencyViolation while interfaces or addresses remain),
 * ModifySubnetAttribute.
 */
import { buildSubnet } from '../builders.js';
import { cidrContains, cidrOverlaps, parseCidr } from '../cidr.js';
import { Ec2Errors } from '../errors.js';
import { applyFilters } from '../filters.js';
import { op, type AttributeBoolean, type DescribeInput, type Ec2Handler, type TagSpec } from '../handler.js';
import { newId } from '../ids.js';
import type { SubnetDoc } from '../model.js';
import { paginate } from '../paginate.js';
import { zonesOf } from '../regions.js';
import type { Ec2Region } from '../state.js';
import { tagsFromSpecs } from '../tags.js';

/** The wire form of a subnet with its current free address count. */
export async function subnetWire(r: Ec2Region, s: SubnetDoc): Promise<Record<string, unknown> & { AvailableIpAddressCount: number }> {
  return { ...s, Ipv6CidrBlockAssociationSet: [], AvailableIpAddressCount: await r.ipam.available(s) };
}

const FIELDS = {
  'subnet-id': (s: SubnetDoc) => s.SubnetId,
  'vpc-id': (s: SubnetDoc) => s.VpcId,
  'availability-zone': (s: SubnetDoc) => s.AvailabilityZone,
  availabilityZone: (s: SubnetDoc) => s.AvailabilityZone,
  'availability-zone-id': (s: SubnetDoc) => s.AvailabilityZoneId,
  'cidr-block': (s: SubnetDoc) => s.CidrBlock,
  cidr: (s: SubnetDoc) => s.CidrBlock,
  cidrBlock: (s: SubnetDoc) => s.CidrBlock,
  'default-for-az': (s: SubnetDoc) => s.DefaultForAz,
  defaultForAz: (s: SubnetDoc) => s.DefaultForAz,
  'map-public-ip-on-launch': (s: SubnetDoc) => s.MapPublicIpOnLaunch,
  state: (s: SubnetDoc) => s.State,
  'owner-id': (s: SubnetDoc) => s.OwnerId,
  'subnet-arn': (s: SubnetDoc) => s.SubnetArn,
};

interface CreateSubnetInput {
  VpcId: string;
  CidrBlock?: string;
  AvailabilityZone?: string;
  AvailabilityZoneId?: string;
  TagSpecifications?: TagSpec[];
}

/** CreateSubnet's checks and write; returns the new subnet. */
export async function createSubnet(r: Ec2Region, i: CreateSubnetInput): Promise<SubnetDoc> {
  const vpc = await r.vpc(i.VpcId);
  const zones = zonesOf(r.region);
  const siblings = (await r.all(r.subnets)).filter((s) => s.VpcId === vpc.VpcId);
  let zone = zones.find((z) => z.name === i.AvailabilityZone);
  if (i.AvailabilityZone !== undefined && !zone) throw Ec2Errors.subnetZone(i.AvailabilityZone, zones.map((z) => z.name));
  if (i.AvailabilityZoneId !== undefined) {
    const byId = zones.find((z) => z.id === i.AvailabilityZoneId);
    if (!byId || (zone && zone !== byId)) throw Ec2Errors.subnetZone(i.AvailabilityZoneId, zones.map((z) => z.id), 'availabilityZoneId');
    zone = byId;
  }
  zone ??= [...zones].sort((a, b) => siblings.filter((s) => s.AvailabilityZone === a.name).length - siblings.filter((s) => s.AvailabilityZone === b.name).length)[0]!;
  if (!i.CidrBlock) throw Ec2Errors.cidrOrPool();
  const c = parseCidr(i.CidrBlock);
  if (!c) throw Ec2Errors.badCidr(i.CidrBlock);
  const inVpc = vpc.CidrBlockAssociationSet.some((a) => {
    const v = parseCidr(a.CidrBlock);
    return v !== undefined && cidrContains(v, c);
  });
  if (c.prefix < 16 || c.prefix > 28 || !inVpc) throw Ec2Errors.subnetRange(i.CidrBlock);
  if (siblings.some((s) => cidrOverlaps(parseCidr(s.CidrBlock)!, c))) throw Ec2Errors.subnetConflict(i.CidrBlock);
  const subnetId = newId('subnet');
  const doc = buildSubnet({ subnetId, account: r.account, region: r.region, vpcId: vpc.VpcId, cidr: i.CidrBlock, zone, isDefault: false, tags: tagsFromSpecs(i.TagSpecifications, 'subnet') });
  await r.subnets.create(subnetId, doc);
  return doc;
}

interface ModifySubnetInput {
  SubnetId: string;
  MapPublicIpOnLaunch?: AttributeBoolean;
  AssignIpv6AddressOnCreation?: AttributeBoolean;
  EnableDns64?: AttributeBoolean;
  MapCustomerOwnedIpOnLaunch?: AttributeBoolean;
  PrivateDnsHostnameTypeOnLaunch?: string;
  EnableResourceNameDnsARecordOnLaunch?: AttributeBoolean;
  EnableResourceNameDnsAAAARecordOnLaunch?: AttributeBoolean;
}

/** CreateSubnet, DescribeSubnets, DeleteSubnet, ModifySubnetAttribute. */
export const subnetHandlers: Record<string, Ec2Handler> = {
  CreateSubnet: op<CreateSubnetInput>(async (i, r) => ({ Subnet: await subnetWire(r, await createSubnet(r, i)) })),

  DescribeSubnets: op<DescribeInput & { SubnetIds?: string[] }>(async (i, r) => {
    const subnets = await r.byIds(r.subnets, i.SubnetIds, Ec2Errors.subnetNotFound);
    const wire = await Promise.all(subnets.map((s) => subnetWire(r, s)));
    const hits = applyFilters(wire, i.Filters, {
      ...Object.fromEntries(Object.entries(FIELDS).map(([k, f]) => [k, (w: Record<string, unknown>) => f(w as unknown as SubnetDoc)])),
      'available-ip-address-count': (w) => w.AvailableIpAddressCount,
      availableIpAddressCount: (w) => w.AvailableIpAddressCount,
    }, (w) => (w as unknown as SubnetDoc).Tags);
    const { page, nextToken } = paginate(hits, (w) => String(w.SubnetId), { maxResults: i.MaxResults, nextToken: i.NextToken });
    return { Subnets: page, NextToken: nextToken };
  }),

  DeleteSubnet: op<{ SubnetId: string }>(async (i, r) => {
    const s = await r.subnet(i.SubnetId);
    const parsed = parseCidr(s.CidrBlock)!;
    const inUse = parsed.size - 5 - (await r.ipam.available(s));
    const nats = (await r.all(r.natGateways)).some((n) => n.SubnetId === s.SubnetId && n.state !== 'deleted');
    if (inUse > 0 || nats || (await r.all(r.enis)).some((e) => e.SubnetId === s.SubnetId)) throw Ec2Errors.dependency('subnet', s.SubnetId);
    for (const t of await r.all(r.routeTables)) {
      if (t.Associations.some((a) => a.SubnetId === s.SubnetId)) {
        await r.routeTables.modify(t.RouteTableId, (x) => ({ ...x, Associations: x.Associations.filter((a) => a.SubnetId !== s.SubnetId) }));
      }
    }
    await r.subnets.delete(s.SubnetId);
    await r.ipam.dropSubnet(s.SubnetId);
    return {};
  }),

  ModifySubnetAttribute: op<ModifySubnetInput>(async (i, r) => {
    await r.subnet(i.SubnetId);
    await r.subnets.modify(i.SubnetId, (s) => ({
      ...s,
      MapPublicIpOnLaunch: i.MapPublicIpOnLaunch?.Value ?? s.MapPublicIpOnLaunch,
      AssignIpv6AddressOnCreation: i.AssignIpv6AddressOnCreation?.Value ?? s.AssignIpv6AddressOnCreation,
      EnableDns64: i.EnableDns64?.Value ?? s.EnableDns64,
      MapCustomerOwnedIpOnLaunch: i.MapCustomerOwnedIpOnLaunch?.Value ?? s.MapCustomerOwnedIpOnLaunch,
      PrivateDnsNameOptionsOnLaunch: {
        HostnameType: i.PrivateDnsHostnameTypeOnLaunch ?? s.PrivateDnsNameOptionsOnLaunch.HostnameType,
        EnableResourceNameDnsARecord: i.EnableResourceNameDnsARecordOnLaunch?.Value ?? s.PrivateDnsNameOptionsOnLaunch.EnableResourceNameDnsARecord,
        EnableResourceNameDnsAAAARecord: i.EnableResourceNameDnsAAAARecordOnLaunch?.Value ?? s.PrivateDnsNameOptionsOnLaunch.EnableResourceNameDnsAAAARecord,
      },
    }));
    return {};
  }),
};
