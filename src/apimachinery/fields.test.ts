import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError } from './errors.js';
import {
  checkSupportedFields,
  escapeFieldValue,
  fieldSelectorToString,
  matchesFields,
  parseFieldSelector,
  requiresExactFieldMatch,
  unescapeFieldValue,
  type FieldRequirement,
} from './fields.js';

const statusError = (fn: () => unknown): StatusError => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof StatusError);
    return e;
  }
  assert.fail('expected a StatusError');
};

describe('parseFieldSelector', () => {
  const good: [string, FieldRequirement[]][] = [
    ['', []],
    ['a=b', [{ field: 'a', op: '=', value: 'b' }]],
    ['a==b', [{ field: 'a', op: '=', value: 'b' }]],
    ['a!=b', [{ field: 'a', op: '!=', value: 'b' }]],
    ['spec.nodeName=', [{ field: 'spec.nodeName', op: '=', value: '' }]],
    ['a=!b', [{ field: 'a', op: '=', value: '!b' }]],
    [
      'status.phase!=Running,metadata.name=x',
      [
        { field: 'metadata.name', op: '=', value: 'x' },
        { field: 'status.phase', op: '!=', value: 'Running' },
      ],
    ],
    ['a=b,,c=d,', [{ field: 'a', op: '=', value: 'b' }, { field: 'c', op: '=', value: 'd' }]],
    ['x=a\\,b', [{ field: 'x', op: '=', value: 'a,b' }]],
    ['x=a\\=b', [{ field: 'x', op: '=', value: 'a=b' }]],
    ['x=a\\\\b', [{ field: 'x', op: '=', value: 'a\\b' }]],
    ['x=a\\\\,y=b', [{ field: 'x', op: '=', value: 'a\\' }, { field: 'y', op: '=', value: 'b' }]],
    ['a = b', [{ field: 'a ', op: '=', value: ' b' }]],
  ];
  for (const [s, want] of good) it(`parses ${JSON.stringify(s)}`, () => assert.deepEqual(parseFieldSelector(s), want));

  const bad: [string, string][] = [
    ['x', "invalid selector: 'x'; can't understand 'x'"],
    ['a=b,c', "invalid selector: 'a=b,c'; can't understand 'c'"],
    ['a<b', "invalid selector: 'a<b'; can't understand 'a<b'"],
    ['a=b=c', 'invalid field selector: unescaped character in value: 61'],
    ['a=\\q', 'invalid field selector: invalid escape sequence: \\q'],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
  ];
  for (const [s, msg] of bad) {
    it(`rejects ${JSON.stringify(s)}`, () => {
      const e = statusError(() => parseFieldSelector(s));
      assert.equal(e.code, 400);
      assert.equal(e.reason, 'BadRequest');
      assert.equal(e.message, msg);
    });
  }
});

describe('escaping', () => {
  for (const v of ['plain', 'a,b', 'a=b', 'a\\b', '\\,=', '']) {
    it(`round-trips ${JSON.stringify(v)}`, () => {
      assert.equal(unescapeFieldValue(escapeFieldValue(v)), v);
      assert.deepEqual(parseFieldSelector(`f=${escapeFieldValue(v)}`), [{ field: 'f', op: '=', value: v }]);
    });
  }
  it('stringifies with escapes', () => {
    assert.equal(fieldSelectorToString([{ field: 'a', op: '=', value: 'x,y' }, { field: 'b', op: '!=', value: '' }]), 'a=x\\,y,b!=');
  });
});

describe('matchesFields', () => {
  const pod: Record<string, string> = { 'metadata.name': 'web-1', 'status.phase': 'Running', 'spec.nodeName': 'n1' };
  const get = (f: string): string | undefined => pod[f];
  const cases: [string, boolean][] = [
    ['', true],
    ['metadata.name=web-1', true],
    ['metadata.name==web-1', true],
    ['metadata.name=web-2', false],
    ['status.phase!=Running', false],
    ['status.phase!=Pending', true],
    ['spec.nodeName=n1,status.phase=Running', true],
    ['spec.nodeName=n1,status.phase=Pending', false],
    ['spec.schedulerName=', true],
    ['spec.schedulerName!=', false],
  ];
  for (const [sel, want] of cases) it(`${JSON.stringify(sel)} → ${want}`, () => assert.equal(matchesFields(parseFieldSelector(sel), get), want));
});

describe('checkSupportedFields and exact matches', () => {
  const supported = new Set(['metadata.name', 'metadata.namespace', 'spec.nodeName']);
  it('accepts supported fields', () => {
    assert.doesNotThrow(() => checkSupportedFields(parseFieldSelector('metadata.name=a,spec.nodeName!=b'), supported));
  });
  it('rejects the first unsupported field with upstream text', () => {
    const e = statusError(() => checkSupportedFields(parseFieldSelector('metadata.name=a,foo=b'), supported));
    assert.equal(e.code, 400);
    assert.equal(e.message, 'field label not supported: foo');
    assert.deepEqual(e.toStatus().reason, 'BadRequest');
  });
  it('finds the value an = term pins', () => {
    const reqs = parseFieldSelector('metadata.namespace!=x,metadata.name=web');
    assert.equal(requiresExactFieldMatch(reqs, 'metadata.name'), 'web');
    assert.equal(requiresExactFieldMatch(reqs, 'metadata.namespace'), undefined);
  });
});
