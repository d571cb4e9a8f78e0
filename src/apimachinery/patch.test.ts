import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError } from './errors.js';
import type { JsonValue } from './json.js';
import { applyJsonPatch, applyMergePatch, JsonPatchError, PATCH_REJECTED_MESSAGE } from './patch.js';

const doc = (): JsonValue => ({
  metadata: { name: 'web', labels: { app: 'web' }, annotations: null },
  spec: { replicas: 1, containers: [{ name: 'a' }, { name: 'b' }] },
});

describe('applyJsonPatch', () => {
  const good: [string, JsonValue, unknown[], JsonValue][] = [
    ['add member', { a: 1 }, [{ op: 'add', path: '/b', value: 2 }], { a: 1, b: 2 }],
    ['add replaces existing member', { a: 1 }, [{ op: 'add', path: '/a', value: [1] }], { a: [1] }],
    ['add inserts in array', { a: [1, 3] }, [{ op: 'add', path: '/a/1', value: 2 }], { a: [1, 2, 3] }],
    ['add at end index', { a: [1] }, [{ op: 'add', path: '/a/1', value: 2 }], { a: [1, 2] }],
    ['add with - appends', { a: [1] }, [{ op: 'add', path: '/a/-', value: 2 }], { a: [1, 2] }],
    ['add -1 appends (json-patch v4)', { a: [1, 2] }, [{ op: 'add', path: '/a/-1', value: 3 }], { a: [1, 2, 3] }],
    ['add without value stores null (v4)', { a: 1 }, [{ op: 'add', path: '/b' }], { a: 1, b: null }],
    ['remove member', { a: 1, b: 2 }, [{ op: 'remove', path: '/a' }], { b: 2 }],
    ['remove array item', { a: [1, 2, 3] }, [{ op: 'remove', path: '/a/1' }], { a: [1, 3] }],
    ['remove last via -1', { a: [1, 2, 3] }, [{ op: 'remove', path: '/a/-1' }], { a: [1, 2] }],
    ['replace', { a: { b: 1 } }, [{ op: 'replace', path: '/a/b', value: 'x' }], { a: { b: 'x' } }],
    ['replace array item, index with leading zero', { a: [1, 2] }, [{ op: 'replace', path: '/a/01', value: 9 }], { a: [1, 9] }],
    ['move', { a: { x: 1 }, b: {} }, [{ op: 'move', from: '/a/x', path: '/b/y' }], { a: {}, b: { y: 1 } }],
    ['move within array', { a: [1, 2, 3] }, [{ op: 'move', from: '/a/0', path: '/a/-' }], { a: [2, 3, 1] }],
    ['copy', { a: { x: [1] } }, [{ op: 'copy', from: '/a', path: '/b' }], { a: { x: [1] }, b: { x: [1] } }],
    ['test passes', { a: { b: [1, { c: 2 }] } }, [{ op: 'test', path: '/a/b', value: [1, { c: 2 }] }], { a: { b: [1, { c: 2 }] } }],
    ['test object key order is irrelevant', { a: { x: 1, y: 2 } }, [{ op: 'test', path: '/a', value: { y: 2, x: 1 } }], { a: { x: 1, y: 2 } }],
    ['test null against missing member passes (v4)', { a: {} }, [{ op: 'test', path: '/a/b', value: null }], { a: {} }],
    ['test root', { a: 1 }, [{ op: 'test', path: '', value: { a: 1 } }], { a: 1 }],
    ['pointer escapes', { 'a/b': { '~c': 1 } }, [{ op: 'replace', path: '/a~1b/~0c', value: 2 }], { 'a/b': { '~c': 2 } }],
    ['empty key', { '': 1 }, [{ op: 'replace', path: '/', value: 2 }], { '': 2 }],
    [
      'annotation with slash, kubectl style',
      { metadata: { annotations: {} } },
      [{ op: 'add', path: '/metadata/annotations/example.com~1x', value: 'y' }],
      { metadata: { annotations: { 'example.com/x': 'y' } } },
    ],
    ['ops apply in order', { a: 1 }, [{ op: 'add', path: '/b', value: {} }, { op: 'add', path: '/b/c', value: 1 }, { op: 'remove', path: '/a' }], { b: { c: 1 } }],
  ];
  for (const [name, input, ops, want] of good) {
    it(name, () => assert.deepEqual(applyJsonPatch(input, ops), want));
  }

  const rejected: [string, unknown[], string][] = [
    ['failed test', [{ op: 'test', path: '/spec/replicas', value: 2 }], 'testing value /spec/replicas failed: test failed'],
    ['test non-null against missing', [{ op: 'test', path: '/metadata/uid', value: 'x' }], 'testing value /metadata/uid failed: test failed'],
    ['test absent value against a present member', [{ op: 'test', path: '/spec/replicas' }], 'testing value /spec/replicas failed: test failed'],
    ['add below null', [{ op: 'add', path: '/metadata/annotations/x', value: 'y' }], 'add operation does not apply: doc is missing path: "/metadata/annotations/x"'],
    ['add below missing parent', [{ op: 'add', path: '/status/phase', value: 'x' }], 'add operation does not apply: doc is missing path: "/status/phase"'],
    ['add past the end', [{ op: 'add', path: '/spec/containers/3', value: {} }], 'Unable to access invalid index: 3 (/spec/containers/3)'],
    ['add to root', [{ op: 'add', path: '', value: {} }], 'add operation does not apply: doc is missing path: ""'],
    ['remove missing', [{ op: 'remove', path: '/metadata/uid' }], 'Unable to remove nonexistent key: uid: missing value'],
    ['replace missing', [{ op: 'replace', path: '/metadata/uid', value: 'x' }], 'replace operation does not apply: doc is missing key: /metadata/uid: missing value'],
    ['replace bad index', [{ op: 'replace', path: '/spec/containers/x', value: 1 }], "value was not a proper array index: 'x' (/spec/containers/x)"],
    ['replace out of range', [{ op: 'replace', path: '/spec/containers/2', value: 1 }], 'Unable to access invalid index: 2 (/spec/containers/2)'],
    ['move from missing', [{ op: 'move', from: '/nope', path: '/x' }], 'Unable to remove nonexistent key: nope: missing value'],
    ['move into own child', [{ op: 'move', from: '/spec', path: '/spec/x' }], 'move operation does not apply: doc is missing path: "/spec/x"'],
    ['copy from missing', [{ op: 'copy', from: '/nope', path: '/x' }], 'copy operation does not apply: doc is missing key: /nope'],
    ['unknown op', [{ op: 'frobnicate', path: '/a' }], 'Unexpected kind: frobnicate'],
    ['missing op', [{ path: '/a' }], 'Unexpected kind: unknown'],
    ['null op', [null], 'Unexpected kind: unknown'],
    ['missing path', [{ op: 'remove' }], 'operation missing path field'],
    ['pointer without slash', [{ op: 'remove', path: 'spec' }], 'invalid JSON pointer "spec"'],
  ];
  for (const [name, ops, detail] of rejected) {
    it(`422 on ${name}`, () => {
      const input = doc();
      const before = structuredClone(input);
      assert.throws(
        () => applyJsonPatch(input, ops),
        (e: unknown) => {
          assert.ok(e instanceof JsonPatchError);
          assert.equal(e.detail, detail);
          assert.deepEqual(e.toStatus(), {
            kind: 'Status',
            apiVersion: 'v1',
            metadata: {},
            status: 'Failure',
            message: PATCH_REJECTED_MESSAGE,
            reason: 'Invalid',
            details: {},
            code: 422,
          });
          return true;
        },
      );
      assert.deepEqual(input, before, 'input untouched even when a later op fails');
    });
  }

  it('reports which operation failed', () => {
    assert.throws(
      () => applyJsonPatch({}, [{ op: 'add', path: '/a', value: 1 }, { op: 'test', path: '/a', value: 2 }]),
      (e: unknown) => e instanceof JsonPatchError && e.opIndex === 1,
    );
  });

  const malformed: [string, unknown, string][] = [
    ['object body', { op: 'add' }, 'json: cannot unmarshal object into Go value of type jsonpatch.Patch'],
    ['string body', 'x', 'json: cannot unmarshal string into Go value of type jsonpatch.Patch'],
    ['string op', ['add'], 'json: cannot unmarshal string into Go value of type jsonpatch.Operation'],
    ['array op', [[1]], 'json: cannot unmarshal array into Go value of type jsonpatch.Operation'],
  ];
  for (const [name, ops, msg] of malformed) {
    it(`400 on ${name}`, () => {
      assert.throws(() => applyJsonPatch({}, ops), (e: unknown) => e instanceof StatusError && e.code === 400 && e.reason === 'BadRequest' && e.message === msg);
    });
  }

  it('413 above 10000 operations', () => {
    const ops = Array.from({ length: 10001 }, () => ({ op: 'test', path: '', value: {} }));
    assert.throws(
      () => applyJsonPatch({}, ops),
      (e: unknown) =>
        e instanceof StatusError &&
        e.code === 413 &&
        e.message === 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001',
    );
  });

  it('treats a null body as no operations', () => assert.deepEqual(applyJsonPatch({ a: 1 }, null), { a: 1 }));

  it('never mutates or aliases its inputs', () => {
    const input = doc();
    const value = { name: 'c', env: [{ name: 'X' }] };
    const ops = [
      { op: 'add', path: '/spec/containers/-', value },
      { op: 'copy', from: '/spec/containers/0', path: '/spec/first' },
    ];
    const before = structuredClone(input);
    const out = applyJsonPatch(input, ops) as { spec: { containers: { name: string }[]; first: { name: string } } };
    assert.deepEqual(input, before);
    out.spec.containers[2]!.name = 'changed';
    out.spec.first.name = 'changed';
    assert.equal(value.name, 'c');
    assert.equal((input as { spec: { containers: { name: string }[] } }).spec.containers[0]!.name, 'a');
  });
});

describe('applyMergePatch', () => {
  // RFC 7386 appendix A, plus Kubernetes-shaped cases.
  const cases: [JsonValue, JsonValue, JsonValue][] = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
    [{ a: [1, null] }, { a: [null, 2] }, { a: [null, 2] }],
    [
      { metadata: { labels: { app: 'web', tier: 'fe' } }, spec: { replicas: 1 } },
      { metadata: { labels: { tier: null, env: 'prod' } }, spec: { replicas: 3 } },
      { metadata: { labels: { app: 'web', env: 'prod' } }, spec: { replicas: 3 } },
    ],
  ];
  for (const [target, patch, want] of cases) {
    it(`${JSON.stringify(target)} + ${JSON.stringify(patch)}`, () => assert.deepEqual(applyMergePatch(target, patch), want));
  }

  it('never mutates or aliases its inputs', () => {
    const target = { a: { x: [1] }, b: { y: 1 } };
    const patch = { b: { z: { deep: [2] } } };
    const before = structuredClone(target);
    const patchBefore = structuredClone(patch);
    const out = applyMergePatch(target, patch) as { a: { x: number[] }; b: { z: { deep: number[] } } };
    assert.deepEqual(target, before);
    assert.deepEqual(patch, patchBefore);
    out.a.x.push(9);
    out.b.z.deep.push(9);
    assert.deepEqual(target, before);
    assert.deepEqual(patch, patchBefore);
  });
});
