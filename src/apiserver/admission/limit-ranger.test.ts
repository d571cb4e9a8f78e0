import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pod, startHarness, type Harness } from './testing.js';

describe('LimitRanger', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ plugins: ['LimitRanger'] });
    await h.call('POST', '/api/v1/namespaces', { metadata: { name: 'lr' } });
    const r = await h.call('POST', '/api/v1/namespaces/lr/limitranges', {
      metadata: { name: 'limits' },
      spec: {
        limits: [
          { type: 'Container', max: { cpu: '1', memory: '1Gi' }, min: { cpu: '100m' }, default: { cpu: '500m', memory: '256Mi' }, defaultRequest: { cpu: '200m', memory: '128Mi' }, maxLimitRequestRatio: { cpu: '4' } },
          { type: 'PersistentVolumeClaim', max: { storage: '10Gi' }, min: { storage: '1Gi' } },
        ],
      },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  });
  after(() => h.stop());

  it('fills missing requests and limits and notes it in the annotation', async () => {
    const r = await h.call('POST', '/api/v1/namespaces/lr/pods', pod('d', { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'x', resources: { limits: { cpu: '800m' } } }] }));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const [a, b] = r.body.spec.containers;
    assert.deepEqual(a.resources, { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '200m', memory: '128Mi' } });
    assert.deepEqual(b.resources, { limits: { cpu: '800m', memory: '256Mi' }, requests: { cpu: '800m', memory: '128Mi' } });
    assert.equal(r.body.metadata.annotations['kubernetes.io/limit-ranger'], 'LimitRanger plugin set: cpu, memory request for container a; cpu, memory limit for container a; memory request for container b; memory limit for container b');
    assert.equal(r.body.status.qosClass, 'Burstable');
  });

  it('refuses what exceeds max, with every violation listed as upstream', async () => {
    const r = await h.call('POST', '/api/v1/namespaces/lr/pods', pod('big', { containers: [{ name: 'a', image: 'x', resources: { limits: { cpu: '2', memory: '2Gi' }, requests: { cpu: '2', memory: '1Gi' } } }] }));
    assert.equal(r.status, 403);
    assert.equal(r.body.message, 'pods "big" is forbidden: [maximum cpu usage per Container is 1, but limit is 2, maximum memory usage per Container is 1Gi, but limit is 2Gi]');
  });

  it('refuses a single violation without brackets, and a ratio above the maximum', async () => {
    const small = await h.call('POST', '/api/v1/namespaces/lr/pods', pod('small', { containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: '50m' }, limits: { cpu: '50m' } } }] }));
    assert.equal(small.status, 403);
    assert.equal(small.body.message, 'pods "small" is forbidden: minimum cpu usage per Container is 100m, but request is 50m');
    const ratio = await h.call('POST', '/api/v1/namespaces/lr/pods', pod('ratio', { containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: '100m' }, limits: { cpu: '1' } } }] }));
    assert.equal(ratio.status, 403);
    assert.equal(ratio.body.message, 'pods "ratio" is forbidden: cpu max limit to request ratio per Container is 4, but provided ratio is 10.000000');
  });

  it('checks PVC storage against min and max', async () => {
    const pvc = (name: string, storage: string) => ({ metadata: { name }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } } } });
    assert.equal((await h.call('POST', '/api/v1/namespaces/lr/persistentvolumeclaims', pvc('ok', '5Gi'))).status, 201);
    const big = await h.call('POST', '/api/v1/namespaces/lr/persistentvolumeclaims', pvc('big', '20Gi'));
    assert.equal(big.status, 403);
    assert.equal(big.body.message, 'persistentvolumeclaims "big" is forbidden: maximum storage usage per PersistentVolumeClaim is 10Gi, but request is 20Gi');
    const tiny = await h.call('POST', '/api/v1/namespaces/lr/persistentvolumeclaims', pvc('tiny', '100Mi'));
    assert.equal(tiny.body.message, 'persistentvolumeclaims "tiny" is forbidden: minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 100Mi');
  });

  it('keeps the QoS class true to the defaulted resources', async () => {
    const r = await h.call('POST', '/api/v1/namespaces/lr/pods', pod('qos'));
    assert.equal(r.body.status.qosClass, 'Burstable', 'not BestEffort: LimitRanger gave it requests and limits');
  });

  it('leaves namespaces without LimitRanges alone', async () => {
    const r = await h.call('POST', '/api/v1/namespaces/default/pods', pod('free'));
    assert.equal(r.status, 201);
    assert.equal(r.body.metadata.annotations, undefined);
  });
});
