import assert from 'node:assert/strict';
import { test } from 'node:test';
import { filterAll, fixture, makeNode, makePod } from '../../test-helpers.test-helper.js';
import { nodeUnschedulable } from './node-unschedulable.js';

const cases = [
  { name: 'schedulable node fits', node: makeNode('n'), pod: makePod('p'), want: '' },
  { name: 'cordoned node rejects as unresolvable', node: makeNode('n', { unschedulable: true }), pod: makePod('p'), want: 'UnschedulableAndUnresolvable: node(s) were unschedulable' },
  { name: 'a toleration with empty effect also tolerates', node: makeNode('n', { unschedulable: true }), pod: makePod('p', { spec: { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists' }] } }), want: '' },
];
for (const c of cases) {
  test(`NodeUnschedulable: ${c.name}`, () => {
    assert.equal(filterAll(nodeUnschedulable(), c.pod, fixture([c.node]).infos).n, c.want);
  });
}
