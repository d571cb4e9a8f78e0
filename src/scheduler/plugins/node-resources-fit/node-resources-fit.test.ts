import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CycleState, filterAll, fixture, makeNode, makePod, newPodInfo } from '../../test-helpers.test-helper.js';
import { nodeResourcesFit } from './node-resources-fit.js';

const node = () => makeNode('n', { cpu: '2', memory: '4Gi', pods: 3, extra: { 'nvidia.com/gpu': '1' } });
const placed = [makePod('e1', { node: 'n', cpu: '1', memory: '1Gi' }), makePod('e2', { node: 'n', cpu: '500m' })];
const cases = [
  { name: 'fits', pod: makePod('p', { cpu: '500m', memory: '1Gi' }), placed, want: '' },
  { name: 'insufficient cpu', pod: makePod('p', { cpu: '600m' }), placed, want: 'Unschedulable: Insufficient cpu' },
  { name: 'insufficient cpu and memory', pod: makePod('p', { cpu: '1', memory: '4Gi' }), placed, want: 'Unschedulable: Insufficient cpu, Insufficient memory' },
  { name: 'too many pods, even without requests', pod: makePod('p'), placed: [...placed, makePod('e3', { node: 'n' })], want: 'Unschedulable: Too many pods' },
  {
    name: 'extended resources',
    pod: makePod('p', { spec: { containers: [{ name: 'c', image: 'i', resources: { requests: { 'nvidia.com/gpu': '2' } } }] } }),
    placed,
    want: 'Unschedulable: Insufficient nvidia.com/gpu',
  },
  {
    name: 'init containers: the largest init container counts when larger than the sum',
    pod: makePod('p', { spec: { initContainers: [{ name: 'i', image: 'i', resources: { requests: { cpu: '600m' } } }], containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: '100m' } } }] } }),
    placed,
    want: 'Unschedulable: Insufficient cpu',
  },
  {
    name: 'sidecars add to the app containers',
    pod: makePod('p', { spec: { initContainers: [{ name: 's', image: 'i', restartPolicy: 'Always', resources: { requests: { cpu: '300m' } } }], containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: '300m' } } }] } }),
    placed,
    want: 'Unschedulable: Insufficient cpu',
  },
  { name: 'overhead counts', pod: makePod('p', { cpu: '400m', spec: { overhead: { cpu: '200m' } } }), placed, want: 'Unschedulable: Insufficient cpu' },
];
for (const c of cases) {
  test(`NodeResourcesFit filter: ${c.name}`, () => {
    assert.equal(filterAll(nodeResourcesFit(), c.pod, fixture([node()], c.placed).infos).n, c.want);
  });
}

test('NodeResourcesFit score: LeastAllocated over CPU and memory with non-zero defaults', () => {
  const { infos } = fixture([makeNode('empty', { cpu: '4', memory: '8Gi' }), makeNode('half', { cpu: '4', memory: '8Gi' })], [makePod('e', { node: 'half', cpu: '2', memory: '4Gi' })]);
  const pl = nodeResourcesFit();
  const pi = newPodInfo(makePod('p', { cpu: '1', memory: '2Gi' }));
  const scores = infos.map((n) => pl.score(new CycleState(), pi, n));
  // empty: cpu (4-1)/4 = 75, memory (8-2)/8 = 75 → 75; half: cpu 25, memory 25 → 25.
  assert.deepEqual(scores, [75, 25]);
  // A pod without requests counts 100m CPU and 200Mi memory.
  const bare = infos.map((n) => pl.score(new CycleState(), newPodInfo(makePod('q')), n));
  assert.deepEqual(bare, [Math.trunc((97 + 97) / 2), Math.trunc((47 + 47) / 2)]);
});
