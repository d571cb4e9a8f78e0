/**
 * Restarts in the middle of a scale-up. A first process decides the launches and dies — once
 * before EC2 is called, once after EC2 launched but before the group recorded the instances; a
 * second process over the same store (fresh memory, as after a restart) resumes the group from its
 * stored launch intents and EC2's ClientToken: exactly the desired instances exist, none twice.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CreateAutoScalingGroupCommand, DescribeAutoScalingGroupsCommand, SetDesiredCapacityCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { ManualClock } from '../../../lib/clock.js';
import { MemoryStore } from '../../../store/memory/memory-store.js';
import type { AsgEc2 } from './ec2-port.js';
import { startAsgWorld, type AsgWorld } from './test-helper.js';

/** An EC2 api whose RunInstances "crashes" the process: before or after really launching. */
function crashing(when: 'before' | 'after') {
  return (api: AsgEc2): AsgEc2 => ({
    ...api,
    async runInstances(account, region, input) {
      if (when === 'after') await api.runInstances(account, region, input);
      throw new Error(`process died ${when} RunInstances`);
    },
  });
}

async function instancesOf(w: AsgWorld, name: string): Promise<string[]> {
  const out = await w.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:aws:autoscaling:groupName', Values: [name] }, { Name: 'instance-state-name', Values: ['pending', 'running'] }] }));
  return out.Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId!)).sort();
}

for (const when of ['before', 'after'] as const) {
  describe(`a restart when the process died ${when} RunInstances`, () => {
    it('resumes the scale-up to exactly the desired capacity, two per zone', async () => {
      const store = new MemoryStore();
      const clock = new ManualClock();
      const first = await startAsgWorld({ store, clock, wrapEc2: crashing(when) });
      await first.as.send(new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: 'ng', MinSize: 0, MaxSize: 6, DesiredCapacity: 0,
        LaunchTemplate: { LaunchTemplateId: first.templateId }, VPCZoneIdentifier: first.subnets.join(','),
      }));
      await first.as.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'ng', DesiredCapacity: 6 }));
      await first.advance(0);
      const stuck = (await first.as.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['ng'] }))).AutoScalingGroups![0]!;
      assert.equal(stuck.Instances!.length, 0, 'the first process recorded no instance');
      assert.equal((await instancesOf(first, 'ng')).length, when === 'after' ? 2 : 0, 'after: EC2 ran the first launch (one subnet)');
      await first.stop();

      const second = await startAsgWorld({ store, clock, setup: false });
      await second.advance(0);
      await second.advance(1000);
      const g = (await second.as.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['ng'] }))).AutoScalingGroups![0]!;
      assert.equal(g.Instances!.length, 6);
      assert.ok(g.Instances!.every((i) => i.LifecycleState === 'InService'));
      const zones: Record<string, number> = {};
      for (const i of g.Instances!) zones[i.AvailabilityZone!] = (zones[i.AvailabilityZone!] ?? 0) + 1;
      assert.deepEqual(zones, { 'us-east-1a': 2, 'us-east-1b': 2, 'us-east-1c': 2 });
      assert.deepEqual(await instancesOf(second, 'ng'), g.Instances!.map((i) => i.InstanceId!).sort(), 'no instance launched twice or left behind');
      await second.stop();
    });
  });
}
