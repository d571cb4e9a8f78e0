import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonObject } from './json.js';
import { pruneUnknownFields } from './prune.js';
import { findUnknownFields, MAX_UNKNOWN_FIELDS } from './schema/unknown-fields.js';

const DEP = { group: 'apps', version: 'v1', kind: 'Deployment' };
const POD = { group: '', version: 'v1', kind: 'Pod' };
const CM = { group: '', version: 'v1', kind: 'ConfigMap' };

function deployment(extra: JsonObject = {}, container: JsonObject = {}): JsonObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web', 'x.io/y': 'z' }, annotations: { a: 'b' }, creationTimestamp: null },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [{ name: 'web', image: 'nginx', resources: { limits: { cpu: '500m' } }, ports: [{ containerPort: 80 }], ...container }],
          volumes: [{ name: 'v', configMap: { name: 'cm' } }],
        },
      },
      ...extra,
    },
    status: { replicas: 2, conditions: [{ type: 'Available', status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z' }] },
  };
}

describe('pruneUnknownFields', () => {
  it('leaves a valid object as it is (a copy)', () => {
    const obj = deployment();
    const { pruned, unknown } = pruneUnknownFields(DEP, obj);
    assert.deepEqual(pruned, obj);
    assert.notEqual(pruned, obj);
    assert.deepEqual(unknown, []);
  });

  it('drops unknown fields at every depth and reports their paths', () => {
    const obj = deployment({ foo: 1, template: { metadata: { labelz: {} }, spec: { containers: [{ name: 'a', imagee: 'x', ports: [{ containerPort: 1, hostPortt: 2 }] }, { name: 'b', image: 'y' }] } } });
    (obj as any).metadata.bogus = true;
    (obj as any).status.nope = 'x';
    (obj as any).extra = { deep: 1 };
    const { pruned, unknown } = pruneUnknownFields(DEP, obj);
    assert.deepEqual(unknown, [
      'metadata.bogus',
      'spec.template.metadata.labelz',
      'spec.template.spec.containers[0].imagee',
      'spec.template.spec.containers[0].ports[0].hostPortt',
      'spec.foo',
      'status.nope',
      'extra',
    ]);
    assert.deepEqual(unknown, findUnknownFields(DEP, obj));
    const p = pruned as any;
    assert.equal('bogus' in p.metadata, false);
    assert.equal('foo' in p.spec, false);
    assert.equal('extra' in p, false);
    assert.deepEqual(p.spec.template.spec.containers, [{ name: 'a', ports: [{ containerPort: 1 }] }, { name: 'b', image: 'y' }]);
    assert.deepEqual(p.status, { replicas: 2, conditions: [{ type: 'Available', status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z' }] });
    assert.equal(p.apiVersion, 'apps/v1');
    assert.equal(p.kind, 'Deployment');
  });

  it('keeps map keys, special values and values of the wrong JSON type', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { anything: 'goes' } }, data: { 'any.key': 'v', other: 'w' }, binaryData: { b: 'AAE=' } };
    assert.deepEqual(pruneUnknownFields(CM, cm), { pruned: cm, unknown: [] });
    const rev = { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'r' }, revision: 1, data: { spec: { anything: { nested: true } } } };
    assert.deepEqual(pruneUnknownFields({ group: 'apps', version: 'v1', kind: 'ControllerRevision' }, rev).pruned, rev);
    const odd = deployment({ replicas: 'two', selector: 'app=web' }, { ports: 'not-a-list', env: [null] });
    const { pruned, unknown } = pruneUnknownFields(DEP, odd);
    assert.deepEqual(pruned, odd);
    assert.deepEqual(unknown, []);
  });

  it('does not mutate its input and shares nothing with it', () => {
    const obj = deployment({ foo: { bar: 1 } });
    const before = structuredClone(obj);
    const { pruned } = pruneUnknownFields(DEP, obj);
    assert.deepEqual(obj, before);
    (pruned as any).spec.template.spec.containers[0].resources.limits.cpu = '1';
    (pruned as any).metadata.labels.app = 'changed';
    assert.deepEqual(obj, before);
  });

  it('custom resources come back untouched', () => {
    const cr = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { anything: 1 } };
    const out = pruneUnknownFields({ group: 'example.com', version: 'v1', kind: 'Widget' }, cr);
    assert.equal(out.pruned, cr);
    assert.deepEqual(out.unknown, []);
  });

  it('prunes every unknown field but reports at most MAX_UNKNOWN_FIELDS, as findUnknownFields', () => {
    const many: JsonObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } };
    for (let i = 0; i < 150; i++) many[`u${i}`] = i;
    const { pruned, unknown } = pruneUnknownFields(POD, many);
    assert.deepEqual(pruned, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } });
    assert.equal(unknown.length, MAX_UNKNOWN_FIELDS);
    assert.deepEqual(unknown, findUnknownFields(POD, many));
  });

  it('reports exactly what findUnknownFields reports', () => {
    const objects: [typeof DEP, JsonObject][] = [
      [DEP, deployment()],
      [DEP, deployment({ foo: 1, bar: { baz: [1] } }, { imagee: 'x', resources: { limitz: {} }, env: [{ name: 'A', valueFromm: {} }] })],
      [POD, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', managedFields: [{ manager: 'm', fieldsV1: { 'f:spec': {} }, junk: 1 }] }, spec: { containers: [{ name: 'c', image: 'i', securityContext: { capabilities: { add: ['X'], drop2: [] } } }], volumes: [{ name: 'v', secret: { secretName: 's', x: 1 }, unknownSource: {} }] } }],
      [POD, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { 'a.b': 'c' } }, spec: { containers: [{ name: 'c', image: 'i' }], nodeSelector: { 'a.b/c': 'd' }, overhead: { cpu: '1' }, affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'k', operator: 'In', values: ['v'], extra: 1 }] }] } } } } }],
      [CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' }, immutable: true, stringData: { a: 'b' } }],
      [{ group: 'batch', version: 'v1', kind: 'CronJob' }, { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'i', cmd: ['x'] }], restartPolicy: 'Never' } } } } } }],
    ];
    for (const [gvk, obj] of objects) assert.deepEqual(pruneUnknownFields(gvk, obj).unknown, findUnknownFields(gvk, obj));
  });
});
