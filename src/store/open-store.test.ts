import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { b, collect } from './conformance-helpers.js';
import { runBackendConformance } from './conformance.js';
import { MemoryStore } from './memory/memory-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import { openStore, prefixed, STORE_SCHEMES } from './open-store.js';

const dataDir = mkdtempSync(join(tmpdir(), 'eksplane-open-store-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

// The prefixed view must itself satisfy the contract, with neighbours outside the prefix
// (including ones that share its leading characters) invisible to it.
runBackendConformance('memory through prefixed()', async () => {
  const inner = new MemoryStore();
  for (const k of ['/view', '/view0', '/vie', '/other/a', '/view-x/a']) await inner.create(k, b('noise'));
  return prefixed(inner, '/view/', { ownsInner: true });
});

test('openStore: sqlite: with an empty path is dataDir/state.db, directories created', async () => {
  const dir = join(dataDir, 'nested', 'deeper');
  const s = await openStore('sqlite:', { dataDir: dir });
  await s.create('k', b('v'));
  await s.close();
  assert.ok(existsSync(join(dir, 'state.db')));
});

test('openStore: sqlite: paths resolve against dataDir unless absolute', async () => {
  const rel = await openStore('sqlite:sub/x.db', { dataDir });
  await rel.close();
  assert.ok(existsSync(join(dataDir, 'sub', 'x.db')));
  const absPath = join(dataDir, 'abs', 'y.db');
  const abs = await openStore(`sqlite:${absPath}`, { dataDir: '/nonexistent' });
  await abs.close();
  const slashes = await openStore(`sqlite://${absPath}`, { dataDir: '/nonexistent' });
  assert.equal(await slashes.currentRevision(), 0);
  await slashes.close();
  assert.ok(existsSync(absPath));
});

test('openStore: sqlite: commits durably across crashes by default, fsyncs each with ?synchronous=full, refuses other settings', async () => {
  const normal = await openStore('sqlite:sync/normal.db', { dataDir });
  assert.ok(normal instanceof SqliteStore);
  assert.equal(normal.synchronous(), 'normal');
  await normal.close();
  const full = await openStore('sqlite:sync/full.db?synchronous=FULL', { dataDir });
  assert.ok(full instanceof SqliteStore);
  assert.equal(full.synchronous(), 'full');
  await full.close();
  await assert.rejects(openStore('sqlite:sync/x.db?synchronous=off', { dataDir }), /unsupported sqlite synchronous="off": expected one of normal, full/);
  await assert.rejects(openStore('sqlite:sync/x.db?journal=delete', { dataDir }), /unsupported sqlite store parameter "journal"/);
  assert.ok(!existsSync(join(dataDir, 'sync', 'x.db')));
});

test('openStore: memory: gives an empty store', async () => {
  const s = await openStore('memory:', { dataDir });
  assert.equal(await s.currentRevision(), 0);
  await s.close();
});

test('openStore: an unknown scheme names the accepted ones', async () => {
  for (const url of ['postgres://db', 'state.db', '', 'constructor:x']) {
    await assert.rejects(openStore(url, { dataDir }), (err: Error) => {
      for (const scheme of STORE_SCHEMES) assert.ok(err.message.includes(`${scheme}:`), err.message);
      return true;
    });
  }
  assert.deepEqual([...STORE_SCHEMES].sort(), ['etcd', 'memory', 'sqlite']);
});

test('prefixed: views share revisions but not keys; closing a view keeps the shared store open', async () => {
  const shared = new MemoryStore();
  const a = prefixed(shared, '/clusters/a/');
  const c = prefixed(shared, '/clusters/c/');
  const w = collect(c, '', 1);
  const ra = await a.create('pods/x', b('1'));
  const rc = await c.create('pods/x', b('2'));
  assert.ok(ra.ok && rc.ok);
  assert.equal(rc.revision, ra.revision + 1);
  assert.deepEqual((await a.range('')).kvs.map((kv) => kv.key), ['pods/x']);
  assert.deepEqual((await shared.range('')).kvs.map((kv) => kv.key), ['/clusters/a/pods/x', '/clusters/c/pods/x']);
  await w.count(1);
  w.abort();
  assert.deepEqual(w.events.map((e) => `${e.type} ${e.kv.key}@${e.kv.modRevision}`), [`put pods/x@${rc.revision}`]);
  await a.close();
  assert.equal(await shared.count(''), 2);
  await shared.close();
});
