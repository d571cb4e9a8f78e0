import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deepClone, deepEqual, isJsonObject } from './json.js';

describe('deepEqual', () => {
  const cases: [unknown, unknown, boolean][] = [
    [1, 1, true],
    ['a', 'a', true],
    [null, null, true],
    [1, '1', false],
    [0, false, false],
    [null, {}, false],
    [[], {}, false],
    [[], null, false],
    [[1, 2], [1, 2], true],
    [[1, 2], [2, 1], false],
    [[1], [1, 1], false],
    [{ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 }, true],
    [{ a: 1 }, { a: 1, b: 2 }, false],
    [{ a: undefined }, {}, true],
    [{ a: null }, {}, false],
    [{ a: { b: 1 } }, { a: { b: 2 } }, false],
    [NaN, NaN, true],
  ];
  for (const [a, b, want] of cases) {
    it(`${JSON.stringify(a)} vs ${JSON.stringify(b)} → ${want}`, () => {
      assert.equal(deepEqual(a, b), want);
      assert.equal(deepEqual(b, a), want);
    });
  }
});

describe('deepClone and isJsonObject', () => {
  it('copies without sharing', () => {
    const v = { a: [{ b: 1 }] };
    const c = deepClone(v);
    assert.deepEqual(c, v);
    c.a[0]!.b = 2;
    assert.equal(v.a[0]!.b, 1);
  });
  it('tells objects from arrays and null', () => {
    assert.equal(isJsonObject({}), true);
    assert.equal(isJsonObject([]), false);
    assert.equal(isJsonObject(null), false);
    assert.equal(isJsonObject('x'), false);
  });
});
