import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ApiServer } from '../apiserver/api-server.js';
import { builtinResources } from '../apiserver/registry/builtin.js';
import { realClock } from '../lib/clock.js';
import { silentLogger } from '../lib/logger.js';
import { bootstrapCluster } from '../server/bootstrap.js';
import { inProcessTransport, startInProcessCluster, type InProcessCluster } from '../server/in-process-transport.js';
import { kubernetesVersion } from '../server/version.js';
import { openMemoryStore } from '../store/memory/memory-store.js';
import { KubeClient, resourcePath } from './client.js';
import { discoverResources, RestMapper } from './discovery.js';
import { isAlreadyExists, isConflict, isForbidden, isNotFound, KubeApiError } from './errors.js';
import type { WatchEvent } from './transport.js';
import type { KubeObject } from './types.js';

let cluster: InProcessCluster;
let client: KubeClient;
const cm = { group: '', version: 'v1', resource: 'configmaps', namespace: 'default' };

before(async () => {
  cluster = await startInProcessCluster();
  client = new KubeClient(cluster.transport);
});
after(() => cluster.stop());

test('resourcePath builds core, group, namespaced, named and subresource paths', () => {
  assert.equal(resourcePath({ group: '', version: 'v1', resource: 'pods' }), '/api/v1/pods');
  assert.equal(resourcePath({ group: 'apps', version: 'v1', resource: 'deployments', namespace: 'a b', name: 'x' }), '/apis/apps/v1/namespaces/a%20b/deployments/x');
  assert.equal(resourcePath({ group: '', version: 'v1', resource: 'namespaces', name: 'n', subresource: 'finalize' }), '/api/v1/namespaces/n/finalize');
});

test('create, get, list, update, patch and delete a ConfigMap', async () => {
  const created = await client.create(cm, { metadata: { name: 'one', labels: { app: 'a' } }, data: { k: 'v' } });
  assert.ok(created.metadata?.uid);
  assert.equal(created.kind, 'ConfigMap');
  const got = await client.get({ ...cm, name: 'one' });
  assert.deepEqual(got.data, { k: 'v' });

  await client.create(cm, { metadata: { name: 'two', labels: { app: 'b' } } });
  const list = await client.list(cm, { labelSelector: 'app=a' });
  assert.deepEqual(list.items.map((i) => i.metadata?.name), ['one']);
  assert.ok(Number(list.metadata.resourceVersion) > 0);
  const paged = await client.listAll(cm, { limit: 1 });
  assert.deepEqual(paged.items.map((i) => i.metadata?.name).sort(), ['one', 'two']);

  const updated = await client.update({ ...cm, name: 'one' }, { ...got, data: { k: 'v2' } });
  assert.equal(updated.data && (updated.data as Record<string, string>).k, 'v2');
  await assert.rejects(client.update({ ...cm }, { ...got, data: { k: 'stale' } }), (e) => isConflict(e) && (e as KubeApiError).reason === 'Conflict');

  const merged = await client.patch({ ...cm, name: 'one' }, { data: { extra: 'x' } });
  assert.deepEqual(merged.data, { k: 'v2', extra: 'x' });
  const jp = await client.patch({ ...cm, name: 'one' }, [{ op: 'remove', path: '/data/extra' }], 'json');
  assert.deepEqual(jp.data, { k: 'v2' });

  await assert.rejects(client.delete({ ...cm, name: 'one' }, { preconditions: { uid: 'not-the-uid' } }), isConflict);
  await client.delete({ ...cm, name: 'one' }, { preconditions: { uid: created.metadata!.uid! } });
  await assert.rejects(client.get({ ...cm, name: 'one' }), (e) => isNotFound(e) && (e as KubeApiError).message === 'configmaps "one" not found');
  await client.delete({ ...cm, name: 'two' });
});

test('errors carry the Status code, reason and message', async () => {
  await client.create(cm, { metadata: { name: 'dup' } });
  await assert.rejects(client.create(cm, { metadata: { name: 'dup' } }), (e) => {
    assert.ok(e instanceof KubeApiError);
    assert.ok(isAlreadyExists(e) && !isConflict(e));
    assert.equal(e.code, 409);
    assert.equal(e.message, 'configmaps "dup" already exists');
    return true;
  });
  await assert.rejects(client.create(cm, { metadata: { name: 'Bad_Name' } }), (e) => e instanceof KubeApiError && e.code === 422 && e.reason === 'Invalid');
  await assert.rejects(client.get({ group: 'nope', version: 'v1', resource: 'things', name: 'x' }), isNotFound);
  await assert.rejects(client.list(cm, { labelSelector: '!!' }), (e) => e instanceof KubeApiError && e.code === 400);
  await assert.rejects(client.create({ ...cm, namespace: 'missing' }, { metadata: { name: 'x' } }), isNotFound);
  assert.ok(!isForbidden(new Error('x')));
});

test('deleteCollection removes what the selector matches', async () => {
  for (const n of ['c1', 'c2', 'c3']) await client.create(cm, { metadata: { name: n, labels: { group: n === 'c3' ? 'keep' : 'drop' } } });
  await client.deleteCollection(cm, { labelSelector: 'group=drop' });
  const left = await client.list(cm, { labelSelector: 'group' });
  assert.deepEqual(left.items.map((i) => i.metadata?.name), ['c3']);
});

test('watch streams ADDED, MODIFIED and DELETED from a resourceVersion', async () => {
  const start = await client.list(cm);
  const events: WatchEvent[] = [];
  const ctl = new AbortController();
  const watching = client.watch(cm, { resourceVersion: start.metadata.resourceVersion }, (ev) => {
    events.push(ev);
    if (ev.type === 'DELETED') ctl.abort();
  }, ctl.signal);
  const o = await client.create<KubeObject>(cm, { metadata: { name: 'w' } });
  await client.patch({ ...cm, name: 'w' }, { data: { a: '1' } });
  await client.delete({ ...cm, name: 'w' });
  await watching;
  assert.deepEqual(events.map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED w', 'MODIFIED w', 'DELETED w']);
  assert.equal(events[0]!.object.metadata.uid, o.metadata!.uid);
});

test('a watch from a resourceVersion older than history gets an ERROR event with code 410', async () => {
  // A second API server over the same store starts its watch cache at the current revision.
  const store = await openMemoryStore();
  const mk = () => new ApiServer({ store, clock: realClock, log: silentLogger(), resources: builtinResources, version: kubernetesVersion() });
  const first = mk();
  await first.start();
  await bootstrapCluster(first);
  first.stop();
  const second = mk();
  await second.start();
  try {
    const events: WatchEvent[] = [];
    const c = new KubeClient(inProcessTransport(second));
    await c.watch(cm, { resourceVersion: '1' }, (ev) => events.push(ev), new AbortController().signal);
    assert.equal(events.length, 1);
    assert.equal(events[0]!.type, 'ERROR');
    assert.equal(events[0]!.object.code, 410);
    assert.equal(events[0]!.object.reason, 'Expired');
  } finally {
    second.stop();
    await store.close();
  }
});

test('discovery lists resources with verbs and scope; the mapper resolves kinds', async () => {
  const all = await discoverResources(client);
  const cms = all.find((r) => r.resource === 'configmaps');
  assert.deepEqual({ ...cms, verbs: undefined }, { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true, verbs: undefined, preferred: true });
  assert.ok(cms!.verbs.includes('deletecollection'));
  const mapper = new RestMapper(all);
  assert.equal(mapper.resourceFor('apps/v1', 'Deployment')?.resource, 'deployments');
  assert.equal(mapper.resourceFor('apps/v1beta2', 'Deployment')?.version, 'v1');
  assert.equal(mapper.resourceFor('v1', 'Namespace')?.namespaced, false);
  assert.equal(mapper.resourceFor('example.com/v1', 'Widget'), undefined);
});
