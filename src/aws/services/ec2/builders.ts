/**
 * Fresh documents for resources that come in sets: a VPC with its main route table and default
 * security group, a subnet, the allow-all egress rule every new group gets. Used by CreateVpc,
 * CreateSubnet, CreateSecurityGroup and by the default VPC of ./defaults.ts; `id` makes the ids
 * (random for user requests, seeded for the defaults).
 */
import type { RouteTableDoc, RuleDoc, SecurityGroupDoc, SubnetDoc, Tag, VpcDoc } from './model.js';
import type { Zone } from './regions.js';

/** Makes an id with a prefix; `what` distinguishes several ids of one prefix (seeded ids need it). */
export type IdMaker = (prefix: string, what: string) => string;

/** What CreateVpc makes together. */
export interface VpcSet {
  vpc: VpcDoc;
  mainRouteTable: RouteTableDoc;
  defaultGroup: SecurityGroupDoc;
}

/** A VPC as CreateVpc makes it: DNS support on, hostnames only for the default VPC. */
export function buildVpcSet(id: IdMaker, o: { account: string; region: string; cidr: string; isDefault: boolean; tenancy?: string; tags?: Tag[] }): VpcSet {
  const vpcId = id('vpc', 'vpc');
  const rtbId = id('rtb', 'main');
  const sgId = id('sg', 'default');
  const vpc: VpcDoc = {
    VpcId: vpcId,
    CidrBlock: o.cidr,
    State: 'available',
    IsDefault: o.isDefault,
    InstanceTenancy: o.tenancy ?? 'default',
    DhcpOptionsId: id('dopt', 'dhcp'),
    OwnerId: o.account,
    Tags: o.tags ?? [],
    CidrBlockAssociationSet: [{ AssociationId: id('vpc-cidr-assoc', 'cidr'), CidrBlock: o.cidr, CidrBlockState: { State: 'associated' } }],
    enableDnsSupport: true,
    enableDnsHostnames: o.isDefault,
    enableNetworkAddressUsageMetrics: false,
    mainRouteTableId: rtbId,
    defaultGroupId: sgId,
  };
  const mainRouteTable: RouteTableDoc = {
    RouteTableId: rtbId,
    VpcId: vpcId,
    OwnerId: o.account,
    Tags: [],
    Routes: [{ DestinationCidrBlock: o.cidr, GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' }],
    Associations: [{ RouteTableAssociationId: id('rtbassoc', 'main'), RouteTableId: rtbId, Main: true, AssociationState: { State: 'associated' } }],
    PropagatingVgws: [],
  };
  const defaultGroup: SecurityGroupDoc = {
    GroupId: sgId,
    GroupName: 'default',
    Description: 'default VPC security group',
    VpcId: vpcId,
    OwnerId: o.account,
    SecurityGroupArn: `arn:aws:ec2:${o.region}:${o.account}:security-group/${sgId}`,
    Tags: [],
    rules: [
      { id: id('sgr', 'default-ingress'), egress: false, protocol: '-1', from: -1, to: -1, groupId: sgId },
      egressAllRule(id('sgr', 'default-egress')),
    ],
  };
  return { vpc, mainRouteTable, defaultGroup };
}

/** The rule every new security group starts with: all traffic out to 0.0.0.0/0. */
export function egressAllRule(ruleId: string): RuleDoc {
  return { id: ruleId, egress: true, protocol: '-1', from: -1, to: -1, cidrIpv4: '0.0.0.0/0' };
}

/** A subnet document. */
export function buildSubnet(o: { subnetId: string; account: string; region: string; vpcId: string; cidr: string; zone: Zone; isDefault: boolean; tags?: Tag[] }): SubnetDoc {
  return {
    SubnetId: o.subnetId,
    VpcId: o.vpcId,
    CidrBlock: o.cidr,
    AvailabilityZone: o.zone.name,
    AvailabilityZoneId: o.zone.id,
    DefaultForAz: o.isDefault,
    MapPublicIpOnLaunch: o.isDefault,
    AssignIpv6AddressOnCreation: false,
    EnableDns64: false,
    Ipv6Native: false,
    MapCustomerOwnedIpOnLaunch: false,
    State: 'available',
    OwnerId: o.account,
    SubnetArn: `arn:aws:ec2:${o.region}:${o.account}:subnet/${o.subnetId}`,
    PrivateDnsNameOptionsOnLaunch: { HostnameType: 'ip-name', EnableResourceNameDnsARecord: false, EnableResourceNameDnsAAAARecord: false },
    Tags: o.tags ?? [],
  };
}
