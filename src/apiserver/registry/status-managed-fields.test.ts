import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { realClock } from '../../lib/clock.js';
import { silentLogger } from '../../lib/logger.js';
import { bootstrapCluster } from '../../server/bootstrap.js';
import { kubernetesVersion } from '../../server/version.js';
import { openMemoryStore } from '../../store/memory/memory-store.js';
import type { Store } from '../../store/types.js';
import { ApiServer } from '../api-server.js';
import { builtinIndexes, builtinResources } from './builtin.js';

const admin = { name: 'admin', groups: ['system:masters'] };
const DEPLOY = '/apis/apps/v1/namespaces/default/deployments';

interface Entry {
  manager: string;
  operation: string;
  subresource?: string;
  fieldsV1: unknown;
}

// Writes to /status are recorded in managedFields under their manager with subresource "status",
// as kube-apiserver keeps the field manager's result (ResetObjectMetaForStatus leaves it alone).
describe('managedFields of status writes', () => {
  let store: Store;
  let api: ApiServer;
  const call = async (method: string, path: string, body: unknown, contentType = 'application/json') => {
    const url = new URL(path, 'https://x');
    const res = await api.handle({
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: { 'content-type': contentType, 'user-agent': 'status-test/v1.0' },
      body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
      user: admin,
      signal: new AbortController().signal,
    });
    return { status: res.status, body: JSON.parse(res.body as string) };
  };
  const entries = (o: { metadata: { managedFields?: Entry[] } }) => (o.metadata.managedFields ?? []).map((e) => ({ manager: e.manager, operation: e.operation, subresource: e.subresource, fieldsV1: e.fieldsV1 }));

  before(async () => {
    store = await openMemoryStore();
    api = new ApiServer({ store, clock: realClock, log: silentLogger(), resources: builtinResources, indexes: builtinIndexes, version: kubernetesVersion() });
    await api.start();
    await bootstrapCluster(api);
    const d = { metadata: { name: 'd' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } };
    assert.equal((await call('POST', `${DEPLOY}?fieldManager=creator`, d)).status, 201);
  });
  after(async () => {
    await api.stop();
    await store.close();
  });

  it('records an update of /status under its manager and subresource', async () => {
    const r = await call('PATCH', `${DEPLOY}/d/status?fieldManager=controller`, { status: { replicas: 2, observedGeneration: 1 } }, 'application/merge-patch+json');
    assert.equal(r.status, 200);
    const mine = entries(r.body).find((e) => e.manager === 'controller');
    assert.deepEqual({ ...mine, fieldsV1: undefined }, { manager: 'controller', operation: 'Update', subresource: 'status', fieldsV1: undefined });
    const status = (mine?.fieldsV1 as Record<string, Record<string, unknown>>)['f:status'];
    assert.deepEqual(status?.['f:replicas'], {});
    assert.deepEqual(status?.['f:observedGeneration'], {});
    assert.ok(entries(r.body).some((e) => e.manager === 'creator' && e.subresource === undefined), 'the main resource manager stays');
    const stored = await call('GET', `${DEPLOY}/d`, undefined);
    assert.deepEqual(entries(stored.body), entries(r.body));
  });

  it('names the manager from the User-Agent without fieldManager', async () => {
    const r = await call('PATCH', `${DEPLOY}/d/status`, { status: { replicas: 3 } }, 'application/merge-patch+json');
    assert.ok(entries(r.body).some((e) => e.manager === 'status-test' && e.subresource === 'status'));
  });

  it('keeps server-side apply ownership of /status', async () => {
    const applied = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, status: { readyReplicas: 1 } };
    const r = await call('PATCH', `${DEPLOY}/d/status?fieldManager=operator`, applied, 'application/apply-patch+yaml');
    assert.equal(r.status, 200);
    assert.deepEqual(
      entries(r.body).find((e) => e.manager === 'operator'),
      { manager: 'operator', operation: 'Apply', subresource: 'status', fieldsV1: { 'f:status': { 'f:readyReplicas': {} } } },
    );
  });
});
