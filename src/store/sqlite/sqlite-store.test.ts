import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { b, collect, str } from '../conformance-helpers.js';
import { runBackendConformance } from '../conformance.js';
import { CompactedError, StoreUnavailableError } from '../types.js';
import { SqliteStore } from './sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'eksplane-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshPath = () => join(dir, `db-${++n}`, 'state.db');

runBackendConformance('sqlite', async () => new SqliteStore(freshPath()));

test('sqlite: a new store is at revision 0 and the first write is revision 1', async () => {
  const s = new SqliteStore(freshPath());
  assert.equal(await s.currentRevision(), 0);
  const c = await s.create('k', b('v'));
  assert.ok(c.ok);
  assert.equal(c.revision, 1);
  await s.close();
});

test('sqlite: state, revision and compaction survive a reopen', async () => {
  const path = freshPath();
  let s = new SqliteStore(path);
  await s.create('a', b('1'));
  await s.create('b', b('1'));
  await s.update('a', b('2'), 1);
  await s.delete('b');
  await s.compact(3);
  await s.close();
  s = new SqliteStore(path);
  assert.equal(await s.currentRevision(), 4);
  assert.equal(await s.compactedRevision(), 3);
  assert.deepEqual((await s.range('')).kvs, [{ key: 'a', value: b('2'), createRevision: 1, modRevision: 3 }]);
  await assert.rejects(s.range('', { revision: 2 }), CompactedError);
  const c = await s.create('c', b('3'));
  assert.ok(c.ok);
  assert.equal(c.revision, 5);
  await s.close();
});

test('sqlite: the revision never goes backwards when the newest rows are compacted away', async () => {
  const path = freshPath();
  let s = new SqliteStore(path);
  for (let i = 0; i < 5; i++) await s.create(`k${i}`, b('v'));
  for (let i = 0; i < 5; i++) await s.delete(`k${i}`);
  await s.compact(10);
  await s.compact(10);
  await s.close();
  s = new SqliteStore(path);
  assert.equal(await s.currentRevision(), 10);
  assert.equal(await s.compactedRevision(), 10);
  const c = await s.create('k0', b('again'));
  assert.ok(c.ok);
  assert.equal(c.revision, 11);
  await s.close();
});

test('sqlite: writes issued together commit together, each with its own revision in call order', async () => {
  const s = new SqliteStore(freshPath());
  const w = collect(s, '', 1);
  const results = await Promise.all(Array.from({ length: 2500 }, (_, i) => s.create(`g/${i}`, b(String(i)))));
  assert.deepEqual(
    results.map((r) => (r.ok ? r.revision : -1)),
    Array.from({ length: 2500 }, (_, i) => i + 1),
  );
  // Conflicting writes in one batch see each other: only the first create of a key wins.
  const dup = await Promise.all([s.create('dup', b('1')), s.create('dup', b('2')), s.update('dup', b('3'), 2501)]);
  assert.deepEqual(dup.map((r) => r.ok), [true, false, true]);
  assert.equal(str((await s.get('dup'))?.value ?? b('')), '3');
  await w.count(2502);
  assert.deepEqual(w.revisions(), Array.from({ length: 2502 }, (_, i) => i + 1));
  w.abort();
  const late = collect(s, 'g/', 1);
  await late.count(2500);
  late.abort();
  assert.equal(late.events.length, 2500);
  await s.close();
});

test('sqlite: compaction while a watch replays history fails the watch instead of skipping', async () => {
  const s = new SqliteStore(freshPath());
  await Promise.all(Array.from({ length: 3000 }, (_, i) => s.create(`r/${i % 100}`, b(String(i))).then(() => s.update(`r/${i % 100}`, b('u'), i + 1))));
  const rev = await s.currentRevision();
  const w = collect(s, 'r/', 1);
  await s.compact(rev);
  await w.until(() => w.errors.length > 0 || w.events.length === rev, 'the watch to end');
  assert.ok(w.errors[0] instanceof CompactedError, 'replay must not skip compacted history');
  assert.ok(w.revisions().every((r, i) => r === i + 1));
  await s.close();
});

test('sqlite: a second opener of the same database fails clearly', async () => {
  const path = freshPath();
  const s = new SqliteStore(path);
  await s.create('k', b('v'));
  assert.throws(() => new SqliteStore(path, { busyTimeoutMs: 50 }), (err: unknown) => {
    assert.ok(err instanceof StoreUnavailableError);
    assert.match(err.message, /in use by another process/);
    return true;
  });
  await s.close();
  const again = new SqliteStore(path);
  assert.equal(await again.currentRevision(), 1);
  await again.close();
});

test('sqlite: operations after close fail with StoreUnavailableError', async () => {
  const s = new SqliteStore(freshPath());
  await s.close();
  await assert.rejects(s.create('k', b('v')), StoreUnavailableError);
  await assert.rejects(s.get('k'), StoreUnavailableError);
});
