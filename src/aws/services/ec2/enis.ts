/**
 * Network interfaces as other resources make them: an instance's primary interface, a NAT
 * gateway's, one from CreateNetworkInterface. Creating one takes its primary address from the
 * subnet; deleting one gives back every address it holds.
 */
import { privateDnsName } from './cidr.js';
import { Ec2Errors } from './errors.js';
import { newId, newMac } from './ids.js';
import type { NetworkInterfaceDoc, SecurityGroupDoc, SubnetDoc, Tag } from './model.js';
import { findZone } from './regions.js';
import type { Ec2Region } from './state.js';

/** What a new interface is made of. */
export interface NewEni {
  subnet: SubnetDoc;
  groups: SecurityGroupDoc[];
  description?: string;
  interfaceType?: string;
  requesterManaged?: boolean;
  requesterId?: string;
  /** A specific primary address (InvalidIPAddress.InUse when taken). */
  privateIp?: string;
  tags?: Tag[];
  /** Use this id (instances choose their interface id before launching). */
  eniId?: string;
  /** An address already taken for this interface (resuming an interrupted launch). */
  allocatedIp?: string;
}

/** Creates an interface with a primary address; throws when the subnet is full or the address taken. */
export async function createEni(r: Ec2Region, o: NewEni): Promise<NetworkInterfaceDoc> {
  const eniId = o.eniId ?? newId('eni');
  const ip = o.allocatedIp ?? (await r.ipam.allocate(o.subnet, eniId, r.now(), o.privateIp));
  if (!ip) throw o.privateIp ? Ec2Errors.addressInUse(o.privateIp) : Ec2Errors.insufficientAddresses(o.subnet.SubnetId);
  const dns = privateDnsName(ip, r.region);
  const doc: NetworkInterfaceDoc = {
    NetworkInterfaceId: eniId,
    SubnetId: o.subnet.SubnetId,
    VpcId: o.subnet.VpcId,
    AvailabilityZone: o.subnet.AvailabilityZone,
    AvailabilityZoneId: o.subnet.AvailabilityZoneId || (findZone(r.region, o.subnet.AvailabilityZone)?.id ?? ''),
    Description: o.description ?? '',
    Groups: o.groups.map((g) => ({ GroupId: g.GroupId, GroupName: g.GroupName })),
    InterfaceType: o.interfaceType ?? 'interface',
    MacAddress: newMac(),
    OwnerId: r.account,
    PrivateIpAddress: ip,
    PrivateDnsName: dns,
    PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: ip, PrivateDnsName: dns }],
    RequesterManaged: o.requesterManaged ?? false,
    RequesterId: o.requesterId,
    SourceDestCheck: true,
    Status: 'available',
    TagSet: o.tags ?? [],
    Ipv6Addresses: [],
  };
  if (!(await r.enis.create(eniId, doc))) {
    await r.ipam.release(o.subnet, ip);
    throw new Error(`network interface ${eniId} exists`);
  }
  return doc;
}

/** Deletes an interface and releases all of its addresses (no-op when already gone). */
export async function deleteEni(r: Ec2Region, eniId: string): Promise<void> {
  const got = await r.enis.get(eniId);
  if (!got) return;
  const subnet = await r.subnets.get(got.value.SubnetId);
  if (subnet) for (const a of got.value.PrivateIpAddresses) await r.ipam.release(subnet.value, a.PrivateIpAddress);
  await r.enis.delete(eniId);
}
