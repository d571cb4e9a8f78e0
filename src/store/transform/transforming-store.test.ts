/**
 * The KMS v2 envelope and the transforming store over the memory backend: covered keys are
 * stored as `k8s:enc:kms:v2:<provider>:` envelopes (one KMS Encrypt for the seed, however many
 * writes; one Decrypt per seed after a restart), every read path (get, range, watch, a failed
 * guard's current, a delete's prev) sees plaintext, the storage key is authenticated (a value
 * moved to another key does not decrypt), and a failed key wrap rejects the write.
 */
import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { it } from 'node:test';
import { openMemoryStore } from '../memory/memory-store.js';
import type { WatchEvent } from '../types.js';
import { decodeEnvelope, KMS_V2_PREFIX } from './envelope.js';
import { KmsV2Transformer, type EnvelopeService } from './kms-v2-transformer.js';
import { transformingStore } from './transforming-store.js';

/** A key encryption key in memory, counting its calls (a KMS v2 plugin stands here). */
function kek() {
  const key = randomBytes(32);
  const calls = { encrypt: 0, decrypt: 0 };
  let broken = false;
  const service: EnvelopeService = {
    async encrypt(plaintext) {
      calls.encrypt++;
      if (broken) throw new Error('key disabled');
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plaintext), c.final()]);
      return { ciphertext: Buffer.concat([iv, body, c.getAuthTag()]), keyId: 'kek-1' };
    },
    async decrypt(ciphertext) {
      calls.decrypt++;
      const b = Buffer.from(ciphertext);
      const d = createDecipheriv('aes-256-gcm', key, b.subarray(0, 12));
      d.setAuthTag(b.subarray(b.length - 16));
      return Buffer.concat([d.update(b.subarray(12, b.length - 16)), d.final()]);
    },
    async validateEncrypt() {
      if (broken) throw new Error('key disabled');
    },
  };
  return { service, calls, break: () => (broken = true) };
}

const enc = (s: string) => Buffer.from(s);
const text = (v: Uint8Array) => Buffer.from(v).toString();

it('stores covered keys as KMS v2 envelopes and reads plaintext on every path', async () => {
  const inner = await openMemoryStore();
  const k = kek();
  const store = transformingStore(inner, { transformer: new KmsV2Transformer('p1', k.service), covers: (key) => key.startsWith('/s/') });
  const events: WatchEvent[] = [];
  const ac = new AbortController();
  store.watch('/', { startRevision: 1, signal: ac.signal, onEvents: (e) => events.push(...e), onError: (e) => assert.fail(e) });

  const a = await store.create('/s/a', enc('alpha'));
  assert.ok(a.ok && text(a.kv.value) === 'alpha');
  await store.create('/s/b', enc('beta'));
  await store.create('/o/c', enc('plain'));
  const raw = await inner.get('/s/a');
  assert.ok(text(raw!.value).startsWith(`${KMS_V2_PREFIX}p1:`));
  assert.ok(!text(raw!.value).includes('alpha'));
  assert.equal(decodeEnvelope(raw!.value).object.keyId, 'kek-1');
  assert.equal(text((await inner.get('/o/c'))!.value), 'plain');
  assert.equal(k.calls.encrypt, 1, 'one seed wrap for all writes');

  assert.equal(text((await store.get('/s/a'))!.value), 'alpha');
  assert.deepEqual((await store.range('/s/')).kvs.map((kv) => text(kv.value)), ['alpha', 'beta']);
  const stale = await store.update('/s/a', enc('x'), 999);
  assert.ok(!stale.ok && text(stale.current!.value) === 'alpha');
  const del = await store.delete('/s/b');
  assert.ok(del.ok && text(del.prev.value) === 'beta');
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(events.map((e) => `${e.type}:${e.kv.key}:${text(e.kv.value)}`), ['put:/s/a:alpha', 'put:/s/b:beta', 'put:/o/c:plain', 'delete:/s/b:beta']);
  ac.abort();

  // Another process: one KMS Decrypt for the seed, then cached.
  const again = transformingStore(inner, { transformer: new KmsV2Transformer('p1', k.service), covers: (key) => key.startsWith('/s/') });
  await again.create('/s/z', enc('zeta'));
  assert.deepEqual((await again.range('/s/')).kvs.map((kv) => text(kv.value)), ['alpha', 'zeta']);
  assert.equal(k.calls.decrypt, 1);
});

it('authenticates the storage key and rejects writes the key cannot wrap', async () => {
  const inner = await openMemoryStore();
  const k = kek();
  const store = transformingStore(inner, { transformer: new KmsV2Transformer('p1', k.service), covers: (key) => key.startsWith('/s/') });
  await store.create('/s/a', enc('alpha'));
  await inner.create('/s/moved', (await inner.get('/s/a'))!.value);
  await assert.rejects(store.get('/s/moved'));
  k.break();
  await assert.rejects(store.create('/s/new', enc('n')), /key disabled/);
  assert.equal(await inner.get('/s/new'), undefined);
});
