import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createEc2 } from '../aws/services/ec2/index.js';
import { ManualClock } from '../lib/clock.js';
import { MemoryStore } from '../store/memory/memory-store.js';
import { ClusterInstances } from './cluster-instances.js';

test('one sweep per region and tick answers every cluster; a later tick sees new instances', async () => {
  const clock = new ManualClock();
  const ec2 = createEc2({ store: new MemoryStore(), clock });
  const [subnet] = await ec2.api.defaultSubnets('111122223333', 'us-west-2', ['us-west-2a']);
  const launch = (cluster: string, count: number) =>
    ec2.api.runInstances('111122223333', 'us-west-2', { subnetId: subnet!.subnetId, count, instanceType: 't3.medium', tags: { [`kubernetes.io/cluster/${cluster}`]: 'owned' } });
  await launch('a', 2);
  await launch('b', 1);
  let scans = 0;
  const counting = { ...ec2.api, instancesTagged: (...args: Parameters<typeof ec2.api.instancesTagged>) => (scans++, ec2.api.instancesTagged(...args)) };
  const dir = new ClusterInstances(counting, clock, 500);
  assert.equal((await dir.of('111122223333', 'us-west-2', 'a')).length, 2);
  assert.equal((await dir.of('111122223333', 'us-west-2', 'b')).length, 1);
  assert.equal((await dir.of('111122223333', 'us-west-2', 'c')).length, 0);
  assert.equal(scans, 1);
  await launch('c', 1);
  assert.equal((await dir.of('111122223333', 'us-west-2', 'c')).length, 0, 'the sweep is still fresh');
  clock.advance(501);
  assert.equal((await dir.of('111122223333', 'us-west-2', 'c')).length, 1);
  assert.equal(scans, 2);
});
