/**
 * NAT gateways (basic): CreateNatGateway makes a requester-managed interface in the subnet (an
 * address taken from it) and, for public gateways, associates the Elastic IP; the state is
 * `pending` → `available` after the NAT delay, `deleting` → `deleted` after delete (address and
 * interface released at once), read lazily from the stored times. Deleted gateways stay visible
 * for the retention period.
 */
import { Ec2Errors } from '../errors.js';
import { applyFilters } from '../filters.js';
import { op, type DescribeInput, type Ec2Handler, type TagSpec } from '../handler.js';
import { newId } from '../ids.js';
import { createEni, deleteEni } from '../enis.js';
import type { NatGatewayDoc } from '../model.js';
import { paginate } from '../paginate.js';
import type { Ec2Region } from '../state.js';
import { tagsFromSpecs } from '../tags.js';

/** The state the gateway is in now. */
export function natState(r: Ec2Region, n: NatGatewayDoc): NatGatewayDoc['state'] {
  const due = r.now() >= n.since + r.env.timing.natGatewayMs;
  if (n.state === 'pending' && due) return 'available';
  if (n.state === 'deleting' && due) return 'deleted';
  return n.state;
}

function natWire(r: Ec2Region, n: NatGatewayDoc): Record<string, unknown> {
  return { ...n, State: natState(r, n) };
}

const FIELDS = {
  'nat-gateway-id': (x: { n: NatGatewayDoc; state: string }) => x.n.NatGatewayId,
  state: (x: { n: NatGatewayDoc; state: string }) => x.state,
  'subnet-id': (x: { n: NatGatewayDoc; state: string }) => x.n.SubnetId,
  'vpc-id': (x: { n: NatGatewayDoc; state: string }) => x.n.VpcId,
};

interface CreateNatInput {
  SubnetId?: string;
  AllocationId?: string;
  ConnectivityType?: 'public' | 'private';
  PrivateIpAddress?: string;
  TagSpecifications?: TagSpec[];
}

/** CreateNatGateway, DescribeNatGateways, DeleteNatGateway. */
export const natGatewayHandlers: Record<string, Ec2Handler> = {
  CreateNatGateway: op<CreateNatInput>(async (i, r) => {
    if (!i.SubnetId) throw Ec2Errors.missingParameter('SubnetId');
    const subnet = await r.subnet(i.SubnetId);
    const type = i.ConnectivityType ?? 'public';
    const eip = type === 'public' ? await r.must(r.addresses, i.AllocationId ?? '', (id) => (id ? Ec2Errors.allocationNotFound(id) : Ec2Errors.missingParameter('AllocationId'))) : undefined;
    if (eip?.AssociationId) throw Ec2Errors.addressAssociated(eip.AllocationId);
    const natId = newId('nat');
    const eni = await createEni(r, { subnet, groups: [], description: `Interface for NAT Gateway ${natId}`, interfaceType: 'nat_gateway', requesterManaged: true, requesterId: 'amazon', privateIp: i.PrivateIpAddress });
    if (eip) {
      const assoc = newId('eipassoc');
      await r.addresses.modify(eip.AllocationId, (a) => ({ ...a, AssociationId: assoc, NetworkInterfaceId: eni.NetworkInterfaceId, NetworkInterfaceOwnerId: r.account, PrivateIpAddress: eni.PrivateIpAddress }));
      await r.enis.modify(eni.NetworkInterfaceId, (e) => ({ ...e, Status: 'in-use', Association: { PublicIp: eip.PublicIp, PublicDnsName: '', IpOwnerId: 'amazon', AllocationId: eip.AllocationId, AssociationId: assoc } }));
    }
    const doc: NatGatewayDoc = {
      NatGatewayId: natId,
      SubnetId: subnet.SubnetId,
      VpcId: subnet.VpcId,
      ConnectivityType: type,
      CreateTime: r.now(),
      NatGatewayAddresses: [{ AllocationId: eip?.AllocationId, NetworkInterfaceId: eni.NetworkInterfaceId, PrivateIp: eni.PrivateIpAddress, PublicIp: eip?.PublicIp, IsPrimary: true, Status: 'succeeded' }],
      Tags: tagsFromSpecs(i.TagSpecifications, 'natgateway'),
      state: 'pending',
      since: r.now(),
    };
    await r.natGateways.create(natId, doc);
    return { NatGateway: natWire(r, doc) };
  }),

  DescribeNatGateways: op<{ Filter?: DescribeInput['Filters']; NatGatewayIds?: string[]; MaxResults?: number; NextToken?: string }>(async (i, r) => {
    const all = (await r.byIds(r.natGateways, i.NatGatewayIds, Ec2Errors.natNotFound)).map((n) => ({ n, state: natState(r, n) }));
    const visible = all.filter((x) => x.state !== 'deleted' || r.now() < (x.n.DeleteTime ?? 0) + r.env.timing.terminatedRetentionMs);
    const hits = applyFilters(visible, i.Filter, FIELDS, (x) => x.n.Tags);
    const { page, nextToken } = paginate(hits, (x) => x.n.NatGatewayId, { maxResults: i.MaxResults, nextToken: i.NextToken });
    return { NatGateways: page.map((x) => natWire(r, x.n)), NextToken: nextToken };
  }),

  DeleteNatGateway: op<{ NatGatewayId: string }>(async (i, r) => {
    const n = await r.must(r.natGateways, i.NatGatewayId, Ec2Errors.natNotFound);
    if (n.state === 'deleting' || n.state === 'deleted') return { NatGatewayId: n.NatGatewayId };
    for (const a of n.NatGatewayAddresses) {
      if (a.AllocationId) await r.addresses.modify(a.AllocationId, ({ AssociationId: _a, NetworkInterfaceId: _n, NetworkInterfaceOwnerId: _o, PrivateIpAddress: _p, ...rest }) => rest);
      await deleteEni(r, a.NetworkInterfaceId);
    }
    await r.natGateways.modify(n.NatGatewayId, (x) => ({ ...x, state: 'deleting', since: r.now(), DeleteTime: r.now() }));
    return { NatGatewayId: n.NatGatewayId };
  }),
};
