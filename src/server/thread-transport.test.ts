import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import { KubeClient } from '../kubeclient/client.js';
import { KubeApiError } from '../kubeclient/errors.js';
import { Informer } from '../kubeclient/informer.js';
import { eventually } from '../kubeclient/testing.js';
import type { WatchEvent } from '../kubeclient/transport.js';
import { realClock } from '../lib/clock.js';
import { silentLogger } from '../lib/logger.js';
import { startInProcessCluster, type InProcessCluster } from './in-process-transport.js';
import { serveThreadTransport, threadTransport, type ThreadTransport } from './thread-transport.js';

// Both ends in one thread: the messages are structured-cloned exactly as between threads.
let cluster: InProcessCluster;
let channel: MessageChannel;
let t: ThreadTransport;
let endWatches: () => void;
before(async () => {
  cluster = await startInProcessCluster();
  channel = new MessageChannel();
  endWatches = serveThreadTransport(cluster.api, channel.port1, { sign: (a: string, b: string) => `${a}.${b}`, broken: () => Promise.reject(new Error('no key')) });
  t = threadTransport(channel.port2);
});
after(async () => {
  endWatches();
  channel.port1.close();
  await cluster.stop();
});

test('requests cross the channel and come back parsed, bodies of every kind', async () => {
  const created = await t.request({ method: 'POST', path: '/api/v1/namespaces/default/configmaps', body: { metadata: { name: 'a' }, data: { x: '1' } } });
  assert.equal(created.status, 201);
  assert.equal((created.body as { metadata: { name: string } }).metadata.name, 'a');
  const fromBuffer = await t.request({ method: 'POST', path: '/api/v1/namespaces/default/configmaps', body: Buffer.from('{"metadata":{"name":"b"}}') });
  assert.equal(fromBuffer.status, 201);
  const patched = await t.request({ method: 'PATCH', path: '/api/v1/namespaces/default/configmaps/a', body: '{"data":{"y":"2"}}', contentType: 'application/merge-patch+json' });
  assert.deepEqual((patched.body as { data: object }).data, { x: '1', y: '2' });
  assert.deepEqual(await t.request({ method: 'GET', path: '/healthz' }), { status: 200, body: 'ok' });
  const missing = await t.request({ method: 'GET', path: '/api/v1/namespaces/default/configmaps/zzz' });
  assert.equal(missing.status, 404);
  assert.equal((missing.body as { reason: string }).reason, 'NotFound');
});

test('a list larger than one message arrives whole and in order', async () => {
  const ns = { group: '', version: 'v1', resource: 'configmaps', namespace: 'many' };
  const client = new KubeClient(t);
  await client.create({ group: '', version: 'v1', resource: 'namespaces' }, { metadata: { name: 'many' } });
  for (let i = 0; i < 2100; i++) await cluster.transport.request({ method: 'POST', path: '/api/v1/namespaces/many/configmaps', body: { metadata: { name: `cm-${String(i).padStart(4, '0')}` } } });
  const list = await client.list(ns);
  assert.equal(list.items.length, 2100);
  assert.deepEqual(list.items.map((o) => o.metadata!.name), Array.from({ length: 2100 }, (_, i) => `cm-${String(i).padStart(4, '0')}`));
  assert.ok(list.metadata.resourceVersion);
});

test('watches deliver events in order, end on abort, and a refusal is a KubeApiError', async () => {
  const events: WatchEvent[] = [];
  const ctl = new AbortController();
  const done = t.watch('/api/v1/namespaces/default/secrets', {}, (ev) => {
    events.push(ev);
    if (events.length === 2) ctl.abort();
  }, ctl.signal);
  for (const n of ['s1', 's2', 's3']) await t.request({ method: 'POST', path: '/api/v1/namespaces/default/secrets', body: { metadata: { name: n } } });
  await done;
  assert.deepEqual(events.map((e) => `${e.type}:${e.object.metadata.name}`), ['ADDED:s1', 'ADDED:s2']);
  await assert.rejects(t.watch('/apis/nope/v1/things', {}, () => {}, new AbortController().signal), (e) => e instanceof KubeApiError && e.code === 404);
  await assert.rejects(t.watch('/api/v1/pods', { labelSelector: '!!' }, () => {}, new AbortController().signal), (e) => e instanceof KubeApiError && e.code === 400);
  const failing = assert.rejects(t.watch('/api/v1/namespaces/default/serviceaccounts', {}, () => {
    throw new Error('consumer bug');
  }, new AbortController().signal), /consumer bug/);
  await t.request({ method: 'POST', path: '/api/v1/namespaces/default/serviceaccounts', body: { metadata: { name: 'sa1' } } });
  await failing;
});

test('an informer over the channel mirrors writes', async () => {
  const ref = { group: '', version: 'v1', resource: 'configmaps', namespace: 'default' };
  const inf = new Informer(new KubeClient(t), { resource: ref }, realClock, silentLogger());
  inf.start();
  assert.equal(await inf.waitForSync(), true);
  await t.request({ method: 'POST', path: '/api/v1/namespaces/default/configmaps', body: { metadata: { name: 'late' } } });
  await eventually(() => inf.get('default', 'late'));
  await t.request({ method: 'DELETE', path: '/api/v1/namespaces/default/configmaps/late' });
  await eventually(() => !inf.get('default', 'late'));
  await inf.stop();
});

test('calls reach the functions the server side offers, failures included', async () => {
  assert.equal(await t.call('sign', ['a', 'b']), 'a.b');
  await assert.rejects(t.call('broken', []), /no key/);
  await assert.rejects(t.call('nope', []), /no call nope/);
});
