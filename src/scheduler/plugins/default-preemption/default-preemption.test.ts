import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { Algorithm } from '../../algorithm.js';
import { Framework } from '../../framework.js';
import { buildPlugins, PLUGINS } from '../../registry.js';
import { CycleState, fixture, makeNode, makePod, newPodInfo } from '../../test-helpers.test-helper.js';
import { fitErrorMessage } from '../../fit-error.js';

/** Schedules `pod` on a fixture with the default plugins (no client: victims are chosen, not deleted). */
function attempt(nodes: ReturnType<typeof makeNode>[], placed: Pod[], pod: Pod) {
  const f = fixture(nodes, placed);
  const fw = new Framework(buildPlugins(f.handle, PLUGINS.filter((p) => p.create.name !== 'defaultBinder')));
  f.setFramework(fw);
  const state = new CycleState();
  const pi = newPodInfo(pod);
  const r = new Algorithm(fw, f.cache).schedule(state, pi);
  assert.equal(r.kind, 'unfit');
  if (r.kind !== 'unfit') throw new Error();
  const post = fw.runPostFilter(state, pi, r.diagnosis.statuses);
  if (post.status) r.diagnosis.postFilterMsg = post.status.reasons.join(', ');
  return { nominated: post.result?.nominatedNodeName, message: fitErrorMessage(r.numAllNodes, r.diagnosis) };
}

const cases = [
  {
    name: 'picks the node whose victims have the lowest priority',
    nodes: [makeNode('n1', { cpu: '2' }), makeNode('n2', { cpu: '2' })],
    placed: [makePod('mid', { node: 'n1', cpu: '2', priority: 500 }), makePod('low', { node: 'n2', cpu: '2', priority: 100 })],
    pod: makePod('p', { cpu: '1', priority: 1000 }),
    nominated: 'n2',
  },
  {
    name: 'fewest victims among equal priorities',
    nodes: [makeNode('n1', { cpu: '2' }), makeNode('n2', { cpu: '2' })],
    placed: [makePod('a', { node: 'n1', cpu: '1', priority: 1 }), makePod('b', { node: 'n1', cpu: '1', priority: 1 }), makePod('c', { node: 'n2', cpu: '2', priority: 1 })],
    pod: makePod('p', { cpu: '2', priority: 10 }),
    nominated: 'n2',
  },
  {
    name: 'nothing of lower priority: no victims; unresolvable nodes: not helpful',
    nodes: [makeNode('n1', { cpu: '2' }), makeNode('n2', { cpu: '8', taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] })],
    placed: [makePod('same', { node: 'n1', cpu: '2', priority: 1000 })],
    pod: makePod('p', { cpu: '1', priority: 1000 }),
    message:
      '0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {dedicated: gpu}. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.',
  },
  {
    name: 'preemptionPolicy Never',
    nodes: [makeNode('n1', { cpu: '2' })],
    placed: [makePod('low', { node: 'n1', cpu: '2', priority: 0 })],
    pod: makePod('p', { cpu: '1', priority: 1000, spec: { preemptionPolicy: 'Never' } }),
    message: '0/1 nodes are available: 1 Insufficient cpu. not eligible due to preemptionPolicy=Never.',
  },
];
for (const c of cases) {
  test(`DefaultPreemption: ${c.name}`, () => {
    const r = attempt(c.nodes, c.placed, c.pod);
    if (c.nominated) assert.equal(r.nominated, c.nominated);
    if (c.message) assert.equal(r.message, c.message);
  });
}
