/**
 * Watch and compaction rules of the store contract, part of {@link runBackendConformance}:
 * watches from now, the past and the future; event shapes with prev; strict revision order with
 * no gaps or duplicates across the history/live handoff and under concurrent writers; abort; and
 * compaction (CompactedError for reads and watches below the compacted revision).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { b, collect, describe, sleep, str, withStore } from './conformance-helpers.js';
import { CompactedError, FutureRevisionError, type KeyValue, type Store } from './types.js';

function strictlyIncreasing(revs: number[]): boolean {
  return revs.every((r, i) => i === 0 || r > (revs[i - 1] ?? Infinity));
}

export function registerWatchConformance(open: () => Promise<Store>): void {
  test('watch from now sees puts and deletes with prev values', () =>
    withStore(open, async (s) => {
      const r0 = await s.currentRevision();
      const w = collect(s, 'w/', r0 + 1);
      await s.create('w/a', b('1')); // r0+1
      await s.update('w/a', b('2'), r0 + 1); // r0+2
      await s.create('other', b('x')); // r0+3, outside the prefix
      await s.delete('w/a'); // r0+4
      await s.create('w/a', b('3')); // r0+5
      await w.count(4);
      w.abort();
      assert.deepEqual(w.events.map(describe), [
        `put w/a=1@${r0 + 1}/${r0 + 1}`,
        `put w/a=2@${r0 + 2}/${r0 + 1} prev=1@${r0 + 1}/${r0 + 1}`,
        `delete w/a=2@${r0 + 4}/${r0 + 1} prev=2@${r0 + 2}/${r0 + 1}`,
        `put w/a=3@${r0 + 5}/${r0 + 5}`,
      ]);
      assert.deepEqual(w.errors, []);
      const del = w.events[2];
      assert.equal(del?.prev?.key, 'w/a');
      assert.equal(del?.kv.key, 'w/a');
    }));

  test('watch from a past revision replays history then continues live', () =>
    withStore(open, async (s) => {
      const r0 = await s.currentRevision();
      for (let i = 0; i < 5; i++) await s.create(`h/${i}`, b(`v${i}`));
      await s.create('hx', b('not in prefix'));
      await s.update('h/0', b('v0b'), r0 + 1);
      const w = collect(s, 'h/', r0 + 2);
      await s.delete('h/1');
      await w.count(6);
      w.abort();
      assert.deepEqual(w.revisions(), [r0 + 2, r0 + 3, r0 + 4, r0 + 5, r0 + 7, r0 + 8]);
      assert.equal(w.events[4]?.prev && str(w.events[4].prev.value), 'v0');
      assert.equal(w.events[5]?.type, 'delete');
    }));

  test('watch from a future revision waits for it', () =>
    withStore(open, async (s) => {
      const r0 = await s.currentRevision();
      const w = collect(s, 'f/', r0 + 3);
      for (let i = 1; i <= 5; i++) await s.create(`f/${i}`, b('v'));
      await w.count(3);
      await sleep(20);
      w.abort();
      assert.deepEqual(w.revisions(), [r0 + 3, r0 + 4, r0 + 5]);
    }));

  test('an empty prefix watches every key', () =>
    withStore(open, async (s) => {
      const r0 = await s.currentRevision();
      const w = collect(s, '', r0 + 1);
      await s.create('anything', b('1'));
      await s.create('x/y/z', b('2'));
      await s.delete('anything');
      await w.count(3);
      w.abort();
      assert.deepEqual(w.events.map((e) => `${e.type} ${e.kv.key}`), ['put anything', 'put x/y/z', 'delete anything']);
    }));

  test('a prefix watch does not see keys that merely share leading characters', () =>
    withStore(open, async (s) => {
      const r0 = await s.currentRevision();
      const w = collect(s, 'a/', r0 + 1);
      await s.create('ab', b('no'));
      await s.create('a', b('no'));
      await s.create('a/1', b('yes'));
      await w.count(1);
      await sleep(20);
      w.abort();
      assert.deepEqual(w.events.map((e) => e.kv.key), ['a/1']);
    }));

  test('concurrent writers: watchers see every write once, in revision order', () =>
    withStore(open, async (s) => {
      const r0 = await s.currentRevision();
      const live = collect(s, 'cw/', r0 + 1);
      const writer = async (id: number) => {
        let done = 0;
        await s.create(`cw/own/${id}`, b('0'));
        for (let i = 1; i <= 10; i++) {
          for (;;) {
            const cur = await s.get('cw/shared');
            const res = cur ? await s.update('cw/shared', b(`${id}.${i}`), cur.modRevision) : await s.create('cw/shared', b(`${id}.${i}`));
            if (res.ok) break;
          }
          const own = await s.get(`cw/own/${id}`);
          assert.ok(own && (await s.update(`cw/own/${id}`, b(String(i)), own.modRevision)).ok);
          done += 2;
        }
        return done + 1;
      };
      const mid = collect(s, 'cw/', r0 + 1);
      const total = (await Promise.all([1, 2, 3, 4, 5].map(writer))).reduce((x, y) => x + y, 0);
      assert.equal(await s.currentRevision(), r0 + total);
      const late = collect(s, 'cw/', r0 + 1);
      const expected = Array.from({ length: total }, (_, i) => r0 + 1 + i);
      for (const w of [live, mid, late]) {
        await w.count(total);
        w.abort();
        assert.deepEqual(w.revisions(), expected);
      }
      const lastShared = live.events.filter((e) => e.kv.key === 'cw/shared').at(-1);
      assert.deepEqual(lastShared?.kv, await s.get('cw/shared'));
    }));

  test('a watch started from the past during continuous writes has no gap or duplicate', () =>
    withStore(open, async (s) => {
      const r0 = await s.currentRevision();
      let stop = false;
      let written = 0;
      const writing = (async () => {
        for (let i = 0; (!stop || i < 50) && i < 20_000; i++) {
          await s.create(`hand/${i}`, b(String(i)));
          written++;
          // An in-memory store resolves in microtasks only; let timers (and watches) run.
          if (i % 4 === 0) await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      await sleep(5);
      const watches = [collect(s, 'hand/', r0 + 1)];
      for (let i = 0; i < 3; i++) {
        await sleep(3);
        watches.push(collect(s, 'hand/', r0 + 1 + i * 7));
      }
      stop = true;
      await writing;
      for (const [i, w] of watches.entries()) {
        const first = i === 0 ? r0 + 1 : r0 + 1 + (i - 1) * 7;
        await w.until(() => w.revisions().at(-1) === r0 + written || w.errors.length > 0, `watch ${i} to catch up`);
        w.abort();
        assert.deepEqual(w.errors, []);
        const revs = w.revisions();
        assert.ok(strictlyIncreasing(revs), `watch ${i} out of order`);
        assert.equal(revs[0], first);
        assert.equal(revs.length, r0 + written - first + 1, `watch ${i} has a gap or duplicate`);
      }
    }));

  test('aborting a watch stops its callbacks', () =>
    withStore(open, async (s) => {
      const r0 = await s.currentRevision();
      const w = collect(s, 'ab/', r0 + 1);
      await s.create('ab/1', b('1'));
      await w.count(1);
      w.abort();
      await s.create('ab/2', b('2'));
      await s.delete('ab/1');
      await sleep(50);
      assert.deepEqual(w.revisions(), [r0 + 1]);
      assert.deepEqual(w.errors, []);
      const pre = new AbortController();
      pre.abort();
      let called = false;
      s.watch('ab/', { startRevision: r0 + 1, signal: pre.signal, onEvents: () => (called = true), onError: () => (called = true) });
      await sleep(30);
      assert.equal(called, false, 'a watch with an already aborted signal never calls back');
    }));

  test('compaction discards history below the revision and keeps the state at it', () =>
    withStore(open, async (s) => {
      const r0 = await s.currentRevision();
      await s.create('cp/a', b('a1')); // r0+1
      await s.create('cp/gone', b('g')); // r0+2
      await s.update('cp/a', b('a2'), r0 + 1); // r0+3
      await s.delete('cp/gone'); // r0+4
      await s.create('cp/b', b('b1')); // r0+5
      await s.update('cp/b', b('b2'), r0 + 5); // r0+6, the compaction revision
      await s.update('cp/a', b('a3'), r0 + 3); // r0+7
      const C = r0 + 6;
      await s.compact(C);
      assert.equal(await s.compactedRevision(), C);
      const err = await s.range('cp/', { revision: C - 1 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err instanceof CompactedError, `expected CompactedError, got ${String(err)}`);
      assert.equal(err.requested, C - 1);
      assert.equal(err.compacted, C);
      const show = (kvs: KeyValue[]) => kvs.map((kv) => `${kv.key}=${str(kv.value)}@${kv.modRevision}/${kv.createRevision}`);
      const atC = await s.range('cp/', { revision: C });
      assert.deepEqual(show(atC.kvs), [`cp/a=a2@${r0 + 3}/${r0 + 1}`, `cp/b=b2@${C}/${r0 + 5}`]);
      assert.deepEqual(show((await s.range('cp/')).kvs), [`cp/a=a3@${r0 + 7}/${r0 + 1}`, `cp/b=b2@${C}/${r0 + 5}`]);
      assert.equal(await s.count('cp/'), 2);
      assert.equal(await s.currentRevision(), r0 + 7);

      const below = collect(s, 'cp/', C - 1);
      await below.until(() => below.errors.length > 0, 'CompactedError');
      const werr = below.errors[0];
      assert.ok(werr instanceof CompactedError, `expected CompactedError, got ${String(werr)}`);
      assert.equal(werr.compacted, C);
      await sleep(20);
      assert.deepEqual(below.events, []);
      assert.equal(below.errors.length, 1);
      below.abort();

      // etcd may have dropped the prev of the event at exactly C (it is below C): not pinned.
      const fromC = collect(s, 'cp/', C);
      await fromC.count(2);
      fromC.abort();
      assert.deepEqual(fromC.events.map((e) => describe({ ...e, prev: e.kv.modRevision === C ? undefined : e.prev })), [
        `put cp/b=b2@${C}/${r0 + 5}`,
        `put cp/a=a3@${r0 + 7}/${r0 + 1} prev=a2@${r0 + 3}/${r0 + 1}`,
      ]);

      await s.compact(C); // idempotent
      await s.compact(C - 2); // below the compacted revision: nothing to do
      assert.equal(await s.compactedRevision(), C);
      await assert.rejects(s.compact(r0 + 8), FutureRevisionError);
      const u = await s.update('cp/a', b('a4'), r0 + 7);
      assert.ok(u.ok);
      assert.equal(u.revision, r0 + 8);
      await s.compact(r0 + 8);
      assert.equal(await s.compactedRevision(), r0 + 8);
      assert.deepEqual((await s.range('cp/')).kvs.map((kv) => str(kv.value)), ['a4', 'b2']);
      await assert.rejects(s.range('cp/', { revision: r0 + 7 }), CompactedError);
    }));

  test('binary values and unusual keys survive the watch path', () =>
    withStore(open, async (s) => {
      const r0 = await s.currentRevision();
      const value = Uint8Array.from({ length: 256 }, (_, i) => 255 - i);
      const w = collect(s, 'ü/', r0 + 1);
      await s.create('ü/😀 x', value);
      await s.create('ü/empty', new Uint8Array(0));
      await w.count(2);
      w.abort();
      assert.equal(w.events[0]?.kv.key, 'ü/😀 x');
      assert.deepEqual(w.events[0]?.kv.value, value);
      assert.deepEqual(w.events[1]?.kv.value, new Uint8Array(0));
    }));
}
