import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PodAffinityTerm } from 'kubernetes-types/core/v1.js';
import { CycleState, filterAll, fixture, makeNode, makePod, newPodInfo } from '../../test-helpers.test-helper.js';
import { interPodAffinity } from './inter-pod-affinity.js';

const nodes = () => [makeNode('a1', { zone: 'a' }), makeNode('a2', { zone: 'a' }), makeNode('b1', { zone: 'b' })];
const term = (app: string, key = 'topology.kubernetes.io/zone'): PodAffinityTerm => ({ labelSelector: { matchLabels: { app } }, topologyKey: key });
const AFF = "UnschedulableAndUnresolvable: node(s) didn't match pod affinity rules";
const ANTI = "Unschedulable: node(s) didn't match pod anti-affinity rules";
const EXISTING = "Unschedulable: node(s) didn't satisfy existing pods anti-affinity rules";

const cases = [
  {
    name: 'required affinity: only the zone of a matching pod',
    placed: [makePod('db', { node: 'a1', labels: { app: 'db' } })],
    pod: makePod('p', { spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db')] } } } }),
    want: { a1: '', a2: '', b1: AFF },
  },
  {
    name: 'required affinity with nothing matching: the first pod of a group that matches itself goes anywhere',
    placed: [],
    pod: makePod('p', { labels: { app: 'db' }, spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db')] } } } }),
    want: { a1: '', a2: '', b1: '' },
  },
  {
    name: 'required affinity with nothing matching and not matching itself: nowhere',
    placed: [],
    pod: makePod('p', { spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db')] } } } }),
    want: { a1: AFF, a2: AFF, b1: AFF },
  },
  {
    name: 'required anti-affinity by hostname',
    placed: [makePod('w', { node: 'a1', labels: { app: 'web' } })],
    pod: makePod('p', { labels: { app: 'web' }, spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web', 'kubernetes.io/hostname')] } } } }),
    want: { a1: ANTI, a2: '', b1: '' },
  },
  {
    name: "existing pods' anti-affinity",
    placed: [makePod('loner', { node: 'b1', labels: { app: 'loner' }, spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web')] } } } })],
    pod: makePod('p', { labels: { app: 'web' } }),
    want: { a1: '', a2: '', b1: EXISTING },
  },
  {
    name: 'terms look in the pod namespace only by default',
    placed: [makePod('db', { node: 'a1', ns: 'other', labels: { app: 'db' } })],
    pod: makePod('p', { spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db')] } } } }),
    want: { a1: AFF, a2: AFF, b1: AFF },
  },
  {
    name: 'an empty namespaceSelector means every namespace',
    placed: [makePod('db', { node: 'b1', ns: 'other', labels: { app: 'db' } })],
    pod: makePod('p', { spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ ...term('db'), namespaceSelector: {} }] } } } }),
    want: { a1: AFF, a2: AFF, b1: '' },
  },
];
for (const c of cases) {
  test(`InterPodAffinity filter: ${c.name}`, () => {
    const { handle, infos } = fixture(nodes(), c.placed);
    assert.deepEqual(filterAll(interPodAffinity(handle), c.pod, infos), c.want);
  });
}

test('InterPodAffinity score: preferred affinity and anti-affinity by zone', () => {
  const { handle, infos } = fixture(nodes(), [makePod('cache', { node: 'a1', labels: { app: 'cache' } }), makePod('noisy', { node: 'b1', labels: { app: 'noisy' } })]);
  const pl = interPodAffinity(handle);
  const pi = newPodInfo(makePod('p', { spec: { affinity: {
    podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, podAffinityTerm: term('cache') }] },
    podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, podAffinityTerm: term('noisy') }] },
  } } }));
  const state = new CycleState();
  assert.equal(pl.preScore(state, pi), null);
  const s = infos.map((n) => ({ name: n.name, score: pl.score(state, pi, n) }));
  pl.normalizeScore(state, pi, s);
  assert.deepEqual(s.map((x) => x.score), [100, 100, 0]);
});
