/**
 * EC2 instances through @aws-sdk/client-ec2: RunInstances direct and from a launch template,
 * private addresses from the subnet (first free after the four reserved) and DNS names, pending →
 * running on the injected clock, DescribeInstances filters and paging, termination releasing
 * addresses, stop/start, DescribeInstanceStatus, ClientToken idempotency and the errors.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateLaunchTemplateCommand, CreateLaunchTemplateVersionCommand, CreateSubnetCommand, CreateVpcCommand, DescribeImagesCommand, DescribeInstancesCommand,
  DescribeInstanceStatusCommand, DescribeNetworkInterfacesCommand, DescribeSubnetsCommand, EC2Client, ModifyLaunchTemplateCommand, RunInstancesCommand,
  StartInstancesCommand, StopInstancesCommand, TerminateInstancesCommand, type Instance,
} from '@aws-sdk/client-ec2';
import { rejection, sdkConfig, startEc2Server, type Ec2TestServer } from './test-helper.js';

let srv: Ec2TestServer;
let ec2: EC2Client;
let ami: string;
let subnetA: string;
let subnetB: string;

const ids = (xs: Instance[] | undefined) => (xs ?? []).map((i) => i.InstanceId!).sort();
async function describe1(filters: { Name: string; Values: string[] }[]): Promise<Instance[]> {
  const out = await ec2.send(new DescribeInstancesCommand({ Filters: filters }));
  return out.Reservations!.flatMap((r) => r.Instances!);
}
async function free(subnetId: string): Promise<number> {
  return (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnetId] }))).Subnets![0]!.AvailableIpAddressCount!;
}
async function expectError(p: Promise<unknown>, code: string, message: string): Promise<void> {
  const err = await rejection(p);
  assert.equal(err.name, code);
  assert.equal(err.message, message);
}

before(async () => {
  srv = await startEc2Server();
  ec2 = new EC2Client(sdkConfig(srv.url));
  const images = (await ec2.send(new DescribeImagesCommand({ Owners: ['602401143452'], Filters: [{ Name: 'name', Values: ['amazon-eks-node-al2023-x86_64-standard-1.32-*'] }] }))).Images!;
  ami = images[0]!.ImageId!;
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!;
  subnetA = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!.SubnetId!;
  subnetB = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.0.2.0/28', AvailabilityZone: 'us-east-1b' }))).Subnet!.SubnetId!;
});
after(async () => {
  ec2.destroy();
  await srv.stop();
});

describe('RunInstances', () => {
  it('launches into the subnet: ids, first free addresses, DNS names, pending then running', async () => {
    const r = await ec2.send(new RunInstancesCommand({
      ImageId: ami, InstanceType: 'm5.large', MinCount: 3, MaxCount: 3, SubnetId: subnetA,
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'team', Value: 'a' }] }],
    }));
    assert.match(r.ReservationId!, /^r-[0-9a-f]{17}$/);
    const insts = r.Instances!;
    assert.equal(insts.length, 3);
    for (const i of insts) assert.match(i.InstanceId!, /^i-[0-9a-f]{17}$/);
    assert.deepEqual(insts.map((i) => i.PrivateIpAddress), ['10.0.1.4', '10.0.1.5', '10.0.1.6']);
    assert.equal(insts[0]!.PrivateDnsName, 'ip-10-0-1-4.ec2.internal');
    assert.deepEqual(insts[0]!.State, { Code: 0, Name: 'pending' });
    assert.equal(insts[0]!.Placement?.AvailabilityZone, 'us-east-1a');
    assert.equal(insts[0]!.Architecture, 'x86_64');
    assert.equal(insts[0]!.PublicIpAddress, undefined, 'the subnet does not map public addresses');
    assert.equal(await free(subnetA), 251 - 3);
    srv.clock.advance(999);
    assert.equal((await describe1([{ Name: 'instance-id', Values: [insts[0]!.InstanceId!] }]))[0]!.State?.Name, 'pending');
    srv.clock.advance(1);
    assert.equal((await describe1([{ Name: 'instance-id', Values: [insts[0]!.InstanceId!] }]))[0]!.State?.Name, 'running');
  });

  it('outside us-east-1 names hosts <region>.compute.internal', async () => {
    const west = new EC2Client(sdkConfig(srv.url, 'eu-west-1'));
    const r = await west.send(new RunInstancesCommand({ ImageId: ami, InstanceType: 't3.small', MinCount: 1, MaxCount: 1 }));
    const i = r.Instances![0]!;
    assert.match(i.PrivateDnsName!, /^ip-172-31-\d+-\d+\.eu-west-1\.compute\.internal$/);
    assert.ok(i.PublicIpAddress, 'default subnets map a public address');
    west.destroy();
  });

  it('from a launch template ($Default, $Latest, a number), explicit parameters winning', async () => {
    const lt = (await ec2.send(new CreateLaunchTemplateCommand({
      LaunchTemplateName: 'nodes',
      LaunchTemplateData: { ImageId: ami, InstanceType: 't3.medium', TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'from', Value: 'lt' }] }], MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 } },
    }))).LaunchTemplate!;
    await ec2.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: lt.LaunchTemplateId, SourceVersion: '1', LaunchTemplateData: { InstanceType: 'c5.xlarge' } }));
    const byDefault = (await ec2.send(new RunInstancesCommand({ LaunchTemplate: { LaunchTemplateName: 'nodes' }, MinCount: 1, MaxCount: 1, SubnetId: subnetA }))).Instances![0]!;
    assert.equal(byDefault.InstanceType, 't3.medium');
    assert.equal(byDefault.ImageId, ami);
    assert.equal(byDefault.MetadataOptions?.HttpTokens, 'required');
    const tags = Object.fromEntries(byDefault.Tags!.map((t) => [t.Key, t.Value]));
    assert.deepEqual(tags, { from: 'lt', 'aws:ec2launchtemplate:id': lt.LaunchTemplateId, 'aws:ec2launchtemplate:version': '1' });
    const latest = (await ec2.send(new RunInstancesCommand({ LaunchTemplate: { LaunchTemplateId: lt.LaunchTemplateId, Version: '$Latest' }, MinCount: 1, MaxCount: 1, SubnetId: subnetA }))).Instances![0]!;
    assert.equal(latest.InstanceType, 'c5.xlarge');
    await ec2.send(new ModifyLaunchTemplateCommand({ LaunchTemplateId: lt.LaunchTemplateId, DefaultVersion: '2' }));
    const v2 = (await ec2.send(new RunInstancesCommand({ LaunchTemplate: { LaunchTemplateId: lt.LaunchTemplateId }, InstanceType: 'r5.large', MinCount: 1, MaxCount: 1, SubnetId: subnetA }))).Instances![0]!;
    assert.equal(v2.InstanceType, 'r5.large');
    await expectError(ec2.send(new RunInstancesCommand({ LaunchTemplate: { LaunchTemplateId: lt.LaunchTemplateId, Version: '9' }, MinCount: 1, MaxCount: 1 })),
      'InvalidLaunchTemplateId.VersionNotFound', `Could not find the specified version 9 for the launch template with ID ${lt.LaunchTemplateId}.`);
    await expectError(ec2.send(new RunInstancesCommand({ LaunchTemplate: { LaunchTemplateId: 'lt-0123456789abcdef0' }, MinCount: 1, MaxCount: 1 })),
      'InvalidLaunchTemplateId.NotFound', 'The specified launch template, with template ID lt-0123456789abcdef0, does not exist.');
    await expectError(ec2.send(new RunInstancesCommand({ LaunchTemplate: { LaunchTemplateName: 'nope' }, MinCount: 1, MaxCount: 1 })),
      'InvalidLaunchTemplateName.NotFoundException', 'The specified launch template, with template name nope, does not exist.');
  });

  it('refuses what EC2 refuses', async () => {
    await expectError(ec2.send(new RunInstancesCommand({ ImageId: ami, MinCount: 1, MaxCount: 1, SubnetId: 'subnet-0000000000000000a' })), 'InvalidSubnetID.NotFound', "The subnet ID 'subnet-0000000000000000a' does not exist");
    await expectError(ec2.send(new RunInstancesCommand({ ImageId: ami, MinCount: 1, MaxCount: 1, SubnetId: subnetA, KeyName: 'missing' })), 'InvalidKeyPair.NotFound', "The key pair 'missing' does not exist");
    await expectError(ec2.send(new RunInstancesCommand({ ImageId: ami, MinCount: 1, MaxCount: 1, SubnetId: subnetA, SecurityGroupIds: ['sg-0000000000000000a'] })), 'InvalidGroup.NotFound', "The security group 'sg-0000000000000000a' does not exist");
    await expectError(ec2.send(new RunInstancesCommand({ ImageId: 'foo', MinCount: 1, MaxCount: 1 })), 'InvalidAMIID.Malformed', 'Invalid id: "foo" (expecting "ami-...")');
    await expectError(ec2.send(new RunInstancesCommand({ MinCount: 1, MaxCount: 1 })), 'MissingParameter', 'The request must contain the parameter ImageId');
    await expectError(ec2.send(new RunInstancesCommand({ ImageId: ami, MinCount: 12, MaxCount: 12, SubnetId: subnetB })),
      'InsufficientFreeAddressesInSubnet', `There are not enough free addresses in subnet '${subnetB}' to satisfy the requested number of instances.`);
  });

  it('MaxCount is cut to the free addresses when MinCount still fits; a ClientToken replays its launch', async () => {
    const r = await ec2.send(new RunInstancesCommand({ ImageId: ami, MinCount: 1, MaxCount: 20, SubnetId: subnetB, ClientToken: 'tok-1' }));
    assert.equal(r.Instances!.length, 11, 'a /28 has 16 − 5 addresses');
    assert.equal(await free(subnetB), 0);
    const again = await ec2.send(new RunInstancesCommand({ ImageId: ami, MinCount: 1, MaxCount: 20, SubnetId: subnetB, ClientToken: 'tok-1' }));
    assert.equal(again.ReservationId, r.ReservationId);
    assert.deepEqual(ids(again.Instances), ids(r.Instances));
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: ids(r.Instances) }));
    assert.equal(await free(subnetB), 11, 'termination gives the addresses back at once');
  });
});

describe('DescribeInstances', () => {
  it('filters by state, tag, tag-key, subnet, vpc, zone, address and type', async () => {
    srv.clock.advance(5000);
    const team = await describe1([{ Name: 'tag:team', Values: ['a'] }]);
    assert.equal(team.length, 3);
    assert.equal((await describe1([{ Name: 'tag-key', Values: ['team'] }])).length, 3);
    assert.equal((await describe1([{ Name: 'private-ip-address', Values: ['10.0.1.5'] }])).length, 1);
    assert.equal((await describe1([{ Name: 'instance-type', Values: ['m5.*'] }])).length, 3);
    assert.equal((await describe1([{ Name: 'subnet-id', Values: [subnetA] }, { Name: 'instance-state-name', Values: ['running'] }])).length, 6);
    assert.equal((await describe1([{ Name: 'availability-zone', Values: ['us-east-1b'] }, { Name: 'instance-state-name', Values: ['terminated'] }])).length, 11);
    const vpcId = team[0]!.VpcId!;
    assert.equal((await describe1([{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'instance-state-code', Values: ['16'] }])).length, 6);
  });

  it('pages by MaxResults (5–1000, not with InstanceIds) and groups reservations', async () => {
    const page1 = await ec2.send(new DescribeInstancesCommand({ MaxResults: 5 }));
    assert.equal(page1.Reservations!.flatMap((r) => r.Instances!).length, 5);
    assert.ok(page1.NextToken);
    await expectError(ec2.send(new DescribeInstancesCommand({ MaxResults: 3 })), 'InvalidParameterValue', 'Value ( 3 ) for parameter maxResults is invalid. Expecting a value greater than 5.');
    await expectError(ec2.send(new DescribeInstancesCommand({ MaxResults: 5, InstanceIds: ['i-0123456789abcdef0'] })), 'InvalidParameterCombination', 'The parameter instancesSet cannot be used with the parameter maxResults');
  });

  it('names every missing instance and refuses malformed ids', async () => {
    await expectError(ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] })), 'InvalidInstanceID.NotFound', "The instance ID 'i-0123456789abcdef0' does not exist");
    await expectError(ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0', 'i-0123456789abcdef1'] })), 'InvalidInstanceID.NotFound', "The instance IDs 'i-0123456789abcdef0, i-0123456789abcdef1' do not exist");
    await expectError(ec2.send(new DescribeInstancesCommand({ InstanceIds: ['web-1'] })), 'InvalidInstanceID.Malformed', 'Invalid id: "web-1"');
  });
});

describe('instance lifecycle', () => {
  it('terminate: shutting-down, then terminated; addresses and interfaces released; gone after an hour', async () => {
    const before = await free(subnetA);
    const [i] = (await ec2.send(new RunInstancesCommand({ ImageId: ami, MinCount: 1, MaxCount: 1, SubnetId: subnetA }))).Instances!;
    assert.equal(await free(subnetA), before - 1);
    const t = await ec2.send(new TerminateInstancesCommand({ InstanceIds: [i!.InstanceId!] }));
    assert.deepEqual(t.TerminatingInstances, [{ InstanceId: i!.InstanceId, PreviousState: { Code: 0, Name: 'pending' }, CurrentState: { Code: 32, Name: 'shutting-down' } }]);
    assert.equal(await free(subnetA), before);
    const enis = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [i!.InstanceId!] }] }));
    assert.equal(enis.NetworkInterfaces!.length, 0);
    srv.clock.advance(1000);
    const [gone] = await describe1([{ Name: 'instance-id', Values: [i!.InstanceId!] }]);
    assert.deepEqual(gone!.State, { Code: 48, Name: 'terminated' });
    assert.equal(gone!.StateReason?.Code, 'Client.UserInitiatedShutdown');
    assert.equal(gone!.PrivateIpAddress, undefined);
    const again = await ec2.send(new TerminateInstancesCommand({ InstanceIds: [i!.InstanceId!] }));
    assert.deepEqual(again.TerminatingInstances![0]!.CurrentState, { Code: 48, Name: 'terminated' });
    srv.clock.advance(3_600_000);
    assert.equal((await describe1([{ Name: 'instance-id', Values: [i!.InstanceId!] }])).length, 0);
  });

  it('stop and start; a terminated instance cannot be started', async () => {
    const [i] = (await ec2.send(new RunInstancesCommand({ ImageId: ami, MinCount: 1, MaxCount: 1, SubnetId: subnetA }))).Instances!;
    srv.clock.advance(1000);
    const stop = await ec2.send(new StopInstancesCommand({ InstanceIds: [i!.InstanceId!] }));
    assert.deepEqual(stop.StoppingInstances![0]!.CurrentState, { Code: 64, Name: 'stopping' });
    srv.clock.advance(1000);
    const start = await ec2.send(new StartInstancesCommand({ InstanceIds: [i!.InstanceId!] }));
    assert.deepEqual(start.StartingInstances![0]!.PreviousState, { Code: 80, Name: 'stopped' });
    assert.equal((await describe1([{ Name: 'instance-id', Values: [i!.InstanceId!] }]))[0]!.PrivateIpAddress, i!.PrivateIpAddress, 'a stopped instance keeps its address');
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [i!.InstanceId!] }));
    await expectError(ec2.send(new StartInstancesCommand({ InstanceIds: [i!.InstanceId!] })), 'IncorrectInstanceState', `The instance '${i!.InstanceId}' is not in a state from which it can be started.`);
    await expectError(ec2.send(new StopInstancesCommand({ InstanceIds: [i!.InstanceId!] })), 'IncorrectInstanceState', `This instance '${i!.InstanceId}' is not in a state from which it can be stopped.`);
  });

  it('DescribeInstanceStatus lists running instances unless IncludeAllInstances', async () => {
    srv.clock.advance(2000);
    const running = (await ec2.send(new DescribeInstanceStatusCommand({}))).InstanceStatuses!;
    assert.ok(running.length >= 6);
    assert.ok(running.every((s) => s.InstanceState?.Name === 'running' && s.InstanceStatus?.Status === 'ok'));
    const all = (await ec2.send(new DescribeInstanceStatusCommand({ IncludeAllInstances: true }))).InstanceStatuses!;
    assert.ok(all.some((s) => s.InstanceState?.Name === 'terminated' && s.SystemStatus?.Status === 'not-applicable'));
  });
});
