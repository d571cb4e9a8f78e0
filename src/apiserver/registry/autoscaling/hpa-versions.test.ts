import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { realClock } from '../../../lib/clock.js';
import { silentLogger } from '../../../lib/logger.js';
import { bootstrapCluster } from '../../../server/bootstrap.js';
import { kubernetesVersion } from '../../../server/version.js';
import { openMemoryStore } from '../../../store/memory/memory-store.js';
import type { Store } from '../../../store/types.js';
import { ApiServer } from '../../api-server.js';
import { builtinIndexes, builtinResources } from '../builtin.js';

const admin = { name: 'admin', groups: ['system:masters'] };
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const V1 = '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers';
const V2 = '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers';
const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };

// autoscaling/v1 is served next to v2 and stored as v2, with upstream's conversion.
describe('autoscaling/v1 horizontalpodautoscalers served through the v2 storage', () => {
  let store: Store;
  let api: ApiServer;
  const call = async (method: string, path: string, body?: unknown, accept?: string) => {
    const url = new URL(path, 'https://x');
    const res = await api.handle({ method, path: url.pathname, query: url.searchParams, headers: { 'content-type': 'application/json', ...(accept ? { accept } : {}) }, body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)), user: admin, signal: new AbortController().signal });
    return { status: res.status, body: JSON.parse(res.body as string) as Json };
  };

  before(async () => {
    store = await openMemoryStore();
    api = new ApiServer({ store, clock: realClock, log: silentLogger(), resources: builtinResources, indexes: builtinIndexes, version: kubernetesVersion() });
    await api.start();
    await bootstrapCluster(api);
  });
  after(() => api?.stop());

  it('stores a v1 object as v2 and reads it back at both versions', async () => {
    const created = await call('POST', V1, { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' }, spec: { scaleTargetRef: ref, maxReplicas: 5, targetCPUUtilizationPercentage: 50 } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body.spec, { scaleTargetRef: ref, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 50 });
    const raw = JSON.parse(Buffer.from((await store.get('/registry/autoscaling/horizontalpodautoscalers/default/web'))!.value).toString()) as Json;
    assert.equal(raw.apiVersion, 'autoscaling/v2');
    assert.deepEqual(raw.spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }]);
    const v2 = await call('GET', `${V2}/web`);
    assert.equal(v2.body.apiVersion, 'autoscaling/v2');
    assert.equal(v2.body.spec.metrics[0].resource.target.averageUtilization, 50);
  });

  it('carries v2-only metrics and status through the autoscaling.alpha.kubernetes.io annotations', async () => {
    const pods = { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } } };
    const cpu = { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } };
    assert.equal((await call('POST', V2, { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'mixed' }, spec: { scaleTargetRef: ref, maxReplicas: 3, metrics: [cpu, pods] } })).status, 201);
    const status = { currentReplicas: 2, desiredReplicas: 2, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 40 } } }] };
    const cur = (await call('GET', `${V2}/mixed`)).body;
    assert.equal((await call('PUT', `${V2}/mixed/status`, { ...cur, status })).status, 200);
    const v1 = (await call('GET', `${V1}/mixed`)).body;
    assert.equal(v1.spec.targetCPUUtilizationPercentage, 70);
    assert.deepEqual(JSON.parse(v1.metadata.annotations['autoscaling.alpha.kubernetes.io/metrics']), [pods]);
    assert.equal(v1.status.currentCPUUtilizationPercentage, 40);
    // A v1 round trip keeps the v2-only metric.
    v1.spec.maxReplicas = 4;
    assert.equal((await call('PUT', `${V1}/mixed`, v1)).status, 200);
    const back = (await call('GET', `${V2}/mixed`)).body;
    assert.deepEqual(back.spec.metrics, [cpu, pods]);
    assert.equal(back.spec.maxReplicas, 4);
    assert.equal(back.metadata.annotations, undefined);
  });

  it('lists and prints v1 objects converted', async () => {
    const list = (await call('GET', V1)).body;
    assert.equal(list.apiVersion, 'autoscaling/v1');
    assert.deepEqual(list.items.map((i: Json) => [i.apiVersion, i.spec.targetCPUUtilizationPercentage]), [['autoscaling/v1', 70], ['autoscaling/v1', 50]]);
    const table = (await call('GET', `${V1}/web`, undefined, 'application/json;as=Table;v=v1;g=meta.k8s.io')).body;
    assert.deepEqual(table.rows[0].cells.slice(0, 5), ['web', 'Deployment/web', 'cpu: <unknown>/50%', '1', 5]);
    const disco = (await call('GET', '/apis/autoscaling')).body;
    assert.deepEqual(disco.versions.map((v: Json) => v.version), ['v2', 'v1']);
  });
});
