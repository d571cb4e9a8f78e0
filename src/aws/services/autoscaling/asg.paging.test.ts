/**
 * MaxRecords below 1 is refused by every paged Describe call: 0 used to answer an empty page whose
 * NextToken pointed at the same offset (a paginator never ended) and a negative size silently
 * dropped items.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import {
  CreateAutoScalingGroupCommand, DescribeAutoScalingGroupsCommand, DescribeAutoScalingInstancesCommand, DescribeScalingActivitiesCommand, DescribeTagsCommand,
  paginateDescribeAutoScalingGroups,
} from '@aws-sdk/client-auto-scaling';
import { rejection } from '../ec2/test-helper.js';
import { startAsgWorld, type AsgWorld } from './test-helper.js';

let w: AsgWorld;
before(async () => {
  w = await startAsgWorld();
  for (const name of ['a', 'b', 'c']) {
    await w.as.send(new CreateAutoScalingGroupCommand({ AutoScalingGroupName: name, MinSize: 0, MaxSize: 1, LaunchTemplate: { LaunchTemplateId: w.templateId }, VPCZoneIdentifier: w.subnets.join(',') }));
  }
});
after(async () => {
  await w.stop();
});

it('refuses MaxRecords 0 and negative sizes with a ValidationError', async () => {
  for (const n of [0, -1]) {
    for (const cmd of [new DescribeAutoScalingGroupsCommand({ MaxRecords: n }), new DescribeAutoScalingInstancesCommand({ MaxRecords: n }), new DescribeTagsCommand({ MaxRecords: n }), new DescribeScalingActivitiesCommand({ MaxRecords: n })]) {
      const err = await rejection(w.as.send(cmd as DescribeTagsCommand));
      assert.equal(err.name, 'ValidationError');
      assert.equal(err.$metadata?.httpStatusCode, 400);
      assert.equal(err.message, `1 validation error detected: Value '${n}' at 'maxRecords' failed to satisfy constraint: Member must have value greater than or equal to 1`);
    }
  }
});

it('pages of one still list every group, and the paginator ends', async () => {
  const names: string[] = [];
  for await (const p of paginateDescribeAutoScalingGroups({ client: w.as, pageSize: 1 }, {})) names.push(...p.AutoScalingGroups!.map((g) => g.AutoScalingGroupName!));
  assert.deepEqual(names.sort(), ['a', 'b', 'c']);
  const all = await w.as.send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 100 }));
  assert.equal(all.AutoScalingGroups!.length, 3);
  assert.equal(all.NextToken, undefined);
});
