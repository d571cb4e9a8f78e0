import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KubeClient } from '../../kubeclient/client.js';
import { isForbidden, isNotFound, KubeApiError } from '../../kubeclient/errors.js';
import { eventually } from '../../kubeclient/testing.js';
import type { KubeObject, ResourceRef } from '../../kubeclient/types.js';
import { ManualClock } from '../../lib/clock.js';
import { silentLogger } from '../../lib/logger.js';
import { startInProcessCluster, type InProcessCluster } from '../../server/in-process-transport.js';
import { startControllers, type RunningControllers } from '../manager.js';
import type { NamespaceCondition } from './conditions.js';
import { mergeConditions, problemConditions } from './conditions.js';

let cluster: InProcessCluster;
let client: KubeClient;
let controllers: RunningControllers;
const clock = new ManualClock();
const namespaces: ResourceRef = { group: '', version: 'v1', resource: 'namespaces' };

before(async () => {
  cluster = await startInProcessCluster();
  client = new KubeClient(cluster.transport);
  controllers = await startControllers({ transport: cluster.transport, clock, log: silentLogger() });
  await controllers.synced();
});
after(async () => {
  await controllers.stop();
  await cluster.stop();
});

type Namespace = KubeObject & { spec?: { finalizers?: string[] }; status?: { phase?: string; conditions?: NamespaceCondition[] } };

async function getNs(name: string): Promise<Namespace | undefined> {
  try {
    return await client.get<Namespace>({ ...namespaces, name });
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

const condition = (ns: Namespace | undefined, type: string) => ns?.status?.conditions?.find((c) => c.type === type);

test('an empty namespace is finalized and disappears', async () => {
  await client.create(namespaces, { metadata: { name: 'empty' } });
  await client.delete({ ...namespaces, name: 'empty' });
  await eventually(async () => !(await getNs('empty')), { clock });
  assert.ok(await getNs('default'), 'other namespaces are untouched');
});

test('a namespace stays Terminating until content with finalizers is gone, then disappears', async () => {
  await client.create(namespaces, { metadata: { name: 'doomed' } });
  const cm: ResourceRef = { group: '', version: 'v1', resource: 'configmaps', namespace: 'doomed' };
  const secrets: ResourceRef = { ...cm, resource: 'secrets' };
  await client.create(cm, { metadata: { name: 'a' } });
  await client.create(cm, { metadata: { name: 'b' } });
  await client.create(secrets, { metadata: { name: 'held', finalizers: ['example.com/hold'] } });
  await client.create({ group: 'apps', version: 'v1', resource: 'deployments', namespace: 'doomed' }, {
    metadata: { name: 'web' },
    spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  });

  await client.delete({ ...namespaces, name: 'doomed' });
  const terminating = await getNs('doomed');
  assert.equal(terminating?.status?.phase, 'Terminating');
  assert.ok(terminating?.metadata?.deletionTimestamp);

  await assert.rejects(client.create(cm, { metadata: { name: 'late' } }), (e) => {
    assert.ok(isForbidden(e));
    assert.match((e as KubeApiError).message, /unable to create new content in namespace doomed because it is being terminated/);
    return true;
  });

  const waiting = await eventually(async () => {
    const ns = await getNs('doomed');
    return condition(ns, 'NamespaceFinalizersRemaining')?.status === 'True' ? ns : undefined;
  }, { clock, stepMs: 50 });
  assert.deepEqual(condition(waiting, 'NamespaceContentRemaining'), {
    type: 'NamespaceContentRemaining', status: 'True', reason: 'SomeResourcesRemain', message: 'Some resources are remaining: secrets. has 1 resource instances', lastTransitionTime: condition(waiting, 'NamespaceContentRemaining')!.lastTransitionTime,
  });
  assert.equal(condition(waiting, 'NamespaceFinalizersRemaining')?.message, 'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances');
  assert.equal(condition(waiting, 'NamespaceDeletionContentFailure')?.status, 'False');
  assert.equal(condition(waiting, 'NamespaceDeletionDiscoveryFailure')?.reason, 'ResourcesDiscovered');
  assert.deepEqual((await client.list(cm)).items, []);
  assert.deepEqual((await client.list({ group: 'apps', version: 'v1', resource: 'deployments', namespace: 'doomed' })).items, []);
  const held = await client.get({ ...secrets, name: 'held' });
  assert.ok(held.metadata?.deletionTimestamp);

  // Time passes; the finalizer holds everything.
  for (let i = 0; i < 30; i++) {
    clock.advance(1000);
    await new Promise((r) => setTimeout(r, 2));
  }
  const still = await getNs('doomed');
  assert.equal(still?.status?.phase, 'Terminating');
  assert.deepEqual(still?.spec?.finalizers, ['kubernetes']);

  await client.patch({ ...secrets, name: 'held' }, { metadata: { finalizers: null } });
  await eventually(async () => !(await getNs('doomed')), { clock, stepMs: 1000 });
});

test('conditions: ok variants everywhere, transition time moves only when the status flips', () => {
  const t0 = Date.UTC(2026, 0, 1);
  const first = mergeConditions(undefined, problemConditions(undefined, { estimateSeconds: 0, remaining: new Map(), finalizers: new Map(), errors: [] }), t0);
  assert.equal(first.changed, true);
  assert.deepEqual(first.conditions.map((c) => `${c.type}=${c.status}/${c.reason}`), [
    'NamespaceDeletionDiscoveryFailure=False/ResourcesDiscovered',
    'NamespaceDeletionGroupVersionParsingFailure=False/ParsedGroupVersions',
    'NamespaceDeletionContentFailure=False/ContentDeleted',
    'NamespaceContentRemaining=False/ContentRemoved',
    'NamespaceFinalizersRemaining=False/ContentHasNoFinalizers',
  ]);
  const same = mergeConditions(first.conditions, problemConditions(undefined, { estimateSeconds: 0, remaining: new Map(), finalizers: new Map(), errors: [] }), t0 + 5000);
  assert.equal(same.changed, false);
  const failing = mergeConditions(first.conditions, problemConditions(undefined, { estimateSeconds: 0, remaining: new Map(), finalizers: new Map(), errors: ['pods.: boom', 'configmaps.: bang'] }), t0 + 5000);
  const c = failing.conditions.find((x) => x.type === 'NamespaceDeletionContentFailure')!;
  assert.deepEqual(c, { type: 'NamespaceDeletionContentFailure', status: 'True', reason: 'ContentDeletionFailed', message: 'Failed to delete all resource types, 2 remaining: configmaps.: bang, pods.: boom', lastTransitionTime: '2026-01-01T00:00:05Z' });
  assert.equal(failing.conditions.find((x) => x.type === 'NamespaceContentRemaining')!.lastTransitionTime, '2026-01-01T00:00:00Z');
});
