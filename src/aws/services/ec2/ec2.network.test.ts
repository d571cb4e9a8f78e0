/**
 * EC2 networking through @aws-sdk/client-ec2: the default VPC a fresh account has (a default
 * subnet per zone, default group, main route table, internet gateway), VPC and subnet creation
 * with every refusal's exact code and message, attributes, filters, paging and DependencyViolation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateSubnetCommand, CreateVpcCommand, DeleteSubnetCommand, DeleteVpcCommand, DescribeAvailabilityZonesCommand, DescribeInternetGatewaysCommand,
  DescribeRegionsCommand, DescribeRouteTablesCommand, DescribeSecurityGroupsCommand, DescribeSubnetsCommand, DescribeVpcAttributeCommand, DescribeVpcsCommand,
  EC2Client, ModifySubnetAttributeCommand, ModifyVpcAttributeCommand, paginateDescribeSubnets,
} from '@aws-sdk/client-ec2';
import { rejection, sdkConfig, startEc2Server, type Ec2TestServer } from './test-helper.js';

let srv: Ec2TestServer;
let ec2: EC2Client;

before(async () => {
  srv = await startEc2Server();
  ec2 = new EC2Client(sdkConfig(srv.url));
});
after(async () => {
  ec2.destroy();
  await srv.stop();
});

async function expectError(p: Promise<unknown>, code: string, message: string | RegExp): Promise<void> {
  const err = await rejection(p);
  assert.equal(err.name, code);
  if (typeof message === 'string') assert.equal(err.message, message);
  else assert.match(err.message, message);
  assert.equal(err.$metadata?.httpStatusCode, 400);
}

describe('a fresh account', () => {
  it('has a default VPC 172.31.0.0/16 with a default subnet per zone', async () => {
    const vpcs = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))).Vpcs!;
    assert.equal(vpcs.length, 1);
    const vpc = vpcs[0]!;
    assert.equal(vpc.CidrBlock, '172.31.0.0/16');
    assert.equal(vpc.State, 'available');
    assert.match(vpc.VpcId!, /^vpc-[0-9a-f]{17}$/);
    const subnets = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc.VpcId!] }] }))).Subnets!;
    const byZone = Object.fromEntries(subnets.map((s) => [s.AvailabilityZone, s]));
    assert.deepEqual(Object.keys(byZone).sort(), ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d', 'us-east-1e', 'us-east-1f']);
    assert.equal(byZone['us-east-1a']!.CidrBlock, '172.31.0.0/20');
    assert.equal(byZone['us-east-1b']!.CidrBlock, '172.31.16.0/20');
    assert.equal(byZone['us-east-1a']!.AvailabilityZoneId, 'use1-az1');
    for (const s of subnets) {
      assert.equal(s.DefaultForAz, true);
      assert.equal(s.MapPublicIpOnLaunch, true);
      assert.equal(s.AvailableIpAddressCount, 4096 - 5);
    }
    const dns = await ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpc.VpcId, Attribute: 'enableDnsHostnames' }));
    assert.equal(dns.EnableDnsHostnames?.Value, true);
  });

  it('has the default group, a main route table to an attached internet gateway', async () => {
    const vpcId = (await ec2.send(new DescribeVpcsCommand({}))).Vpcs!.find((v) => v.IsDefault)!.VpcId!;
    const groups = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))).SecurityGroups!;
    assert.deepEqual(groups.map((g) => g.GroupName), ['default']);
    assert.deepEqual(groups[0]!.IpPermissionsEgress, [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }]);
    const igws = (await ec2.send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: 'attachment.vpc-id', Values: [vpcId] }] }))).InternetGateways!;
    assert.equal(igws.length, 1);
    const rtbs = (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'association.main', Values: ['true'] }, { Name: 'vpc-id', Values: [vpcId] }] }))).RouteTables!;
    assert.equal(rtbs.length, 1);
    assert.deepEqual(rtbs[0]!.Routes!.map((r) => [r.DestinationCidrBlock, r.GatewayId]), [['172.31.0.0/16', 'local'], ['0.0.0.0/0', igws[0]!.InternetGatewayId]]);
  });

  it('lists regions and the zones of the region it is called in', async () => {
    const regions = (await ec2.send(new DescribeRegionsCommand({}))).Regions!.map((r) => r.RegionName);
    assert.ok(regions.includes('us-west-2') && regions.includes('eu-west-1'));
    assert.ok(!regions.includes('af-south-1'), 'opt-in regions need AllRegions');
    const all = (await ec2.send(new DescribeRegionsCommand({ AllRegions: true }))).Regions!;
    assert.equal(all.find((r) => r.RegionName === 'af-south-1')?.OptInStatus, 'not-opted-in');
    const west = new EC2Client(sdkConfig(srv.url, 'us-west-2'));
    const zones = (await west.send(new DescribeAvailabilityZonesCommand({}))).AvailabilityZones!;
    assert.deepEqual(zones.map((z) => `${z.ZoneName}/${z.ZoneId}`), ['us-west-2a/usw2-az1', 'us-west-2b/usw2-az2', 'us-west-2c/usw2-az3', 'us-west-2d/usw2-az4']);
    const westVpcs = (await west.send(new DescribeVpcsCommand({}))).Vpcs!;
    assert.equal(westVpcs.filter((v) => v.IsDefault).length, 1, 'each region has its own default VPC');
    const one = (await ec2.send(new DescribeAvailabilityZonesCommand({ Filters: [{ Name: 'zone-id', Values: ['use1-az2'] }] }))).AvailabilityZones!;
    assert.deepEqual(one.map((z) => z.ZoneName), ['us-east-1b']);
    await expectError(ec2.send(new DescribeAvailabilityZonesCommand({ ZoneNames: ['us-east-1z'] })), 'InvalidParameterValue', 'Invalid availability zone: [us-east-1z]');
    west.destroy();
  });
});

describe('VPCs and subnets', () => {
  let vpcId: string;

  it('CreateVpc makes a VPC with tags, its own main table and default group', async () => {
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16', TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: 'eks' }] }] }))).Vpc!;
    vpcId = vpc.VpcId!;
    assert.equal(vpc.IsDefault, false);
    assert.deepEqual(vpc.Tags, [{ Key: 'Name', Value: 'eks' }]);
    const found = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'tag:Name', Values: ['ek*'] }] }))).Vpcs!;
    assert.deepEqual(found.map((v) => v.VpcId), [vpcId]);
    const attr = await ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: 'enableDnsHostnames' }));
    assert.equal(attr.EnableDnsHostnames?.Value, false);
    await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }));
    assert.equal((await ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: 'enableDnsHostnames' }))).EnableDnsHostnames?.Value, true);
    const groups = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))).SecurityGroups!;
    assert.deepEqual(groups.map((g) => g.GroupName), ['default']);
  });

  it('CreateVpc refusals', async () => {
    await expectError(ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/8' })), 'InvalidVpc.Range', "The CIDR '10.0.0.0/8' is invalid.");
    await expectError(ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/33' })), 'InvalidParameterValue', 'Value (10.0.0.0/33) for parameter cidrBlock is invalid. This is not a valid CIDR block.');
    await expectError(ec2.send(new CreateVpcCommand({})), 'MissingParameter', "Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided.");
  });

  it('CreateSubnet: inside the VPC, in a valid zone, size − 5 addresses free', async () => {
    const s = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!;
    assert.match(s.SubnetId!, /^subnet-[0-9a-f]{17}$/);
    assert.equal(s.AvailableIpAddressCount, 251);
    assert.equal(s.AvailabilityZoneId, 'use1-az1');
    assert.equal(s.DefaultForAz, false);
    assert.equal(s.MapPublicIpOnLaunch, false);
    assert.equal(s.SubnetArn, `arn:aws:ec2:us-east-1:000000000000:subnet/${s.SubnetId}`);
    const byId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.2.0/24', AvailabilityZoneId: 'use1-az2' }))).Subnet!;
    assert.equal(byId.AvailabilityZone, 'us-east-1b');
    await ec2.send(new ModifySubnetAttributeCommand({ SubnetId: s.SubnetId, MapPublicIpOnLaunch: { Value: true } }));
    const again = (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [s.SubnetId!] }))).Subnets![0]!;
    assert.equal(again.MapPublicIpOnLaunch, true);
  });

  it('CreateSubnet refusals with EC2 codes and wording', async () => {
    await expectError(ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.1.0.0/24', AvailabilityZone: 'us-east-1a' })), 'InvalidSubnet.Range', "The CIDR '10.1.0.0/24' is invalid.");
    await expectError(ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.0.0/29', AvailabilityZone: 'us-east-1a' })), 'InvalidSubnet.Range', "The CIDR '10.0.0.0/29' is invalid.");
    await expectError(ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.1.128/25', AvailabilityZone: 'us-east-1a' })), 'InvalidSubnet.Conflict', "The CIDR '10.0.1.128/25' conflicts with another subnet");
    await expectError(ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.0.0/16', AvailabilityZone: 'us-east-1a' })), 'InvalidSubnet.Conflict', "The CIDR '10.0.0.0/16' conflicts with another subnet");
    await expectError(
      ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.9.0/24', AvailabilityZone: 'us-east-1z' })),
      'InvalidParameterValue',
      'Value (us-east-1z) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1e, us-east-1f.',
    );
    await expectError(ec2.send(new CreateSubnetCommand({ VpcId: 'vpc-0000000000000000a', CidrBlock: '10.0.9.0/24' })), 'InvalidVpcID.NotFound', "The vpc ID 'vpc-0000000000000000a' does not exist");
    await expectError(ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.9.7/24' })), 'InvalidParameterValue', 'Value (10.0.9.7/24) for parameter cidrBlock is invalid. This is not a valid CIDR block.');
  });

  it('Describe* NotFound codes and unknown filters', async () => {
    await expectError(ec2.send(new DescribeVpcsCommand({ VpcIds: ['vpc-x'] })), 'InvalidVpcID.NotFound', "The vpc ID 'vpc-x' does not exist");
    await expectError(ec2.send(new DescribeSubnetsCommand({ SubnetIds: ['subnet-x'] })), 'InvalidSubnetID.NotFound', "The subnet ID 'subnet-x' does not exist");
    await expectError(ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-x'] })), 'InvalidGroup.NotFound', "The security group 'sg-x' does not exist");
    await expectError(ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'colour', Values: ['red'] }] })), 'InvalidParameterValue', "The filter 'colour' is invalid");
  });

  it('DescribeSubnets pages with MaxResults / NextToken (and the SDK paginator)', async () => {
    const first = await ec2.send(new DescribeSubnetsCommand({ MaxResults: 5 }));
    assert.equal(first.Subnets!.length, 5);
    assert.ok(first.NextToken);
    const second = await ec2.send(new DescribeSubnetsCommand({ MaxResults: 5, NextToken: first.NextToken }));
    assert.equal(second.Subnets!.length, 3);
    assert.equal(second.NextToken, undefined);
    const ids = [];
    for await (const page of paginateDescribeSubnets({ client: ec2, pageSize: 5 }, {})) ids.push(...page.Subnets!.map((s) => s.SubnetId));
    assert.equal(new Set(ids).size, 8);
    await expectError(ec2.send(new DescribeSubnetsCommand({ MaxResults: 5, NextToken: 'garbage' })), 'InvalidNextToken', "The token 'garbage' is invalid");
  });

  it('DeleteVpc is a DependencyViolation while subnets remain; DeleteSubnet then DeleteVpc succeed', async () => {
    await expectError(ec2.send(new DeleteVpcCommand({ VpcId: vpcId })), 'DependencyViolation', `The vpc '${vpcId}' has dependencies and cannot be deleted.`);
    for (const s of (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))).Subnets!) {
      await ec2.send(new DeleteSubnetCommand({ SubnetId: s.SubnetId }));
    }
    await ec2.send(new DeleteVpcCommand({ VpcId: vpcId }));
    await expectError(ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] })), 'InvalidVpcID.NotFound', `The vpc ID '${vpcId}' does not exist`);
    assert.equal((await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))).SecurityGroups!.length, 0);
  });

  it('DryRun answers DryRunOperation (412)', async () => {
    const err = await rejection(ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16', DryRun: true })));
    assert.equal(err.name, 'DryRunOperation');
    assert.equal(err.$metadata?.httpStatusCode, 412);
  });
});
