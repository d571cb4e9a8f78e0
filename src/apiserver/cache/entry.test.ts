import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CacheEntry } from './entry.js';
import { uniqueKeyReader } from './resource-cache.js';

const stored = (o: object) => Buffer.from(JSON.stringify(o));

test('CacheEntry.fromStored: the served JSON (with resourceVersion) is built on first use; until then readers scan the bytes', () => {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', namespace: 'ns' }, spec: { nodeName: 'n1' } };
  const e = CacheEntry.fromStored('/registry/core/pods/ns/a', stored(pod), 42);
  assert.ok(e.source instanceof Uint8Array);
  assert.equal(e.json, '{"apiVersion":"v1","kind":"Pod","metadata":{"resourceVersion":"42","name":"a","namespace":"ns"},"spec":{"nodeName":"n1"}}');
  assert.equal(e.source, e.json);
  assert.equal(e.obj.metadata?.resourceVersion, '42');
});

test('uniqueKeyReader reads the same from bytes and from text, and gives up when ambiguous', () => {
  const read = uniqueKeyReader('nodeName');
  const cases: [object, string | undefined][] = [
    [{ spec: { nodeName: 'ip-10-0-1-5.ec2.internal' } }, 'ip-10-0-1-5.ec2.internal'],
    [{ spec: {} }, ''],
    [{ metadata: { annotations: { nodeName: 'x' } }, spec: { nodeName: 'y' } }, undefined],
    [{ spec: { nodeName: 'we"ird' } }, undefined],
    [{ spec: { nodeName: 'nœud' } }, 'nœud'],
    [{ spec: { nodeName: 7 } }, undefined],
  ];
  for (const [o, want] of cases) {
    assert.equal(read(JSON.stringify(o)), want, JSON.stringify(o));
    assert.equal(read(new Uint8Array(stored(o))), want, `bytes of ${JSON.stringify(o)}`);
  }
});
