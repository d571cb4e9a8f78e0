import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonObject } from '../json.js';
import { FieldSet, fieldElement as f, keyElement, pathString, valueElement } from './fieldpath.js';
import { mergeValues } from './merge.js';
import { DEDUCED, SCALAR, builtinApplySchema, type ApplyType, type ListType, type MapType } from './schema.js';
import { compare, ensureNamedFieldsAreMembers, fieldsOf, removeFields, type TypedValueError } from './typed.js';

const DEPLOYMENT = builtinApplySchema({ group: 'apps', version: 'v1', kind: 'Deployment' }).root;
const POD = builtinApplySchema({ group: '', version: 'v1', kind: 'Pod' }).root;
const strs = (s: FieldSet) => s.paths().map(pathString);

function struct(fields: Record<string, ApplyType>): MapType {
  return { kind: 'map', atomic: false, field: (n) => fields[n] };
}
function list(listType: ListType['listType'], elements: ApplyType, keys: string[] = []): ListType {
  return { kind: 'list', listType, keys, elements, keyDefault: () => undefined };
}

// Schemas of structured-merge-diff's typed/merge_test.go cases.
const SET_ROOT = struct({ setStr: list('set', SCALAR), setBool: list('set', SCALAR), setNumeric: list('set', SCALAR) });
const ELEMENT = struct({ key: SCALAR, id: SCALAR, value: { kind: 'map', atomic: false, field: () => undefined, elements: SCALAR }, bv: SCALAR, nv: SCALAR });
const ASSOC_ROOT = struct({ list: list('map', ELEMENT, ['key', 'id']), atomicList: list('atomic', SCALAR) });

describe('mergeValues', () => {
  // [lhs (live), rhs (applied), merged] from upstream's merge tests.
  const setCases: [string, string, string][] = [
    ['{"setStr":["a","b","c"]}', '{"setStr":["a","b"]}', '{"setStr":["a","b","c"]}'],
    ['{"setStr":["a","b"]}', '{"setStr":["b","a"]}', '{"setStr":["b","a"]}'],
    ['{"setStr":["a","b","c"]}', '{"setStr":[]}', '{"setStr":["a","b","c"]}'],
    ['{"setStr":["a","b","c","g","f"]}', '{"setStr":["c","d","e","f"]}', '{"setStr":["a","b","c","g","d","e","f"]}'],
    ['{"setStr":["c","d","e","f"]}', '{"setStr":["a","c","e"]}', '{"setStr":["a","c","d","e","f"]}'],
    ['{"setStr":["a","b","c","x","y","z"]}', '{"setStr":["d","e","f","x","y","z"]}', '{"setStr":["a","b","c","d","e","f","x","y","z"]}'],
    ['{"setStr":["c","a","g","f"]}', '{"setStr":["c","f","a","g"]}', '{"setStr":["c","f","a","g"]}'],
    ['{"setStr":["a","b","c","d"]}', '{"setStr":["d","e","f","a"]}', '{"setStr":["b","c","d","e","f","a"]}'],
    ['{"setStr":["c","d","e","f","g","h","i","j"]}', '{"setStr":["2","h","3","e","4","k","l"]}', '{"setStr":["c","d","f","g","2","h","i","j","3","e","4","k","l"]}'],
    [
      '{"setStr":["a","b","c","d","e","f","g","h","i","j"]}',
      '{"setStr":["1","b","2","h","3","e","4","k","l"]}',
      '{"setStr":["a","1","b","c","d","f","g","2","h","i","j","3","e","4","k","l"]}',
    ],
    ['{"setBool":[true]}', '{"setBool":[false]}', '{"setBool":[true,false]}'],
    ['{"setNumeric":[1,2,3.14159]}', '{"setNumeric":[1,2,3]}', '{"setNumeric":[1,2,3.14159,3]}'],
  ];
  for (const [l, r, out] of setCases) {
    it(`set ${l} + ${r}`, () => assert.deepEqual(mergeValues(JSON.parse(l), JSON.parse(r), SET_ROOT), JSON.parse(out)));
  }

  const assocCases: [string, string, string][] = [
    ['{"list":[{"key":"a","id":1,"value":{"a":"a"}}]}', '{"list":[{"key":"a","id":2,"value":{"a":"a"}}]}', '{"list":[{"key":"a","id":1,"value":{"a":"a"}},{"key":"a","id":2,"value":{"a":"a"}}]}'],
    ['{"list":[{"key":"b","id":2}]}', '{"list":[{"key":"a","id":1},{"key":"b","id":2},{"key":"c","id":3}]}', '{"list":[{"key":"a","id":1},{"key":"b","id":2},{"key":"c","id":3}]}'],
    ['{"list":[{"key":"a","id":1},{"key":"b","id":2},{"key":"c","id":3}]}', '{"list":[{"key":"c","id":3},{"key":"b","id":2}]}', '{"list":[{"key":"a","id":1},{"key":"c","id":3},{"key":"b","id":2}]}'],
    ['{"list":[{"key":"a","id":1},{"key":"b","id":2},{"key":"c","id":3}]}', '{"list":[{"key":"c","id":3},{"key":"a","id":1}]}', '{"list":[{"key":"b","id":2},{"key":"c","id":3},{"key":"a","id":1}]}'],
    ['{"atomicList":["a","b","c"]}', '{"atomicList":[]}', '{"atomicList":[]}'],
    ['{"atomicList":["a","a","a"]}', '{"atomicList":null}', '{"atomicList":null}'],
  ];
  for (const [l, r, out] of assocCases) {
    it(`associative ${l} + ${r}`, () => assert.deepEqual(mergeValues(JSON.parse(l), JSON.parse(r), ASSOC_ROOT), JSON.parse(out)));
  }

  it('keeps {} and null apart, and a null granular struct keeps the live one', () => {
    const t = struct({ inner: struct({ value: SCALAR }) });
    assert.deepEqual(mergeValues({ inner: {} }, { inner: null }, t), { inner: null });
    assert.deepEqual(mergeValues({ inner: null }, { inner: {} }, t), { inner: {} });
    assert.deepEqual(mergeValues({ inner: { value: 1 } }, { inner: null }, t), { inner: { value: 1 } });
  });

  it('merges containers by name and their ports by containerPort+protocol', () => {
    const live: JsonObject = { spec: { containers: [{ name: 'a', image: 'x:1', ports: [{ containerPort: 80, protocol: 'TCP', name: 'http' }] }, { name: 'b', image: 'y' }] } };
    const applied = { spec: { containers: [{ name: 'a', image: 'x:2', ports: [{ containerPort: 80 }, { containerPort: 443 }] }] } };
    assert.deepEqual(mergeValues(live, applied, POD), {
      spec: {
        containers: [
          { name: 'a', image: 'x:2', ports: [{ containerPort: 80, protocol: 'TCP', name: 'http' }, { containerPort: 443 }] },
          { name: 'b', image: 'y' },
        ],
      },
    });
  });
});

describe('fieldsOf', () => {
  it('records leaves, atomic values, map keys and list items; struct fields only as parents', () => {
    const obj: JsonObject = {
      metadata: { labels: { app: 'web' }, finalizers: ['a.io/x'] },
      spec: {
        nodeSelector: { disk: 'ssd' },
        containers: [{ name: 'web', image: 'nginx', args: ['-g'], resources: { limits: { cpu: '1' } } }],
      },
    };
    assert.deepEqual(strs(fieldsOf(obj, POD)), [
      '.metadata.finalizers[="a.io/x"]',
      '.metadata.labels.app',
      '.spec.nodeSelector',
      '.spec.containers[name="web"]',
      '.spec.containers[name="web"].args',
      '.spec.containers[name="web"].image',
      '.spec.containers[name="web"].name',
      '.spec.containers[name="web"].resources.limits.cpu',
    ]);
  });

  it('an object without schema: every key is a member, lists are leaves', () => {
    const s = fieldsOf({ spec: { a: 1, b: { c: [1, 2] } } }, DEDUCED);
    assert.deepEqual(s.toFieldsV1(), { 'f:spec': { '.': {}, 'f:a': {}, 'f:b': { '.': {}, 'f:c': {} } } });
  });

  it('a declared struct set to null or {} records nothing; a scalar set to null is owned', () => {
    assert.deepEqual(strs(fieldsOf({ spec: { strategy: {}, paused: null, selector: null } }, DEPLOYMENT)), ['.spec.paused', '.spec.selector']);
  });

  it('reports what upstream refuses to type, with its paths and words', () => {
    const errors: TypedValueError[] = [];
    fieldsOf(
      {
        spec: {
          foo: 1,
          containers: [{ name: 'a', env: [{ name: 'X' }, { name: 'X' }] }, { image: 'no-name' }, { name: 'b', ports: [{ protocol: 'UDP' }] }],
        },
      },
      POD,
      errors,
    );
    assert.deepEqual(errors.map((e) => `${e.path}: ${e.message}`), [
      '.spec.foo: field not declared in schema',
      '.spec.containers[name="a"].env: duplicate entries for key [name="X"]',
      '.spec.containers: element 1: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)',
      '.spec.containers[name="b"].ports: element 0: associative list with keys has an element that omits key field "containerPort" (and doesn\'t have default value)',
    ]);
  });
});

describe('compare', () => {
  it('leaves are added, modified or removed; new maps and items are added as nodes too', () => {
    const c = compare(
      { metadata: { labels: { a: '1', b: '2' } }, spec: { replicas: 1 } },
      { metadata: { labels: { a: '9' }, annotations: { n: 'x' } }, spec: { replicas: 1, paused: true } },
      DEPLOYMENT,
    );
    assert.deepEqual(strs(c.added), ['.metadata.annotations', '.metadata.annotations.n', '.spec.paused']);
    assert.deepEqual(strs(c.modified), ['.metadata.labels.a']);
    assert.deepEqual(strs(c.removed), ['.metadata.labels.b']);
  });

  it('an empty struct is a leaf of its own', () => {
    const c = compare({ spec: {} }, { spec: { template: { spec: { securityContext: {} } } } }, DEPLOYMENT);
    assert.deepEqual(strs(c.added), ['.spec.template', '.spec.template.spec', '.spec.template.spec.securityContext']);
  });
});

describe('removeFields and ensureNamedFieldsAreMembers', () => {
  it('removes members with their subtrees and drops what becomes empty', () => {
    const set = FieldSet.fromPaths([
      [f('metadata'), f('labels'), f('a')],
      [f('spec'), f('containers'), keyElement([['name', 'b']])],
      [f('metadata'), f('finalizers'), valueElement('x')],
    ]);
    const obj = { metadata: { name: 'p', labels: { a: '1' }, finalizers: ['x', 'y'] }, spec: { containers: [{ name: 'a' }, { name: 'b' }] } };
    assert.deepEqual(removeFields(obj, set, POD), { metadata: { name: 'p', finalizers: ['y'] }, spec: { containers: [{ name: 'a' }] } });
  });

  it('makes declared struct fields with children members, not map keys', () => {
    const s = FieldSet.fromPaths([[f('metadata'), f('labels'), f('app')], [f('spec'), f('nodeSelector')]]);
    assert.deepEqual(strs(ensureNamedFieldsAreMembers(s, POD)), ['.metadata', '.spec', '.metadata.labels', '.metadata.labels.app', '.spec.nodeSelector']);
  });
});

