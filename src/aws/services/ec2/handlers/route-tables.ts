/**
 * Route tables: create (with the VPC's local route), describe, delete (not the main table, not
 * while associated), routes (create / replace / delete, targets checked to exist) and associations
 * (associate a subnet, disassociate, replace — which also moves the main association).
 */
import { parseCidr } from '../cidr.js';
import { Ec2Errors } from '../errors.js';
import { applyFilters } from '../filters.js';
import { op, type DescribeInput, type Ec2Handler, type TagSpec } from '../handler.js';
import { newId } from '../ids.js';
import type { RouteDoc, RouteTableDoc } from '../model.js';
import { paginate } from '../paginate.js';
import type { Ec2Region } from '../state.js';
import { tagsFromSpecs } from '../tags.js';

const FIELDS = {
  'route-table-id': (t: RouteTableDoc) => t.RouteTableId,
  'vpc-id': (t: RouteTableDoc) => t.VpcId,
  'owner-id': (t: RouteTableDoc) => t.OwnerId,
  'association.main': (t: RouteTableDoc) => t.Associations.some((a) => a.Main),
  'association.subnet-id': (t: RouteTableDoc) => t.Associations.map((a) => a.SubnetId),
  'association.route-table-association-id': (t: RouteTableDoc) => t.Associations.map((a) => a.RouteTableAssociationId),
  'association.route-table-id': (t: RouteTableDoc) => t.Associations.map((a) => a.RouteTableId),
  'association.gateway-id': (t: RouteTableDoc) => t.Associations.map((a) => a.GatewayId),
  'route.destination-cidr-block': (t: RouteTableDoc) => t.Routes.map((x) => x.DestinationCidrBlock),
  'route.gateway-id': (t: RouteTableDoc) => t.Routes.map((x) => x.GatewayId),
  'route.nat-gateway-id': (t: RouteTableDoc) => t.Routes.map((x) => x.NatGatewayId),
  'route.instance-id': (t: RouteTableDoc) => t.Routes.map((x) => x.InstanceId),
  'route.state': (t: RouteTableDoc) => t.Routes.map((x) => x.State),
  'route.origin': (t: RouteTableDoc) => t.Routes.map((x) => x.Origin),
};

interface RouteInput {
  RouteTableId: string;
  DestinationCidrBlock?: string;
  GatewayId?: string;
  NatGatewayId?: string;
  NetworkInterfaceId?: string;
  InstanceId?: string;
  VpcPeeringConnectionId?: string;
  TransitGatewayId?: string;
}

/** The route a Create/ReplaceRoute input describes, its target checked to exist. */
async function routeOf(r: Ec2Region, i: RouteInput): Promise<RouteDoc> {
  if (!i.DestinationCidrBlock) throw Ec2Errors.missingParameter('destinationCidrBlock');
  if (!parseCidr(i.DestinationCidrBlock)) throw Ec2Errors.badCidr(i.DestinationCidrBlock, 'destinationCidrBlock');
  const targets = [i.GatewayId, i.NatGatewayId, i.NetworkInterfaceId, i.InstanceId, i.VpcPeeringConnectionId, i.TransitGatewayId].filter((x) => x !== undefined);
  if (targets.length !== 1) throw Ec2Errors.routeTarget();
  if (i.GatewayId && i.GatewayId !== 'local' && !(await r.igws.get(i.GatewayId))) throw Ec2Errors.gatewayNotFound(i.GatewayId);
  if (i.NatGatewayId) await r.must(r.natGateways, i.NatGatewayId, Ec2Errors.natNotFound);
  if (i.NetworkInterfaceId) await r.eni(i.NetworkInterfaceId);
  if (i.InstanceId) await r.must(r.instances, i.InstanceId, (id) => Ec2Errors.instanceNotFound([id]));
  return {
    DestinationCidrBlock: i.DestinationCidrBlock,
    GatewayId: i.GatewayId,
    NatGatewayId: i.NatGatewayId,
    NetworkInterfaceId: i.NetworkInterfaceId,
    InstanceId: i.InstanceId,
    VpcPeeringConnectionId: i.VpcPeeringConnectionId,
    TransitGatewayId: i.TransitGatewayId,
    Origin: 'CreateRoute',
    State: 'active',
  };
}

/** The table holding association `id`. */
async function tableOfAssociation(r: Ec2Region, id: string): Promise<RouteTableDoc> {
  const t = (await r.all(r.routeTables)).find((x) => x.Associations.some((a) => a.RouteTableAssociationId === id));
  if (!t) throw Ec2Errors.associationNotFound(id);
  return t;
}

/** Route table, route and association operations. */
export const routeTableHandlers: Record<string, Ec2Handler> = {
  CreateRouteTable: op<{ VpcId: string; TagSpecifications?: TagSpec[] }>(async (i, r) => {
    const vpc = await r.vpc(i.VpcId);
    const doc: RouteTableDoc = {
      RouteTableId: newId('rtb'),
      VpcId: vpc.VpcId,
      OwnerId: r.account,
      Tags: tagsFromSpecs(i.TagSpecifications, 'route-table'),
      Routes: vpc.CidrBlockAssociationSet.map((a) => ({ DestinationCidrBlock: a.CidrBlock, GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' })),
      Associations: [],
      PropagatingVgws: [],
    };
    await r.routeTables.create(doc.RouteTableId, doc);
    return { RouteTable: doc };
  }),

  DescribeRouteTables: op<DescribeInput & { RouteTableIds?: string[] }>(async (i, r) => {
    const hits = applyFilters(await r.byIds(r.routeTables, i.RouteTableIds, Ec2Errors.routeTableNotFound), i.Filters, FIELDS, (t) => t.Tags);
    const { page, nextToken } = paginate(hits, (t) => t.RouteTableId, { maxResults: i.MaxResults, nextToken: i.NextToken });
    return { RouteTables: page, NextToken: nextToken };
  }),

  DeleteRouteTable: op<{ RouteTableId: string }>(async (i, r) => {
    const t = await r.routeTable(i.RouteTableId);
    if (t.Associations.length) throw Ec2Errors.dependency('routeTable', t.RouteTableId);
    await r.routeTables.delete(t.RouteTableId);
    return {};
  }),

  CreateRoute: op<RouteInput>(async (i, r) => {
    const t = await r.routeTable(i.RouteTableId);
    const route = await routeOf(r, i);
    if (t.Routes.some((x) => x.DestinationCidrBlock === route.DestinationCidrBlock)) throw Ec2Errors.routeExists(route.DestinationCidrBlock);
    await r.routeTables.modify(t.RouteTableId, (x) => ({ ...x, Routes: [...x.Routes, route] }));
    return { Return: true };
  }),

  ReplaceRoute: op<RouteInput>(async (i, r) => {
    const t = await r.routeTable(i.RouteTableId);
    const route = await routeOf(r, i);
    if (!t.Routes.some((x) => x.DestinationCidrBlock === route.DestinationCidrBlock)) throw Ec2Errors.routeToReplaceNotFound(route.DestinationCidrBlock);
    await r.routeTables.modify(t.RouteTableId, (x) => ({ ...x, Routes: x.Routes.map((y) => (y.DestinationCidrBlock === route.DestinationCidrBlock ? route : y)) }));
    return {};
  }),

  DeleteRoute: op<{ RouteTableId: string; DestinationCidrBlock?: string }>(async (i, r) => {
    const t = await r.routeTable(i.RouteTableId);
    const cidr = i.DestinationCidrBlock ?? '';
    if (!t.Routes.some((x) => x.DestinationCidrBlock === cidr && x.GatewayId !== 'local')) throw Ec2Errors.routeNotFound(cidr, t.RouteTableId);
    await r.routeTables.modify(t.RouteTableId, (x) => ({ ...x, Routes: x.Routes.filter((y) => y.DestinationCidrBlock !== cidr) }));
    return {};
  }),

  AssociateRouteTable: op<{ RouteTableId: string; SubnetId?: string; GatewayId?: string }>(async (i, r) => {
    const t = await r.routeTable(i.RouteTableId);
    if (!i.SubnetId && !i.GatewayId) throw Ec2Errors.missingParameter('subnetId');
    if (i.SubnetId) {
      const s = await r.subnet(i.SubnetId);
      if (s.VpcId !== t.VpcId) throw Ec2Errors.routeTableOtherVpc(t.RouteTableId, s.SubnetId);
      if ((await r.all(r.routeTables)).some((x) => x.Associations.some((a) => a.SubnetId === s.SubnetId))) throw Ec2Errors.associationConflict(t.RouteTableId);
    } else await r.igw(i.GatewayId!);
    const assoc = { RouteTableAssociationId: newId('rtbassoc'), RouteTableId: t.RouteTableId, Main: false, SubnetId: i.SubnetId, GatewayId: i.GatewayId, AssociationState: { State: 'associated' } };
    await r.routeTables.modify(t.RouteTableId, (x) => ({ ...x, Associations: [...x.Associations, assoc] }));
    return { AssociationId: assoc.RouteTableAssociationId, AssociationState: assoc.AssociationState };
  }),

  DisassociateRouteTable: op<{ AssociationId: string }>(async (i, r) => {
    const t = await tableOfAssociation(r, i.AssociationId);
    if (t.Associations.some((a) => a.RouteTableAssociationId === i.AssociationId && a.Main)) throw Ec2Errors.mainAssociation(i.AssociationId);
    await r.routeTables.modify(t.RouteTableId, (x) => ({ ...x, Associations: x.Associations.filter((a) => a.RouteTableAssociationId !== i.AssociationId) }));
    return {};
  }),

  ReplaceRouteTableAssociation: op<{ AssociationId: string; RouteTableId: string }>(async (i, r) => {
    const from = await tableOfAssociation(r, i.AssociationId);
    const to = await r.routeTable(i.RouteTableId);
    if (from.VpcId !== to.VpcId) throw Ec2Errors.routeTableOtherVpc(to.RouteTableId, from.VpcId);
    const old = from.Associations.find((a) => a.RouteTableAssociationId === i.AssociationId)!;
    const moved = { ...old, RouteTableAssociationId: newId('rtbassoc'), RouteTableId: to.RouteTableId };
    await r.routeTables.modify(from.RouteTableId, (x) => ({ ...x, Associations: x.Associations.filter((a) => a.RouteTableAssociationId !== i.AssociationId) }));
    await r.routeTables.modify(to.RouteTableId, (x) => ({ ...x, Associations: [...x.Associations, moved] }));
    if (old.Main) await r.vpcs.modify(to.VpcId, (v) => ({ ...v, mainRouteTableId: to.RouteTableId }));
    return { NewAssociationId: moved.RouteTableAssociationId, AssociationState: moved.AssociationState };
  }),
};
