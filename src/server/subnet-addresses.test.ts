import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createEc2 } from '../aws/services/ec2/index.js';
import { ManualClock } from '../lib/clock.js';
import { MemoryStore } from '../store/memory/memory-store.js';
import { subnetAddresses } from './subnet-addresses.js';

const A = '111122223333';
const R = 'us-west-2';

test('heldBy reads a subnet once, then follows this adapter\'s allocations and releases', async () => {
  const ec2 = createEc2({ store: new MemoryStore(), clock: new ManualClock() });
  const [subnet] = await ec2.api.defaultSubnets(A, R, ['us-west-2a']);
  const id = subnet!.subnetId;
  // Held before this process: what a restarted CNI must find.
  const before = await ec2.api.allocatePrivateIps(A, R, id, 3, 'i-old');
  let reads = 0;
  const counting = { ...ec2.api, privateIpsByOwner: (...a: Parameters<typeof ec2.api.privateIpsByOwner>) => (reads++, ec2.api.privateIpsByOwner(...a)) };
  const addrs = subnetAddresses(counting, A, R);
  assert.deepEqual(await addrs.heldBy(id, 'i-old'), before);
  const mine = await addrs.allocate(id, 2, 'i-new');
  const prefix = await addrs.allocatePrefix(id, 'i-new');
  assert.deepEqual(new Set(await addrs.heldBy(id, 'i-new')), new Set([...mine, ...prefix!]));
  await addrs.release(id, [mine[0]!]);
  await addrs.releasePrefix(id, prefix!);
  assert.deepEqual(await addrs.heldBy(id, 'i-new'), [mine[1]]);
  assert.deepEqual(await addrs.heldBy(id, 'i-nobody'), []);
  assert.equal(reads, 1, 'one read of the subnet\'s book');
  assert.deepEqual((await ec2.api.privateIpsByOwner(A, R, id)).get('i-new'), [mine[1]], 'the book agrees with EC2');
});
