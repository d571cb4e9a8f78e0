import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../lib/clock.js';
import { newPodInfo } from './pod-info.js';
import { SchedulingQueue } from './queue.js';
import { makePod } from './test-helpers.test-helper.js';

const events = new Map([
  ['NodeResourcesFit', [{ resource: 'AssignedPod' as const, actions: ['Delete' as const] }, { resource: 'Node' as const, actions: ['Add' as const, 'Update' as const] }]],
  ['TaintToleration', [{ resource: 'Node' as const, actions: ['Add' as const, 'Update' as const] }]],
]);
const setup = () => {
  const clock = new ManualClock();
  const q = new SchedulingQueue(clock, { pluginEvents: events });
  q.run();
  return { clock, q };
};

test('active queue pops by priority, then by arrival', () => {
  const { clock, q } = setup();
  q.add(newPodInfo(makePod('low-1', { priority: 1 })));
  clock.advance(1);
  q.add(newPodInfo(makePod('high', { priority: 100 })));
  clock.advance(1);
  q.add(newPodInfo(makePod('low-2', { priority: 1 })));
  assert.deepEqual([q.tryPop(), q.tryPop(), q.tryPop()].map((x) => x?.pi.pod.metadata?.name), ['high', 'low-1', 'low-2']);
  assert.equal(q.tryPop(), undefined);
  q.close();
});

test('back-off doubles from 1 s to at most 10 s', () => {
  const { q } = setup();
  assert.deepEqual([1, 2, 3, 4, 5, 6].map((a) => q.backoffDuration(a)), [1000, 2000, 4000, 8000, 10000, 10000]);
  q.close();
});

test('an unschedulable pod waits for an event its plugins registered, then backs off before returning', () => {
  const { clock, q } = setup();
  q.add(newPodInfo(makePod('p')));
  const p = q.tryPop()!;
  p.unschedulablePlugins = new Set(['TaintToleration']);
  q.addUnschedulable(p, q.cycle);
  assert.equal(q.lengths().unschedulable, 1);
  q.moveOnEvent('AssignedPod', 'Delete'); // not one TaintToleration registered
  assert.equal(q.lengths().unschedulable, 1);
  q.moveOnEvent('Node', 'Add');
  assert.deepEqual(q.lengths(), { active: 0, backoff: 1, unschedulable: 0, inFlight: 0 });
  clock.advance(1000);
  assert.equal(q.tryPop()?.pi.pod.metadata?.name, 'p');
  q.close();
});

test('a move request during the cycle sends the failed pod to back-off, not to wait', () => {
  const { clock, q } = setup();
  q.add(newPodInfo(makePod('p')));
  const p = q.tryPop()!;
  const cycle = q.cycle;
  q.moveOnEvent('Node', 'Add');
  p.unschedulablePlugins = new Set(['NodeResourcesFit']);
  q.addUnschedulable(p, cycle);
  assert.equal(q.lengths().backoff, 1);
  clock.advance(999);
  assert.equal(q.tryPop(), undefined);
  clock.advance(1);
  assert.equal(q.tryPop()?.pi.pod.metadata?.name, 'p');
  q.close();
});

test('unschedulable pods are flushed back after 5 minutes without events', () => {
  const { clock, q } = setup();
  q.add(newPodInfo(makePod('p')));
  const p = q.tryPop()!;
  p.unschedulablePlugins = new Set(['TaintToleration']);
  q.addUnschedulable(p, q.cycle);
  clock.advance(4 * 60_000);
  assert.equal(q.lengths().unschedulable, 1);
  clock.advance(61_000);
  assert.equal(q.tryPop()?.pi.pod.metadata?.name, 'p');
  q.close();
});

test('an error (no rejecting plugin) backs off; deleting a pod drops it everywhere; pop waits for a pod', async () => {
  const { clock, q } = setup();
  q.add(newPodInfo(makePod('p')));
  const p = q.tryPop()!;
  q.addUnschedulable(p, q.cycle);
  assert.equal(q.lengths().backoff, 1);
  q.delete(p.pi.key);
  assert.deepEqual(q.lengths(), { active: 0, backoff: 0, unschedulable: 0, inFlight: 0 });
  const waiting = q.pop();
  q.add(newPodInfo(makePod('later')));
  assert.equal((await waiting)?.pi.pod.metadata?.name, 'later');
  clock.advance(0);
  q.close();
  assert.equal(await q.pop(), undefined);
});
