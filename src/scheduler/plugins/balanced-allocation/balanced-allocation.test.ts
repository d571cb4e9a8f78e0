import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CycleState, fixture, makeNode, makePod, newPodInfo } from '../../test-helpers.test-helper.js';
import { balancedAllocation } from './balanced-allocation.js';

const cases = [
  { name: 'equal shares score 100', placed: [], pod: makePod('p', { cpu: '1', memory: '2Gi' }), want: 100 },
  { name: 'cpu 50%, memory 0% → std 0.25 → 75', placed: [], pod: makePod('p', { cpu: '2', memory: '1' }), want: 75 },
  { name: 'existing requests count', placed: [makePod('e', { node: 'n', memory: '4Gi' })], pod: makePod('p', { cpu: '2' }), want: 100 },
];
for (const c of cases) {
  test(`NodeResourcesBalancedAllocation: ${c.name}`, () => {
    const { infos } = fixture([makeNode('n', { cpu: '4', memory: '8Gi' })], c.placed);
    assert.equal(balancedAllocation().score(new CycleState(), newPodInfo(c.pod), infos[0]!), c.want);
  });
}

test('NodeResourcesBalancedAllocation: skipped for pods without CPU or memory requests', () => {
  assert.equal(balancedAllocation().preScore(new CycleState(), newPodInfo(makePod('p')))?.code, 'Skip');
});
