import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSigningKey, type SigningKey } from './keys.js';
import { LazySigningKey } from './lazy-key.js';

/** A key maker that counts its calls and hands out pre-made keys. */
function maker(keys: SigningKey[]): { create: () => Promise<SigningKey>; calls: () => number } {
  let n = 0;
  return { create: async () => keys[n++ % keys.length]!, calls: () => n };
}

/** The kid of the key as it is now (a function, so TypeScript does not keep an earlier narrowing). */
const currentKid = (key: LazySigningKey) => key.current?.kid;

describe('LazySigningKey', () => {
  it('makes nothing until asked, then one key for every concurrent caller, kept once', async () => {
    const a = await createSigningKey({ algorithm: 'ES256' });
    const m = maker([a]);
    const kept: string[] = [];
    const key = new LazySigningKey({ create: m.create, keep: async (pem) => (kept.push(pem), pem) });
    assert.equal(key.current, undefined);
    assert.equal(m.calls(), 0);
    const seen: string[] = [];
    key.onReady((k) => seen.push(k.kid));
    const got = await Promise.all([key.get(), key.get(), key.get()]);
    assert.equal(m.calls(), 1);
    assert.deepEqual(kept, [a.privatePem]);
    assert.ok(got.every((k) => k.kid === a.kid));
    assert.equal(currentKid(key), a.kid);
    assert.deepEqual(seen, [a.kid]);
    assert.equal((await key.get()).kid, a.kid);
    assert.equal(m.calls(), 1);
  });

  it('defaults to an RSA 2048 key signing RS256, as EKS', async () => {
    const key = new LazySigningKey({ keep: async (pem) => pem });
    const k = await key.get();
    assert.equal(k.alg, 'RS256');
  });

  it('adopts the key the store already had when another writer kept one first', async () => {
    const [mine, theirs] = await Promise.all([createSigningKey({ algorithm: 'ES256' }), createSigningKey({ algorithm: 'ES256' })]);
    const key = new LazySigningKey({ create: maker([mine]).create, keep: async () => theirs.privatePem });
    assert.equal((await key.get()).kid, theirs.kid);
    assert.equal(currentKid(key), theirs.kid);
  });

  it('restores a stored key at once, without making one', async () => {
    const stored = await createSigningKey({ algorithm: 'ES256' });
    const m = maker([stored]);
    const key = new LazySigningKey({ pem: stored.privatePem, create: m.create, keep: async () => assert.fail('nothing to keep') });
    assert.equal(key.current?.kid, stored.kid);
    let ready = '';
    key.onReady((k) => (ready = k.kid));
    assert.equal(ready, stored.kid);
    assert.equal((await key.get()).kid, stored.kid);
    assert.equal(m.calls(), 0);
  });

  it('retries after a failed attempt to keep the key', async () => {
    const k = await createSigningKey({ algorithm: 'ES256' });
    let fail = true;
    const key = new LazySigningKey({ create: maker([k]).create, keep: async (pem) => (fail ? Promise.reject(new Error('store down')) : pem) });
    await assert.rejects(key.get(), /store down/);
    assert.equal(key.current, undefined);
    fail = false;
    assert.equal((await key.get()).kid, k.kid);
  });
});
