import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ManualClock } from '../lib/clock.js';
import { silentLogger } from '../lib/logger.js';
import { startInProcessCluster, type InProcessCluster } from '../server/in-process-transport.js';
import { KubeClient } from './client.js';
import { KubeApiError } from './errors.js';
import { Informer } from './informer.js';
import { SharedInformers } from './shared-informers.js';
import { eventually } from './testing.js';
import type { KubeTransport } from './transport.js';
import type { KubeObject } from './types.js';

let cluster: InProcessCluster;
let client: KubeClient;
before(async () => {
  cluster = await startInProcessCluster();
  client = new KubeClient(cluster.transport);
});
after(() => cluster.stop());

async function namespace(name: string): Promise<{ group: string; version: string; resource: string; namespace: string }> {
  await client.create({ group: '', version: 'v1', resource: 'namespaces' }, { metadata: { name } });
  return { group: '', version: 'v1', resource: 'configmaps', namespace: name };
}

/** The informer's cache as name → resourceVersion, for comparison with a live list. */
const snapshot = (objs: KubeObject[]) => Object.fromEntries(objs.map((o) => [o.metadata!.name!, o.metadata!.resourceVersion!]).sort());

/** What the handlers saw, replayed into a map: must end up equal to the cache. */
function recorder(inf: Informer) {
  const seen = new Map<string, string>();
  inf.addEventHandler({
    onAdd: (o) => {
      assert.ok(!seen.has(o.metadata!.name!), `double add of ${o.metadata!.name}`);
      seen.set(o.metadata!.name!, o.metadata!.resourceVersion!);
    },
    onUpdate: (old, o) => {
      assert.equal(seen.get(old.metadata!.name!), old.metadata!.resourceVersion);
      seen.set(o.metadata!.name!, o.metadata!.resourceVersion!);
    },
    onDelete: (o) => {
      assert.ok(seen.delete(o.metadata!.name!), `delete of unknown ${o.metadata!.name}`);
    },
  });
  return seen;
}

test('the informer mirrors a namespace under concurrent writes', async () => {
  const ref = await namespace('inf-a');
  for (let i = 0; i < 10; i++) await client.create(ref, { metadata: { name: `pre-${i}` } });
  const clock = new ManualClock();
  const inf = new Informer(client, { resource: ref, pageSize: 3 }, clock, silentLogger());
  const seen = recorder(inf);
  inf.start();
  assert.equal(await inf.waitForSync(), true);
  assert.equal(inf.list().length, 10);

  const writes: Promise<unknown>[] = [];
  for (let i = 0; i < 40; i++) {
    writes.push((async () => {
      await client.create(ref, { metadata: { name: `c-${i}` }, data: { n: '0' } });
      await client.patch({ ...ref, name: `c-${i}` }, { data: { n: '1' } });
      if (i % 3 === 0) await client.delete({ ...ref, name: `c-${i}` });
      if (i < 10) await client.delete({ ...ref, name: `pre-${i}` });
    })());
  }
  await Promise.all(writes);
  const live = await client.list(ref);
  await eventually(() => {
    assert.deepEqual(snapshot(inf.list()), snapshot(live.items));
    return true;
  }, { clock });
  assert.deepEqual(Object.fromEntries([...seen].sort()), snapshot(live.items));
  assert.equal(inf.get('inf-a', 'c-1')?.data && (inf.get('inf-a', 'c-1')!.data as { n: string }).n, '1');
  assert.equal(inf.lastResourceVersion, live.metadata.resourceVersion);

  const late: string[] = [];
  inf.addEventHandler({ onAdd: (o) => late.push(o.metadata!.name!) });
  assert.equal(late.length, inf.list().length, 'a late handler is replayed the cache');
  await inf.stop();
});

/** Wraps a transport: lists are counted; each watch may be replaced by a scripted failure. */
function scripted(inner: KubeTransport, script: ((attempt: number) => Promise<'pass' | 'end-after-one'>)) {
  const stats = { lists: 0, watches: 0 };
  const t: KubeTransport = {
    request(r) {
      if (r.method === 'GET') stats.lists++;
      return inner.request(r);
    },
    async watch(path, query, onEvent, signal) {
      const what = await script(++stats.watches);
      if (what === 'pass') return inner.watch(path, query, onEvent, signal);
      const ctl = new AbortController();
      signal.addEventListener('abort', () => ctl.abort());
      return inner.watch(path, query, (ev) => {
        onEvent(ev);
        ctl.abort();
      }, ctl.signal);
    },
  };
  return { t, stats };
}

test('the informer relists on an HTTP 410 and reports what changed meanwhile', async () => {
  const ref = await namespace('inf-b');
  await client.create(ref, { metadata: { name: 'gone' } });
  await client.create(ref, { metadata: { name: 'kept' } });
  const { t, stats } = scripted(cluster.transport, async (n) => {
    if (n === 1) {
      // The watch is refused as too old after changes the informer never saw.
      await client.delete({ ...ref, name: 'gone' });
      await client.create(ref, { metadata: { name: 'new' } });
      throw new KubeApiError(410, 'Expired', 'too old resource version: 1 (5)');
    }
    return 'pass';
  });
  const clock = new ManualClock();
  const inf = new Informer(new KubeClient(t), { resource: ref }, clock, silentLogger());
  const deleted: string[] = [];
  inf.addEventHandler({ onDelete: (o) => deleted.push(o.metadata!.name!) });
  const seen = recorder(inf);
  inf.start();
  await eventually(() => stats.watches >= 2, { clock });
  assert.equal(stats.lists, 2, 'one relist after the 410');
  assert.deepEqual(deleted, ['gone']);
  assert.deepEqual([...seen.keys()].sort(), ['kept', 'new']);
  await client.create(ref, { metadata: { name: 'after' } });
  await eventually(() => inf.get('inf-b', 'after'), { clock });
  await inf.stop();
});

test('an ERROR 410 event relists; a cleanly ended watch resumes without relisting', async () => {
  const ref = await namespace('inf-c');
  let expireNext = false;
  const inner = cluster.transport;
  const stats = { lists: 0, watches: 0 };
  const t: KubeTransport = {
    request(r) {
      stats.lists++;
      return inner.request(r);
    },
    async watch(path, query, onEvent, signal) {
      stats.watches++;
      if (expireNext) {
        expireNext = false;
        onEvent({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' } });
        return;
      }
      // Every watch ends cleanly after one event, as a server-side timeout would.
      const ctl = new AbortController();
      signal.addEventListener('abort', () => ctl.abort());
      return inner.watch(path, query, (ev) => {
        onEvent(ev);
        ctl.abort();
      }, ctl.signal);
    },
  };
  const clock = new ManualClock();
  const inf = new Informer(new KubeClient(t), { resource: ref }, clock, silentLogger());
  inf.start();
  await inf.waitForSync();
  for (const n of ['a', 'b', 'c']) {
    await client.create(ref, { metadata: { name: n } });
    await eventually(() => inf.get('inf-c', n), { clock });
  }
  assert.equal(stats.lists, 1, 'resumed from the last resourceVersion each time');
  expireNext = true;
  await client.create(ref, { metadata: { name: 'd' } });
  await eventually(() => inf.get('inf-c', 'd'), { clock });
  assert.equal(stats.lists, 2);
  await inf.stop();
});

test('the informer backs off while the server is unreachable and recovers', async () => {
  const ref = await namespace('inf-d');
  let down = 3;
  const t: KubeTransport = {
    request(r) {
      if (down > 0) {
        down--;
        return Promise.reject(new Error('connect ECONNREFUSED'));
      }
      return cluster.transport.request(r);
    },
    watch: (...a) => cluster.transport.watch(...a),
  };
  const clock = new ManualClock();
  const inf = new Informer(new KubeClient(t), { resource: ref }, clock, silentLogger());
  inf.start();
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(inf.hasSynced(), false);
  assert.equal(down, 2, 'waits for the backoff before the second try');
  await eventually(() => inf.hasSynced(), { clock, stepMs: 1000 });
  await inf.stop();
  assert.equal(await inf.waitForSync(), true);
});

test('indexes follow adds, label changes and deletes', async () => {
  const ref = await namespace('inf-idx');
  const clock = new ManualClock();
  const inf = new Informer(client, { resource: ref }, clock, silentLogger());
  inf.addIndexer('team', (o) => (o.metadata?.labels?.team ? [o.metadata.labels.team] : []));
  await client.create(ref, { metadata: { name: 'a', labels: { team: 'red' } } });
  inf.start();
  assert.equal(await inf.waitForSync(), true);
  await client.create(ref, { metadata: { name: 'b', labels: { team: 'red' } } });
  await eventually(() => inf.byIndex('team', 'red').length === 2, { clock });
  await client.patch({ ...ref, name: 'a' }, { metadata: { labels: { team: 'blue' } } });
  await eventually(() => inf.byIndex('team', 'blue').length === 1, { clock });
  assert.deepEqual(inf.byIndex('team', 'red').map((o) => o.metadata!.name), ['b']);
  await client.delete({ ...ref, name: 'b' });
  await eventually(() => inf.byIndex('team', 'red').length === 0, { clock });
  assert.equal(inf.byIndex('namespace', 'inf-idx').length, 1);
  assert.throws(() => inf.byIndex('nope', 'x'), /has no index nope/);
  await inf.stop();
});

test('shared informers: one per resource and selector, running until the last user stops', async () => {
  const ref = await namespace('inf-shared');
  const clock = new ManualClock();
  const shared = new SharedInformers(client, clock, silentLogger());
  const a = shared.informer({ resource: ref });
  const b = shared.informer({ resource: ref });
  assert.equal(a, b);
  assert.notEqual(shared.informer({ resource: ref, labelSelector: 'x=y' }), a);
  a.start();
  b.start();
  assert.equal(await a.waitForSync(), true);
  await a.stop();
  await client.create(ref, { metadata: { name: 'after-one-stop' } });
  await eventually(() => b.get('inf-shared', 'after-one-stop'), { clock, message: 'still watching after one of two users stopped' });
  await b.stop();
  assert.equal(await b.waitForSync(), true);
});

test('shared informers hold objects without managedFields; an update built from one keeps the stored ones', async () => {
  const ref = await namespace('inf-trim');
  await client.create(ref, { metadata: { name: 'cm', labels: { a: '1' } }, data: { k: 'v' } });
  const stored = await client.get<KubeObject>({ ...ref, name: 'cm' });
  assert.ok((stored.metadata?.managedFields as unknown[] | undefined)?.length, 'the server tracks managedFields');
  const clock = new ManualClock();
  const inf = new SharedInformers(client, clock, silentLogger()).informer({ resource: ref });
  inf.start();
  assert.equal(await inf.waitForSync(), true);
  const cached = inf.get('inf-trim', 'cm')!;
  assert.equal(cached.metadata?.managedFields, undefined);
  assert.deepEqual(cached.metadata?.labels, { a: '1' });
  assert.equal(cached.metadata?.resourceVersion, stored.metadata?.resourceVersion);
  const updated = await client.update<KubeObject>({ ...ref, name: 'cm' }, { ...cached, metadata: { ...cached.metadata, labels: { a: '2' } } });
  const managers = (o: KubeObject) => (o.metadata?.managedFields as { manager?: string }[] | undefined)?.map((m) => m.manager);
  assert.deepEqual(managers(updated), managers(stored));
  await eventually(() => inf.get('inf-trim', 'cm')?.metadata?.labels?.a === '2', { clock });
  assert.equal(inf.get('inf-trim', 'cm')!.metadata?.managedFields, undefined, 'watch events are stripped too');
  await inf.stop();
});
