import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError } from './errors.js';
import {
  EVERYTHING,
  NOTHING,
  formatLabelSelector,
  isEmpty,
  labelSelectorToString,
  matches,
  newRequirement,
  parseLabelSelector,
  requirementsFor,
  requiresExactMatch,
  selectorFromLabelSelector,
  selectorFromSet,
  validateLabelSelector,
} from './labels.js';

const QNAME_REGEX_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

function parseError(s: string): StatusError {
  try {
    parseLabelSelector(s);
  } catch (e) {
    assert.ok(e instanceof StatusError);
    return e;
  }
  assert.fail(`expected ${JSON.stringify(s)} to fail`);
}

describe('parseLabelSelector', () => {
  // Upstream TestSelectorParse: good strings re-stringify to themselves without spaces.
  for (const s of ['x=a,y=b,z=c', '', 'x!=a,y=b', 'x=', 'x= ', 'x=,z= ', 'x= ,z= ', '!x', 'x>1', 'x>1,z<5']) {
    it(`round-trips ${JSON.stringify(s)}`, () => {
      assert.equal(labelSelectorToString(parseLabelSelector(s)), s.replaceAll(' ', ''));
    });
  }

  const normalized: [string, string][] = [
    ['x in (foo,,baz),y,z notin ()', 'x in (,baz,foo),y,z notin ()'],
    ['x notin (abc,def),bar,z in (),w', 'bar,w,x notin (abc,def),z in ()'],
    ['foo  in\t (abc)', 'foo in (abc)'],
    ['x notin\n (abc)', 'x notin (abc)'],
    ['\rx', 'x'],
    ['x in (abc,)', 'x in (,abc)'],
    ['x in (b,a,b)', 'x in (a,b)'],
    ['x=a,a=x', 'a=x,x=a'],
    ['a==in', 'a==in'],
    ['in in (in,notin)', 'in in (in,notin)'],
    ['this-is-a-dns.domain.com/key-with-dash', 'this-is-a-dns.domain.com/key-with-dash'],
    ['0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)', '0.1.2.domain/99 notin (10.10.100.1,tick.tack.clock)'],
    ['  a  =  b  ,  c  ', 'a=b,c'],
  ];
  for (const [input, out] of normalized) {
    it(`normalizes ${JSON.stringify(input)}`, () => assert.equal(labelSelectorToString(parseLabelSelector(input)), out));
  }

  it('is deterministic regardless of term order', () => {
    assert.equal(labelSelectorToString(parseLabelSelector('x=a,a=x')), labelSelectorToString(parseLabelSelector('a=x,x=a')));
  });

  const errors: [string, string][] = [
    ['x=a||y=b', `unable to parse requirement: values[0][x]: Invalid value: "a||y": ${LABEL_VALUE_MSG}`],
    ['x==a==b', "found '==', expected: ',' or 'end of string'"],
    ['!x=a', "found '=', expected: ',' or 'end of string'"],
    ['x<a', `unable to parse requirement: values[0]: Invalid value: "a": for 'Gt', 'Lt' operators, the value must be an integer`],
    ['a b', 'unable to parse requirement: found \'b\', expected: in, notin, =, ==, !=, gt, lt'],
    ['a,', "found '', expected: identifier after ','"],
    [',a', "found ',', expected: !, identifier, or 'end of string'"],
    ['a in (b', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['a in b', "unable to parse requirement: found 'b' expected: '('"],
    ['a in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ['a in (b =)', "unable to parse requirement: found '=', expected: ',' or ')'"],
    ['a in (b,=)', "unable to parse requirement: found '=', expected: ',', or identifier"],
    ['a=(', "unable to parse requirement: found '(', expected: identifier"],
    ['! =a', "unable to parse requirement: found '=', expected: identifier"],
    ['!=a', "found '!=', expected: !, identifier, or 'end of string'"],
    ['a=b c', "found 'c', expected: ',' or 'end of string'"],
    ['app:monolith', `unable to parse requirement: <nil>: Invalid value: "app:monolith": name part ${QNAME_REGEX_MSG}`],
    ['a/b/c ?=? def', `unable to parse requirement: <nil>: Invalid value: "a/b/c": a qualified name ${QNAME_REGEX_MSG} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`],
    [
      'app.kubernetes_io/name=x',
      "unable to parse requirement: <nil>: Invalid value: \"app.kubernetes_io/name\": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ],
    ['a=-x', `unable to parse requirement: values[0][a]: Invalid value: "-x": ${LABEL_VALUE_MSG}`],
  ];
  for (const [input, message] of errors) {
    it(`rejects ${JSON.stringify(input)} with upstream's message`, () => {
      const e = parseError(input);
      assert.equal(e.code, 400);
      assert.equal(e.reason, 'BadRequest');
      assert.equal(e.message, message);
    });
  }

  it('reports both a too-long and a malformed value', () => {
    const long = `${'a'.repeat(63)}-`;
    assert.equal(
      parseError(`k=${long}`).message,
      `unable to parse requirement: values[0][k]: Invalid value: "${long}": must be no more than 63 characters; ${LABEL_VALUE_MSG}`,
    );
  });
});

describe('matches', () => {
  const cases: [string, Record<string, string> | undefined, boolean][] = [
    ['', { x: 'y' }, true],
    ['', undefined, true],
    ['x=y', { x: 'y' }, true],
    ['x=y,z=w', { x: 'y', z: 'w' }, true],
    ['x!=y,z!=w', { x: 'z', z: 'a' }, true],
    ['notin=in', { notin: 'in' }, true],
    ['x', { x: 'z' }, true],
    ['!x', { y: 'z' }, true],
    ['x>1', { x: '2' }, true],
    ['x<1', { x: '0' }, true],
    ['x<1', { x: '-5' }, true],
    ['x=z', {}, false],
    ['x=z', undefined, false],
    ['x=y', { x: 'z' }, false],
    ['x=y,z=w', { x: 'w', z: 'w' }, false],
    ['x!=y,z!=w', { x: 'z', z: 'w' }, false],
    ['x', { y: 'z' }, false],
    ['!x', { x: 'z' }, false],
    ['x>1', { x: '0' }, false],
    ['x<1', { x: '2' }, false],
    ['x>1', { x: 'v2' }, false],
    ['x>1', {}, false],
    ['x!=a', {}, true],
    ['x notin (a)', {}, true],
    ['x notin ()', { y: '' }, true],
    ['x in ()', { x: '' }, true],
    ['x in ()', { y: 'baz' }, false],
    ['x in (a,b)', { x: 'b' }, true],
    ['x in (a,b)', { x: 'c' }, false],
    ['foo=bar,foobar=bar,baz=blah', { foo: 'bar', baz: 'blah' }, false],
    ['toString', {}, false],
    ['!constructor', {}, true],
  ];
  for (const [sel, labels, want] of cases) {
    it(`${JSON.stringify(sel)} on ${JSON.stringify(labels)} → ${want}`, () => assert.equal(matches(parseLabelSelector(sel), labels), want));
  }

  it('NOTHING matches nothing and EVERYTHING everything', () => {
    assert.equal(matches(NOTHING, {}), false);
    assert.equal(matches(EVERYTHING, { a: 'b' }), true);
    assert.equal(isEmpty(NOTHING), false);
    assert.equal(isEmpty(EVERYTHING), true);
    assert.equal(isEmpty(parseLabelSelector('a')), false);
  });
});

describe('requirements for indexes', () => {
  it('exposes sorted requirements', () => {
    assert.deepEqual(requirementsFor(parseLabelSelector('b in (y,x),a=1')), [
      { key: 'a', operator: '=', values: ['1'] },
      { key: 'b', operator: 'in', values: ['x', 'y'] },
    ]);
    assert.equal(requirementsFor(NOTHING), undefined);
  });

  const exact: [string, string, string | undefined][] = [
    ['app=web', 'app', 'web'],
    ['app==web', 'app', 'web'],
    ['app in (web)', 'app', 'web'],
    ['app in (web,api)', 'app', undefined],
    ['app!=web', 'app', undefined],
    ['tier=x', 'app', undefined],
    ['app', 'app', undefined],
  ];
  for (const [sel, key, want] of exact) {
    it(`requiresExactMatch(${JSON.stringify(sel)}, ${key}) = ${want}`, () => assert.equal(requiresExactMatch(parseLabelSelector(sel), key), want));
  }
});

describe('newRequirement', () => {
  const ok: [string, Parameters<typeof newRequirement>[1], string[]][] = [
    ['x', 'in', ['foo']],
    ['x', 'notin', ['foo']],
    ['x', 'exists', []],
    ['x', '!', []],
    ['1foo', 'in', ['bar']],
    ['1234', 'in', ['bar']],
    ['y', 'gt', ['1']],
    ['z', 'lt', ['6']],
  ];
  for (const [k, op, v] of ok) it(`accepts ${k} ${op} ${v}`, () => assert.doesNotThrow(() => newRequirement(k, op, v)));

  const bad: [string, Parameters<typeof newRequirement>[1], string[], string][] = [
    ['x', 'in', [], "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty"],
    ['x', '=', ['a', 'b'], 'values: Invalid value: []string{"a", "b"}: exact-match compatibility requires one single value'],
    ['x', 'exists', ['a'], 'values: Invalid value: []string{"a"}: values set must be empty for exists and does not exist'],
    ['foo', 'gt', ['bar'], `values[0]: Invalid value: "bar": for 'Gt', 'Lt' operators, the value must be an integer`],
    ['x', 'lt', ['1', '2'], `values: Invalid value: []string{"1", "2"}: for 'Gt', 'Lt' operators, exactly one value is required`],
    ['a'.repeat(254), 'exists', [], `key: Invalid value: "${'a'.repeat(254)}": name part must be no more than 63 characters`],
    [
      'a b',
      'in',
      [],
      `[key: Invalid value: "a b": name part ${QNAME_REGEX_MSG}, values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty]`,
    ],
  ];
  for (const [k, op, v, msg] of bad) {
    it(`rejects ${k.slice(0, 10)} ${op} ${JSON.stringify(v)}`, () => assert.throws(() => newRequirement(k, op, v), { message: msg }));
  }
});

describe('selectorFromLabelSelector', () => {
  it('null selects nothing, empty selects everything', () => {
    assert.equal(selectorFromLabelSelector(null), NOTHING);
    assert.equal(selectorFromLabelSelector(undefined), NOTHING);
    assert.equal(selectorFromLabelSelector({}), EVERYTHING);
    assert.equal(selectorFromLabelSelector({ matchLabels: {}, matchExpressions: [] }), EVERYTHING);
  });

  it('combines matchLabels and matchExpressions sorted by key', () => {
    const sel = selectorFromLabelSelector({
      matchLabels: { tier: 'fe', app: 'web' },
      matchExpressions: [
        { key: 'env', operator: 'NotIn', values: ['dev', 'ci'] },
        { key: 'canary', operator: 'DoesNotExist' },
        { key: 'zone', operator: 'Exists' },
        { key: 'app', operator: 'In', values: ['web'] },
      ],
    });
    assert.equal(labelSelectorToString(sel), 'app=web,app in (web),!canary,env notin (ci,dev),tier=fe,zone');
    assert.equal(matches(sel, { app: 'web', tier: 'fe', env: 'prod', zone: 'a' }), true);
    assert.equal(matches(sel, { app: 'web', tier: 'fe', env: 'dev', zone: 'a' }), false);
    assert.equal(matches(sel, { app: 'web', tier: 'fe', zone: 'a', canary: 'y' }), false);
  });

  const bad: [Parameters<typeof selectorFromLabelSelector>[0], string][] = [
    [{ matchExpressions: [{ key: 'a', operator: 'Seriously' }] }, '"Seriously" is not a valid label selector operator'],
    [{ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }, "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty"],
    [{ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, 'values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist'],
    [{ matchLabels: { app: 'demo-{nginx}' } }, `values[0][app]: Invalid value: "demo-{nginx}": ${LABEL_VALUE_MSG}`],
  ];
  for (const [obj, msg] of bad) {
    it(`throws 400 ${msg.slice(0, 40)}…`, () => assert.throws(() => selectorFromLabelSelector(obj), (e: unknown) => e instanceof StatusError && e.code === 400 && e.message === msg));
  }
});

describe('selectorFromSet and formatLabelSelector', () => {
  it('selectorFromSet matches exactly the set', () => {
    const sel = selectorFromSet({ foo: 'bar', baz: 'blah' });
    assert.equal(labelSelectorToString(sel), 'baz=blah,foo=bar');
    assert.equal(matches(sel, { foo: 'bar', baz: 'blah', x: 'y' }), true);
    assert.equal(matches(sel, { foo: 'bar' }), false);
    assert.equal(selectorFromSet(null), EVERYTHING);
    assert.equal(isEmpty(selectorFromSet({})), true);
  });

  it('formats selectors as status.selector does', () => {
    assert.equal(formatLabelSelector({ matchLabels: { app: 'web' } }), 'app=web');
    assert.equal(formatLabelSelector({ matchExpressions: [{ key: 'x', operator: 'In', values: ['b', 'a'] }] }), 'x in (a,b)');
    assert.equal(formatLabelSelector({}), '');
    assert.equal(formatLabelSelector(null), '');
  });
});

describe('validateLabelSelector', () => {
  it('accepts a valid selector and null', () => {
    assert.deepEqual(validateLabelSelector({ matchLabels: { a: 'b' }, matchExpressions: [{ key: 'c', operator: 'Exists' }] }, 'spec.selector'), []);
    assert.deepEqual(validateLabelSelector(null, 'spec.selector'), []);
  });

  it('reports each problem with its path', () => {
    const errs = validateLabelSelector(
      {
        matchLabels: { 'a b': 'c' },
        matchExpressions: [
          { key: 'x', operator: 'In' },
          { key: 'y', operator: 'Exists', values: ['1'] },
          { key: 'z', operator: 'Bogus' },
        ],
      },
      'spec.selector',
    );
    assert.deepEqual(
      errs.map((e) => [e.type, e.field, e.detail]),
      [
        ['FieldValueInvalid', 'spec.selector.matchLabels', `name part ${QNAME_REGEX_MSG}`],
        ['FieldValueRequired', 'spec.selector.matchExpressions[0].values', "must be specified when `operator` is 'In' or 'NotIn'"],
        ['FieldValueForbidden', 'spec.selector.matchExpressions[1].values', "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"],
        ['FieldValueInvalid', 'spec.selector.matchExpressions[2].operator', 'not a valid selector operator'],
      ],
    );
  });
});
