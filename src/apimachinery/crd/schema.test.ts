import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fieldErrorText } from '../errors.js';
import { defaultCustomObject } from './defaults.js';
import { pruneCustomObject } from './prune.js';
import { newStructural, validateStructural } from './structural.js';
import { cronTabSchema } from './testdata.js';
import type { JSONSchemaProps } from './types.js';
import { validateAgainstSchema, validateCustomObject } from './validate.js';

const P = 'spec.validation.openAPIV3Schema';
const structuralErrors = (s: JSONSchemaProps) => validateStructural(P, newStructural(s)).map(fieldErrorText);

describe('validateStructural', () => {
  const cases: [string, JSONSchemaProps, string[]][] = [
    ['the CronTab schema is structural', cronTabSchema(), []],
    [
      'a field without type',
      { type: 'object', properties: { spec: { properties: { a: { type: 'string' } } } } },
      [`${P}.properties[spec].type: Required value: must not be empty for specified object fields`],
    ],
    ['no type at the root', { properties: { spec: { type: 'object' } } }, [`${P}.type: Required value: must not be empty at the root`]],
    ['root must be object', { type: 'string' }, [`${P}.type: Invalid value: "string": must be object at the root`]],
    [
      'array items without type, and an array without items',
      { type: 'object', properties: { a: { type: 'array', items: {} }, b: { type: 'array' } } },
      [`${P}.properties[a].items.type: Required value: must not be empty for specified array items`, `${P}.properties[b].items: Required value: must be specified`],
    ],
    [
      'types in a junctor, and a property only constrained there',
      { type: 'object', properties: { a: { type: 'string' } }, anyOf: [{ type: 'object' }, { properties: { b: { minLength: 1 } } }] },
      [`${P}.anyOf[0].type: Forbidden: must be empty to be structural`, `${P}.properties[b]: Required value: because it is defined in ${P}.anyOf[1].properties[b]`],
    ],
    ['the int-or-string pattern', { type: 'object', properties: { p: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] } } }, []],
    [
      'metadata restricted to name and generateName',
      { type: 'object', properties: { metadata: { type: 'object', properties: { labels: { type: 'object' } } } } },
      [`${P}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`],
    ],
    ['metadata.name constraints are fine', { type: 'object', properties: { metadata: { type: 'object', properties: { name: { type: 'string', maxLength: 10 } } } } }, []],
    ['additionalProperties at the root', { type: 'object', additionalProperties: { type: 'string' } }, [`${P}.additionalProperties: Forbidden: must not be used at the root`]],
    [
      'embedded resource needs object and properties',
      { type: 'object', properties: { t: { type: 'string', 'x-kubernetes-embedded-resource': true } } },
      [
        `${P}.properties[t].properties: Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields`,
        `${P}.properties[t].type: Invalid value: "string": must be object if x-kubernetes-embedded-resource is true`,
      ],
    ],
    ['preserve-unknown-fields needs no type', { type: 'object', properties: { x: { 'x-kubernetes-preserve-unknown-fields': true } } }, []],
  ];
  for (const [name, schema, want] of cases) it(name, () => assert.deepEqual(structuralErrors(schema), want));
});

describe('validateAgainstSchema', () => {
  const schema = cronTabSchema();
  const check = (obj: unknown) => validateAgainstSchema(schema, obj).map(fieldErrorText);
  const cases: [string, unknown, string[]][] = [
    ['valid', { spec: { cronSpec: '* * * * */5', replicas: 3 } }, []],
    ['integer type', { spec: { replicas: 'string' } }, ['spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"']],
    ['integer, not number', { spec: { replicas: 1.5 } }, ['spec.replicas: Invalid value: "number": spec.replicas in body must be of type integer: "number"']],
    ['maximum', { spec: { replicas: 11 } }, ['spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10']],
    ['minimum', { spec: { replicas: 0 } }, ['spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1']],
    ['pattern', { spec: { cronSpec: 'x' } }, [`spec.cronSpec: Invalid value: "x": spec.cronSpec in body should match '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$'`]],
    ['null is not an object', { spec: null }, ['spec: Invalid value: "null": spec in body must be of type object: "null"']],
    ['required in list items', { status: { conditions: [{ status: 'True' }] } }, ['status.conditions[0].type: Required value']],
  ];
  for (const [name, obj, want] of cases) it(name, () => assert.deepEqual(check(obj), want));

  it('enum, lengths, items, properties, formats, nullable and int-or-string', () => {
    const s: JSONSchemaProps = {
      type: 'object',
      properties: {
        mode: { type: 'string', enum: ['a', 'b'] },
        name: { type: 'string', maxLength: 3, minLength: 2 },
        tags: { type: 'array', maxItems: 1, items: { type: 'string' } },
        labels: { type: 'object', maxProperties: 1, additionalProperties: { type: 'integer' } },
        at: { type: 'string', format: 'date-time' },
        opt: { type: 'string', nullable: true },
        port: { 'x-kubernetes-int-or-string': true },
      },
    };
    const errs = validateAgainstSchema(s, { mode: 'c', name: 'abcd', tags: ['x', 'y'], labels: { a: 1, b: 'x' }, at: 'yesterday', opt: null, port: true }).map(fieldErrorText);
    assert.deepEqual(errs, [
      'mode: Unsupported value: "c": supported values: "a", "b"',
      'name: Too long: must have at most 3 bytes',
      'tags: Too many: 2: must have at most 1 item',
      'labels: Too many: 2: must have at most 1 item',
      'labels.b: Invalid value: "string": labels.b in body must be of type integer: "string"',
      'at: Invalid value: "yesterday": at in body must be of type date-time: "yesterday"',
      'port: Invalid value: "boolean": port in body must be of type integer,string: "boolean"',
    ]);
  });

  it('a default is checked from its own path', () => {
    assert.deepEqual(validateAgainstSchema({ type: 'integer' }, 'x', `${P}.default`).map(fieldErrorText), [
      `${P}.default: Invalid value: "string":  in body must be of type integer: "string"`,
    ]);
  });
});

describe('validateCustomObject', () => {
  it('list-map keys are unique and embedded resources carry TypeMeta', () => {
    const s = newStructural({
      type: 'object',
      properties: {
        status: cronTabSchema().properties!.status!,
        tpl: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
        set: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
      },
    });
    const errs = validateCustomObject(s, {
      status: { conditions: [{ type: 'Ready' }, { type: 'Ready' }] },
      tpl: { kind: 'Pod', metadata: { name: 'a/b' } },
      set: ['a', 'a'],
    }).map(fieldErrorText);
    assert.deepEqual(errs, [
      'tpl.apiVersion: Required value',
      `tpl.metadata.name: Invalid value: "a/b": may not contain '/'`,
      'status.conditions[1]: Duplicate value: map[string]interface {}{"type":"Ready"}',
      'set[1]: Duplicate value: "a"',
    ]);
  });
});

describe('pruneCustomObject and defaults', () => {
  const s = newStructural({
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          replicas: { type: 'integer', default: 1 },
          template: { type: 'object', default: {}, properties: { image: { type: 'string', default: 'nginx' }, pullPolicy: { type: 'string' } } },
          extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'object', properties: { a: { type: 'string' } } } } },
          items: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
        },
      },
    },
  });

  it('drops unknown fields and reports their paths', () => {
    const obj = {
      apiVersion: 'x/v1',
      kind: 'X',
      metadata: { name: 'a', bogus: 1 },
      spec: { replicas: 2, foo: 1, extra: { anything: { goes: true }, known: { a: 'x', b: 'y' } }, items: [{ name: 'a', bar: 1 }] },
      status: {},
    };
    const { pruned, unknown } = pruneCustomObject(obj, s);
    assert.deepEqual(unknown, ['metadata.bogus', 'spec.foo', 'spec.extra.known.b', 'spec.items[0].bar', 'status']);
    assert.deepEqual(pruned, {
      apiVersion: 'x/v1',
      kind: 'X',
      metadata: { name: 'a' },
      spec: { replicas: 2, extra: { anything: { goes: true }, known: { a: 'x' } }, items: [{ name: 'a' }] },
    });
    assert.equal((obj.metadata as Record<string, unknown>).bogus, 1, 'the input is not changed');
  });

  it('applies defaults, also nested under a defaulted object, and replaces non-nullable nulls', () => {
    const obj: Record<string, unknown> = { spec: { replicas: null } };
    defaultCustomObject(obj, s);
    assert.deepEqual(obj, { spec: { replicas: 1, template: { image: 'nginx' } } });
  });
});
