import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BOOTSTRAP_PRIORITY_CLASSES } from '../registry/scheduling/priorityclasses.js';
import { defaultStorageClass } from './default-storage-class.js';
import { pod, startHarness, type Harness } from './testing.js';

describe('Priority', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ plugins: ['Priority'] });
    for (const pc of BOOTSTRAP_PRIORITY_CLASSES) await h.seed('scheduling.k8s.io', 'priorityclasses', pc);
    await h.call('POST', '/apis/scheduling.k8s.io/v1/priorityclasses', { metadata: { name: 'high' }, value: 1000, preemptionPolicy: 'Never' });
  });
  after(() => h.stop());

  it('gives 0 without a class and no global default', async () => {
    const r = await h.call('POST', '/api/v1/namespaces/default/pods', pod('zero'));
    assert.equal(r.body.spec.priority, 0);
    assert.equal(r.body.spec.priorityClassName, undefined);
    assert.equal(r.body.spec.preemptionPolicy, 'PreemptLowerPriority');
  });

  it('takes value and preemptionPolicy from the named class, system classes anywhere', async () => {
    const r = await h.call('POST', '/api/v1/namespaces/default/pods', pod('hi', { priorityClassName: 'high' }));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.spec.priority, 1000);
    assert.equal(r.body.spec.preemptionPolicy, 'Never');
    const sys = await h.call('POST', '/api/v1/namespaces/default/pods', pod('sys', { priorityClassName: 'system-node-critical' }));
    assert.equal(sys.status, 201);
    assert.equal(sys.body.spec.priority, 2000001000);
  });

  it('refuses an unknown class and a conflicting explicit priority', async () => {
    const r = await h.call('POST', '/api/v1/namespaces/default/pods', pod('x', { priorityClassName: 'nope' }));
    assert.equal(r.status, 403);
    assert.equal(r.body.message, 'pods "x" is forbidden: no PriorityClass with name nope was found');
    const c = await h.call('POST', '/api/v1/namespaces/default/pods', pod('y', { priorityClassName: 'high', priority: 5 }));
    assert.equal(c.status, 403);
    assert.equal(c.body.message, 'pods "y" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name');
  });

  it('applies the global default and allows only one', async () => {
    assert.equal((await h.call('POST', '/apis/scheduling.k8s.io/v1/priorityclasses', { metadata: { name: 'dflt' }, value: 50, globalDefault: true })).status, 201);
    const second = await h.call('POST', '/apis/scheduling.k8s.io/v1/priorityclasses', { metadata: { name: 'dflt2' }, value: 60, globalDefault: true });
    assert.equal(second.status, 403);
    assert.equal(second.body.message, 'priorityclasses.scheduling.k8s.io "dflt2" is forbidden: PriorityClass dflt is already marked as default. Only one default can exist');
    const r = await h.call('POST', '/api/v1/namespaces/default/pods', pod('d'));
    assert.equal(r.body.spec.priorityClassName, 'dflt');
    assert.equal(r.body.spec.priority, 50);
  });
});

describe('DefaultStorageClass', () => {
  let h: Harness;
  before(async () => (h = await startHarness({ plugins: ['DefaultStorageClass'] })));
  after(() => h.stop());
  const pvc = (name: string, extra: Record<string, unknown> = {}) => ({ metadata: { name }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...extra } });

  it('leaves claims alone without a default class', async () => {
    const r = await h.call('POST', '/api/v1/namespaces/default/persistentvolumeclaims', pvc('none'));
    assert.equal(r.status, 201);
    assert.equal(r.body.spec.storageClassName, undefined);
  });

  it('sets the default class, but not over an explicit one or ""', async () => {
    const sc = { provisioner: 'ebs.csi.aws.com', metadata: { name: 'gp2', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } };
    assert.equal((await h.call('POST', '/apis/storage.k8s.io/v1/storageclasses', sc)).status, 201);
    assert.equal((await h.call('POST', '/api/v1/namespaces/default/persistentvolumeclaims', pvc('dflt'))).body.spec.storageClassName, 'gp2');
    assert.equal((await h.call('POST', '/api/v1/namespaces/default/persistentvolumeclaims', pvc('empty', { storageClassName: '' }))).body.spec.storageClassName, '');
    assert.equal((await h.call('POST', '/api/v1/namespaces/default/persistentvolumeclaims', pvc('named', { storageClassName: 'io2' }))).body.spec.storageClassName, 'io2');
  });

  it('picks the newest of several defaults, ties by name', () => {
    const c = (name: string, at: string) => ({ metadata: { name, creationTimestamp: at, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } });
    assert.equal(defaultStorageClass([c('old', '2024-01-01T00:00:00Z'), c('new', '2025-01-01T00:00:00Z')])?.metadata?.name, 'new');
    assert.equal(defaultStorageClass([c('b', '2025-01-01T00:00:00Z'), c('a', '2025-01-01T00:00:00Z')])?.metadata?.name, 'a');
    assert.equal(defaultStorageClass([{ metadata: { name: 'x', annotations: { 'storageclass.kubernetes.io/is-default-class': 'false' } } }]), undefined);
  });
});
