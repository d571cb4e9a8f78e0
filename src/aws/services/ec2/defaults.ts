/**
 * The default VPC of a fresh AWS account, made the first time a region is used: 172.31.0.0/16
 * (isDefault, DNS hostnames on), one default subnet per availability zone (172.31.0.0/20,
 * 172.31.16.0/20, … with MapPublicIpOnLaunch), the default security group, the main route table
 * with a route to an attached internet gateway. Ids are seeded by account and region and every
 * document is created with create-if-absent, so requests racing on first use (in one process or
 * several) make one set; a marker records completion. A default VPC the user deletes stays
 * deleted, as in AWS.
 */
import { buildSubnet, buildVpcSet } from './builders.js';
import { seededId } from './ids.js';
import type { InternetGatewayDoc } from './model.js';
import { createNamedGroup } from './group-names.js';
import { zonesOf } from './regions.js';
import type { Ec2Region } from './state.js';

const DEFAULT_CIDR = '172.31.0.0/16';

/** Creates the default VPC set unless the marker says it was made already. */
export async function ensureDefaults(r: Ec2Region): Promise<void> {
  if (await r.meta.get('defaults')) return;
  const seed = `${r.account}/${r.region}/default`;
  const id = (prefix: string, what: string) => seededId(prefix, `${seed}/${what}`);
  const set = buildVpcSet(id, { account: r.account, region: r.region, cidr: DEFAULT_CIDR, isDefault: true });
  const igwId = id('igw', 'igw');
  set.mainRouteTable.Routes.push({ DestinationCidrBlock: '0.0.0.0/0', GatewayId: igwId, Origin: 'CreateRoute', State: 'active' });
  const igw: InternetGatewayDoc = { InternetGatewayId: igwId, OwnerId: r.account, Tags: [], Attachments: [{ VpcId: set.vpc.VpcId, State: 'available' }] };
  await r.vpcs.create(set.vpc.VpcId, set.vpc);
  await r.routeTables.create(set.mainRouteTable.RouteTableId, set.mainRouteTable);
  await createNamedGroup(r, set.defaultGroup);
  await r.igws.create(igwId, igw);
  for (const [i, zone] of zonesOf(r.region).entries()) {
    const subnetId = id('subnet', zone.name);
    const cidr = `172.31.${i * 16}.0/20`;
    await r.subnets.create(subnetId, buildSubnet({ subnetId, account: r.account, region: r.region, vpcId: set.vpc.VpcId, cidr, zone, isDefault: true }));
  }
  await r.meta.create('defaults', { at: r.now() });
}
