import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CycleState, filterAll, fixture, makeNode, makePod, newPodInfo } from '../../test-helpers.test-helper.js';
import { taintToleration } from './taint-toleration.js';

const gpu = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
const cases = [
  { name: 'untolerated NoSchedule taint', taints: [gpu], tolerations: [], want: 'UnschedulableAndUnresolvable: node(s) had untolerated taint {dedicated: gpu}' },
  { name: 'Equal toleration', taints: [gpu], tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }], want: '' },
  { name: 'Exists with empty key tolerates everything', taints: [gpu, { key: 'x', effect: 'NoExecute' }], tolerations: [{ operator: 'Exists' }], want: '' },
  { name: 'wrong value', taints: [gpu], tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'cpu' }], want: 'UnschedulableAndUnresolvable: node(s) had untolerated taint {dedicated: gpu}' },
  { name: 'NoExecute taint with empty value', taints: [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }], tolerations: [], want: 'UnschedulableAndUnresolvable: node(s) had untolerated taint {node.kubernetes.io/unreachable: }' },
  { name: 'PreferNoSchedule does not filter', taints: [{ key: 'soft', effect: 'PreferNoSchedule' }], tolerations: [], want: '' },
];
for (const c of cases) {
  test(`TaintToleration filter: ${c.name}`, () => {
    const { infos } = fixture([makeNode('n', { taints: c.taints })]);
    assert.equal(filterAll(taintToleration(), makePod('p', { spec: { tolerations: c.tolerations } }), infos).n, c.want);
  });
}

test('TaintToleration score: fewer untolerated PreferNoSchedule taints score higher (reverse-normalized)', () => {
  const soft = (k: string) => ({ key: k, effect: 'PreferNoSchedule' });
  const { infos } = fixture([makeNode('none'), makeNode('one', { taints: [soft('a')] }), makeNode('two', { taints: [soft('a'), soft('b')] })]);
  const pl = taintToleration();
  const state = new CycleState();
  const pi = newPodInfo(makePod('p'));
  pl.preScore(state, pi);
  const scores = infos.map((n) => ({ name: n.name, score: pl.score(state, pi, n) }));
  pl.normalizeScore(state, pi, scores);
  assert.deepEqual(scores.map((s) => s.score), [100, 50, 0]);
});
