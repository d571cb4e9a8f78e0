import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { b, collect } from '../conformance-helpers.js';
import { runBackendConformance } from '../conformance.js';
import { openStore, prefixed } from '../open-store.js';
import { StoreUnavailableError, type WatchEvent } from '../types.js';
import { freePort, startEtcd, type EtcdTestServer } from './etcd-test-server.js';
import { openEtcdStore } from './etcd-store.js';

let server: EtcdTestServer | undefined;
let n = 0;

before(async () => {
  server = await startEtcd();
});
after(async () => {
  await server?.stop();
});

function url(): string {
  if (!server) throw new Error('etcd did not start (see the before hook failure)');
  return server.url;
}

// One etcd for the whole suite: each test gets its own key prefix, and the suite only asserts
// revisions relative to where each test began.
runBackendConformance('etcd', async () => prefixed(await openEtcdStore(url().slice('etcd:'.length)), `/conformance/${++n}/`, { ownsInner: true }));

test('etcd: openStore with ?prefix= keeps keys under the prefix', async () => {
  const s = await openStore(`${url()}?prefix=/pfx`, { dataDir: '/nonexistent' });
  const raw = await openStore(url(), { dataDir: '/nonexistent' });
  try {
    const c = await s.create('/a', b('v'));
    assert.ok(c.ok);
    assert.equal(c.kv.key, '/a');
    assert.equal((await raw.get('/pfx/a'))?.modRevision, c.revision);
    assert.deepEqual((await s.range('/')).kvs.map((kv) => kv.key), ['/a']);
  } finally {
    await s.close();
    await raw.close();
  }
});

test('etcd: an unreachable etcd fails with StoreUnavailableError', async () => {
  const port = await freePort();
  const s = await openStore(`etcd://127.0.0.1:${port}`, { dataDir: '/nonexistent' });
  try {
    await assert.rejects(s.get('k'), StoreUnavailableError);
    await assert.rejects(s.create('k', b('v')), StoreUnavailableError);
    await assert.rejects(s.range(''), StoreUnavailableError);
    const w = collect(s, '', 1);
    await w.until(() => w.errors.length > 0, 'the watch to give up', 15_000);
    assert.ok(w.errors[0] instanceof StoreUnavailableError, String(w.errors[0]));
  } finally {
    await s.close();
  }
});

test('etcd: a watch that asks for no previous values gets changes without them, deletions by key', async () => {
  const s = await openStore(url(), { dataDir: '/nonexistent' });
  const ac = new AbortController();
  try {
    const base = `/noprev/${Date.now()}/`;
    const created = await s.create(`${base}k`, b('v1'));
    assert.ok(created.ok);
    const events: WatchEvent[] = [];
    s.watch(base, { startRevision: created.revision + 1, signal: ac.signal, prevKv: false, onEvents: (evs) => events.push(...evs), onError: (err) => assert.fail(err) });
    const updated = await s.update(`${base}k`, b('v2'), created.revision);
    assert.ok(updated.ok);
    assert.ok((await s.delete(`${base}k`, updated.revision)).ok);
    for (let i = 0; events.length < 2 && i < 500; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(
      events.map((e) => [e.type, e.kv.key, Buffer.from(e.kv.value).toString(), e.kv.modRevision, e.prev === undefined]),
      [
        ['put', `${base}k`, 'v2', updated.revision, true],
        ['delete', `${base}k`, '', updated.revision + 1, true],
      ],
    );
  } finally {
    ac.abort();
    await s.close();
  }
});
