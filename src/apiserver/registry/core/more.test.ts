import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KObject } from '../resource.js';
import { limitranges, persistentvolumeclaims, persistentvolumes, podtemplates, replicationcontrollers, resourcequotas } from './more.js';
import { cells, created, createErrors, NOW, updateErrors } from './strategy-test-helpers.js';

const obj = (kind: string, rest: Record<string, unknown>, namespace: string | undefined = 'default'): KObject => ({ apiVersion: 'v1', kind, metadata: { name: 'x', ...(namespace ? { namespace } : {}) }, ...rest });
const pvSpec = { capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data' } };
const pvcSpec = { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } };
const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } };

describe('core/v1 persistent volumes and claims', () => {
  it('defaults a PV and prints it', () => {
    const pv = created(persistentvolumes, obj('PersistentVolume', { spec: { ...pvSpec, capacity: { storage: '10240Mi' }, claimRef: { namespace: 'default', name: 'data' }, storageClassName: 'gp3' } }, undefined));
    assert.deepEqual(pv.status, { lastPhaseTransitionTime: new Date(NOW).toISOString().replace('.000', ''), phase: 'Pending' });
    assert.equal((pv.spec as Record<string, unknown>).persistentVolumeReclaimPolicy, 'Retain');
    assert.equal((pv.spec as Record<string, unknown>).volumeMode, 'Filesystem');
    assert.deepEqual(cells(persistentvolumes, pv), { Capacity: '10Gi', 'Access Modes': 'RWO', 'Reclaim Policy': 'Retain', Status: 'Pending', Claim: 'default/data', StorageClass: 'gp3', VolumeAttributesClass: '<unset>', Reason: '', Age: '60s', VolumeMode: 'Filesystem' });
  });

  const pvCases: [string, Record<string, unknown>, string[]][] = [
    ['valid', pvSpec, []],
    ['no source', { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] }, ['spec: Required value: must specify a volume type']],
    ['two sources', { ...pvSpec, nfs: { server: 'nfs', path: '/x' } }, ['spec.nfs: Forbidden: may not specify more than 1 volume type']],
    ['no capacity', { accessModes: ['ReadWriteOnce'], hostPath: { path: '/d' } }, ['spec.capacity: Required value', 'spec.capacity: Unsupported value: core.ResourceList{}: supported values: "storage"']],
    ['bad access mode', { ...pvSpec, accessModes: ['ReadWriteAll'] }, ['spec.accessModes: Unsupported value: "ReadWriteAll": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"']],
    ['csi without handle', { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], csi: { driver: 'ebs.csi.aws.com' } }, ['spec.csi.volumeHandle: Required value']],
  ];
  for (const [name, spec, want] of pvCases) it(`PV ${name}`, () => assert.deepEqual(createErrors(persistentvolumes, obj('PersistentVolume', { spec }, undefined)), want));

  it('keeps a PV source immutable', () => {
    const old = created(persistentvolumes, obj('PersistentVolume', { spec: pvSpec }, undefined));
    assert.deepEqual(updateErrors(persistentvolumes, old, { ...old, spec: { ...(old.spec as object), hostPath: { path: '/other' } } }), ['spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation']);
  });

  const pvcCases: [string, Record<string, unknown>, string[]][] = [
    ['valid', pvcSpec, []],
    ['no access modes', { resources: { requests: { storage: '1Gi' } } }, ['spec.accessModes: Required value: at least 1 access mode is required']],
    ['no storage request', { accessModes: ['ReadWriteOnce'] }, ['spec.resources[storage]: Required value']],
    ['zero storage', { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '0' } } }, ['spec.resources[storage]: Invalid value: "0": must be greater than zero']],
    ['RWOP mixed', { ...pvcSpec, accessModes: ['ReadWriteOncePod', 'ReadWriteOnce'] }, ['spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes']],
  ];
  for (const [name, spec, want] of pvcCases) it(`PVC ${name}`, () => assert.deepEqual(createErrors(persistentvolumeclaims, obj('PersistentVolumeClaim', { spec })), want));

  it('defaults, binds once, expands and prints a PVC', () => {
    const c = created(persistentvolumeclaims, obj('PersistentVolumeClaim', { spec: { ...pvcSpec, storageClassName: 'gp3' } }));
    assert.deepEqual(c.status, { phase: 'Pending' });
    assert.deepEqual(cells(persistentvolumeclaims, c), { Status: 'Pending', Volume: '', Capacity: '', 'Access Modes': '', StorageClass: 'gp3', VolumeAttributesClass: '<unset>', Age: '60s', VolumeMode: 'Filesystem' });
    const bound = { ...c, spec: { ...(c.spec as object), volumeName: 'pv-1' } };
    assert.deepEqual(updateErrors(persistentvolumeclaims, c, bound), []);
    const stored = { ...bound, status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } } };
    assert.deepEqual(cells(persistentvolumeclaims, stored).Capacity, '1Gi');
    assert.deepEqual(updateErrors(persistentvolumeclaims, stored, { ...stored, spec: { ...(stored.spec as object), volumeName: 'pv-2' } }), [
      'spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
    ]);
    assert.deepEqual(updateErrors(persistentvolumeclaims, stored, { ...stored, spec: { ...(stored.spec as object), resources: { requests: { storage: '2Gi' } } } }), []);
    const grown = { ...stored, spec: { ...(stored.spec as object), resources: { requests: { storage: '2Gi' } } } };
    assert.deepEqual(updateErrors(persistentvolumeclaims, grown, stored), ['spec.resources.requests.storage: Forbidden: field can not be less than status.capacity']);
  });
});

describe('core/v1 quotas, limit ranges, pod templates, replication controllers', () => {
  it('validates quotas and prints used/hard', () => {
    assert.deepEqual(createErrors(resourcequotas, obj('ResourceQuota', { spec: { hard: { pods: '10', 'requests.cpu': '4' } } })), []);
    assert.deepEqual(createErrors(resourcequotas, obj('ResourceQuota', { spec: { hard: { pods: '1.5', gpus: '1' }, scopes: ['BestEffort', 'NotBestEffort'] } })), [
      'spec.hard[pods]: Invalid value: "1500m": must be an integer',
      'spec.hard[gpus]: Invalid value: "gpus": must be a standard resource for quota',
      'spec.scopes: Invalid value: []core.ResourceQuotaScope{"BestEffort", "NotBestEffort"}: conflicting scopes',
    ]);
    const q = { ...created(resourcequotas, obj('ResourceQuota', { spec: { hard: {} } })), status: { hard: { pods: '10', 'limits.memory': '2Gi', 'requests.cpu': '4' }, used: { pods: '3', 'requests.cpu': '500m' } } };
    assert.deepEqual(cells(resourcequotas, q), { Age: '60s', Request: 'pods: 3/10, requests.cpu: 500m/4', Limit: 'limits.memory: 0/2Gi' });
  });

  it('defaults container limit ranges and checks their order', () => {
    const lr = created(limitranges, obj('LimitRange', { spec: { limits: [{ type: 'Container', max: { cpu: '2' }, min: { memory: '64Mi' } }] } }));
    assert.deepEqual((lr.spec as { limits: unknown[] }).limits[0], { type: 'Container', max: { cpu: '2' }, min: { memory: '64Mi' }, default: { cpu: '2' }, defaultRequest: { cpu: '2', memory: '64Mi' } });
    assert.deepEqual(createErrors(limitranges, obj('LimitRange', { spec: { limits: [{ type: 'Container', min: { cpu: '2' }, max: { cpu: '1' } }] } })), [
      'spec.limits[0].min[cpu]: Invalid value: "2": min value 2 is greater than max value 1',
      'spec.limits[0].defaultRequest[cpu]: Invalid value: "1": min value 2 is greater than default request value 1',
      'spec.limits[0].default[cpu]: Invalid value: "2": min value 2 is greater than default value 1',
    ]);
    assert.deepEqual(createErrors(limitranges, obj('LimitRange', { spec: { limits: [{ type: 'Pod', default: { cpu: '1' } }, { type: 'Node' }] } })), [
      "spec.limits[0].default: Forbidden: may not be specified when `type` is 'Pod'",
      'spec.limits[1].type: Invalid value: "Node": must be a standard limit type or fully qualified',
    ]);
    assert.deepEqual(Object.keys(cells(limitranges, lr)), ['Created At']);
  });

  it('defaults and prints pod templates', () => {
    const pt = created(podtemplates, obj('PodTemplate', { template }));
    assert.equal((pt.template as { spec: { restartPolicy: string } }).spec.restartPolicy, 'Always');
    assert.deepEqual(cells(podtemplates, pt), { Containers: 'web', Images: 'nginx', 'Pod Labels': 'app=web' });
    assert.deepEqual(createErrors(podtemplates, obj('PodTemplate', { template: { spec: { containers: [{ name: 'c' }] } } })), ['template.spec.containers[0].image: Required value']);
  });

  it('defaults replication controllers from their template and validates the selector', () => {
    const rc = created(replicationcontrollers, obj('ReplicationController', { spec: { template } }));
    assert.deepEqual(rc.metadata?.labels, { app: 'web' });
    assert.deepEqual((rc.spec as Record<string, unknown>).selector, { app: 'web' });
    assert.equal((rc.spec as Record<string, unknown>).replicas, 1);
    assert.deepEqual(cells(replicationcontrollers, rc), { Desired: 1, Current: 0, Ready: 0, Age: '60s', Containers: 'web', Images: 'nginx', Selector: 'app=web' });
    assert.deepEqual(createErrors(replicationcontrollers, obj('ReplicationController', { spec: { selector: { app: 'db' }, template } })), [
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
    ]);
    assert.deepEqual(createErrors(replicationcontrollers, obj('ReplicationController', { spec: {} })), ['spec.selector: Required value', 'spec.template: Required value']);
  });
});
