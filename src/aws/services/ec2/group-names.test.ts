/**
 * Security group names through their claims: concurrent creates of one name in one VPC give one
 * group and InvalidGroup.Duplicate for the rest; the same name in another VPC is free; a deleted
 * group's name can be taken again; a claim left by a crash (its group never written) is taken
 * over; a region stored before claims existed gets them on first use, so its names stay unique.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../../lib/clock.js';
import { MemoryStore } from '../../../store/memory/memory-store.js';
import { createEc2 } from './index.js';
import { createVpc } from './handlers/vpcs.js';
import { DEFAULT_TIMING, Ec2Region } from './state.js';

const account = '111122223333';
const region = 'us-west-2';

async function setUp() {
  const store = new MemoryStore();
  const clock = new ManualClock();
  const ec2 = createEc2({ store, clock });
  const [subnet] = await ec2.api.defaultSubnets(account, region);
  /** The region's state as the handlers see it. */
  const state = () => new Ec2Region({ store, clock, timing: DEFAULT_TIMING, defaultsDone: new Set(), ipHints: new Map() }, account, region).ready();
  return { store, clock, ec2, state, vpcId: subnet!.vpcId };
}

const errorCode = (err: unknown) => (err as { code?: string }).code;

test('concurrent creates of one name in a VPC make one group; another VPC has its own', async () => {
  const { ec2, state, vpcId } = await setUp();
  const results = await Promise.allSettled(Array.from({ length: 8 }, () => ec2.api.createSecurityGroup(account, region, { name: 'nodes', description: 'd', vpcId })));
  const made = results.filter((r) => r.status === 'fulfilled');
  assert.equal(made.length, 1);
  for (const r of results) if (r.status === 'rejected') assert.equal(errorCode(r.reason), 'InvalidGroup.Duplicate');
  const other = await createVpc(await state(), '10.9.0.0/16');
  assert.match(await ec2.api.createSecurityGroup(account, region, { name: 'nodes', description: 'd', vpcId: other.VpcId }), /^sg-/);
});

test('a deleted group frees its name; a claim whose group was never written is taken over', async () => {
  const { ec2, state, vpcId } = await setUp();
  const first = await ec2.api.createSecurityGroup(account, region, { name: 'web', description: 'd', vpcId });
  await ec2.api.deleteSecurityGroup(account, region, first);
  const second = await ec2.api.createSecurityGroup(account, region, { name: 'web', description: 'd', vpcId });
  assert.notEqual(second, first);
  const r = await state();
  await r.groupNames.create(`${vpcId}/crashed`, { groupId: 'sg-0000000000000dead' });
  assert.match(await ec2.api.createSecurityGroup(account, region, { name: 'crashed', description: 'd', vpcId }), /^sg-/);
});

test('a region stored before name claims gets them on first use', async () => {
  const { store, clock, ec2, vpcId } = await setUp();
  await ec2.api.createSecurityGroup(account, region, { name: 'legacy', description: 'd', vpcId });
  // As a store written before claims existed: no claims, no marker.
  for (const kv of (await store.range('/aws/ec2/')).kvs) {
    if (kv.key.includes('/security-group-name/') || kv.key.endsWith('/meta/group-names')) await store.delete(kv.key);
  }
  const restarted = createEc2({ store, clock });
  await assert.rejects(restarted.api.createSecurityGroup(account, region, { name: 'legacy', description: 'd', vpcId }), (err) => errorCode(err) === 'InvalidGroup.Duplicate');
  await assert.rejects(restarted.api.createSecurityGroup(account, region, { name: 'default', description: 'd', vpcId }), (err) => errorCode(err) === 'InvalidGroup.Duplicate');
});
