import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findUnknownFields, findUnknownFieldsOf, MAX_UNKNOWN_FIELDS } from './unknown-fields.js';

const DEPLOYMENT = { group: 'apps', version: 'v1', kind: 'Deployment' };
const POD = { group: '', version: 'v1', kind: 'Pod' };

function deployment(podSpec: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, annotations: { 'a/b': 'c' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
      template: { metadata: { labels: { app: 'web' } }, spec: podSpec },
      ...extra,
    },
  };
}

describe('findUnknownFields', () => {
  it('accepts a valid object, including maps, int-or-string and quantities', () => {
    const obj = deployment({
      containers: [
        {
          name: 'web',
          image: 'nginx',
          ports: [{ containerPort: 80, protocol: 'TCP' }],
          resources: { limits: { cpu: '500m', memory: 128974848 }, requests: { cpu: 0.5 } },
          livenessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 5 },
          env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k' } } }],
        },
      ],
      volumes: [{ name: 'v', configMap: { name: 'cm', items: [{ key: 'k', path: 'p' }] } }],
      tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }],
      nodeSelector: { 'kubernetes.io/os': 'linux' },
    });
    assert.deepEqual(findUnknownFields(DEPLOYMENT, obj), []);
  });

  it('reports paths the way kube-apiserver strict decoding does', () => {
    const obj = deployment(
      { containers: [{ name: 'a', image: 'x' }, { name: 'b', imagee: 'y', livenessProbe: { exec: { command: [] }, bogus: 1 } }] },
      { foo: 1 },
    );
    assert.deepEqual(findUnknownFields(DEPLOYMENT, obj), [
      'spec.template.spec.containers[1].imagee',
      'spec.template.spec.containers[1].livenessProbe.bogus',
      'spec.foo',
    ]);
  });

  it('checks metadata against ObjectMeta and the top level against the kind', () => {
    const obj = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', nmae: 'x', ownerReferences: [{ uid: 'u', color: 1 }] }, spec: {}, extra: true };
    assert.deepEqual(findUnknownFields(POD, obj), ['metadata.nmae', 'metadata.ownerReferences[0].color', 'extra']);
  });

  it('knows that embedded templates carry no apiVersion or kind', () => {
    const obj = deployment({ containers: [] });
    (obj.spec.template as Record<string, unknown>).apiVersion = 'v1';
    assert.deepEqual(findUnknownFields(DEPLOYMENT, obj), ['spec.template.apiVersion']);
  });

  it('matches field names case-sensitively', () => {
    assert.deepEqual(findUnknownFields(POD, { Spec: {}, metadata: { Name: 'x' } }), ['Spec', 'metadata.Name']);
  });

  it('sees through Go-inlined structs, and not their proto names', () => {
    const obj = {
      spec: {
        containers: [],
        volumes: [{ name: 'v', secret: { secretName: 's' } }, { name: 'w', volumeSource: { emptyDir: {} } }],
        ephemeralContainers: [{ name: 'dbg', image: 'busybox', targetContainerName: 'a', stdinn: true }],
      },
    };
    assert.deepEqual(findUnknownFields(POD, obj), ['spec.volumes[1].volumeSource', 'spec.ephemeralContainers[0].stdinn']);
  });

  it('descends into maps of messages with the key as a path segment', () => {
    const slice = {
      apiVersion: 'resource.k8s.io/v1',
      kind: 'ResourceSlice',
      spec: {
        driver: 'd',
        pool: { name: 'p', resourceSliceCount: 1, generation: 1 },
        devices: [{ name: 'gpu0', attributes: { model: { string: 'x' }, 'vendor.com/id': { int: 1, flot: 2 } } }],
      },
    };
    assert.deepEqual(findUnknownFields({ group: 'resource.k8s.io', version: 'v1', kind: 'ResourceSlice' }, slice), [
      'spec.devices[0].attributes.vendor.com/id.flot',
    ]);
  });

  it('accepts anything inside RawExtension, FieldsV1 and string-list values', () => {
    const revision = {
      metadata: {
        name: 'r',
        managedFields: [{ manager: 'm', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:anything': {} } } }],
      },
      data: { whatever: { deeply: ['nested'] } },
      revision: 1,
    };
    assert.deepEqual(findUnknownFields({ group: 'apps', version: 'v1', kind: 'ControllerRevision' }, revision), []);
    const review = { spec: { user: 'u', extra: { scopes: ['a', 'b'] }, resourceAttributes: { verb: 'get', nope: 1 } } };
    assert.deepEqual(findUnknownFields({ group: 'authorization.k8s.io', version: 'v1', kind: 'SubjectAccessReview' }, review), [
      'spec.resourceAttributes.nope',
    ]);
  });

  it('ignores values of the wrong JSON type and nulls (those are decoding errors)', () => {
    assert.deepEqual(findUnknownFields(POD, { spec: { containers: 'nope', volumes: null }, metadata: null }), []);
    assert.deepEqual(findUnknownFields(POD, 'not an object'), []);
    assert.deepEqual(findUnknownFields(POD, [{ spec: {} }]), []);
  });

  it('claims nothing for unknown kinds', () => {
    assert.deepEqual(findUnknownFields({ group: 'example.com', version: 'v1', kind: 'Widget' }, { spec: { foo: 1 } }), []);
  });

  it('handles apimachinery kinds and lists', () => {
    assert.deepEqual(findUnknownFields({ group: 'apps', version: 'v1', kind: 'DeleteOptions' }, { propagationPolicy: 'Foreground', grace: 1 }), ['grace']);
    assert.deepEqual(findUnknownFields({ group: '', version: 'v1', kind: 'PodList' }, { items: [{ spec: { x: 1 } }] }), ['items[0].spec.x']);
  });

  it('can start at any message, with a path prefix', () => {
    assert.deepEqual(findUnknownFieldsOf('k8s.io.api.core.v1.Container', { name: 'c', x: 1 }, 'spec.containers[3]'), ['spec.containers[3].x']);
  });

  it('stops after as many errors as upstream keeps', () => {
    const containers = Array.from({ length: 150 }, (_, i) => ({ name: `c${i}`, bad: 1 }));
    const found = findUnknownFields(POD, { spec: { containers } });
    assert.equal(found.length, MAX_UNKNOWN_FIELDS);
    assert.equal(found[99], 'spec.containers[99].bad');
  });
});
