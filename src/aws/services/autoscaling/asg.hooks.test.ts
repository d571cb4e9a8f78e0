/**
 * Lifecycle hooks through @aws-sdk/client-auto-scaling: a termination hook holds a scale-in victim
 * in Terminating:Wait (still running in EC2) until CompleteLifecycleAction, the heartbeat timeout
 * (moved by RecordLifecycleActionHeartbeat) applies the DefaultResult, DeleteLifecycleHook
 * continues what waits on it, a forced deletion does not wait, a launch hook holds new instances in
 * Pending:Wait, and a restarted process resumes a wait from the store.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CompleteLifecycleActionCommand, CreateAutoScalingGroupCommand, DeleteAutoScalingGroupCommand, DeleteLifecycleHookCommand, DescribeAutoScalingGroupsCommand,
  DescribeLifecycleHooksCommand, DescribeScalingActivitiesCommand, PutLifecycleHookCommand, RecordLifecycleActionHeartbeatCommand, SetDesiredCapacityCommand,
  TerminateInstanceInAutoScalingGroupCommand, type AutoScalingGroup,
} from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { ManualClock } from '../../../lib/clock.js';
import { MemoryStore } from '../../../store/memory/memory-store.js';
import { rejection } from '../ec2/test-helper.js';
import { startAsgWorld, type AsgWorld } from './test-helper.js';

let w: AsgWorld;
const HOOK = 'Terminate-LC-Hook';

async function group(world: AsgWorld, name: string): Promise<AutoScalingGroup> {
  return (await world.as.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }))).AutoScalingGroups![0]!;
}
const states = (g: AutoScalingGroup) => g.Instances!.map((i) => i.LifecycleState!).sort();
const waiting = (g: AutoScalingGroup) => g.Instances!.filter((i) => i.LifecycleState === 'Terminating:Wait').map((i) => i.InstanceId!);
async function ec2State(world: AsgWorld, id: string): Promise<string> {
  return (await world.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!.Instances![0]!.State!.Name!;
}

async function groupWithHook(world: AsgWorld, name: string, desired: number, hook: { HeartbeatTimeout?: number; DefaultResult?: string } = {}): Promise<void> {
  await world.as.send(new CreateAutoScalingGroupCommand({
    AutoScalingGroupName: name, MinSize: 0, MaxSize: 6, DesiredCapacity: desired,
    LaunchTemplate: { LaunchTemplateId: world.templateId }, VPCZoneIdentifier: world.subnets.join(','),
  }));
  await world.advance(0);
  await world.advance(1000);
  await world.as.send(new PutLifecycleHookCommand({ AutoScalingGroupName: name, LifecycleHookName: HOOK, LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING', ...hook }));
}

before(async () => {
  w = await startAsgWorld();
});
after(async () => {
  await w.stop();
});

describe('termination lifecycle hooks', () => {
  it('PutLifecycleHook / DescribeLifecycleHooks with the defaults and the model shape', async () => {
    await groupWithHook(w, 'h1', 3, { HeartbeatTimeout: 60, DefaultResult: 'CONTINUE' });
    const hooks = (await w.as.send(new DescribeLifecycleHooksCommand({ AutoScalingGroupName: 'h1' }))).LifecycleHooks!;
    assert.deepEqual(hooks, [{ LifecycleHookName: HOOK, AutoScalingGroupName: 'h1', LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING', HeartbeatTimeout: 60, GlobalTimeout: 6000, DefaultResult: 'CONTINUE' }]);
    await w.as.send(new PutLifecycleHookCommand({ AutoScalingGroupName: 'h1', LifecycleHookName: 'other', LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING' }));
    const other = (await w.as.send(new DescribeLifecycleHooksCommand({ AutoScalingGroupName: 'h1', LifecycleHookNames: ['other'] }))).LifecycleHooks!;
    assert.deepEqual(other.map((h) => [h.HeartbeatTimeout, h.GlobalTimeout, h.DefaultResult]), [[3600, 172800, 'ABANDON']]);
    await w.as.send(new DeleteLifecycleHookCommand({ AutoScalingGroupName: 'h1', LifecycleHookName: 'other' }));
    const err = await rejection(w.as.send(new PutLifecycleHookCommand({ AutoScalingGroupName: 'h1', LifecycleHookName: 'x', LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING', HeartbeatTimeout: 10 })));
    assert.equal(err.name, 'ValidationError');
  });

  it('a scale-in victim waits in Terminating:Wait, still running, until CompleteLifecycleAction CONTINUE', async () => {
    await w.as.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'h1', DesiredCapacity: 2 }));
    await w.advance(0);
    await w.advance(30_000);
    let g = await group(w, 'h1');
    assert.deepEqual(states(g), ['InService', 'InService', 'Terminating:Wait']);
    const [victim] = waiting(g);
    assert.equal(await ec2State(w, victim!), 'running');
    const act = (await w.as.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: 'h1', MaxRecords: 1 }))).Activities![0]!;
    assert.deepEqual([act.Description, act.StatusCode], [`Terminating EC2 instance: ${victim}`, 'MidLifecycleAction']);

    await w.as.send(new CompleteLifecycleActionCommand({ AutoScalingGroupName: 'h1', LifecycleHookName: HOOK, InstanceId: victim, LifecycleActionResult: 'CONTINUE' }));
    await w.advance(0);
    g = await group(w, 'h1');
    assert.ok(['Terminating:Proceed', undefined].includes(g.Instances!.find((i) => i.InstanceId === victim)?.LifecycleState));
    await w.advance(1000);
    g = await group(w, 'h1');
    assert.deepEqual(states(g), ['InService', 'InService']);
    assert.equal(await ec2State(w, victim!), 'terminated');
    const done = (await w.as.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: 'h1', MaxRecords: 1 }))).Activities![0]!;
    assert.equal(done.StatusCode, 'Successful');

    const again = await rejection(w.as.send(new CompleteLifecycleActionCommand({ AutoScalingGroupName: 'h1', LifecycleHookName: HOOK, InstanceId: victim, LifecycleActionResult: 'CONTINUE' })));
    assert.deepEqual([again.name, again.message], ['ValidationError', `No active Lifecycle Action found with instance ID ${victim}`]);
    const token = '00000000-0000-4000-8000-000000000000';
    const byToken = await rejection(w.as.send(new CompleteLifecycleActionCommand({ AutoScalingGroupName: 'h1', LifecycleHookName: HOOK, LifecycleActionToken: token, LifecycleActionResult: 'CONTINUE' })));
    assert.deepEqual([byToken.name, byToken.message], ['ValidationError', `No active Lifecycle Action found with token ${token}`]);
  });

  it('the heartbeat timeout applies the DefaultResult; a heartbeat moves it', async () => {
    await w.as.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'h1', DesiredCapacity: 1 }));
    await w.advance(0);
    const [victim] = waiting(await group(w, 'h1'));
    await w.advance(50_000);
    await w.as.send(new RecordLifecycleActionHeartbeatCommand({ AutoScalingGroupName: 'h1', LifecycleHookName: HOOK, InstanceId: victim }));
    await w.advance(50_000);
    assert.deepEqual(waiting(await group(w, 'h1')), [victim], 'the heartbeat gave it another 60 s');
    await w.advance(11_000);
    await w.advance(1000);
    assert.deepEqual(states(await group(w, 'h1')), ['InService']);
    assert.equal(await ec2State(w, victim!), 'terminated');
  });

  it('TerminateInstanceInAutoScalingGroup waits too; DeleteLifecycleHook continues what waits on it', async () => {
    const [id] = (await group(w, 'h1')).Instances!.map((i) => i.InstanceId!);
    await w.as.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: id, ShouldDecrementDesiredCapacity: true }));
    await w.advance(0);
    assert.deepEqual(waiting(await group(w, 'h1')), [id]);
    assert.equal(await ec2State(w, id!), 'running');
    await w.as.send(new DeleteLifecycleHookCommand({ AutoScalingGroupName: 'h1', LifecycleHookName: HOOK }));
    await w.advance(0);
    await w.advance(1000);
    assert.deepEqual(states(await group(w, 'h1')), []);
    assert.deepEqual((await w.as.send(new DescribeLifecycleHooksCommand({ AutoScalingGroupName: 'h1' }))).LifecycleHooks, []);
  });

  it('a forced deletion does not wait on the hook', async () => {
    await groupWithHook(w, 'h2', 2);
    await w.as.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: 'h2', ForceDelete: true }));
    await w.advance(0);
    await w.advance(1000);
    await w.advance(1000);
    assert.equal((await w.as.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['h2'] }))).AutoScalingGroups!.length, 0);
  });
});

describe('launch lifecycle hooks', () => {
  it('new instances wait in Pending:Wait until completed; ABANDON terminates and replaces', async () => {
    await w.as.send(new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: 'h3', MinSize: 0, MaxSize: 4, DesiredCapacity: 2,
      LaunchTemplate: { LaunchTemplateId: w.templateId }, VPCZoneIdentifier: w.subnets.join(','),
      LifecycleHookSpecificationList: [{ LifecycleHookName: 'Launch-LC-Hook', LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING', HeartbeatTimeout: 60 }],
    }));
    await w.advance(0);
    await w.advance(1000);
    const g = await group(w, 'h3');
    assert.deepEqual(states(g), ['Pending:Wait', 'Pending:Wait']);
    const [a, b] = g.Instances!.map((i) => i.InstanceId!);
    await w.as.send(new CompleteLifecycleActionCommand({ AutoScalingGroupName: 'h3', LifecycleHookName: 'Launch-LC-Hook', InstanceId: a, LifecycleActionResult: 'CONTINUE' }));
    await w.as.send(new CompleteLifecycleActionCommand({ AutoScalingGroupName: 'h3', LifecycleHookName: 'Launch-LC-Hook', InstanceId: b, LifecycleActionResult: 'ABANDON' }));
    await w.advance(0);
    await w.advance(1000);
    const after = await group(w, 'h3');
    assert.equal(after.Instances!.find((i) => i.InstanceId === a)?.LifecycleState, 'InService');
    assert.equal(after.Instances!.find((i) => i.InstanceId === b), undefined, 'the abandoned instance is gone');
    assert.equal(await ec2State(w, b!), 'terminated');
    assert.equal(after.Instances!.length, 2, 'a replacement was launched');
  });
});

describe('a restart during a wait', () => {
  it('the second process resumes the wait from the store and applies the timeout', async () => {
    const store = new MemoryStore();
    const clock = new ManualClock();
    const first = await startAsgWorld({ store, clock });
    await groupWithHook(first, 'r1', 2, { HeartbeatTimeout: 30, DefaultResult: 'CONTINUE' });
    await first.as.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'r1', DesiredCapacity: 1 }));
    await first.advance(0);
    const [victim] = waiting(await group(first, 'r1'));
    assert.ok(victim);
    await first.stop();

    const second = await startAsgWorld({ store, clock, setup: false });
    await second.advance(0);
    assert.deepEqual(waiting(await group(second, 'r1')), [victim]);
    await second.advance(31_000);
    await second.advance(1000);
    assert.deepEqual(states(await group(second, 'r1')), ['InService']);
    assert.equal(await ec2State(second, victim), 'terminated');
    await second.stop();
  });
});
