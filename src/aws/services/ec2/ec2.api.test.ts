/**
 * The in-process Ec2Api (what EKS, Auto Scaling and the data plane call) over the same state as the
 * wire: subnets and groups, launches (direct, from a template, replayed by client token),
 * termination, address allocation, and the extras Auto Scaling uses.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../../lib/clock.js';
import { MemoryStore } from '../../../store/memory/memory-store.js';
import { createEc2 } from './index.js';
import { rejection } from './test-helper.js';

const A = '111122223333';
const R = 'us-west-2';

describe('Ec2Api', () => {
  it('subnets and security groups: missing ones absent, create/delete groups', async () => {
    const { api } = createEc2({ store: new MemoryStore(), clock: new ManualClock() });
    const defaults = await api.defaultSubnets(A, R);
    assert.equal(defaults.length, 4);
    const got = await api.describeSubnets(A, R, [defaults[0]!.subnetId, 'subnet-00000000000000000']);
    assert.deepEqual(got.map((s) => [s.availabilityZone, s.cidrBlock, s.availableIpAddressCount]), [[defaults[0]!.availabilityZone, defaults[0]!.cidrBlock, 4091]]);
    const sg = await api.createSecurityGroup(A, R, { vpcId: got[0]!.vpcId, name: 'eks-cluster-sg-demo-1', description: 'EKS created security group', tags: { 'aws:eks:cluster-name': 'demo' } });
    assert.deepEqual(await api.describeSecurityGroups(A, R, [sg, 'sg-00000000000000000']), [{ groupId: sg, vpcId: got[0]!.vpcId }]);
    const dup = await rejection(api.createSecurityGroup(A, R, { vpcId: got[0]!.vpcId, name: 'eks-cluster-sg-demo-1', description: 'x' }));
    assert.equal((dup as Error & { code?: string }).name, 'AwsError');
    await api.deleteSecurityGroup(A, R, sg);
    assert.deepEqual(await api.describeSecurityGroups(A, R, [sg]), []);
  });

  it('runInstances from a template with a client token; terminate releases the addresses', async () => {
    const clock = new ManualClock();
    const ec2 = createEc2({ store: new MemoryStore(), clock });
    const { api } = ec2;
    const r = await ec2.region(A, R);
    const [subnet] = await api.defaultSubnets(A, R, ['us-west-2b']);
    const { createLaunchTemplate } = await import('./launch-templates.js');
    await createLaunchTemplate(r, { name: 'eks-ng', data: { ImageId: 'ami-0123456789abcdef0', InstanceType: 'm6i.large' }, createdBy: 'arn:aws:iam::111122223333:root', tags: [] });
    const lt = await api.describeLaunchTemplate(A, R, { name: 'eks-ng', version: '$Latest' });
    assert.equal(lt.version, 1);
    assert.equal(lt.instanceType, 'm6i.large');
    const input = { subnetId: subnet!.subnetId, count: 3, launchTemplate: { id: lt.id, version: '1' }, tags: { 'eks:nodegroup-name': 'ng', 'aws:autoscaling:groupName': 'asg-1' }, clientToken: 'launch-1' };
    const first = await api.runInstances(A, R, input);
    assert.equal(first.length, 3);
    assert.deepEqual(first.map((i) => i.privateIpAddress), ['172.31.16.4', '172.31.16.5', '172.31.16.6']);
    assert.equal(first[0]!.privateDnsName, 'ip-172-31-16-4.us-west-2.compute.internal');
    assert.equal(first[0]!.instanceType, 'm6i.large');
    assert.equal(first[0]!.tags['aws:autoscaling:groupName'], 'asg-1');
    assert.equal(first[0]!.state, 'pending');
    const replay = await api.runInstances(A, R, input);
    assert.deepEqual(replay.map((i) => i.instanceId), first.map((i) => i.instanceId));
    assert.equal((await api.describeSubnets(A, R, [subnet!.subnetId]))[0]!.availableIpAddressCount, 4091 - 3);
    clock.advance(1000);
    assert.deepEqual((await api.describeInstances(A, R, first.map((i) => i.instanceId))).map((i) => i.state), ['running', 'running', 'running']);
    await api.terminateInstances(A, R, [first[0]!.instanceId, 'i-00000000000000000']);
    assert.equal((await api.describeSubnets(A, R, [subnet!.subnetId]))[0]!.availableIpAddressCount, 4091 - 2);
    clock.advance(1000);
    assert.equal((await api.describeInstances(A, R, [first[0]!.instanceId]))[0]!.state, 'terminated');
  });

  it('allocatePrivateIp takes the lowest free address and releasePrivateIp gives it back', async () => {
    const { api } = createEc2({ store: new MemoryStore(), clock: new ManualClock() });
    const [subnet] = await api.defaultSubnets(A, R, ['us-west-2a']);
    const a = await api.allocatePrivateIp(A, R, subnet!.subnetId);
    const b = await api.allocatePrivateIp(A, R, subnet!.subnetId);
    assert.deepEqual([a, b], ['172.31.0.4', '172.31.0.5']);
    await api.releasePrivateIp(A, R, subnet!.subnetId, a!);
    assert.equal(await api.allocatePrivateIp(A, R, subnet!.subnetId), '172.31.0.4');
    assert.equal((await api.describeSubnets(A, R, [subnet!.subnetId]))[0]!.availableIpAddressCount, 4091 - 2);
  });

  it('a full subnet answers undefined; the state is shared with a second process over the same store', async () => {
    const store = new MemoryStore();
    const clock = new ManualClock();
    const one = createEc2({ store, clock });
    const r = await one.region(A, R);
    const { createSubnet } = await import('./handlers/subnets.js');
    const vpc = await r.defaultVpc();
    const tiny = await createSubnet(r, { VpcId: vpc!.VpcId, CidrBlock: '172.31.200.0/28', AvailabilityZone: 'us-west-2c' });
    const two = createEc2({ store, clock });
    const got: (string | undefined)[] = [];
    for (let k = 0; k < 12; k++) got.push(await (k % 2 ? one : two).api.allocatePrivateIp(A, R, tiny.SubnetId));
    assert.equal(new Set(got.filter(Boolean)).size, 11);
    assert.equal(got[11], undefined);
  });
});

describe('Ec2Api for the VPC CNI', () => {
  it('allocatePrivateIps takes what is left; allocatePrefix takes aligned free /28s and skips partly used blocks', async () => {
    const clock = new ManualClock();
    const ec2 = createEc2({ store: new MemoryStore(), clock });
    const r = await ec2.region(A, R);
    const { createSubnet } = await import('./handlers/subnets.js');
    const vpc = await r.defaultVpc();
    const small = await createSubnet(r, { VpcId: vpc!.VpcId, CidrBlock: '172.31.201.0/26', AvailabilityZone: 'us-west-2a' });
    const api = ec2.api;
    // A /26 has 64 addresses, 59 usable; its /28 blocks: [0-15] holds reserves, [48-63] the broadcast.
    const first = await api.allocatePrefix(A, R, small.SubnetId, 'i-cni');
    assert.equal(first?.length, 16);
    assert.equal(first![0], '172.31.201.16');
    assert.equal(first![15], '172.31.201.31');
    const ips = await api.allocatePrivateIps(A, R, small.SubnetId, 5, 'i-cni');
    assert.deepEqual(ips, ['172.31.201.4', '172.31.201.5', '172.31.201.6', '172.31.201.7', '172.31.201.8']);
    // Take one address of the third block: no whole block is left.
    assert.equal(await api.allocatePrivateIp(A, R, small.SubnetId).then(() => api.allocatePrivateIps(A, R, small.SubnetId, 30, 'i-cni')).then((x) => x.length), 30);
    assert.equal(await api.allocatePrefix(A, R, small.SubnetId, 'i-cni'), undefined);
    const rest = await api.allocatePrivateIps(A, R, small.SubnetId, 100, 'i-other');
    assert.equal(rest.length, 59 - 16 - 5 - 1 - 30);
    assert.equal((await api.describeSubnets(A, R, [small.SubnetId]))[0]!.availableIpAddressCount, 0);
    const held = (await api.privateIpsByOwner(A, R, small.SubnetId)).get('i-cni') ?? [];
    assert.equal(held.length, 16 + 5 + 30);
    assert.equal((await api.privateIpsByOwner(A, R, small.SubnetId)).get('i-other')?.length, 59 - 16 - 5 - 1 - 30);
    assert.deepEqual(held.slice(0, 2), ['172.31.201.4', '172.31.201.5']);
  });

  it('addresses held in an instance\'s name are freed when it terminates', async () => {
    const clock = new ManualClock();
    const ec2 = createEc2({ store: new MemoryStore(), clock });
    const [subnet] = await ec2.api.defaultSubnets(A, R, ['us-west-2a']);
    const [inst] = await ec2.api.runInstances(A, R, { subnetId: subnet!.subnetId, count: 1, instanceType: 'm5.large' });
    const free = async () => (await ec2.api.describeSubnets(A, R, [subnet!.subnetId]))[0]!.availableIpAddressCount;
    const before = await free();
    await ec2.api.allocatePrivateIps(A, R, subnet!.subnetId, 9, inst!.instanceId);
    assert.equal(await free(), before - 9);
    await ec2.api.terminateInstances(A, R, [inst!.instanceId]);
    assert.equal(await free(), before + 1, 'the CNI\'s nine and the instance\'s own address');
  });

  it('instancesTagged finds the instances with a tag key prefix', async () => {
    const clock = new ManualClock();
    const ec2 = createEc2({ store: new MemoryStore(), clock });
    const [subnet] = await ec2.api.defaultSubnets(A, R, ['us-west-2a']);
    await ec2.api.runInstances(A, R, { subnetId: subnet!.subnetId, count: 2, instanceType: 't3.medium', tags: { 'eks:cluster-name': 'demo' } });
    await ec2.api.runInstances(A, R, { subnetId: subnet!.subnetId, count: 1, instanceType: 't3.medium', tags: { 'eks:cluster-name': 'other' } });
    assert.equal((await ec2.api.instancesTagged(A, R, 'eks:cluster-name')).length, 3);
    assert.equal((await ec2.api.instancesTagged(A, R, 'eks:cluster-')).length, 3);
    assert.equal((await ec2.api.instancesTagged(A, R, 'kubernetes.io/cluster/')).length, 0);
  });
});
