import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { podsToDelete } from './pod-ranking.js';
import { slowStartBatch } from './slow-start.js';

const NOW = Date.UTC(2026, 0, 1, 12);
const iso = (msAgo: number) => new Date(NOW - msAgo).toISOString().replace('.000Z', 'Z');

function pod(name: string, o: { node?: string; phase?: string; readyAgo?: number; createdAgo?: number; restarts?: number; cost?: string } = {}): Pod {
  return {
    metadata: { name, uid: `uid-${name}`, creationTimestamp: iso(o.createdAgo ?? 3_600_000), annotations: o.cost ? { 'controller.kubernetes.io/pod-deletion-cost': o.cost } : {} },
    spec: { containers: [], nodeName: o.node },
    status: {
      phase: o.phase ?? 'Running',
      conditions: o.readyAgo !== undefined ? [{ type: 'Ready', status: 'True', lastTransitionTime: iso(o.readyAgo) }] : [],
      containerStatuses: o.restarts ? [{ name: 'c', image: 'i', imageID: '', ready: true, restartCount: o.restarts }] : [],
    },
  };
}

const names = (pods: Pod[]) => pods.map((p) => p.metadata!.name);

test('deletion order: unassigned, Pending < Unknown < Running, not ready, deletion cost, co-located, ready time, restarts, age', () => {
  const n = (p: Pod) => ({ ...p, spec: { ...p.spec!, nodeName: p.spec?.nodeName ?? 'n1' } });
  const pods = [
    pod('old-ready', { node: 'n9', readyAgo: 86_400_000, createdAgo: 90_000_000 }),
    pod('unassigned', { phase: 'Pending' }),
    n(pod('pending', { phase: 'Pending' })),
    n(pod('unknown', { phase: 'Unknown' })),
    n(pod('not-ready')),
    pod('costly', { node: 'n8', readyAgo: 1000, cost: '100' }),
    pod('cheap', { node: 'n7', readyAgo: 86_400_000, cost: '-5' }),
    pod('doubled', { node: 'n2', readyAgo: 86_400_000 }),
    pod('fresh-ready', { node: 'n3', readyAgo: 1000 }),
    pod('restarted', { node: 'n4', readyAgo: 86_400_000, restarts: 4 }),
  ];
  const related = [pod('sibling', { node: 'n2' })];
  assert.deepEqual(names(podsToDelete(pods, related, 9, NOW)), ['unassigned', 'pending', 'unknown', 'not-ready', 'cheap', 'doubled', 'fresh-ready', 'restarted', 'old-ready']);
});

test('similar ages fall into one log2 bucket and are ordered by uid; newer pods go before older ones', () => {
  const pods = [pod('b', { node: 'x', createdAgo: 1_000_000 }), pod('a', { node: 'x', createdAgo: 1_000_500 }), pod('young', { node: 'x', createdAgo: 10 })];
  assert.deepEqual(names(podsToDelete(pods, [], 2, NOW)), ['young', 'a']);
});

test('slowStartBatch runs 1, 2, 4, … and stops after the first failing batch', async () => {
  let calls = 0;
  const r = await slowStartBatch(10, 1, async () => {
    calls++;
    if (calls > 4) throw new Error('quota');
  });
  assert.deepEqual({ calls, successes: r.successes, error: r.error?.message }, { calls: 7, successes: 4, error: 'quota' });
  assert.deepEqual(await slowStartBatch(5, 1, async () => {}), { successes: 5 });
});
