import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runBackendConformance } from '../conformance.js';
import { MemoryStore } from './memory-store.js';

runBackendConformance('memory', async () => new MemoryStore());

test('memory: a new store is at revision 0 and the first write is revision 1', async () => {
  const s = new MemoryStore();
  assert.equal(await s.currentRevision(), 0);
  assert.equal(await s.compactedRevision(), 0);
  const c = await s.create('k', new Uint8Array([1]));
  assert.ok(c.ok);
  assert.equal(c.revision, 1);
  await s.close();
});

test('memory: 100k keys load and range quickly', async () => {
  const s = new MemoryStore();
  const v = new Uint8Array(100);
  for (let i = 0; i < 100_000; i++) await s.create(`/registry/pods/ns${i % 10}/pod-${(i * 7919) % 100_000}`, v);
  const r = await s.range('/registry/pods/');
  assert.equal(r.kvs.length, 100_000);
  const page = await s.range('/registry/pods/ns3/', { limit: 500 });
  assert.equal(page.kvs.length, 500);
  assert.equal(page.remaining, 9_500);
  await s.close();
});
