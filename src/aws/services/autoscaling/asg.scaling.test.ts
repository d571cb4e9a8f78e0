/**
 * Auto Scaling through @aws-sdk/client-auto-scaling and @aws-sdk/client-ec2: a group over three
 * subnets in three zones scales 0 → 6 (two per zone), becomes InService on the clock, scales in
 * one per zone, replaces instances terminated behind its back, terminates with and without
 * decrement, honours suspended processes, rebalances after its subnets change, and is deleted with
 * and without ForceDelete; addresses go back to the subnets.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateAutoScalingGroupCommand, DeleteAutoScalingGroupCommand, DescribeAutoScalingGroupsCommand, DescribeAutoScalingInstancesCommand,
  DescribeScalingActivitiesCommand, ResumeProcessesCommand, SetDesiredCapacityCommand, SuspendProcessesCommand, TerminateInstanceInAutoScalingGroupCommand,
  UpdateAutoScalingGroupCommand, type AutoScalingGroup,
} from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, DescribeSubnetsCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { rejection } from '../ec2/test-helper.js';
import { startAsgWorld, type AsgWorld } from './test-helper.js';

let w: AsgWorld;
const NAME = 'eks-ng-1';

async function group(name = NAME): Promise<AutoScalingGroup> {
  return (await w.as.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }))).AutoScalingGroups![0]!;
}
function perZone(g: AutoScalingGroup, state?: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of g.Instances ?? []) if (!state || i.LifecycleState === state) out[i.AvailabilityZone!] = (out[i.AvailabilityZone!] ?? 0) + 1;
  return out;
}
async function freeAddresses(): Promise<number[]> {
  const s = (await w.ec2.send(new DescribeSubnetsCommand({ SubnetIds: w.subnets }))).Subnets!;
  return w.subnets.map((id) => s.find((x) => x.SubnetId === id)!.AvailableIpAddressCount!);
}
async function ec2Members(name = NAME, state = 'pending,running'): Promise<string[]> {
  const out = await w.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:aws:autoscaling:groupName', Values: [name] }, { Name: 'instance-state-name', Values: state.split(',') }] }));
  return out.Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId!)).sort();
}

before(async () => {
  w = await startAsgWorld();
});
after(async () => {
  await w.stop();
});

describe('scaling', () => {
  it('0 → 6 across three subnets in three zones: two per zone, Pending then InService', async () => {
    await w.as.send(new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: NAME, MinSize: 0, MaxSize: 10, DesiredCapacity: 0,
      LaunchTemplate: { LaunchTemplateId: w.templateId, Version: '$Latest' }, VPCZoneIdentifier: w.subnets.join(','),
      Tags: [{ Key: 'k8s.io/cluster-autoscaler/enabled', Value: 'true', PropagateAtLaunch: true }, { Key: 'internal', Value: 'x', PropagateAtLaunch: false }],
    }));
    await w.advance(0);
    let g = await group();
    assert.deepEqual(g.AvailabilityZones, ['us-east-1a', 'us-east-1b', 'us-east-1c']);
    assert.equal(g.Instances!.length, 0);
    assert.deepEqual(g.LaunchTemplate, { LaunchTemplateId: w.templateId, LaunchTemplateName: 'nodes', Version: '$Latest' });
    assert.match(g.AutoScalingGroupARN!, /^arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroup:[0-9a-f-]{36}:autoScalingGroupName\/eks-ng-1$/);
    await w.as.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: NAME, DesiredCapacity: 6 }));
    await w.advance(0);
    g = await group();
    assert.equal(g.Instances!.length, 6);
    assert.deepEqual(perZone(g, 'Pending'), { 'us-east-1a': 2, 'us-east-1b': 2, 'us-east-1c': 2 });
    assert.deepEqual(await freeAddresses(), [249, 249, 249]);
    assert.equal(g.Instances![0]!.InstanceType, 'm5.large');
    assert.deepEqual(g.Instances![0]!.LaunchTemplate, { LaunchTemplateId: w.templateId, LaunchTemplateName: 'nodes', Version: '1' });
    await w.advance(1000);
    g = await group();
    assert.deepEqual(perZone(g, 'InService'), { 'us-east-1a': 2, 'us-east-1b': 2, 'us-east-1c': 2 });
    const inEc2 = await w.ec2.send(new DescribeInstancesCommand({ InstanceIds: g.Instances!.map((i) => i.InstanceId!) }));
    const tags = inEc2.Reservations![0]!.Instances![0]!.Tags!.map((t) => t.Key).sort();
    assert.deepEqual(tags, ['aws:autoscaling:groupName', 'aws:ec2launchtemplate:id', 'aws:ec2launchtemplate:version', 'k8s.io/cluster-autoscaler/enabled']);
    const acts = (await w.as.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: NAME }))).Activities!;
    assert.equal(acts.length, 6);
    assert.ok(acts.every((a) => a.StatusCode === 'Successful' && /^Launching a new EC2 instance: i-[0-9a-f]{17}$/.test(a.Description!)));
    assert.match(acts[0]!.Cause!, /a user request explicitly set group desired capacity changing the desired capacity from 0 to 6\.  At .* an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 0 to 6\.$/);
    const details = (await w.as.send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [g.Instances![0]!.InstanceId!] }))).AutoScalingInstances!;
    assert.deepEqual(details.map((d) => [d.AutoScalingGroupName, d.LifecycleState, d.HealthStatus]), [[NAME, 'InService', 'HEALTHY']]);
  });

  it('scale in 6 → 3 takes one per zone and gives the addresses back', async () => {
    await w.as.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: NAME, DesiredCapacity: 3 }));
    await w.advance(0);
    let g = await group();
    assert.deepEqual(perZone(g, 'Terminating'), { 'us-east-1a': 1, 'us-east-1b': 1, 'us-east-1c': 1 });
    assert.deepEqual(await freeAddresses(), [250, 250, 250]);
    await w.advance(1000);
    g = await group();
    assert.deepEqual(perZone(g), { 'us-east-1a': 1, 'us-east-1b': 1, 'us-east-1c': 1 });
    assert.equal((await ec2Members()).length, 3);
  });

  it('an instance terminated through EC2 is taken out of service and replaced in its zone', async () => {
    const victim = (await group()).Instances!.find((i) => i.AvailabilityZone === 'us-east-1b')!.InstanceId!;
    await w.ec2.send(new TerminateInstancesCommand({ InstanceIds: [victim] }));
    await w.advance(1000);
    await w.advance(1000);
    const g = await group();
    assert.ok(!g.Instances!.some((i) => i.InstanceId === victim));
    assert.deepEqual(perZone(g, 'InService'), { 'us-east-1a': 1, 'us-east-1b': 1, 'us-east-1c': 1 });
    const acts = (await w.as.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: NAME }))).Activities!;
    assert.ok(acts.some((a) => a.Description === `Terminating EC2 instance: ${victim}` && /EC2 health check indicating it has been terminated or stopped/.test(a.Cause!)));
  });

  it('TerminateInstanceInAutoScalingGroup with decrement shrinks the group, without it the instance is replaced', async () => {
    let g = await group();
    const [a, b] = g.Instances!;
    const res = await w.as.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: a!.InstanceId, ShouldDecrementDesiredCapacity: true }));
    assert.equal(res.Activity!.Description, `Terminating EC2 instance: ${a!.InstanceId}`);
    assert.equal(res.Activity!.StatusCode, 'InProgress');
    assert.match(res.Activity!.Cause!, /was taken out of service in response to a user request, shrinking the capacity from 3 to 2\.$/);
    await w.advance(1000);
    g = await group();
    assert.equal(g.DesiredCapacity, 2);
    assert.equal(g.Instances!.length, 2);
    await w.as.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: b!.InstanceId, ShouldDecrementDesiredCapacity: false }));
    await w.advance(1000);
    await w.advance(1000);
    g = await group();
    assert.equal(g.DesiredCapacity, 2);
    assert.equal(g.Instances!.length, 2);
    assert.ok(!g.Instances!.some((i) => i.InstanceId === b!.InstanceId));
    assert.ok(g.Instances!.every((i) => i.LifecycleState === 'InService'));
  });

  it('a suspended Launch process stops launches until resumed', async () => {
    await w.as.send(new SuspendProcessesCommand({ AutoScalingGroupName: NAME, ScalingProcesses: ['Launch'] }));
    await w.as.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: NAME, DesiredCapacity: 4 }));
    await w.advance(1000);
    let g = await group();
    assert.equal(g.Instances!.length, 2);
    assert.deepEqual(g.SuspendedProcesses!.map((p) => p.ProcessName), ['Launch']);
    await w.as.send(new ResumeProcessesCommand({ AutoScalingGroupName: NAME }));
    await w.advance(1000);
    g = await group();
    assert.equal(g.Instances!.length, 4);
    assert.deepEqual(g.SuspendedProcesses, []);
  });

  it('rebalances when its subnets change: nothing stays in the zone it left', async () => {
    await w.advance(1000);
    await w.as.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: NAME, VPCZoneIdentifier: w.subnets.slice(0, 2).join(',') }));
    for (let k = 0; k < 8; k++) await w.advance(1000);
    const g = await group();
    assert.deepEqual(g.AvailabilityZones, ['us-east-1a', 'us-east-1b']);
    assert.equal(g.Instances!.length, 4);
    assert.deepEqual(perZone(g, 'InService'), { 'us-east-1a': 2, 'us-east-1b': 2 });
  });
});

describe('deletion', () => {
  it('refused while instances remain; ForceDelete terminates them and the group goes', async () => {
    const err = await rejection(w.as.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: NAME })));
    assert.equal(err.name, 'ResourceInUseFault');
    assert.equal(err.message, 'You cannot delete an AutoScalingGroup while there are instances or pending Spot instance request(s) still in the group.');
    await w.as.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: NAME, ForceDelete: true }));
    await w.advance(0);
    const g = await group();
    assert.equal(g.Status, 'Delete in progress');
    assert.ok(g.Instances!.every((i) => i.LifecycleState === 'Terminating'));
    await w.advance(1000);
    assert.equal((await w.as.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [NAME] }))).AutoScalingGroups!.length, 0);
    assert.deepEqual(await ec2Members(), []);
    assert.deepEqual(await freeAddresses(), [251, 251, 251]);
    const kept = (await w.as.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: NAME, IncludeDeletedGroups: true }))).Activities!;
    assert.ok(kept.length > 0, 'activities outlive the group');
  });

  it('an empty group is deleted at once; a missing one is a ValidationError', async () => {
    await w.as.send(new CreateAutoScalingGroupCommand({ AutoScalingGroupName: 'empty', MinSize: 0, MaxSize: 1, LaunchTemplate: { LaunchTemplateName: 'nodes' }, VPCZoneIdentifier: w.subnets[0] }));
    await w.as.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: 'empty' }));
    const err = await rejection(w.as.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: 'empty' })));
    assert.equal(err.name, 'ValidationError');
    assert.equal(err.message, "AutoScalingGroup name not found - AutoScalingGroup 'empty' not found");
  });
});
