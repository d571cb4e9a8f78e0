import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareKeys, lowerBound, prefixEnd, prefixEndBytes } from './keys.js';

const alphabet = ['a', 'b', '/', '\u0000', '\u007f', 'é', '\uD7FF', '\uE000', '\uFFFD', '\uFFFF', '😀', '\u{10FFFF}'];

function randomKey(rnd: () => number): string {
  let s = '';
  const n = Math.floor(rnd() * 5);
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
  return s;
}

function seeded(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

test('compareKeys orders like the UTF-8 bytes (what etcd and SQLite compare)', () => {
  const rnd = seeded(42);
  for (let i = 0; i < 5000; i++) {
    const a = randomKey(rnd);
    const b = randomKey(rnd);
    assert.equal(Math.sign(compareKeys(a, b)), Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  }
});

test('[p, prefixEnd(p)) holds exactly the keys that start with p', () => {
  const rnd = seeded(7);
  for (let i = 0; i < 5000; i++) {
    const p = randomKey(rnd);
    const k = rnd() < 0.5 ? p + randomKey(rnd) : randomKey(rnd);
    const end = prefixEnd(p);
    const inRange = compareKeys(k, p) >= 0 && (end === undefined || compareKeys(k, end) < 0);
    assert.equal(inRange, k.startsWith(p), `key ${JSON.stringify(k)} prefix ${JSON.stringify(p)} end ${JSON.stringify(end)}`);
  }
  assert.equal(prefixEnd(''), undefined);
  assert.equal(prefixEnd('a/'), 'a0');
  assert.equal(prefixEnd('a\u{10FFFF}'), 'b');
  assert.equal(prefixEnd('\uD7FF'), '\uE000');
});

test('prefixEndBytes matches etcd clientv3.GetPrefixRangeEnd', () => {
  assert.deepEqual(prefixEndBytes(Buffer.from('a/')), Buffer.from('a0'));
  assert.deepEqual(prefixEndBytes(Buffer.from([0x61, 0xff])), Buffer.from([0x62]));
  assert.deepEqual(prefixEndBytes(Buffer.from([0xff, 0xff])), Buffer.from([0]));
  assert.deepEqual(prefixEndBytes(Buffer.alloc(0)), Buffer.from([0]));
});

test('lowerBound finds the first key >= the probe', () => {
  const sorted = ['a', 'b', 'b/1', 'c'];
  assert.equal(lowerBound(sorted, ''), 0);
  assert.equal(lowerBound(sorted, 'b'), 1);
  assert.equal(lowerBound(sorted, 'b/'), 2);
  assert.equal(lowerBound(sorted, 'z'), 4);
});
