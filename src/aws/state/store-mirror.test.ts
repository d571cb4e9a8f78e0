import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { silentLogger } from '../../lib/logger.js';
import { MemoryStore } from '../../store/memory/memory-store.js';
import { SqliteStore } from '../../store/sqlite/sqlite-store.js';
import type { RangeOptions, Store } from '../../store/types.js';
import { StoreMirror } from './store-mirror.js';

const enc = new TextEncoder();
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const backends: [string, () => Store][] = [
  ['memory', () => new MemoryStore()],
  [
    'sqlite',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'store-mirror-'));
      dirs.push(dir);
      return new SqliteStore(join(dir, 'db.sqlite'));
    },
  ],
];

const T = '/aws/eks/000000000000/us-east-1/clusters/';
const NG = '/aws/eks/000000000000/us-east-1/nodegroups/';

/** `store` with its get and range calls counted in `reads.n`. */
function counting(store: Store, reads: { n: number }): Store {
  const s = Object.create(store) as Store;
  s.get = (key) => (reads.n++, store.get(key));
  s.range = (prefix, opts) => (reads.n++, store.range(prefix, opts));
  return s;
}

/** What a range answers, minus the value bytes' identity. */
async function shape(s: Store, prefix: string, opts?: RangeOptions) {
  const r = await s.range(prefix, opts);
  return { keys: r.kvs.map((kv) => [kv.key, Buffer.from(kv.value).toString(), kv.createRevision, kv.modRevision]), revision: r.revision, more: r.more, remaining: r.remaining };
}

for (const [name, open] of backends) {
  describe(`StoreMirror over ${name}`, () => {
    it('answers get and table ranges exactly as the store, after writes made beside it (another replica)', async () => {
      const store = open();
      await store.create(T + 'kept', enc.encode('{"v":0}'));
      const reads = { n: 0 };
      const mirror = new StoreMirror(counting(store, reads), '/aws/', 4, silentLogger());
      await mirror.start();
      reads.n = 0;
      // Writes straight to the store, never through the mirror: only its watch can tell it.
      for (let i = 0; i < 30; i++) await store.create(T + `c-${String(i).padStart(2, '0')}`, enc.encode(`{"i":${i}}`));
      for (let i = 0; i < 5; i++) await store.create(NG + `c-01/ng-${i}`, enc.encode('{}'));
      await store.create('/registry/elsewhere', enc.encode('x'));
      const upd = await store.update(T + 'c-03', enc.encode('{"i":"three"}'), (await store.get(T + 'c-03'))!.modRevision);
      assert.ok(upd.ok);
      await store.delete(T + 'c-04');
      await store.create(T + 'c-\u{1F600}', enc.encode('{}'));
      await store.create(T + 'c-\uFFFD', enc.encode('{}'));

      for (const key of [T + 'kept', T + 'c-03', T + 'c-04', T + 'nope', NG + 'c-01/ng-3', '/registry/elsewhere']) {
        assert.deepEqual(await mirror.get(key), await store.get(key), key);
      }
      const cases: [string, RangeOptions | undefined][] = [
        [T, undefined],
        [T, { limit: 10 }],
        [T, { limit: 10, startKey: T + 'c-09\0' }],
        [T, { limit: 100, startKey: T + 'c-29\0' }],
        [T, { limit: 3, startKey: '/a' }],
        [T + 'c-1', { limit: 4 }],
        [NG + 'c-01/', { limit: 2 }],
        [NG + 'c-02/', undefined],
        [T, { limit: 5, startKey: T + 'c-\uFFFD' }],
      ];
      for (const [prefix, opts] of cases) assert.deepEqual(await shape(mirror, prefix, opts), await shape(store, prefix, opts), `${prefix} ${JSON.stringify(opts)}`);
      assert.equal(reads.n, 1, 'only the key outside the mirrored prefix was read from the store');
      mirror.stop();
      await store.close();
    });

    it('reads the store before start, after stop and at a past revision', async () => {
      const store = open();
      const mirror = new StoreMirror(store, '/aws/', 4, silentLogger());
      await mirror.create(T + 'a', enc.encode('1'));
      assert.equal(Buffer.from((await mirror.get(T + 'a'))!.value).toString(), '1');
      await mirror.start();
      const first = (await store.get(T + 'a'))!.modRevision;
      await store.update(T + 'a', enc.encode('2'), first);
      assert.deepEqual((await mirror.range(T, { revision: first })).kvs.map((kv) => Buffer.from(kv.value).toString()), ['1']);
      mirror.stop();
      await store.update(T + 'a', enc.encode('3'), (await store.get(T + 'a'))!.modRevision);
      assert.equal(Buffer.from((await mirror.get(T + 'a'))!.value).toString(), '3');
      await store.close();
    });
  });
}

describe('StoreMirror freshness', () => {
  it('never answers from behind the store: a read waits for the watch to deliver what the store already has', async () => {
    const store = new MemoryStore();
    const mirror = new StoreMirror(store, '/aws/', 4, silentLogger());
    await mirror.start();
    // A store whose watch lags (as a remote etcd's can): events reach the mirror 50 ms late.
    const lagging: Store = Object.create(store) as Store;
    const held: (() => void)[] = [];
    lagging.watch = (prefix, opts) => store.watch(prefix, { ...opts, onEvents: (evs) => void held.push(() => opts.onEvents(evs)) });
    const slow = new StoreMirror(lagging, '/aws/', 4, silentLogger());
    await slow.start();
    await store.create(T + 'x', enc.encode('1'));
    const read = slow.get(T + 'x');
    let settled = false;
    void read.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(settled, false, 'the read waits for the watch');
    for (const f of held.splice(0)) f();
    assert.equal(Buffer.from((await read)!.value).toString(), '1');
    assert.equal(Buffer.from((await mirror.get(T + 'x'))!.value).toString(), '1');
    mirror.stop();
    slow.stop();
  });

  it('reads the store when its watch fails, and reloads', async () => {
    const store = new MemoryStore();
    let fail: ((err: Error) => void) | undefined;
    const failing: Store = Object.create(store) as Store;
    failing.watch = (prefix, opts) => {
      fail = opts.onError;
      store.watch(prefix, opts);
    };
    const mirror = new StoreMirror(failing, '/aws/', 4, silentLogger());
    await mirror.start();
    fail!(new Error('compacted'));
    await store.create(T + 'y', enc.encode('1'));
    assert.equal(Buffer.from((await mirror.get(T + 'y'))!.value).toString(), '1');
    mirror.stop();
  });
});
