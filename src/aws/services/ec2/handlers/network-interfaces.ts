/**
 * Network interfaces (basic): create in a subnet (primary address and any secondary ones taken
 * from it, the VPC's default group unless groups are given), describe, delete while detached,
 * attach to / detach from an instance in the same zone, and assign / unassign secondary private
 * addresses within the instance type's per-interface limit (what the VPC CNI does for pods).
 */
import { privateDnsName } from '../cidr.js';
import { createEni, deleteEni } from '../enis.js';
import { Ec2Errors } from '../errors.js';
import { applyFilters } from '../filters.js';
import { op, type DescribeInput, type Ec2Handler, type TagSpec } from '../handler.js';
import { newId } from '../ids.js';
import { instanceType } from '../instance-types.js';
import type { NetworkInterfaceDoc, SecurityGroupDoc, SubnetDoc } from '../model.js';
import { paginate } from '../paginate.js';
import type { Ec2Region } from '../state.js';
import { tagsFromSpecs } from '../tags.js';

const FIELDS = {
  'network-interface-id': (e: NetworkInterfaceDoc) => e.NetworkInterfaceId,
  'subnet-id': (e: NetworkInterfaceDoc) => e.SubnetId,
  'vpc-id': (e: NetworkInterfaceDoc) => e.VpcId,
  'availability-zone': (e: NetworkInterfaceDoc) => e.AvailabilityZone,
  status: (e: NetworkInterfaceDoc) => e.Status,
  description: (e: NetworkInterfaceDoc) => e.Description,
  'interface-type': (e: NetworkInterfaceDoc) => e.InterfaceType,
  'requester-managed': (e: NetworkInterfaceDoc) => e.RequesterManaged,
  'owner-id': (e: NetworkInterfaceDoc) => e.OwnerId,
  'mac-address': (e: NetworkInterfaceDoc) => e.MacAddress,
  'private-ip-address': (e: NetworkInterfaceDoc) => e.PrivateIpAddresses.map((a) => a.PrivateIpAddress),
  'addresses.private-ip-address': (e: NetworkInterfaceDoc) => e.PrivateIpAddresses.map((a) => a.PrivateIpAddress),
  'private-dns-name': (e: NetworkInterfaceDoc) => e.PrivateDnsName,
  'group-id': (e: NetworkInterfaceDoc) => e.Groups.map((g) => g.GroupId),
  'group-name': (e: NetworkInterfaceDoc) => e.Groups.map((g) => g.GroupName),
  'attachment.instance-id': (e: NetworkInterfaceDoc) => e.Attachment?.InstanceId,
  'attachment.attachment-id': (e: NetworkInterfaceDoc) => e.Attachment?.AttachmentId,
  'attachment.status': (e: NetworkInterfaceDoc) => e.Attachment?.Status,
  'attachment.device-index': (e: NetworkInterfaceDoc) => e.Attachment?.DeviceIndex,
};

/** Security groups by id, each checked to exist and to be in `vpcId` (default: the VPC's default group). */
export async function groupsFor(r: Ec2Region, ids: string[] | undefined, subnet: SubnetDoc): Promise<SecurityGroupDoc[]> {
  if (!ids?.length) return [await r.group((await r.vpc(subnet.VpcId)).defaultGroupId)];
  const out: SecurityGroupDoc[] = [];
  for (const id of ids) {
    const g = await r.group(id);
    if (g.VpcId !== subnet.VpcId) throw Ec2Errors.groupOtherVpc(id, subnet.SubnetId);
    out.push(g);
  }
  return out;
}

/** Adds secondary addresses to an interface: `count` new ones or the given `ips`. */
export async function assignAddresses(r: Ec2Region, eniId: string, o: { count?: number; ips?: string[] }): Promise<string[]> {
  const eni = await r.eni(eniId);
  const subnet = await r.subnet(eni.SubnetId);
  const wanted = o.ips ?? Array.from({ length: o.count ?? 0 }, () => undefined);
  const inst = eni.Attachment ? await r.instances.get(eni.Attachment.InstanceId) : undefined;
  const limit = inst ? instanceType(inst.value.InstanceType)?.ipv4PerEni : undefined;
  if (limit !== undefined && eni.PrivateIpAddresses.length + wanted.length > limit) throw Ec2Errors.ipLimit();
  const got: string[] = [];
  for (const ip of wanted) {
    const a = await r.ipam.allocate(subnet, eniId, r.now(), ip);
    if (!a) {
      for (const x of got) await r.ipam.release(subnet, x);
      throw ip ? Ec2Errors.addressInUse(ip) : Ec2Errors.insufficientAddresses(subnet.SubnetId);
    }
    got.push(a);
  }
  await r.enis.modify(eniId, (e) => ({ ...e, PrivateIpAddresses: [...e.PrivateIpAddresses, ...got.map((a) => ({ Primary: false, PrivateIpAddress: a, PrivateDnsName: privateDnsName(a, r.region) }))] }));
  return got;
}

interface CreateEniInput {
  SubnetId: string;
  Description?: string;
  Groups?: string[];
  PrivateIpAddress?: string;
  PrivateIpAddresses?: { PrivateIpAddress?: string; Primary?: boolean }[];
  SecondaryPrivateIpAddressCount?: number;
  InterfaceType?: string;
  TagSpecifications?: TagSpec[];
}

/** Network interface operations. */
export const networkInterfaceHandlers: Record<string, Ec2Handler> = {
  CreateNetworkInterface: op<CreateEniInput>(async (i, r) => {
    const subnet = await r.subnet(i.SubnetId);
    const groups = await groupsFor(r, i.Groups, subnet);
    const primary = i.PrivateIpAddress ?? i.PrivateIpAddresses?.find((a) => a.Primary)?.PrivateIpAddress;
    const tags = tagsFromSpecs(i.TagSpecifications, 'network-interface');
    const eni = await createEni(r, { subnet, groups, description: i.Description, interfaceType: i.InterfaceType, privateIp: primary, tags });
    const extra = (i.PrivateIpAddresses ?? []).filter((a) => !a.Primary && a.PrivateIpAddress && a.PrivateIpAddress !== primary).map((a) => a.PrivateIpAddress!);
    if (extra.length || i.SecondaryPrivateIpAddressCount) {
      try {
        if (extra.length) await assignAddresses(r, eni.NetworkInterfaceId, { ips: extra });
        if (i.SecondaryPrivateIpAddressCount) await assignAddresses(r, eni.NetworkInterfaceId, { count: i.SecondaryPrivateIpAddressCount });
      } catch (err) {
        await deleteEni(r, eni.NetworkInterfaceId);
        throw err;
      }
    }
    return { NetworkInterface: await r.eni(eni.NetworkInterfaceId) };
  }),

  DescribeNetworkInterfaces: op<DescribeInput & { NetworkInterfaceIds?: string[] }>(async (i, r) => {
    const hits = applyFilters(await r.byIds(r.enis, i.NetworkInterfaceIds, Ec2Errors.eniNotFound), i.Filters, FIELDS, (e) => e.TagSet);
    const { page, nextToken } = paginate(hits, (e) => e.NetworkInterfaceId, { maxResults: i.MaxResults, nextToken: i.NextToken });
    return { NetworkInterfaces: page, NextToken: nextToken };
  }),

  DeleteNetworkInterface: op<{ NetworkInterfaceId: string }>(async (i, r) => {
    const eni = await r.eni(i.NetworkInterfaceId);
    if (eni.Attachment || eni.Status === 'in-use') throw Ec2Errors.eniInUse(eni.NetworkInterfaceId);
    await deleteEni(r, eni.NetworkInterfaceId);
    return {};
  }),

  AttachNetworkInterface: op<{ NetworkInterfaceId: string; InstanceId: string; DeviceIndex: number; NetworkCardIndex?: number }>(async (i, r) => {
    const eni = await r.eni(i.NetworkInterfaceId);
    const inst = await r.must(r.instances, i.InstanceId, (id) => Ec2Errors.instanceNotFound([id]));
    if (eni.Attachment) throw Ec2Errors.eniInUse(eni.NetworkInterfaceId);
    if (eni.AvailabilityZone !== inst.AvailabilityZone) throw Ec2Errors.eniOtherZone(eni.NetworkInterfaceId, inst.InstanceId);
    const attached = (await r.all(r.enis)).filter((e) => e.Attachment?.InstanceId === inst.InstanceId);
    if (attached.some((e) => e.Attachment!.DeviceIndex === i.DeviceIndex)) throw Ec2Errors.eniDeviceInUse(i.DeviceIndex, inst.InstanceId);
    const limit = instanceType(inst.InstanceType)?.enis;
    if (limit !== undefined && attached.length >= limit) throw Ec2Errors.eniDeviceInUse(i.DeviceIndex, inst.InstanceId);
    const attachmentId = newId('eni-attach');
    await r.enis.modify(eni.NetworkInterfaceId, (e) => ({
      ...e,
      Status: 'in-use',
      Attachment: { AttachmentId: attachmentId, InstanceId: inst.InstanceId, InstanceOwnerId: r.account, DeviceIndex: i.DeviceIndex, NetworkCardIndex: i.NetworkCardIndex ?? 0, Status: 'attached', AttachTime: r.now(), DeleteOnTermination: false },
    }));
    return { AttachmentId: attachmentId, NetworkCardIndex: i.NetworkCardIndex ?? 0 };
  }),

  DetachNetworkInterface: op<{ AttachmentId: string }>(async (i, r) => {
    const eni = (await r.all(r.enis)).find((e) => e.Attachment?.AttachmentId === i.AttachmentId);
    if (!eni) throw Ec2Errors.eniAttachmentNotFound(i.AttachmentId);
    if (eni.Attachment!.DeviceIndex === 0) throw Ec2Errors.eniPrimaryDetach();
    await r.enis.modify(eni.NetworkInterfaceId, ({ Attachment: _a, ...e }) => ({ ...e, Status: 'available' }));
    return {};
  }),

  AssignPrivateIpAddresses: op<{ NetworkInterfaceId: string; PrivateIpAddresses?: string[]; SecondaryPrivateIpAddressCount?: number }>(async (i, r) => {
    const got = await assignAddresses(r, i.NetworkInterfaceId, { ips: i.PrivateIpAddresses, count: i.SecondaryPrivateIpAddressCount });
    return { NetworkInterfaceId: i.NetworkInterfaceId, AssignedPrivateIpAddresses: got.map((a) => ({ PrivateIpAddress: a })) };
  }),

  UnassignPrivateIpAddresses: op<{ NetworkInterfaceId: string; PrivateIpAddresses?: string[] }>(async (i, r) => {
    const eni = await r.eni(i.NetworkInterfaceId);
    const ips = i.PrivateIpAddresses ?? [];
    if (ips.some((ip) => !eni.PrivateIpAddresses.some((a) => a.PrivateIpAddress === ip && !a.Primary))) throw Ec2Errors.ipNotAssigned(eni.NetworkInterfaceId);
    const subnet = await r.subnet(eni.SubnetId);
    for (const ip of ips) await r.ipam.release(subnet, ip);
    await r.enis.modify(eni.NetworkInterfaceId, (e) => ({ ...e, PrivateIpAddresses: e.PrivateIpAddresses.filter((a) => !ips.includes(a.PrivateIpAddress)) }));
    return {};
  }),
};
