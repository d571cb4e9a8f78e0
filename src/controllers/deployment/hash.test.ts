import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeHash, equalIgnoreHash, fnv32a, safeEncodeString } from './hash.js';
import { resolveFenceposts, type Dep } from './replicas.js';

test('fnv32a and SafeEncodeString match their Go definitions', () => {
  assert.equal(fnv32a(Buffer.from('')), 0x811c9dc5);
  assert.equal(fnv32a(Buffer.from('a')), 0xe40c292c);
  assert.equal(fnv32a(Buffer.from('foobar')), 0xbf9cf968);
  // Decimal digits land on 4-9, b, c, d, f: the letters of real names such as web-7d4b9c8f6d.
  assert.equal(safeEncodeString('0123456789'), '456789bcdf');
});

test('the hash depends on the template and the collision count, not on the hash label or key order', () => {
  const t = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
  const h = computeHash(t, undefined);
  assert.match(h, /^[4-9bcdf]{1,10}$/);
  assert.equal(computeHash({ spec: { containers: [{ image: 'nginx', name: 'c' }] }, metadata: { labels: { app: 'web' } } }, undefined), h);
  assert.notEqual(computeHash(t, 1), h);
  assert.notEqual(computeHash({ ...t, spec: { containers: [{ name: 'c', image: 'nginx:2' }] } }, undefined), h);
  assert.ok(equalIgnoreHash(t, { metadata: { labels: { app: 'web', 'pod-template-hash': h } }, spec: { containers: [{ name: 'c', image: 'nginx' }], volumes: [] } }));
});

test('maxSurge rounds up, maxUnavailable down, and both zero means one unavailable', () => {
  const d = (replicas: number, maxSurge: number | string, maxUnavailable: number | string) => ({ spec: { replicas, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } } } }) as Dep;
  assert.deepEqual(resolveFenceposts(d(10, '25%', '25%')), [3, 2]);
  assert.deepEqual(resolveFenceposts(d(3, '10%', '10%')), [1, 0]);
  assert.deepEqual(resolveFenceposts(d(3, 0, '10%')), [0, 1]);
});
