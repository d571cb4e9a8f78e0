import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fieldErrorText } from '../errors.js';
import { compileRule, validateRules } from './cel.js';
import { newStructural } from './structural.js';
import { cronTabSchema } from './testdata.js';
import type { JSONSchemaProps } from './types.js';

const schema = (s: JSONSchemaProps) => newStructural(s);
const errors = (s: JSONSchemaProps, obj: unknown, old?: unknown) => validateRules(schema(s), obj, old).map(fieldErrorText);

describe('compileRule', () => {
  const cases: [string, string | undefined][] = [
    ['self.replicas <= 5', undefined],
    ['self.x >', 'compilation failed: ERROR: <input>:1:9: Unexpected token: EOF\n | self.x >\n | ........^'],
    ['self.size() + 1', 'cel expression must evaluate to a bool'],
    ['self.tags.isSorted() && self.tags.sum() > 0 && self.name.charAt(0) == "a"', undefined],
    ["self.host.matches('^[a-z]+$') && url(self.u).getScheme() == 'https' && isQuantity(self.q)", undefined],
    ["sets.contains(self.a, ['x']) && strings.quote(self.s) != '' && self.s.replace('a', 'b') != ''", undefined],
    ['self.all(k, k.startsWith("x")) && has(self.spec) && self.?opt.orValue(1) == 1', undefined],
  ];
  for (const [rule, want] of cases) it(rule, () => assert.equal(compileRule({ rule }).error, want));

  it('says which Kubernetes function is unsupported', () => {
    const err = compileRule({ rule: 'isIP(self.addr)' }).error ?? '';
    assert.match(err, /^compilation failed: ERROR: <input>:1:1: found no matching overload for 'isIP\(dyn\)'/);
    assert.match(err, /'isIP' of the Kubernetes CEL libraries is not supported by this server/);
  });

  it('notes transition rules and compiles message expressions', () => {
    const c = compileRule({ rule: 'self == oldSelf', messageExpression: '"was " + string(oldSelf)' });
    assert.equal(c.usesOldSelf, true);
    assert.ok(c.message);
    assert.match(compileRule({ rule: 'true', messageExpression: '1 +' }).messageError ?? '', /^messageExpression compilation failed: ERROR/);
  });
});

describe('validateRules', () => {
  it('the CronTab rule: message, path and schema type', () => {
    assert.deepEqual(errors(cronTabSchema(), { spec: { replicas: 3 } }), []);
    assert.deepEqual(errors(cronTabSchema(), { spec: { replicas: 7, image: '' } }), ['spec: Invalid value: "object": large crontabs need an image']);
  });

  it('failed rule text, root path, reasons, fieldPath and messageExpression', () => {
    const s: JSONSchemaProps = {
      type: 'object',
      'x-kubernetes-validations': [{ rule: "self.metadata.name.startsWith('ok')" }],
      properties: {
        spec: {
          type: 'object',
          'x-kubernetes-validations': [
            { rule: 'self.min <= self.max', messageExpression: "'min ' + string(self.min) + ' exceeds max ' + string(self.max)" },
            { rule: 'has(self.name)', reason: 'FieldValueRequired', fieldPath: '.name', message: 'name is required' },
          ],
          properties: {
            min: { type: 'integer' },
            max: { type: 'integer' },
            name: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self.size() < 3', reason: 'FieldValueForbidden' }] },
            ratio: { type: 'number', 'x-kubernetes-validations': [{ rule: 'self < 1.0' }] },
          },
        },
      },
    };
    assert.deepEqual(errors(s, { metadata: { name: 'bad', namespace: 'x' }, spec: { min: 5, max: 2, ratio: 2 } }), [
      `<nil>: Invalid value: "object": failed rule: self.metadata.name.startsWith('ok')`,
      'spec: Invalid value: "object": min 5 exceeds max 2',
      'spec.name: Required value: name is required',
      'spec.ratio: Invalid value: "number": failed rule: self < 1.0',
    ]);
    assert.deepEqual(errors(s, { metadata: { name: 'ok' }, spec: { min: 1, max: 2, name: 'long' } }), ['spec.name: Forbidden: failed rule: self.size() < 3']);
  });

  it('runtime errors name the rule', () => {
    const s: JSONSchemaProps = { type: 'object', properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, 'x-kubernetes-validations': [{ rule: 'self.foo == 1' }] } } };
    assert.deepEqual(errors(s, { spec: {} }), ['spec: Invalid value: "object": no such key: foo evaluating rule: self.foo == 1']);
  });

  it('transition rules run only with a correlated old value', () => {
    const s: JSONSchemaProps = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            mode: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'mode is immutable' }] },
            ports: {
              type: 'array',
              'x-kubernetes-list-type': 'map',
              'x-kubernetes-list-map-keys': ['name'],
              items: { type: 'object', properties: { name: { type: 'string' }, port: { type: 'integer', 'x-kubernetes-validations': [{ rule: 'self >= oldSelf', message: 'may only grow' }] } } },
            },
          },
        },
      },
    };
    assert.deepEqual(errors(s, { spec: { mode: 'a', ports: [{ name: 'x', port: 1 }] } }), [], 'create: no oldSelf');
    assert.deepEqual(errors(s, { spec: { mode: 'b', ports: [{ name: 'y', port: 1 }, { name: 'x', port: 5 }] } }, { spec: { mode: 'a', ports: [{ name: 'x', port: 8 }] } }), [
      'spec.mode: Invalid value: "string": mode is immutable',
      'spec.ports[1].port: Invalid value: "integer": may only grow',
    ]);
  });
});
