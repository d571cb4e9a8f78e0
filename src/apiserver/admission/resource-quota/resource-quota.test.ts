import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { realClock } from '../../../lib/clock.js';
import { silentLogger } from '../../../lib/logger.js';
import { pod, startHarness, type Harness } from '../testing.js';
import { computeQuotaStatus, quotaStatusUpdater } from './status.js';

const res = (cpu: string, memory: string) => ({ requests: { cpu, memory }, limits: { cpu, memory } });

describe('ResourceQuota', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ plugins: ['ResourceQuota'] });
    for (const ns of ['q', 'c', 'scoped']) await h.call('POST', '/api/v1/namespaces', { metadata: { name: ns } });
    await h.call('POST', '/api/v1/namespaces/q/resourcequotas', { metadata: { name: 'q' }, spec: { hard: { pods: '2', 'count/configmaps': '1', services: '1', 'services.nodeports': '0' } } });
    await h.call('POST', '/api/v1/namespaces/c/resourcequotas', { metadata: { name: 'compute' }, spec: { hard: { 'requests.cpu': '1', 'limits.memory': '1Gi' } } });
    await h.call('POST', '/api/v1/namespaces/scoped/resourcequotas', { metadata: { name: 'besteffort' }, spec: { hard: { pods: '1' }, scopes: ['BestEffort'] } });
  });
  after(() => h.stop());

  it('counts pods and refuses the one beyond the limit with upstream wording', async () => {
    assert.equal((await h.call('POST', '/api/v1/namespaces/q/pods', pod('a'))).status, 201);
    assert.equal((await h.call('POST', '/api/v1/namespaces/q/pods', pod('b'))).status, 201);
    const r = await h.call('POST', '/api/v1/namespaces/q/pods', pod('c'));
    assert.equal(r.status, 403);
    assert.equal(r.body.reason, 'Forbidden');
    assert.equal(r.body.message, 'pods "c" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2');
  });

  it('frees quota when a pod finishes', async () => {
    const gs = h.api.storeFor('', 'pods')!;
    await gs.update('q', 'a', (cur) => ({ ...cur!, status: { phase: 'Succeeded' } }), { subresource: 'status' });
    assert.equal((await h.call('POST', '/api/v1/namespaces/q/pods', pod('c'))).status, 201);
  });

  it('counts object counts and service node ports', async () => {
    assert.equal((await h.call('POST', '/api/v1/namespaces/q/configmaps', { metadata: { name: 'one' } })).status, 201);
    const two = await h.call('POST', '/api/v1/namespaces/q/configmaps', { metadata: { name: 'two' } });
    assert.equal(two.body.message, 'configmaps "two" is forbidden: exceeded quota: q, requested: count/configmaps=1, used: count/configmaps=1, limited: count/configmaps=1');
    const np = await h.call('POST', '/api/v1/namespaces/q/services', { metadata: { name: 'np' }, spec: { type: 'NodePort', ports: [{ port: 80 }] } });
    assert.equal(np.status, 403);
    assert.equal(np.body.message, 'services "np" is forbidden: exceeded quota: q, requested: services.nodeports=1, used: services.nodeports=0, limited: services.nodeports=0');
    assert.equal((await h.call('POST', '/api/v1/namespaces/q/services', { metadata: { name: 'ip' }, spec: { ports: [{ port: 80 }] } })).status, 201);
  });

  it('requires requests and limits a quota tracks, and sums compute usage', async () => {
    const bare = await h.call('POST', '/api/v1/namespaces/c/pods', pod('bare'));
    assert.equal(bare.status, 403);
    assert.equal(bare.body.message, 'pods "bare" is forbidden: failed quota: compute: must specify limits.memory for: c; requests.cpu for: c');
    assert.equal((await h.call('POST', '/api/v1/namespaces/c/pods', pod('p1', { containers: [{ name: 'c', image: 'x', resources: res('600m', '512Mi') }] }))).status, 201);
    const over = await h.call('POST', '/api/v1/namespaces/c/pods', pod('p2', { containers: [{ name: 'c', image: 'x', resources: res('600m', '256Mi') }] }));
    assert.equal(over.status, 403);
    assert.equal(over.body.message, 'pods "p2" is forbidden: exceeded quota: compute, requested: requests.cpu=600m, used: requests.cpu=600m, limited: requests.cpu=1');
  });

  it('applies scoped quotas only to pods in scope', async () => {
    assert.equal((await h.call('POST', '/api/v1/namespaces/scoped/pods', pod('be1'))).status, 201);
    assert.equal((await h.call('POST', '/api/v1/namespaces/scoped/pods', pod('burst', { containers: [{ name: 'c', image: 'x', resources: res('100m', '64Mi') }] }))).status, 201);
    const r = await h.call('POST', '/api/v1/namespaces/scoped/pods', pod('be2'));
    assert.equal(r.body.message, 'pods "be2" is forbidden: exceeded quota: besteffort, requested: pods=1, used: pods=1, limited: pods=1');
  });

  it('computes and writes status.hard and status.used', async () => {
    const quota = h.api.storeFor('', 'resourcequotas')!.getEntry('c', 'compute').obj;
    assert.deepEqual(computeQuotaStatus(quota, h.api, Date.now()), { hard: { 'limits.memory': '1Gi', 'requests.cpu': '1' }, used: { 'limits.memory': '512Mi', 'requests.cpu': '600m' } });
    const updater = quotaStatusUpdater({ api: () => h.api, clock: realClock, log: silentLogger() });
    assert.equal(await updater.syncAll(), 3);
    assert.equal(await updater.syncNamespace('c'), 0, 'nothing changed');
    const q = await h.call('GET', '/api/v1/namespaces/q/resourcequotas/q');
    assert.deepEqual(q.body.status, { hard: { 'count/configmaps': '1', pods: '2', services: '1', 'services.nodeports': '0' }, used: { 'count/configmaps': '1', pods: '2', services: '1', 'services.nodeports': '0' } });
  });
});
