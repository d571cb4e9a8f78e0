import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cronTabCRD } from '../../../apimachinery/crd/testdata.js';
import type { CustomResourceDefinition, JSONSchemaProps } from '../../../apimachinery/crd/types.js';
import { cells, created, createErrors, NOW, updateErrors } from '../core/strategy-test-helpers.js';
import type { KObject } from '../resource.js';
import { crdAcceptedStatus, crdToResourceDefs, customResourceDefinitions, openapiSchemaFor } from './index.js';

const crd = (edit: (c: CustomResourceDefinition) => void = () => {}): KObject => {
  const c = cronTabCRD();
  edit(c);
  return c as KObject;
};
const v0 = (c: CustomResourceDefinition) => c.spec!.versions![0]!;
const schemaOf = (c: CustomResourceDefinition) => v0(c).schema!.openAPIV3Schema!;
const spec = (c: CustomResourceDefinition) => schemaOf(c).properties!.spec!;

describe('CustomResourceDefinition validation', () => {
  const cases: [string, KObject, string[]][] = [
    ['the CronTab CRD of the docs', crd(), []],
    [
      'a non-structural schema (one version: reported at spec.validation, as upstream)',
      crd((c) => delete spec(c).type),
      ['spec.validation.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields'],
    ],
    [
      'a non-structural schema in one of two versions with different schemas',
      crd((c) => {
        const v2 = structuredClone(v0(c));
        v2.name = 'v2';
        v2.storage = false;
        delete v2.schema!.openAPIV3Schema!.properties!.spec!.type;
        c.spec!.versions!.push(v2);
      }),
      ['spec.versions[1].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields'],
    ],
    [
      'the name must be <plural>.<group>',
      crd((c) => (c.metadata!.name = 'crontab.stable.example.com')),
      ['metadata.name: Invalid value: "crontab.stable.example.com": must be spec.names.plural+"."+spec.group'],
    ],
    ['scope', crd((c) => (c.spec!.scope = 'Global')), ['spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"']],
    [
      'additionalProperties with properties',
      crd((c) => (spec(c).additionalProperties = { type: 'string' })),
      ['spec.validation.openAPIV3Schema.properties[spec].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive'],
    ],
    [
      'a default of the wrong type',
      crd((c) => (spec(c).properties!.replicas!.default = 'one')),
      ['spec.validation.openAPIV3Schema.properties[spec].properties[replicas].default: Invalid value: "string":  in body must be of type integer: "string"'],
    ],
    [
      'printer columns and selectable fields',
      crd((c) => {
        v0(c).additionalPrinterColumns = [{ name: 'X', type: 'float', jsonPath: 'spec.x' }];
        v0(c).selectableFields = [{ jsonPath: '.spec.replicas' }, { jsonPath: '.metadata.name' }, { jsonPath: '.spec' }, { jsonPath: '.spec.nope' }];
      }),
      [
        'spec.additionalPrinterColumns[0].type: Invalid value: "float": must be one of boolean,date,integer,number,string',
        'spec.additionalPrinterColumns[0].JSONPath: Invalid value: "spec.x": must be a simple json path starting with .',
        'spec.selectableFields[1].jsonPath: Invalid value: ".metadata.name": is an invalid path: does not refer to a valid field',
        'spec.selectableFields[2].jsonPath: Invalid value: ".spec": must point to a field of type string, boolean or integer. Enum string fields and strings with formats are allowed.',
        'spec.selectableFields[3].jsonPath: Invalid value: ".spec.nope": is an invalid path: does not refer to a valid field',
      ],
    ],
    [
      'a scale path outside .spec',
      crd((c) => (v0(c).subresources!.scale!.specReplicasPath = '.status.replicas')),
      ['spec.subresources.scale.specReplicasPath: Invalid value: ".status.replicas": should be a json path under .spec'],
    ],
  ];
  for (const [name, obj, want] of cases) it(name, () => assert.deepEqual(createErrors(customResourceDefinitions, obj), want));

  it('two storage versions', () => {
    const obj = crd((c) => c.spec!.versions!.push({ ...structuredClone(v0(c)), name: 'v2' }));
    const errs = createErrors(customResourceDefinitions, obj);
    assert.equal(errs.length, 2);
    assert.equal(errs[1], 'status.storedVersions: Invalid value: []string{"v1"}: must have the storage version v2');
    assert.match(errs[0]!, /^spec\.versions: Invalid value: \[\]apiextensions\.CustomResourceDefinitionVersion\{apiextensions\.CustomResourceDefinitionVersion\{Name:"v1", Served:true, Storage:true, .*\}: must have exactly one version marked as storage version$/);
  });

  it('an invalid CEL rule is a compilation error naming the rule', () => {
    const errs = createErrors(customResourceDefinitions, crd((c) => (spec(c)['x-kubernetes-validations'] = [{ rule: 'self.replicas >' }])));
    assert.deepEqual(errs, [
      'spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule: Invalid value: apiextensions.ValidationRule{Rule:"self.replicas >", Message:"", MessageExpression:"", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:"", OptionalOldSelf:(*bool)(nil)}: compilation failed: ERROR: <input>:1:16: Unexpected token: EOF\n | self.replicas >\n | ...............^',
    ]);
  });

  it('a rule that does not type-check against the schema is rejected as cel-go does', () => {
    const rule = (r: string) => createErrors(customResourceDefinitions, crd((c) => (spec(c)['x-kubernetes-validations'] = [{ rule: r }])));
    const value = (r: string) => `apiextensions.ValidationRule{Rule:${JSON.stringify(r)}, Message:"", MessageExpression:"", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:"", OptionalOldSelf:(*bool)(nil)}`;
    const at = 'spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule: Invalid value: ';
    assert.deepEqual(rule('self.nosuchfield > 0'), [
      `${at}${value('self.nosuchfield > 0')}: compilation failed: ERROR: <input>:1:5: undefined field 'nosuchfield'\n | self.nosuchfield > 0\n | ....^`,
    ]);
    assert.deepEqual(rule("self.replicas + 'a' > 0"), [
      `${at}${value("self.replicas + 'a' > 0")}: compilation failed: ERROR: <input>:1:15: found no matching overload for '_+_' applied to '(int, string)'\n | self.replicas + 'a' > 0\n | ..............^`,
    ]);
    assert.match(rule("self.replicas + 'a'")[0]!, /compilation failed: ERROR: <input>:1:15: found no matching overload for '_\+_' applied to '\(int, string\)'/);
    // Valid rules over the schema's fields, and comparisons of whole objects, pass.
    assert.deepEqual(rule('self.replicas >= 0 && self.cronSpec.size() > 0 && self == oldSelf'), []);
  });

  it('oldSelf only where values correlate; group and plural are immutable', () => {
    const errs = createErrors(
      customResourceDefinitions,
      crd((c) => (schemaOf(c).properties!.tags = { type: 'array', items: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self == oldSelf' }] } } as JSONSchemaProps)),
    );
    assert.deepEqual(errs, ['spec.validation.openAPIV3Schema.properties[tags].items.x-kubernetes-validations[0].rule: Invalid value: "self == oldSelf": oldSelf cannot be used on the uncorrelatable portion of the schema within spec.validation.openAPIV3Schema.properties[tags]']);
    const old = created(customResourceDefinitions, crd());
    assert.deepEqual(updateErrors(customResourceDefinitions, old, crd((c) => (c.spec!.group = 'other.example.com'))), [
      'metadata.name: Invalid value: "crontabs.stable.example.com": must be spec.names.plural+"."+spec.group',
      'spec.group: Invalid value: "other.example.com": field is immutable',
    ]);
  });
});

describe('CustomResourceDefinition status and table', () => {
  it('is accepted and established on create, with v1 defaults', () => {
    const c = created(customResourceDefinitions, crd()) as CustomResourceDefinition;
    assert.equal(c.spec!.names!.listKind, 'CronTabList');
    assert.deepEqual(c.spec!.conversion, { strategy: 'None' });
    assert.deepEqual(c.status!.storedVersions, ['v1']);
    assert.deepEqual(c.status!.acceptedNames, { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', shortNames: ['ct'], listKind: 'CronTabList' });
    assert.deepEqual(
      c.status!.conditions!.map((x) => [x.type, x.status, x.reason, x.lastTransitionTime]),
      [
        ['NamesAccepted', 'True', 'NoConflicts', '2025-01-01T12:00:00Z'],
        ['Established', 'True', 'InitialNamesAccepted', '2025-01-01T12:00:00Z'],
      ],
    );
    assert.deepEqual(cells(customResourceDefinitions, c), { 'Created At': '2025-01-01T11:59:00Z' });
  });

  it('reports a name another CRD of the group holds', () => {
    const other = created(customResourceDefinitions, crd((c) => (c.metadata!.name = 'other.stable.example.com'))) as CustomResourceDefinition;
    const st = crdAcceptedStatus(cronTabCRD(), NOW, [other]);
    assert.deepEqual(st.conditions?.map((x) => [x.type, x.status, x.reason, x.message]), [['NamesAccepted', 'False', 'PluralConflict', '"crontabs" is already in use']]);
  });
});

describe('serving a CRD', () => {
  const stored = created(customResourceDefinitions, crd()) as CustomResourceDefinition;
  const [def] = crdToResourceDefs(stored);

  it('describes the resource', () => {
    assert.ok(def);
    assert.deepEqual([def.group, def.version, def.kind, def.plural, def.singular, def.namespaced, def.shortNames, def.generation], ['stable.example.com', 'v1', 'CronTab', 'crontabs', 'crontab', true, ['ct'], true]);
    assert.deepEqual(def.subresources, { status: true, scale: { specReplicasPath: ['spec', 'replicas'], statusReplicasPath: ['status', 'replicas'], labelSelectorPath: ['status', 'labelSelector'] } });
    assert.deepEqual(Object.keys(def.selectableFields ?? {}), ['spec.cronSpec']);
    assert.deepEqual(def.printerColumns?.map((c) => c.name), ['Spec', 'Replicas', 'Ready', 'Age']);
  });

  it('prunes, defaults and validates a custom object', () => {
    const obj: KObject = { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'my-new-cron-object', namespace: 'default' }, spec: { image: 'my-awesome-cron-image', someRandomField: 42 } };
    assert.deepEqual(def!.crd.prune(obj).unknown, ['spec.someRandomField']);
    const out = created(def!, obj);
    assert.deepEqual(out.spec, { image: 'my-awesome-cron-image', cronSpec: '5 0 * * *', replicas: 1 });
    assert.deepEqual(createErrors(def!, obj), []);
    assert.deepEqual(cells(def!, out), { Spec: '5 0 * * *', Replicas: 1, Ready: null, Age: '60s' });
    assert.equal(def!.selectableFields!['spec.cronSpec']!(out), '5 0 * * *');
  });

  it('reports schema and rule errors with upstream paths', () => {
    assert.deepEqual(createErrors(def!, { metadata: { name: 'x' }, spec: { replicas: 'many' } }), [
      'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
      '.spec.replicas: Invalid value: 0: .spec.replicas accessor error: many is of the type string, expected int64',
      'spec: Invalid value: "object": no such key: image evaluating rule: large crontabs need an image',
    ]);
    assert.deepEqual(createErrors(def!, { metadata: { name: 'x' }, spec: { replicas: 8, image: '' } }), ['spec: Invalid value: "object": large crontabs need an image']);
  });

  it('publishes OpenAPI schemas with the group-version-kind', () => {
    const s = openapiSchemaFor(stored, 'v1')!;
    assert.deepEqual(Object.keys(s), ['com.example.stable.v1.CronTab', 'com.example.stable.v1.CronTabList']);
    const kind = s['com.example.stable.v1.CronTab']!;
    assert.deepEqual(kind['x-kubernetes-group-version-kind'], [{ group: 'stable.example.com', kind: 'CronTab', version: 'v1' }]);
    assert.equal((kind.properties!.metadata as Record<string, unknown>).$ref, '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
    assert.equal(openapiSchemaFor(stored, 'v9'), undefined);
  });
});
