/**
 * Auto Scaling's refusals with their exact codes and messages, tags (with PropagateAtLaunch and
 * DescribeAutoScalingGroups' tag filters), paging, and the in-process AutoScalingApi EKS uses.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateAutoScalingGroupCommand, CreateOrUpdateTagsCommand, DeleteTagsCommand, DescribeAutoScalingGroupsCommand, DescribeTagsCommand,
  SetDesiredCapacityCommand, SuspendProcessesCommand, TerminateInstanceInAutoScalingGroupCommand, UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { rejection } from '../ec2/test-helper.js';
import { startAsgWorld, type AsgWorld } from './test-helper.js';

let w: AsgWorld;

async function expectError(p: Promise<unknown>, name: string, message: string): Promise<void> {
  const err = await rejection(p);
  assert.equal(err.name, name);
  assert.equal(err.message, message);
  assert.equal(err.$metadata?.httpStatusCode, 400);
}

before(async () => {
  w = await startAsgWorld();
});
after(async () => {
  await w.stop();
});

describe('refusals', () => {
  const base = () => ({ AutoScalingGroupName: 'g1', MinSize: 1, MaxSize: 3, LaunchTemplate: { LaunchTemplateId: w.templateId }, VPCZoneIdentifier: w.subnets.join(',') });

  it('sizes', async () => {
    await expectError(w.as.send(new CreateAutoScalingGroupCommand({ ...base(), DesiredCapacity: 5 })), 'ValidationError', 'Desired capacity:5 must be between the specified min size:1 and max size:3');
    await expectError(w.as.send(new CreateAutoScalingGroupCommand({ ...base(), MinSize: 4 })), 'ValidationError', 'Max bound, 3, must be greater than or equal to min bound, 4');
    await w.as.send(new CreateAutoScalingGroupCommand(base()));
    await expectError(w.as.send(new CreateAutoScalingGroupCommand(base())), 'AlreadyExistsFault', 'AutoScalingGroup by this name already exists - A group with the name g1 already exists');
    await expectError(w.as.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'g1', DesiredCapacity: 5 })), 'ValidationError', 'Desired capacity:5 must be between the specified min size:1 and max size:3');
    await expectError(w.as.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'g1', DesiredCapacity: 10 })), 'ValidationError', 'New SetDesiredCapacity value 10 is above max value 3 for the AutoScalingGroup.');
    await expectError(w.as.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'g1', DesiredCapacity: 0 })), 'ValidationError', 'New SetDesiredCapacity value 0 is below min value 1 for the AutoScalingGroup.');
    await w.as.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'g1', MinSize: 2 }));
    const g = (await w.as.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['g1'] }))).AutoScalingGroups![0]!;
    assert.deepEqual([g.MinSize, g.MaxSize, g.DesiredCapacity], [2, 3, 2], 'a new MinSize above the desired capacity raises it');
  });

  it('missing groups, instances and launch sources', async () => {
    await expectError(w.as.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'nope', MaxSize: 1 })), 'ValidationError', 'AutoScalingGroup name not found - null');
    await expectError(w.as.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'nope', DesiredCapacity: 1 })), 'ValidationError', "AutoScalingGroup name not found - AutoScalingGroup 'nope' not found");
    await expectError(w.as.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: 'i-0123456789abcdef0', ShouldDecrementDesiredCapacity: true })),
      'ValidationError', 'Instance Id not found - No managed instance found for instance ID: i-0123456789abcdef0');
    await expectError(w.as.send(new CreateOrUpdateTagsCommand({ Tags: [{ ResourceId: 'nope', ResourceType: 'auto-scaling-group', Key: 'a', Value: 'b' }] })),
      'ValidationError', 'AutoScalingGroup not found - AutoScaling Group nope not found');
    await expectError(w.as.send(new CreateAutoScalingGroupCommand({ AutoScalingGroupName: 'g2', MinSize: 0, MaxSize: 1, VPCZoneIdentifier: w.subnets[0] })),
      'ValidationError', 'Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter.');
    await expectError(w.as.send(new CreateAutoScalingGroupCommand({ AutoScalingGroupName: 'g2', MinSize: 0, MaxSize: 1, VPCZoneIdentifier: w.subnets[0], LaunchTemplate: { LaunchTemplateName: 'missing' } })),
      'ValidationError', 'You must use a valid fully-formed launch template. The specified launch template, with template name missing, does not exist.');
    await expectError(w.as.send(new CreateAutoScalingGroupCommand({ AutoScalingGroupName: 'g2', MinSize: 0, MaxSize: 1, VPCZoneIdentifier: 'subnet-0000000000000000a', LaunchTemplate: { LaunchTemplateId: w.templateId } })),
      'ValidationError', "The subnet ID 'subnet-0000000000000000a' does not exist");
    await expectError(w.as.send(new CreateAutoScalingGroupCommand({ AutoScalingGroupName: 'g2', MinSize: 0, MaxSize: 1, LaunchTemplate: { LaunchTemplateId: w.templateId } })),
      'ValidationError', 'At least one Availability Zone or VPC Subnet is required.');
  });

  it('decrementing below the minimum size', async () => {
    await w.as.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'g1', MinSize: 1, DesiredCapacity: 1 }));
    await w.advance(2000);
    const g = (await w.as.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['g1'] }))).AutoScalingGroups![0]!;
    const id = g.Instances![0]!.InstanceId!;
    await expectError(w.as.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: id, ShouldDecrementDesiredCapacity: true })), 'ValidationError',
      "Currently, desiredSize equals minSize (1). Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.");
    await expectError(w.as.send(new SuspendProcessesCommand({ AutoScalingGroupName: 'g1', ScalingProcesses: ['Sleep'] })), 'ValidationError', 'Invalid scaling process name(s): Sleep');
  });

  it('default subnets from AvailabilityZones when no VPCZoneIdentifier is given', async () => {
    await w.as.send(new CreateAutoScalingGroupCommand({ AutoScalingGroupName: 'zones', MinSize: 0, MaxSize: 2, DesiredCapacity: 2, AvailabilityZones: ['us-east-1d', 'us-east-1e'], LaunchTemplate: { LaunchTemplateId: w.templateId } }));
    await w.advance(1000);
    const g = (await w.as.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['zones'] }))).AutoScalingGroups![0]!;
    assert.deepEqual(g.Instances!.map((i) => i.AvailabilityZone).sort(), ['us-east-1d', 'us-east-1e']);
    assert.equal(g.VPCZoneIdentifier!.split(',').length, 2);
  });
});

describe('tags and paging', () => {
  it('CreateOrUpdateTags / DescribeTags / DeleteTags and tag filters', async () => {
    await w.as.send(new CreateOrUpdateTagsCommand({ Tags: [
      { ResourceId: 'g1', ResourceType: 'auto-scaling-group', Key: 'k8s.io/cluster-autoscaler/demo', Value: 'owned', PropagateAtLaunch: true },
      { ResourceId: 'zones', ResourceType: 'auto-scaling-group', Key: 'team', Value: 'a' },
    ] }));
    const tags = (await w.as.send(new DescribeTagsCommand({ Filters: [{ Name: 'auto-scaling-group', Values: ['g1'] }] }))).Tags!;
    assert.deepEqual(tags, [{ ResourceId: 'g1', ResourceType: 'auto-scaling-group', Key: 'k8s.io/cluster-autoscaler/demo', Value: 'owned', PropagateAtLaunch: true }]);
    const found = (await w.as.send(new DescribeAutoScalingGroupsCommand({ Filters: [{ Name: 'tag-key', Values: ['k8s.io/cluster-autoscaler/demo'] }] }))).AutoScalingGroups!;
    assert.deepEqual(found.map((g) => g.AutoScalingGroupName), ['g1']);
    const byValue = (await w.as.send(new DescribeAutoScalingGroupsCommand({ Filters: [{ Name: 'tag:team', Values: ['a'] }] }))).AutoScalingGroups!;
    assert.deepEqual(byValue.map((g) => g.AutoScalingGroupName), ['zones']);
    await w.as.send(new DeleteTagsCommand({ Tags: [{ ResourceId: 'zones', ResourceType: 'auto-scaling-group', Key: 'team' }] }));
    assert.equal((await w.as.send(new DescribeTagsCommand({ Filters: [{ Name: 'key', Values: ['team'] }] }))).Tags!.length, 0);
  });

  it('DescribeAutoScalingGroups pages by MaxRecords', async () => {
    const p1 = await w.as.send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 1 }));
    assert.equal(p1.AutoScalingGroups!.length, 1);
    assert.ok(p1.NextToken);
    const p2 = await w.as.send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 1, NextToken: p1.NextToken }));
    assert.notEqual(p2.AutoScalingGroups![0]!.AutoScalingGroupName, p1.AutoScalingGroups![0]!.AutoScalingGroupName);
    assert.equal(p2.NextToken, undefined);
  });
});

describe('AutoScalingApi (in-process, as EKS calls it)', () => {
  it('creates, describes, updates and force-deletes a node group ASG', async () => {
    const A = '000000000000';
    const R = 'us-east-1';
    await w.asg.api.createGroup(A, R, { name: 'eks-ng-api', minSize: 1, maxSize: 4, desiredCapacity: 3, subnetIds: w.subnets, launchTemplate: { id: w.templateId, version: '1' }, tags: { 'eks:nodegroup-name': 'ng' } });
    await w.advance(1000);
    let g = await w.asg.api.describeGroup(A, R, 'eks-ng-api');
    assert.equal(g?.desiredCapacity, 3);
    assert.deepEqual(g!.instances.map((i) => i.availabilityZone).sort(), ['us-east-1a', 'us-east-1b', 'us-east-1c']);
    assert.ok(g!.instances.every((i) => i.lifecycleState === 'InService'));
    await w.asg.api.updateGroup(A, R, 'eks-ng-api', { desiredCapacity: 1 });
    await w.advance(1000);
    g = await w.asg.api.describeGroup(A, R, 'eks-ng-api');
    assert.equal(g!.instances.length, 1);
    const err = await rejection(w.asg.api.deleteGroup(A, R, 'eks-ng-api', { forceDelete: false }));
    assert.equal((err as Error & { code?: string }).code, 'ResourceInUseFault');
    await w.asg.api.deleteGroup(A, R, 'eks-ng-api', { forceDelete: true });
    await w.advance(1000);
    assert.equal(await w.asg.api.describeGroup(A, R, 'eks-ng-api'), undefined);
  });
});
