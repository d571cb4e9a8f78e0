/**
 * The backend conformance suite: one set of node:test tests that pins every rule of the store
 * contract (src/store/types.ts), run against every backend (memory, sqlite, etcd), as
 * kubernetes' storage tests run against every storage backend.
 *
 * `open` must return a store with no keys; its revision may be above 0 (a shared etcd), so the
 * suite only asserts revisions relative to the store's revision when the test began. Each test
 * opens its own store and closes it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { b, byteOrder, str, withStore } from './conformance-helpers.js';
import { registerWatchConformance } from './conformance-watch.js';
import { FutureRevisionError, type KeyValue, type Store } from './types.js';

/** Registers the whole contract as node:test tests under `describe(name)`. */
export function runBackendConformance(name: string, open: () => Promise<Store>): void {
  describe(`store conformance: ${name}`, () => {
    registerKvConformance(open);
    registerWatchConformance(open);
  });
}

function keys(kvs: KeyValue[]): string[] {
  return kvs.map((kv) => kv.key);
}

function registerKvConformance(open: () => Promise<Store>): void {
  test('revision grows by one per successful write and only then', () =>
    withStore(open, async (s) => {
      const r0 = await s.currentRevision();
      const c = await s.create('k', b('1'));
      assert.ok(c.ok);
      assert.equal(c.revision, r0 + 1);
      assert.deepEqual(c.kv, { key: 'k', value: b('1'), createRevision: r0 + 1, modRevision: r0 + 1 });
      assert.equal(await s.currentRevision(), r0 + 1);
      assert.equal((await s.create('k', b('x'))).ok, false);
      assert.equal((await s.update('k', b('x'), r0 + 99)).ok, false);
      assert.equal((await s.update('absent', b('x'), r0 + 1)).ok, false);
      assert.equal((await s.delete('k', r0 + 99)).ok, false);
      assert.equal((await s.delete('absent')).ok, false);
      assert.equal(await s.currentRevision(), r0 + 1, 'failed writes must not bump the revision');
      const u = await s.update('k', b('2'), r0 + 1);
      assert.ok(u.ok);
      assert.equal(u.revision, r0 + 2);
      const d = await s.delete('k');
      assert.ok(d.ok);
      assert.equal(d.revision, r0 + 3);
      assert.equal(await s.currentRevision(), r0 + 3);
    }));

  test('create only if absent; a failed create reports the current value', () =>
    withStore(open, async (s) => {
      const first = await s.create('a', b('v1'));
      assert.ok(first.ok);
      const again = await s.create('a', b('v2'));
      assert.deepEqual(again, { ok: false, current: first.kv });
      assert.equal(str((await s.get('a'))?.value ?? b('?')), 'v1');
    }));

  test('update is guarded by modRevision and keeps createRevision', () =>
    withStore(open, async (s) => {
      const c = await s.create('u', b('v1'));
      assert.ok(c.ok);
      const u1 = await s.update('u', b('v2'), c.kv.modRevision);
      assert.ok(u1.ok);
      assert.deepEqual(u1.kv, { key: 'u', value: b('v2'), createRevision: c.revision, modRevision: u1.revision });
      const stale = await s.update('u', b('v3'), c.kv.modRevision);
      assert.deepEqual(stale, { ok: false, current: u1.kv });
      const absent = await s.update('nope', b('v'), u1.revision);
      assert.deepEqual(absent, { ok: false });
      assert.deepEqual(await s.update('nope', b('v'), 0), { ok: false }, 'update must not create');
      assert.equal(await s.get('nope'), undefined);
      const u2 = await s.update('u', b('v3'), u1.revision);
      assert.ok(u2.ok);
      assert.equal(u2.kv.createRevision, c.revision);
      assert.deepEqual(await s.get('u'), u2.kv);
    }));

  test('delete is guarded when a modRevision is given and returns the deleted value', () =>
    withStore(open, async (s) => {
      const c = await s.create('d', b('v1'));
      assert.ok(c.ok);
      const u = await s.update('d', b('v2'), c.revision);
      assert.ok(u.ok);
      assert.deepEqual(await s.delete('d', c.revision), { ok: false, current: u.kv });
      const d = await s.delete('d', u.revision);
      assert.deepEqual(d, { ok: true, revision: u.revision + 1, prev: u.kv });
      assert.equal(await s.get('d'), undefined);
      assert.deepEqual(await s.delete('d'), { ok: false });
      assert.deepEqual(await s.delete('d', u.revision), { ok: false });
      const c2 = await s.create('d2', b('x'));
      assert.ok(c2.ok);
      const d2 = await s.delete('d2');
      assert.deepEqual(d2, { ok: true, revision: c2.revision + 1, prev: c2.kv });
    }));

  test('createRevision resets when a key is deleted and created again', () =>
    withStore(open, async (s) => {
      const c1 = await s.create('r', b('1'));
      assert.ok(c1.ok);
      assert.ok((await s.delete('r')).ok);
      const c2 = await s.create('r', b('2'));
      assert.ok(c2.ok);
      assert.equal(c2.kv.createRevision, c1.revision + 2);
      assert.equal(c2.kv.modRevision, c2.kv.createRevision);
      assert.deepEqual(await s.get('r'), c2.kv);
    }));

  test('get returns the current value or undefined', () =>
    withStore(open, async (s) => {
      assert.equal(await s.get('g'), undefined);
      const c = await s.create('g', b('hello'));
      assert.ok(c.ok);
      const got = await s.get('g');
      assert.deepEqual(got, c.kv);
      assert.ok(got && Object.getPrototypeOf(got.value) === Uint8Array.prototype, 'values are plain Uint8Array');
      assert.equal(await s.get('g/'), undefined);
      assert.equal(await s.get(''), undefined);
    }));

  test('range by prefix returns keys in byte order and nothing outside the prefix', () =>
    withStore(open, async (s) => {
      for (const k of ['a/2', 'b/1', 'ab', 'a/1', 'a', 'a/10', 'a0', 'a.']) assert.ok((await s.create(k, b(k))).ok);
      const r = await s.range('a/');
      assert.deepEqual(keys(r.kvs), ['a/1', 'a/10', 'a/2']);
      assert.equal(r.more, false);
      assert.equal(r.remaining, 0);
      assert.equal(r.revision, await s.currentRevision());
      assert.deepEqual(keys((await s.range('a')).kvs), ['a', 'a.', 'a/1', 'a/10', 'a/2', 'a0', 'ab']);
      assert.deepEqual(keys((await s.range('')).kvs), ['a', 'a.', 'a/1', 'a/10', 'a/2', 'a0', 'ab', 'b/1']);
      assert.deepEqual(keys((await s.range('a/1')).kvs), ['a/1', 'a/10']);
      assert.deepEqual((await s.range('c/')).kvs, []);
      assert.equal(str(r.kvs[0]?.value ?? b('')), 'a/1');
    }));

  test('range at a past revision sees the store as it was', () =>
    withStore(open, async (s) => {
      const r0 = await s.currentRevision();
      assert.ok((await s.create('p/x', b('1'))).ok); // r0+1
      assert.ok((await s.update('p/x', b('2'), r0 + 1)).ok); // r0+2
      assert.ok((await s.create('p/y', b('y'))).ok); // r0+3
      assert.ok((await s.delete('p/x')).ok); // r0+4
      assert.ok((await s.create('p/x', b('3'))).ok); // r0+5
      const at = async (rev: number) => {
        const r = await s.range('p/', { revision: rev });
        assert.equal(r.revision, rev);
        return r.kvs.map((kv) => `${kv.key}=${str(kv.value)}@${kv.modRevision}/${kv.createRevision}`);
      };
      assert.deepEqual(await at(r0 + 1), [`p/x=1@${r0 + 1}/${r0 + 1}`]);
      assert.deepEqual(await at(r0 + 2), [`p/x=2@${r0 + 2}/${r0 + 1}`]);
      assert.deepEqual(await at(r0 + 3), [`p/x=2@${r0 + 2}/${r0 + 1}`, `p/y=y@${r0 + 3}/${r0 + 3}`]);
      assert.deepEqual(await at(r0 + 4), [`p/y=y@${r0 + 3}/${r0 + 3}`]);
      assert.deepEqual(await at(r0 + 5), [`p/x=3@${r0 + 5}/${r0 + 5}`, `p/y=y@${r0 + 3}/${r0 + 3}`]);
      const paged = await s.range('p/', { revision: r0 + 3, limit: 1 });
      assert.deepEqual(keys(paged.kvs), ['p/x']);
      assert.equal(paged.more, true);
      assert.equal(paged.remaining, 1);
      await assert.rejects(s.range('p/', { revision: r0 + 6 }), FutureRevisionError);
    }));

  test('limit and startKey page through a prefix with more and remaining', () =>
    withStore(open, async (s) => {
      const all = Array.from({ length: 10 }, (_, i) => `l/${String(i).padStart(2, '0')}`);
      for (const k of [...all].reverse()) assert.ok((await s.create(k, b(k))).ok);
      assert.ok((await s.create('l0', b('outside'))).ok);
      const snapshot = await s.currentRevision();
      const seen: string[] = [];
      let startKey: string | undefined;
      let pages = 0;
      for (;;) {
        const page = await s.range('l/', { limit: 3, startKey, revision: pages === 0 ? undefined : snapshot });
        assert.equal(page.revision, snapshot);
        seen.push(...keys(page.kvs));
        pages++;
        assert.equal(page.remaining, all.length - seen.length);
        assert.equal(page.more, page.remaining > 0);
        if (pages === 1) assert.ok((await s.create('l/05a', b('late'))).ok, 'a write between pages');
        if (!page.more) break;
        startKey = `${page.kvs[page.kvs.length - 1]?.key}\u0000`;
      }
      assert.equal(pages, 4);
      assert.deepEqual(seen, all, 'pages at the first page revision are a consistent snapshot');
      const big = await s.range('l/', { limit: 100 });
      assert.equal(big.kvs.length, 11);
      assert.equal(big.more, false);
      assert.equal(big.remaining, 0);
      const exact = await s.range('l/', { limit: 11 });
      assert.equal(exact.more, false);
      const fromMid = await s.range('l/', { startKey: 'l/08' });
      assert.deepEqual(keys(fromMid.kvs), ['l/08', 'l/09']);
      const tail = await s.range('l/', { startKey: 'l/07', limit: 1 });
      assert.deepEqual(keys(tail.kvs), ['l/07']);
      assert.equal(tail.remaining, 2);
    }));

  test('count counts current keys in a prefix', () =>
    withStore(open, async (s) => {
      assert.equal(await s.count('c/'), 0);
      for (let i = 0; i < 5; i++) assert.ok((await s.create(`c/${i}`, b('v'))).ok);
      assert.ok((await s.create('cc', b('v'))).ok);
      assert.equal(await s.count('c/'), 5);
      assert.equal(await s.count('c'), 6);
      assert.equal(await s.count(''), 6);
      assert.ok((await s.delete('c/3')).ok);
      assert.equal(await s.count('c/'), 4);
    }));

  test('keys with unusual characters round-trip and sort in UTF-8 byte order', () =>
    withStore(open, async (s) => {
      const odd = ['k/space here', 'k/é', 'k/日本', 'k/😀', 'k/\uFFFD', 'k/%2F', 'k/a/b/c', 'k/\u0001', 'k/~', 'k/"q\'', 'k/\\'];
      for (const k of odd) assert.ok((await s.create(k, b(k))).ok, k);
      for (const k of odd) assert.equal(str((await s.get(k))?.value ?? b('')), k);
      const sorted = [...odd].sort(byteOrder);
      assert.deepEqual(keys((await s.range('k/')).kvs), sorted);
      assert.deepEqual(keys((await s.range('k/日')).kvs), ['k/日本']);
      const page = await s.range('k/', { limit: 4, startKey: sorted[3] });
      assert.deepEqual(keys(page.kvs), sorted.slice(3, 7));
      assert.equal(page.remaining, sorted.length - 7);
      assert.equal(await s.count('k/'), odd.length);
    }));

  test('binary values round-trip byte for byte', () =>
    withStore(open, async (s) => {
      const every = Uint8Array.from({ length: 256 }, (_, i) => i);
      const empty = new Uint8Array(0);
      const large = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 7919) & 0xff);
      const c = await s.create('bin/every', every);
      assert.ok(c.ok);
      assert.deepEqual(c.kv.value, every);
      assert.ok((await s.create('bin/empty', empty)).ok);
      assert.ok((await s.create('bin/large', large)).ok);
      assert.deepEqual((await s.get('bin/every'))?.value, every);
      assert.deepEqual((await s.get('bin/empty'))?.value, empty);
      assert.deepEqual((await s.get('bin/large'))?.value, large);
      const r = await s.range('bin/');
      assert.deepEqual(r.kvs.map((kv) => kv.value.length), [0, 256, 1 << 20]);
      const sub = new Uint8Array(every.buffer, 10, 5);
      assert.ok((await s.create('bin/view', sub)).ok);
      assert.deepEqual((await s.get('bin/view'))?.value, Uint8Array.from([10, 11, 12, 13, 14]));
    }));
}
