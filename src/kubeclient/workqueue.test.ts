import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../lib/clock.js';
import { silentLogger } from '../lib/logger.js';
import { runWorkers, WorkQueue } from './workqueue.js';

test('deduplicates queued items and keeps FIFO order', async () => {
  const q = new WorkQueue(new ManualClock());
  q.add('a');
  q.add('b');
  q.add('a');
  assert.equal(q.length, 2);
  assert.equal(await q.get(), 'a');
  assert.equal(await q.get(), 'b');
  assert.equal(q.length, 0);
});

test('an item re-added while processing is processed again after done, never concurrently', async () => {
  const q = new WorkQueue(new ManualClock());
  q.add('a');
  const first = await q.get();
  assert.equal(first, 'a');
  q.add('a');
  q.add('a');
  assert.equal(q.length, 0, 'not handed out while processing');
  let second: string | undefined;
  void q.get().then((x) => (second = x));
  await Promise.resolve();
  assert.equal(second, undefined);
  q.done('a');
  await Promise.resolve();
  assert.equal(second, 'a');
  q.done('a');
  assert.equal(q.length, 0);
});

test('get waits for an add; shutDown drains then returns undefined', async () => {
  const q = new WorkQueue(new ManualClock());
  const pending = q.get();
  q.add('x');
  assert.equal(await pending, 'x');
  q.add('y');
  q.shutDown();
  q.add('z');
  assert.equal(await q.get(), 'y');
  assert.equal(await q.get(), undefined);
});

test('addAfter fires on the clock; the earliest pending add wins', async () => {
  const clock = new ManualClock();
  const q = new WorkQueue(clock);
  q.addAfter('a', 1000);
  q.addAfter('a', 300);
  q.addAfter('a', 5000);
  assert.equal(q.delayed, 1);
  clock.advance(299);
  assert.equal(q.length, 0);
  clock.advance(1);
  assert.equal(q.length, 1);
  clock.advance(10_000);
  assert.equal(q.length, 1, 'the later adds were folded into the first');
});

test('addRateLimited backs off exponentially per item, capped; forget resets', async () => {
  const clock = new ManualClock();
  const q = new WorkQueue(clock, { baseDelayMs: 10, maxDelayMs: 50 });
  const due: number[] = [];
  for (let i = 0; i < 4; i++) {
    const start = clock.now();
    q.addRateLimited('k');
    for (let t = 0; t < 100 && q.length === 0; t++) clock.advance(1);
    due.push(clock.now() - start);
    q.done((await q.get())!);
  }
  assert.deepEqual(due, [10, 20, 40, 50]);
  assert.equal(q.numRequeues('k'), 4);
  q.forget('k');
  assert.equal(q.numRequeues('k'), 0);
});

test('runWorkers retries failures with the rate limit and honours requeueAfterMs', async () => {
  const clock = new ManualClock();
  const q = new WorkQueue<string>(clock, { baseDelayMs: 100 });
  const seen: string[] = [];
  let fails = 2;
  const done = runWorkers(q, 2, async (item) => {
    seen.push(item);
    if (item === 'flaky' && fails-- > 0) throw new Error('boom');
    if (item === 'later' && seen.filter((x) => x === 'later').length === 1) return { requeueAfterMs: 1000 };
  }, silentLogger());
  q.add('flaky');
  q.add('later');
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setImmediate(r));
    clock.advance(100);
  }
  q.shutDown();
  await done;
  assert.equal(seen.filter((x) => x === 'flaky').length, 3);
  assert.equal(seen.filter((x) => x === 'later').length, 2);
  assert.equal(q.numRequeues('flaky'), 0, 'forgotten after success');
});
