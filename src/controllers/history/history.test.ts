import assert from 'node:assert/strict';
import { test } from 'node:test';
import { controllerRevisionName, equalRevision, findEqualRevisions, newControllerRevision, nextRevision, sortControllerRevisions, type Revision } from './controller-history.js';
import { computeTemplateHash, Fnv32, goJson, hashControllerRevision, safeEncodeString } from './hash.js';

test('FNV-1 and FNV-1a 32-bit match the reference vectors', () => {
  assert.equal(new Fnv32(false).write('a').sum32(), 0x050c5d7e);
  assert.equal(new Fnv32(true).write('a').sum32(), 0xe40c292c);
  assert.equal(new Fnv32(true).write('foobar').sum32(), 0xbf9cf968);
});

test('SafeEncodeString maps onto the vowel-free alphabet', () => {
  assert.equal(safeEncodeString('0123456789'), '456789bcdf');
});

test('goJson sorts keys and escapes as Go encoding/json', () => {
  assert.equal(goJson({ b: 1, a: { d: [1, 'x'], c: null }, e: undefined }), '{"a":{"c":null,"d":[1,"x"]},"b":1}');
  assert.equal(goJson('<a&b>'), '"\\u003ca\\u0026b\\u003e"');
});

test("a StatefulSet revision's name is upstream's (1.33 compatibility fixture: test-c77f6d978)", () => {
  const data = {
    spec: {
      template: {
        $patch: 'replace',
        metadata: { annotations: { test: 'value' }, creationTimestamp: null, labels: { app: 'foo' } },
        spec: {
          containers: [{ image: 'test', imagePullPolicy: 'Always', name: 'test', resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' }],
          dnsPolicy: 'ClusterFirst',
          restartPolicy: 'Always',
          schedulerName: 'default-scheduler',
          securityContext: {},
          terminationGracePeriodSeconds: 30,
        },
      },
    },
  };
  assert.equal(hashControllerRevision(data, 0), 'c77f6d978');
  const owner = { metadata: { name: 'test', namespace: 'default', uid: 'u1' } };
  const rev = newControllerRevision(owner, 'apps/v1', 'StatefulSet', { app: 'foo' }, data, 1, 0);
  assert.equal(rev.metadata?.name, 'test-c77f6d978');
  assert.deepEqual(rev.metadata?.labels, { app: 'foo', 'controller.kubernetes.io/hash': 'c77f6d978' });
  assert.equal(rev.metadata?.ownerReferences?.[0]?.controller, true);
  assert.notEqual(hashControllerRevision(data, 1), 'c77f6d978', 'the collision count moves the name');
});

test('template hashes change with the template and the collision count', () => {
  const t = { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'x' }] } };
  const h = computeTemplateHash(t);
  assert.match(h, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
  assert.equal(computeTemplateHash(structuredClone(t)), h);
  assert.notEqual(computeTemplateHash({ ...t, spec: { containers: [{ name: 'c', image: 'y' }] } }), h);
  assert.notEqual(computeTemplateHash(t, 1), h);
});

test('revision names, ordering and equality', () => {
  assert.equal(controllerRevisionName('x'.repeat(300), 'h').length, 225);
  const mk = (name: string, revision: number, data: object, ts = '2024-01-01T00:00:00Z'): Revision => ({ metadata: { name, creationTimestamp: ts, labels: {} }, data, revision });
  const a = mk('a', 2, { v: 1 });
  const b = mk('b', 1, { v: 2 });
  const c = mk('c', 2, { v: 1 }, '2023-01-01T00:00:00Z');
  const sorted = sortControllerRevisions([a, b, c]);
  assert.deepEqual(sorted.map((r) => r.metadata?.name), ['b', 'c', 'a']);
  assert.equal(nextRevision(sorted), 3);
  assert.equal(nextRevision([]), 1);
  assert.ok(equalRevision(a, c));
  assert.ok(!equalRevision(a, b));
  assert.deepEqual(findEqualRevisions(sorted, mk('n', 9, { v: 1 })).map((r) => r.metadata?.name), ['c', 'a']);
});
