import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NodeSelectorTerm, PodSpec } from 'kubernetes-types/core/v1.js';
import { CycleState, filterAll, fixture, makeNode, makePod, newPodInfo } from '../../test-helpers.test-helper.js';
import { nodeAffinity } from './node-affinity.js';

const nodes = () => fixture([makeNode('a', { zone: 'z1', labels: { disk: 'ssd', gen: '5' } }), makeNode('b', { zone: 'z2', labels: { gen: '3' } })]).infos;
const NO = "UnschedulableAndUnresolvable: node(s) didn't match Pod's node affinity/selector";
const req = (terms: NodeSelectorTerm[]) => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } });
const cases: { name: string; spec: Partial<PodSpec>; want: Record<string, string> }[] = [
  { name: 'nodeSelector', spec: { nodeSelector: { disk: 'ssd' } }, want: { a: '', b: NO } },
  { name: 'In', spec: req([{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['z2'] }] }]), want: { a: NO, b: '' } },
  { name: 'NotIn and DoesNotExist', spec: req([{ matchExpressions: [{ key: 'disk', operator: 'DoesNotExist' }] }]), want: { a: NO, b: '' } },
  { name: 'Gt', spec: req([{ matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['4'] }] }]), want: { a: '', b: NO } },
  { name: 'terms are ORed', spec: req([{ matchExpressions: [{ key: 'disk', operator: 'Exists' }] }, { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['b'] }] }]), want: { a: '', b: '' } },
  { name: 'an empty term matches nothing', spec: req([{}]), want: { a: NO, b: NO } },
  { name: 'nodeSelector and affinity both apply', spec: { nodeSelector: { gen: '3' }, ...req([{ matchExpressions: [{ key: 'disk', operator: 'Exists' }] }]) }, want: { a: NO, b: NO } },
];
for (const c of cases) {
  test(`NodeAffinity filter: ${c.name}`, () => {
    assert.deepEqual(filterAll(nodeAffinity(), makePod('p', { spec: c.spec }), nodes()), c.want);
  });
}

test('NodeAffinity score: preferred weights, normalized to 100', () => {
  const pl = nodeAffinity();
  const pi = newPodInfo(makePod('p', { spec: { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [
    { weight: 10, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } },
    { weight: 30, preference: { matchExpressions: [{ key: 'gen', operator: 'In', values: ['3'] }] } },
  ] } } } }));
  const state = new CycleState();
  assert.equal(pl.preScore(state, pi), null);
  const scores = nodes().map((n) => ({ name: n.name, score: pl.score(state, pi, n) }));
  pl.normalizeScore(state, pi, scores);
  assert.deepEqual(scores.map((s) => s.score), [33, 100]);
  assert.equal(pl.preScore(state, newPodInfo(makePod('q')))?.code, 'Skip');
});
