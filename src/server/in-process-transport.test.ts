import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KubeApiError } from '../kubeclient/errors.js';
import type { WatchEvent } from '../kubeclient/transport.js';
import { startInProcessCluster, type InProcessCluster } from './in-process-transport.js';

let cluster: InProcessCluster;
before(async () => {
  cluster = await startInProcessCluster();
});
after(() => cluster.stop());

test('requests reach the API server without sockets and bodies come back parsed', async () => {
  const t = cluster.transport;
  const created = await t.request({ method: 'POST', path: '/api/v1/namespaces/default/configmaps', body: { metadata: { name: 'a' }, data: { x: '1' } } });
  assert.equal(created.status, 201);
  assert.equal((created.body as { metadata: { name: string } }).metadata.name, 'a');
  const version = await t.request({ method: 'GET', path: '/version' });
  assert.equal(version.status, 200);
  assert.equal((version.body as { major: string }).major, '1');
  const health = await t.request({ method: 'GET', path: '/healthz' });
  assert.deepEqual(health, { status: 200, body: 'ok' });
  const missing = await t.request({ method: 'GET', path: '/api/v1/namespaces/default/configmaps/zzz' });
  assert.equal(missing.status, 404);
  assert.equal((missing.body as { reason: string }).reason, 'NotFound');
  const agg = await t.request({ method: 'GET', path: '/apis', accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' });
  assert.equal((agg.body as { kind: string }).kind, 'APIGroupDiscoveryList');
  const patched = await t.request({ method: 'PATCH', path: '/api/v1/namespaces/default/configmaps/a', body: '{"data":{"y":"2"}}', contentType: 'application/merge-patch+json' });
  assert.deepEqual((patched.body as { data: object }).data, { x: '1', y: '2' });
});

test('watch delivers parsed events in order and ends when the signal aborts', async () => {
  const events: WatchEvent[] = [];
  const ctl = new AbortController();
  const done = cluster.transport.watch('/api/v1/namespaces/default/secrets', {}, (ev) => {
    events.push(ev);
    if (events.length === 2) ctl.abort();
  }, ctl.signal);
  for (const n of ['s1', 's2', 's3']) await cluster.transport.request({ method: 'POST', path: '/api/v1/namespaces/default/secrets', body: { metadata: { name: n } } });
  await done;
  assert.deepEqual(events.map((e) => `${e.type}:${e.object.metadata.name}`), ['ADDED:s1', 'ADDED:s2']);
});

test('a refused watch throws KubeApiError; a failing consumer ends only its own watch', async () => {
  await assert.rejects(cluster.transport.watch('/apis/nope/v1/things', {}, () => {}, new AbortController().signal), (e) => e instanceof KubeApiError && e.code === 404);
  await assert.rejects(cluster.transport.watch('/api/v1/pods', { labelSelector: '!!' }, () => {}, new AbortController().signal), (e) => e instanceof KubeApiError && e.code === 400);
  const ok: string[] = [];
  const ctl = new AbortController();
  const healthy = cluster.transport.watch('/api/v1/namespaces/default/serviceaccounts', {}, (ev) => {
    ok.push(ev.object.metadata.name);
    if (ok.length === 2) ctl.abort();
  }, ctl.signal);
  const failing = cluster.transport.watch('/api/v1/namespaces/default/serviceaccounts', {}, () => {
    throw new Error('consumer bug');
  }, new AbortController().signal);
  await cluster.transport.request({ method: 'POST', path: '/api/v1/namespaces/default/serviceaccounts', body: { metadata: { name: 'sa1' } } });
  await assert.rejects(failing, /consumer bug/);
  await cluster.transport.request({ method: 'POST', path: '/api/v1/namespaces/default/serviceaccounts', body: { metadata: { name: 'sa2' } } });
  await healthy;
  assert.deepEqual(ok, ['sa1', 'sa2']);
});
