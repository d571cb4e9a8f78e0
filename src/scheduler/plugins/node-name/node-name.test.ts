import assert from 'node:assert/strict';
import { test } from 'node:test';
import { filterAll, fixture, makeNode, makePod } from '../../test-helpers.test-helper.js';
import { nodeName } from './node-name.js';

const cases = [
  { name: 'no nodeName fits every node', pod: makePod('p'), want: { a: '', b: '' } },
  { name: 'nodeName fits only that node', pod: makePod('p', { spec: { nodeName: 'b' } }), want: { a: "UnschedulableAndUnresolvable: node(s) didn't match the requested node name", b: '' } },
];
for (const c of cases) {
  test(`NodeName: ${c.name}`, () => {
    const { infos } = fixture([makeNode('a'), makeNode('b')]);
    assert.deepEqual(filterAll(nodeName(), c.pod, infos), c.want);
  });
}

