/**
 * reusableOutput: a handler that returns the same frozen output again gets the same bytes, each
 * response with its own request id, serialized per operation (the same object under another
 * operation's output shape is serialized for that shape); the object cannot change afterwards.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../lib/clock.js';
import { silentLogger } from '../lib/logger.js';
import { MemoryStore } from '../store/memory/memory-store.js';
import { createAwsRouter, reusableOutput } from './router.js';
import { defineService } from './service.js';

describe('reusableOutput', () => {
  it('answers a reused output with the same body and a fresh request id, per operation', async () => {
    const shared = reusableOutput({ cluster: { name: 'alpha', createdAt: 1_700_000_000_000, tags: { a: 'b' } }, clusters: ['alpha'] });
    let n = 0;
    const router = createAwsRouter({
      log: silentLogger(),
      clock: new ManualClock(0),
      store: new MemoryStore(),
      requestId: () => `req-${++n}`,
      services: [defineService({ name: 'eks', handlers: { DescribeCluster: async () => shared, ListClusters: async () => shared } })],
    });
    const get = (path: string) => router.handle({ method: 'GET', path, query: new URLSearchParams(), headers: { authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/eks/aws4_request, SignedHeaders=host, Signature=x' }, body: Buffer.alloc(0) });
    const a = await get('/clusters/alpha');
    const b = await get('/clusters/alpha');
    assert.equal(a.status, 200);
    assert.deepEqual(JSON.parse(a.body), { cluster: { name: 'alpha', createdAt: 1_700_000_000, tags: { a: 'b' } } });
    assert.equal(b.body, a.body);
    assert.equal(a.headers['x-amzn-RequestId'], 'req-1');
    assert.equal(b.headers['x-amzn-RequestId'], 'req-2');
    const list = await get('/clusters');
    assert.deepEqual(JSON.parse(list.body), { clusters: ['alpha'] });
    assert.equal(list.headers['x-amzn-RequestId'], 'req-3');
    assert.throws(() => {
      (shared.cluster.tags as Record<string, string>).a = 'changed';
    }, TypeError);
  });
});
