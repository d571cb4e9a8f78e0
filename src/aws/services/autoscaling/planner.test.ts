/**
 * The reconciler's decisions as pure functions: zone-balanced launch placement, the simplified
 * default termination order, protection from scale-in, zone imbalance.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GroupDoc, MemberDoc } from './model.js';
import { capacity, chooseLaunchSubnets, chooseVictims, imbalance } from './planner.js';

const SUBNETS = [
  { subnetId: 'subnet-a1', az: 'a' },
  { subnetId: 'subnet-b1', az: 'b' },
  { subnetId: 'subnet-b2', az: 'b' },
  { subnetId: 'subnet-c1', az: 'c' },
];

function member(id: string, subnetId: string, launchedAt: number, extra: Partial<MemberDoc> = {}): MemberDoc {
  const az = subnetId.replace(/^subnet-(\w)\d*$/, '$1');
  return { instanceId: id, instanceType: 't3.medium', az, subnetId, lifecycleState: 'InService', healthStatus: 'Healthy', protectedFromScaleIn: false, launchedAt, ...extra };
}

function group(members: MemberDoc[], extra: Partial<GroupDoc> = {}): GroupDoc {
  return {
    name: 'g', arn: 'arn', createdTime: 0, minSize: 0, maxSize: 20, desiredCapacity: members.length, defaultCooldown: 300, healthCheckType: 'EC2', healthCheckGracePeriod: 0,
    subnets: SUBNETS, vpcZoneIdentifier: '', availabilityZones: ['a', 'b', 'c'], terminationPolicies: ['Default'], newInstancesProtectedFromScaleIn: false,
    capacityRebalance: false, serviceLinkedRoleARN: '', tags: [], suspended: [], members, launching: [], deleting: false, lastChange: '', ...extra,
  };
}

describe('planner', () => {
  it('launches fill the emptiest zone first, spreading within a zone over its subnets', () => {
    assert.deepEqual(chooseLaunchSubnets(group([]), 6), [
      { subnetId: 'subnet-a1', az: 'a', count: 2 },
      { subnetId: 'subnet-b1', az: 'b', count: 1 },
      { subnetId: 'subnet-c1', az: 'c', count: 2 },
      { subnetId: 'subnet-b2', az: 'b', count: 1 },
    ]);
    const g = group([member('i-1', 'subnet-a1', 1), member('i-2', 'subnet-a1', 2)], { launching: [{ token: 't', subnetId: 'subnet-b1', az: 'b', count: 1, at: 0, cause: '' }] });
    assert.equal(capacity(g), 3);
    assert.deepEqual(chooseLaunchSubnets(g, 2), [{ subnetId: 'subnet-c1', az: 'c', count: 1 }, { subnetId: 'subnet-b2', az: 'b', count: 1 }]);
  });

  it('scale-in takes from the fullest zone, older template versions first, then the oldest instance', () => {
    const members = [member('i-1', 'subnet-a1', 1), member('i-2', 'subnet-a1', 2), member('i-3', 'subnet-b1', 3), member('i-4', 'subnet-c1', 4)];
    assert.deepEqual(chooseVictims(group(members), 1).map((m) => m.instanceId), ['i-1']);
    assert.deepEqual(chooseVictims(group(members), 2).map((m) => m.instanceId), ['i-1', 'i-4']);
    const versions = [member('i-1', 'subnet-a1', 1, { templateVersion: '2' }), member('i-2', 'subnet-a1', 2, { templateVersion: '1' })];
    assert.deepEqual(chooseVictims(group(versions), 1, '2').map((m) => m.instanceId), ['i-2']);
  });

  it('instances outside the group subnets go first; protected ones never', () => {
    const members = [member('i-1', 'subnet-a1', 1), member('i-2', 'subnet-a1', 2), member('i-9', 'subnet-d1', 9)];
    assert.deepEqual(chooseVictims(group(members), 1).map((m) => m.instanceId), ['i-9']);
    const guarded = [member('i-1', 'subnet-a1', 1, { protectedFromScaleIn: true }), member('i-2', 'subnet-a1', 2, { protectedFromScaleIn: true })];
    assert.deepEqual(chooseVictims(group(guarded), 1), []);
  });

  it('zones are unbalanced when they differ by more than one', () => {
    assert.equal(imbalance(group([member('i-1', 'subnet-a1', 1), member('i-2', 'subnet-b1', 2)])), undefined);
    assert.deepEqual(imbalance(group([member('i-1', 'subnet-a1', 1), member('i-2', 'subnet-a1', 2), member('i-3', 'subnet-b1', 3)])), { to: 'c', from: 'a' });
  });
});
