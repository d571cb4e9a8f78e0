/**
 * The other EC2 resources through @aws-sdk/client-ec2: security groups and rules, internet
 * gateways, route tables, network interfaces and secondary addresses, key pairs, volumes, launch
 * template versions, Elastic IPs, NAT gateways, tags, instance types — each with its errors.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  AllocateAddressCommand, AssignPrivateIpAddressesCommand, AssociateRouteTableCommand, AttachInternetGatewayCommand, AttachVolumeCommand,
  AuthorizeSecurityGroupIngressCommand, CreateInternetGatewayCommand, CreateKeyPairCommand, CreateLaunchTemplateCommand, CreateLaunchTemplateVersionCommand,
  CreateNatGatewayCommand, CreateNetworkInterfaceCommand, CreateRouteCommand, CreateRouteTableCommand, CreateSecurityGroupCommand, CreateSubnetCommand,
  CreateTagsCommand, CreateVolumeCommand, CreateVpcCommand, DeleteInternetGatewayCommand, DeleteKeyPairCommand, DeleteLaunchTemplateVersionsCommand,
  DeleteNetworkInterfaceCommand, DeleteRouteTableCommand, DeleteSecurityGroupCommand, DeleteTagsCommand, DeleteVolumeCommand, DescribeInstanceTypesCommand,
  DescribeKeyPairsCommand, DescribeLaunchTemplateVersionsCommand, DescribeNatGatewaysCommand, DescribeSecurityGroupRulesCommand, DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand, DescribeTagsCommand, DescribeVolumesCommand, DetachInternetGatewayCommand, EC2Client, ImportKeyPairCommand, ReleaseAddressCommand,
  RevokeSecurityGroupIngressCommand, RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { rejection, sdkConfig, startEc2Server, type Ec2TestServer } from './test-helper.js';

let srv: Ec2TestServer;
let ec2: EC2Client;
let vpcId: string;
let subnetId: string;

async function expectError(p: Promise<unknown>, code: string, message: string): Promise<void> {
  const err = await rejection(p);
  assert.equal(err.name, code);
  assert.equal(err.message, message);
}

before(async () => {
  srv = await startEc2Server();
  ec2 = new EC2Client(sdkConfig(srv.url));
  vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
  subnetId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!.SubnetId!;
});
after(async () => {
  ec2.destroy();
  await srv.stop();
});

describe('security groups', () => {
  let sg: string;
  it('create with the allow-all egress rule; duplicate names refused per VPC', async () => {
    sg = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'nodes', Description: 'worker nodes', VpcId: vpcId }))).GroupId!;
    const rules = (await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [sg] }] }))).SecurityGroupRules!;
    assert.deepEqual(rules.map((r) => [r.IsEgress, r.IpProtocol, r.FromPort, r.ToPort, r.CidrIpv4]), [[true, '-1', -1, -1, '0.0.0.0/0']]);
    await expectError(ec2.send(new CreateSecurityGroupCommand({ GroupName: 'nodes', Description: 'again', VpcId: vpcId })), 'InvalidGroup.Duplicate', `The security group 'nodes' already exists for VPC '${vpcId}'`);
    await expectError(ec2.send(new CreateSecurityGroupCommand({ GroupName: 'sg-1', Description: 'x', VpcId: vpcId })), 'InvalidParameterValue', 'Group names may not be in the format sg-*');
  });

  it('authorize, duplicate, revoke, and group references', async () => {
    const other = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'cp', Description: 'control plane', VpcId: vpcId }))).GroupId!;
    const a = await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: sg, IpPermissions: [
      { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/16', Description: 'https' }], UserIdGroupPairs: [{ GroupId: other }] },
    ] }));
    assert.equal(a.Return, true);
    assert.equal(a.SecurityGroupRules!.length, 2);
    assert.match(a.SecurityGroupRules![0]!.SecurityGroupRuleId!, /^sgr-[0-9a-f]{17}$/);
    await expectError(ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: sg, IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.0.0.0/16' })),
      'InvalidPermission.Duplicate', 'the specified rule "peer: 10.0.0.0/16, TCP, from port: 443, to port: 443, ALLOW" already exists');
    const g = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [sg] }))).SecurityGroups![0]!;
    assert.deepEqual(g.IpPermissions, [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/16', Description: 'https' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [{ GroupId: other, UserId: '000000000000' }] }]);
    await expectError(ec2.send(new DeleteSecurityGroupCommand({ GroupId: other })), 'DependencyViolation', `resource ${other} has a dependent object`);
    await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: sg, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, UserIdGroupPairs: [{ GroupId: other }] }] }));
    await ec2.send(new DeleteSecurityGroupCommand({ GroupId: other }));
    await expectError(ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: sg, IpPermissions: [{ IpProtocol: 'udp', FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] })),
      'InvalidPermission.NotFound', 'The specified rule does not exist in this security group.');
    const def = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'group-name', Values: ['default'] }] }))).SecurityGroups![0]!;
    await expectError(ec2.send(new DeleteSecurityGroupCommand({ GroupId: def.GroupId })), 'CannotDelete', `the specified group: "${def.GroupId}" name: "default" cannot be deleted by a user`);
  });
});

describe('gateways and route tables', () => {
  it('internet gateway: attach once, delete only when detached', async () => {
    const igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpcId }));
    await expectError(ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpcId })), 'Resource.AlreadyAssociated', `resource ${igw} is already attached to network ${vpcId}`);
    await expectError(ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: igw })), 'DependencyViolation', `The internetGateway '${igw}' has dependencies and cannot be deleted.`);
    const rtb = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
    await ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw }));
    await expectError(ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw })), 'RouteAlreadyExists', 'The route identified by 0.0.0.0/0 already exists.');
    await expectError(ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '1.0.0.0/8', GatewayId: 'igw-00000000000000000' })), 'InvalidGatewayID.NotFound', "The gateway ID 'igw-00000000000000000' does not exist");
    const assoc = await ec2.send(new AssociateRouteTableCommand({ RouteTableId: rtb, SubnetId: subnetId }));
    assert.match(assoc.AssociationId!, /^rtbassoc-/);
    await expectError(ec2.send(new DeleteRouteTableCommand({ RouteTableId: rtb })), 'DependencyViolation', `The routeTable '${rtb}' has dependencies and cannot be deleted.`);
    await expectError(ec2.send(new DeleteRouteTableCommand({ RouteTableId: 'rtb-x' })), 'InvalidRouteTableID.NotFound', "The routeTable ID 'rtb-x' does not exist");
    await ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpcId }));
    await expectError(ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpcId })), 'Gateway.NotAttached', `resource ${igw} is not attached to network ${vpcId}`);
    await ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: igw }));
  });

  it('Elastic IP and a public NAT gateway (pending → available, address taken from the subnet)', async () => {
    const eip = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    assert.match(eip.AllocationId!, /^eipalloc-/);
    const before = (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnetId] }))).Subnets![0]!.AvailableIpAddressCount!;
    const nat = (await ec2.send(new CreateNatGatewayCommand({ SubnetId: subnetId, AllocationId: eip.AllocationId }))).NatGateway!;
    assert.equal(nat.State, 'pending');
    assert.equal(nat.NatGatewayAddresses![0]!.PublicIp, eip.PublicIp);
    assert.equal((await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnetId] }))).Subnets![0]!.AvailableIpAddressCount, before - 1);
    srv.clock.advance(1000);
    const described = (await ec2.send(new DescribeNatGatewaysCommand({ Filter: [{ Name: 'subnet-id', Values: [subnetId] }] }))).NatGateways!;
    assert.deepEqual(described.map((n) => n.State), ['available']);
    await expectError(ec2.send(new ReleaseAddressCommand({ AllocationId: eip.AllocationId })), 'InvalidIPAddress.InUse', `Address ${eip.AllocationId} is in use.`);
    await expectError(ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: ['nat-0000000000000000a'] })), 'NatGatewayNotFound', 'The Nat Gateway nat-0000000000000000a was not found');
  });
});

describe('interfaces, key pairs, volumes', () => {
  it('network interface with secondary addresses; delete while attached refused', async () => {
    const eni = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, Description: 'cni', SecondaryPrivateIpAddressCount: 2 }))).NetworkInterface!;
    assert.equal(eni.PrivateIpAddresses!.length, 3);
    assert.equal(eni.Groups![0]!.GroupName, 'default');
    const more = await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eni.NetworkInterfaceId, SecondaryPrivateIpAddressCount: 1 }));
    assert.equal(more.AssignedPrivateIpAddresses!.length, 1);
    await ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eni.NetworkInterfaceId }));
    await expectError(ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eni.NetworkInterfaceId })), 'InvalidNetworkInterfaceID.NotFound', `The networkInterface ID '${eni.NetworkInterfaceId}' does not exist`);
  });

  it('key pairs: RSA PEM, ED25519 OpenSSH, import with EC2 fingerprints, duplicates, idempotent delete', async () => {
    const rsa = await ec2.send(new CreateKeyPairCommand({ KeyName: 'ops' }));
    assert.match(rsa.KeyMaterial!, /^-----BEGIN RSA PRIVATE KEY-----\n/);
    assert.match(rsa.KeyFingerprint!, /^([0-9a-f]{2}:){19}[0-9a-f]{2}$/);
    assert.match(rsa.KeyPairId!, /^key-[0-9a-f]{17}$/);
    const ed = await ec2.send(new CreateKeyPairCommand({ KeyName: 'ed', KeyType: 'ed25519' }));
    assert.match(ed.KeyMaterial!, /^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    await expectError(ec2.send(new CreateKeyPairCommand({ KeyName: 'ops' })), 'InvalidKeyPair.Duplicate', "The keypair 'ops' already exists.");
    const listed = (await ec2.send(new DescribeKeyPairsCommand({ KeyNames: ['ed'], IncludePublicKey: true }))).KeyPairs!;
    const pub = listed[0]!.PublicKey!;
    assert.match(pub, /^ssh-ed25519 AAAA/);
    const blob = Buffer.from(pub.split(' ')[1]!, 'base64');
    assert.equal(listed[0]!.KeyFingerprint, createHash('sha256').update(blob).digest('base64'));
    const imported = await ec2.send(new ImportKeyPairCommand({ KeyName: 'imported', PublicKeyMaterial: Buffer.from(pub) }));
    assert.equal(imported.KeyFingerprint, listed[0]!.KeyFingerprint);
    await expectError(ec2.send(new ImportKeyPairCommand({ KeyName: 'bad', PublicKeyMaterial: Buffer.from('not a key') })), 'InvalidKey.Format', 'Key is not in valid OpenSSH public key format');
    await expectError(ec2.send(new DescribeKeyPairsCommand({ KeyNames: ['nope'] })), 'InvalidKeyPair.NotFound', "The key pair 'nope' does not exist");
    await ec2.send(new DeleteKeyPairCommand({ KeyName: 'ops' }));
    await ec2.send(new DeleteKeyPairCommand({ KeyName: 'ops' }));
  });

  it('volumes: creating → available, attach in the same zone, delete refused while attached', async () => {
    const vol = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 20, VolumeType: 'gp3' }));
    assert.equal(vol.State, 'creating');
    assert.equal(vol.Iops, 3000);
    srv.clock.advance(500);
    assert.equal((await ec2.send(new DescribeVolumesCommand({ VolumeIds: [vol.VolumeId!] }))).Volumes![0]!.State, 'available');
    const inst = (await ec2.send(new RunInstancesCommand({ ImageId: 'ami-0123456789abcdef0', MinCount: 1, MaxCount: 1, SubnetId: subnetId }))).Instances![0]!;
    await ec2.send(new AttachVolumeCommand({ VolumeId: vol.VolumeId, InstanceId: inst.InstanceId, Device: '/dev/xvdf' }));
    await expectError(ec2.send(new DeleteVolumeCommand({ VolumeId: vol.VolumeId })), 'VolumeInUse', `Volume ${vol.VolumeId} is currently attached to ${inst.InstanceId}`);
    const other = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1b', Size: 1 }));
    srv.clock.advance(500);
    await expectError(ec2.send(new AttachVolumeCommand({ VolumeId: other.VolumeId, InstanceId: inst.InstanceId, Device: '/dev/xvdg' })), 'InvalidVolume.ZoneMismatch', `The volume '${other.VolumeId}' is not in the same availability zone as instance '${inst.InstanceId}'`);
    await expectError(ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1z', Size: 1 })), 'InvalidZone.NotFound', "The zone 'us-east-1z' does not exist.");
    await expectError(ec2.send(new DescribeVolumesCommand({ VolumeIds: ['vol-x'] })), 'InvalidVolume.NotFound', "The volume 'vol-x' does not exist.");
  });
});

describe('launch templates, tags, instance types', () => {
  it('versions: $Latest/$Default, the default version cannot be deleted, duplicate names refused', async () => {
    const lt = (await ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'ng-1', LaunchTemplateData: { InstanceType: 't3.large' } }))).LaunchTemplate!;
    assert.equal(lt.DefaultVersionNumber, 1);
    assert.equal(lt.CreatedBy, 'arn:aws:iam::000000000000:root');
    const v2 = (await ec2.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateName: 'ng-1', SourceVersion: '$Latest', LaunchTemplateData: { ImageId: 'ami-0123456789abcdef0' } }))).LaunchTemplateVersion!;
    assert.equal(v2.VersionNumber, 2);
    assert.deepEqual(v2.LaunchTemplateData, { InstanceType: 't3.large', ImageId: 'ami-0123456789abcdef0' });
    const listed = (await ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: lt.LaunchTemplateId, Versions: ['$Latest', '$Default'] }))).LaunchTemplateVersions!;
    assert.deepEqual(listed.map((v) => [v.VersionNumber, v.DefaultVersion]), [[2, false], [1, true]]);
    const del = await ec2.send(new DeleteLaunchTemplateVersionsCommand({ LaunchTemplateId: lt.LaunchTemplateId, Versions: ['1', '2', '7'] }));
    assert.deepEqual(del.SuccessfullyDeletedLaunchTemplateVersions!.map((x) => x.VersionNumber), [2]);
    assert.deepEqual(del.UnsuccessfullyDeletedLaunchTemplateVersions!.map((x) => x.VersionNumber), [1, 7]);
    await expectError(ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'ng-1', LaunchTemplateData: { InstanceType: 't3.small' } })), 'InvalidLaunchTemplateName.AlreadyExistsException', 'Launch template name already in use.');
  });

  it('CreateTags / DeleteTags / DescribeTags across resource types', async () => {
    await ec2.send(new CreateTagsCommand({ Resources: [vpcId, subnetId], Tags: [{ Key: 'env', Value: 'ci' }] }));
    const tags = (await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'key', Values: ['env'] }] }))).Tags!;
    assert.deepEqual(tags.map((t) => [t.ResourceType, t.ResourceId]).sort(), [['subnet', subnetId], ['vpc', vpcId]]);
    await ec2.send(new DeleteTagsCommand({ Resources: [subnetId], Tags: [{ Key: 'env' }] }));
    assert.equal((await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [subnetId] }] }))).Tags!.length, 0);
    await expectError(ec2.send(new CreateTagsCommand({ Resources: ['subnet-0000000000000000a'], Tags: [{ Key: 'a', Value: 'b' }] })), 'InvalidSubnetID.NotFound', "The subnet ID 'subnet-0000000000000000a' does not exist");
    await expectError(ec2.send(new CreateTagsCommand({ Resources: [vpcId], Tags: [{ Key: 'aws:x', Value: 'b' }] })), 'InvalidParameterValue', "Tag keys starting with 'aws:' are reserved for internal use");
    await expectError(ec2.send(new CreateVpcCommand({ CidrBlock: '10.5.0.0/16', TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'a', Value: 'b' }] }] })), 'InvalidParameterValue', "'instance' is not a valid taggable resource type for this operation.");
  });

  it('DescribeInstanceTypes carries ENI and IP limits (max pods inputs)', async () => {
    const types = (await ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: ['m5.large', 'm5.24xlarge', 'c5.18xlarge', 't3.medium'] }))).InstanceTypes!;
    const by = Object.fromEntries(types.map((t) => [t.InstanceType, t]));
    assert.equal(by['m5.large']!.NetworkInfo?.MaximumNetworkInterfaces, 3);
    assert.equal(by['m5.large']!.NetworkInfo?.Ipv4AddressesPerInterface, 10);
    assert.equal(by['m5.24xlarge']!.VCpuInfo?.DefaultVCpus, 96);
    assert.equal(by['c5.18xlarge']!.MemoryInfo?.SizeInMiB, 147456);
    assert.equal(by['t3.medium']!.NetworkInfo?.Ipv4AddressesPerInterface, 6);
    const arm = (await ec2.send(new DescribeInstanceTypesCommand({ Filters: [{ Name: 'processor-info.supported-architecture', Values: ['arm64'] }, { Name: 'instance-type', Values: ['m6g.*'] }] }))).InstanceTypes!;
    assert.ok(arm.length >= 5 && arm.every((t) => t.ProcessorInfo?.SupportedArchitectures?.[0] === 'arm64'));
    await expectError(ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: ['x1e.xlarge'] })), 'InvalidInstanceType', 'The following supplied instance types do not exist: [x1e.xlarge]');
  });
});
