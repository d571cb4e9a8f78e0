import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject, OwnerReference } from '../../kubeclient/types.js';
import { AbsentOwnerCache, DependencyGraph } from './graph.js';

function setup() {
  const calls: string[] = [];
  const graph = new DependencyGraph({ attemptToDelete: (u) => calls.push(`delete:${u}`), attemptToOrphan: (u) => calls.push(`orphan:${u}`) }, new AbsentOwnerCache());
  return { graph, calls };
}

const obj = (uid: string, owners: OwnerReference[] = [], meta: Record<string, unknown> = {}): KubeObject =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: uid, namespace: 'ns', uid, ownerReferences: owners, ...meta } });
const ref = (uid: string, block = false): OwnerReference => ({ apiVersion: 'v1', kind: 'ConfigMap', name: uid, uid, ...(block ? { blockOwnerDeletion: true } : {}) });

test('an unseen owner becomes a virtual node to verify; observing it makes it real', () => {
  const { graph, calls } = setup();
  graph.observe(obj('dep', [ref('owner')]));
  assert.deepEqual(calls, ['delete:owner']);
  assert.equal(graph.nodes.get('owner')?.virtual, true);
  assert.equal(graph.nodes.get('owner')?.identity.namespace, 'ns');
  graph.observe(obj('owner'));
  assert.equal(graph.nodes.get('owner')?.virtual, false);
  assert.deepEqual([...graph.nodes.get('owner')!.dependents].map((d) => d.identity.uid), ['dep']);
});

test('removing an owner checks its dependents; a virtual owner left without dependents is dropped', () => {
  const { graph, calls } = setup();
  graph.observe(obj('owner'));
  graph.observe(obj('dep', [ref('owner'), ref('ghost')]));
  calls.length = 0;
  graph.remove('owner');
  assert.deepEqual(calls, ['delete:dep']);
  graph.observe(obj('dep', []));
  assert.equal(graph.nodes.has('ghost'), false);
});

test('foreground and orphan deletions are acted on once, at the transition', () => {
  const { graph, calls } = setup();
  graph.observe(obj('owner'));
  graph.observe(obj('d1', [ref('owner', true)]));
  calls.length = 0;
  const deleting = { deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['foregroundDeletion'] };
  graph.observe(obj('owner', [], deleting));
  assert.deepEqual(calls, ['delete:d1', 'delete:owner']);
  assert.equal(graph.nodes.get('owner')?.deletingDependents, true);
  graph.observe(obj('owner', [], deleting));
  assert.equal(calls.length, 2, 'no repeat on later updates');
  // The dependent stops blocking: the waiting owner is looked at again.
  graph.observe(obj('d1', [ref('owner', false)]));
  assert.deepEqual(calls.slice(2), ['delete:owner']);

  graph.observe(obj('o2'));
  graph.observe(obj('o2', [], { deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['orphan'] }));
  graph.observe(obj('o2', [], { deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['orphan'] }));
  assert.deepEqual(calls.slice(3), ['orphan:o2']);
});

test('a removed dependent re-triggers an owner waiting for its dependents', () => {
  const { graph, calls } = setup();
  graph.observe(obj('owner', [], { deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['foregroundDeletion'] }));
  graph.observe(obj('dep', [ref('owner', true)]));
  assert.deepEqual(calls, ['delete:owner', 'delete:dep'], 'a dependent created under a foreground deletion is checked');
  calls.length = 0;
  graph.remove('dep');
  assert.deepEqual(calls, ['delete:owner']);
  assert.deepEqual(graph.nodes.get('owner')?.blockingDependents(), []);
});

test('the absent-owner cache is bounded and keyed by coordinates', () => {
  const c = new AbsentOwnerCache(2);
  const k = (uid: string, ns?: string) => AbsentOwnerCache.key({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'x', uid }, ns);
  c.add(k('1', 'a'));
  assert.ok(c.has(k('1', 'a')));
  assert.ok(!c.has(k('1', 'b')));
  c.add(k('2'));
  c.add(k('3'));
  assert.ok(!c.has(k('1', 'a')));
  assert.ok(c.has(k('3')));
});
