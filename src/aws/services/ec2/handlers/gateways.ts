/**
 * Internet gateways (create, describe, attach — one per VPC —, detach, delete while detached)
 * and Elastic IP addresses (allocate, describe, release while unassociated).
 */
import { Ec2Errors } from '../errors.js';
import { applyFilters } from '../filters.js';
import { op, type DescribeInput, type Ec2Handler, type TagSpec } from '../handler.js';
import { newId, newPublicIp } from '../ids.js';
import type { AddressDoc, InternetGatewayDoc } from '../model.js';
import { paginate } from '../paginate.js';
import { tagsFromSpecs } from '../tags.js';

const IGW_FIELDS = {
  'internet-gateway-id': (g: InternetGatewayDoc) => g.InternetGatewayId,
  'attachment.vpc-id': (g: InternetGatewayDoc) => g.Attachments.map((a) => a.VpcId),
  'attachment.state': (g: InternetGatewayDoc) => g.Attachments.map((a) => a.State),
  'owner-id': (g: InternetGatewayDoc) => g.OwnerId,
};

const ADDRESS_FIELDS = {
  'allocation-id': (a: AddressDoc) => a.AllocationId,
  'public-ip': (a: AddressDoc) => a.PublicIp,
  domain: (a: AddressDoc) => a.Domain,
  'association-id': (a: AddressDoc) => a.AssociationId,
  'instance-id': (a: AddressDoc) => a.InstanceId,
  'network-interface-id': (a: AddressDoc) => a.NetworkInterfaceId,
  'network-interface-owner-id': (a: AddressDoc) => a.NetworkInterfaceOwnerId,
  'private-ip-address': (a: AddressDoc) => a.PrivateIpAddress,
  'network-border-group': (a: AddressDoc) => a.NetworkBorderGroup,
};

/** Internet gateway and Elastic IP operations. */
export const gatewayHandlers: Record<string, Ec2Handler> = {
  CreateInternetGateway: op<{ TagSpecifications?: TagSpec[] }>(async (i, r) => {
    const doc: InternetGatewayDoc = { InternetGatewayId: newId('igw'), OwnerId: r.account, Tags: tagsFromSpecs(i.TagSpecifications, 'internet-gateway'), Attachments: [] };
    await r.igws.create(doc.InternetGatewayId, doc);
    return { InternetGateway: doc };
  }),

  DescribeInternetGateways: op<DescribeInput & { InternetGatewayIds?: string[] }>(async (i, r) => {
    const hits = applyFilters(await r.byIds(r.igws, i.InternetGatewayIds, Ec2Errors.igwNotFound), i.Filters, IGW_FIELDS, (g) => g.Tags);
    const { page, nextToken } = paginate(hits, (g) => g.InternetGatewayId, { maxResults: i.MaxResults, nextToken: i.NextToken });
    return { InternetGateways: page, NextToken: nextToken };
  }),

  AttachInternetGateway: op<{ InternetGatewayId: string; VpcId: string }>(async (i, r) => {
    const igw = await r.igw(i.InternetGatewayId);
    await r.vpc(i.VpcId);
    const attached = igw.Attachments[0];
    if (attached) throw Ec2Errors.igwAttached(igw.InternetGatewayId, attached.VpcId);
    if ((await r.all(r.igws)).some((g) => g.Attachments.some((a) => a.VpcId === i.VpcId))) throw Ec2Errors.vpcHasIgw(i.VpcId);
    await r.igws.modify(igw.InternetGatewayId, (g) => ({ ...g, Attachments: [{ VpcId: i.VpcId, State: 'available' }] }));
    return {};
  }),

  DetachInternetGateway: op<{ InternetGatewayId: string; VpcId: string }>(async (i, r) => {
    const igw = await r.igw(i.InternetGatewayId);
    if (!igw.Attachments.some((a) => a.VpcId === i.VpcId)) throw Ec2Errors.igwNotAttached(igw.InternetGatewayId, i.VpcId);
    await r.igws.modify(igw.InternetGatewayId, (g) => ({ ...g, Attachments: [] }));
    return {};
  }),

  DeleteInternetGateway: op<{ InternetGatewayId: string }>(async (i, r) => {
    const igw = await r.igw(i.InternetGatewayId);
    if (igw.Attachments.length) throw Ec2Errors.dependency('internetGateway', igw.InternetGatewayId);
    await r.igws.delete(igw.InternetGatewayId);
    return {};
  }),

  AllocateAddress: op<{ TagSpecifications?: TagSpec[]; NetworkBorderGroup?: string }>(async (i, r) => {
    const doc: AddressDoc = {
      AllocationId: newId('eipalloc'),
      PublicIp: newPublicIp(),
      Domain: 'vpc',
      PublicIpv4Pool: 'amazon',
      NetworkBorderGroup: i.NetworkBorderGroup ?? r.region,
      Tags: tagsFromSpecs(i.TagSpecifications, 'elastic-ip'),
    };
    await r.addresses.create(doc.AllocationId, doc);
    return { AllocationId: doc.AllocationId, PublicIp: doc.PublicIp, Domain: doc.Domain, PublicIpv4Pool: doc.PublicIpv4Pool, NetworkBorderGroup: doc.NetworkBorderGroup };
  }),

  DescribeAddresses: op<{ Filters?: DescribeInput['Filters']; PublicIps?: string[]; AllocationIds?: string[] }>(async (i, r) => {
    let all = await r.byIds(r.addresses, i.AllocationIds, Ec2Errors.allocationNotFound);
    if (i.PublicIps?.length) {
      for (const ip of i.PublicIps) if (!all.some((a) => a.PublicIp === ip)) throw Ec2Errors.addressNotFound(ip);
      all = all.filter((a) => i.PublicIps!.includes(a.PublicIp));
    }
    return { Addresses: applyFilters(all, i.Filters, ADDRESS_FIELDS, (a) => a.Tags) };
  }),

  ReleaseAddress: op<{ AllocationId?: string; PublicIp?: string }>(async (i, r) => {
    const a = i.AllocationId
      ? (await r.must(r.addresses, i.AllocationId, Ec2Errors.allocationNotFound))
      : (await r.all(r.addresses)).find((x) => x.PublicIp === i.PublicIp);
    if (!a) throw i.PublicIp ? Ec2Errors.addressNotFound(i.PublicIp) : Ec2Errors.missingParameter('AllocationId');
    if (a.AssociationId) throw Ec2Errors.addressAssociated(a.AllocationId);
    await r.addresses.delete(a.AllocationId);
    return {};
  }),
};
