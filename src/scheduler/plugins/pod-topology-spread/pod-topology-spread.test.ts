import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { emptyListers } from '../../handle.js';
import { CycleState, filterAll, fixture, makeNode, makePod, newPodInfo } from '../../test-helpers.test-helper.js';
import { podTopologySpread } from './pod-topology-spread.js';

const zones = () => [makeNode('a1', { zone: 'a' }), makeNode('a2', { zone: 'a' }), makeNode('b1', { zone: 'b' }), makeNode('c1', { zone: 'c' })];
const web = (name: string, node?: string) => makePod(name, { node, labels: { app: 'web' } });
const spread = (o: { maxSkew?: number; key?: string; minDomains?: number; when?: string; extra?: Partial<NonNullable<Pod['spec']>> } = {}) =>
  makePod('p', {
    labels: { app: 'web' },
    spec: {
      topologySpreadConstraints: [{ maxSkew: o.maxSkew ?? 1, topologyKey: o.key ?? 'topology.kubernetes.io/zone', whenUnsatisfiable: o.when ?? 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } }, minDomains: o.minDomains }],
      ...(o.extra ?? {}),
    },
  });
const NO = "Unschedulable: node(s) didn't match pod topology spread constraints";

const cases = [
  { name: 'empty cluster: every zone fits', placed: [], pod: spread(), want: { a1: '', a2: '', b1: '', c1: '' } },
  { name: 'zone a has one: only b and c fit with maxSkew 1', placed: [web('e1', 'a1')], pod: spread(), want: { a1: NO, a2: NO, b1: '', c1: '' } },
  { name: 'maxSkew 2 allows a', placed: [web('e1', 'a1')], pod: spread({ maxSkew: 2 }), want: { a1: '', a2: '', b1: '', c1: '' } },
  { name: 'pods in other namespaces and not matching do not count', placed: [makePod('x', { node: 'a1', ns: 'other', labels: { app: 'web' } }), makePod('y', { node: 'a1', labels: { app: 'db' } })], pod: spread(), want: { a1: '', a2: '', b1: '', c1: '' } },
  { name: 'hostname key', placed: [web('e1', 'a1')], pod: spread({ key: 'kubernetes.io/hostname' }), want: { a1: NO, a2: '', b1: '', c1: '' } },
  {
    name: 'minDomains above the domain count treats the minimum as 0',
    placed: [web('e1', 'a1'), web('e2', 'b1'), web('e3', 'c1')],
    pod: spread({ minDomains: 5 }),
    want: { a1: NO, a2: NO, b1: NO, c1: NO },
  },
  {
    name: 'nodeAffinityPolicy Honor: domains outside the pod\'s node selector are ignored',
    placed: [web('e1', 'a1')],
    pod: spread({ extra: { nodeSelector: { 'topology.kubernetes.io/zone': 'a' } } }),
    want: { a1: '', a2: '', b1: '', c1: '' },
  },
  { name: 'ScheduleAnyway does not filter', placed: [web('e1', 'a1')], pod: spread({ when: 'ScheduleAnyway' }), want: { a1: '', a2: '', b1: '', c1: '' } },
];
for (const c of cases) {
  test(`PodTopologySpread filter: ${c.name}`, () => {
    const { handle, infos } = fixture(zones(), c.placed);
    assert.deepEqual(filterAll(podTopologySpread(handle), c.pod, infos), c.want);
  });
}

test('PodTopologySpread filter: a node without the topology key is unresolvable', () => {
  const { handle, infos } = fixture([makeNode('nozone'), makeNode('a1', { zone: 'a' })]);
  assert.deepEqual(filterAll(podTopologySpread(handle), spread(), infos), { nozone: "UnschedulableAndUnresolvable: node(s) didn't match pod topology spread constraints (missing required label)", a1: '' });
});

test('PodTopologySpread filter: matchLabelKeys narrows the selector to the pod\'s own value', () => {
  const { handle, infos } = fixture(zones(), [makePod('old', { node: 'a1', labels: { app: 'web', rev: '1' } })]);
  const pod = makePod('p', { labels: { app: 'web', rev: '2' }, spec: { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } }, matchLabelKeys: ['rev'] }] } });
  assert.deepEqual(filterAll(podTopologySpread(handle), pod, infos), { a1: '', a2: '', b1: '', c1: '' });
});

function scores(handle: ReturnType<typeof fixture>['handle'], infos: ReturnType<typeof fixture>['infos'], pod: Pod) {
  const pl = podTopologySpread(handle);
  const state = new CycleState();
  const pi = newPodInfo(pod);
  const pre = pl.preScore(state, pi, infos);
  if (pre) return pre.code;
  const s = infos.map((n) => ({ name: n.name, score: pl.score(state, pi, n) }));
  pl.normalizeScore(state, pi, s);
  return Object.fromEntries(s.map((x) => [x.name, x.score]));
}

test('PodTopologySpread score: ScheduleAnyway prefers emptier zones', () => {
  const { handle, infos } = fixture(zones(), [web('e1', 'a1'), web('e2', 'a2'), web('e3', 'b1')]);
  const s = scores(handle, infos, spread({ when: 'ScheduleAnyway' })) as Record<string, number>;
  assert.ok(s.c1! > s.b1! && s.b1! > s.a1!, JSON.stringify(s));
  assert.equal(s.c1, 100);
});

test('PodTopologySpread score: system default constraints apply only to pods a Service (or RS, STS, RC) selects', () => {
  const { handle, infos } = fixture(zones(), [web('e1', 'a1'), web('e2', 'a2')], {
    ...emptyListers,
    services: (ns) => (ns === 'default' ? [{ spec: { selector: { app: 'web' } } }] : []),
  });
  const s = scores(handle, infos, web('p')) as Record<string, number>;
  assert.ok(s.b1! > s.a1!, JSON.stringify(s));
  assert.equal(scores(handle, infos, makePod('lonely', { labels: { app: 'other' } })), 'Skip');
});

test('PodTopologySpread score: the hostname constraint counts matching pods per node, not terminating ones nor other namespaces', () => {
  const gone = web('gone', 'b1');
  const terminating: Pod = { ...gone, metadata: { ...gone.metadata, deletionTimestamp: '2024-01-01T00:00:00Z' } };
  const placed = [web('e1', 'a1'), web('e2', 'a1'), web('e3', 'a2'), terminating, makePod('x', { node: 'b1', ns: 'other', labels: { app: 'web' } }), makePod('y', { node: 'b1', labels: { app: 'db' } })];
  const { handle, infos } = fixture([makeNode('a1', { zone: 'a' }), makeNode('a2', { zone: 'a' }), makeNode('b1', { zone: 'b' })], placed);
  // weight log(3 + 2); raw a1 round(2·1.61) = 3, a2 round(1.61) = 2, b1 0; normalized 100·(max + min − raw) / max.
  assert.deepEqual(scores(handle, infos, spread({ key: 'kubernetes.io/hostname', when: 'ScheduleAnyway' })), { a1: 0, a2: 33, b1: 100 });
});

test('PodTopologySpread score: pods on nodes outside the scored set do not shift the scored nodes\' counts', () => {
  const { handle, infos } = fixture(zones(), [web('e1', 'a1'), web('e2', 'a1'), web('e3', 'c1')]);
  const pl = podTopologySpread(handle);
  const state = new CycleState();
  const pi = newPodInfo(spread({ key: 'kubernetes.io/hostname', when: 'ScheduleAnyway' }));
  const scored = infos.filter((n) => n.name !== 'a1');
  assert.equal(pl.preScore(state, pi, scored), null);
  const s = scored.map((n) => ({ name: n.name, score: pl.score(state, pi, n) }));
  assert.deepEqual(Object.fromEntries(s.map((x) => [x.name, x.score])), { a2: 0, b1: 0, c1: 2 });
});
