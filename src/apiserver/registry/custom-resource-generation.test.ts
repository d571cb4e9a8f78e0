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
const LIST = '/apis/example.com/v1/namespaces/default/widgets';

// metadata.generation of custom resources moves on every spec change, as upstream's
// customResourceStrategy.PrepareForUpdate does, also when pruning and defaulting rebuild the object.
describe('generation of custom resources', () => {
  let store: Store;
  let api: ApiServer;
  const call = async (method: string, path: string, body: unknown, contentType = 'application/json') => {
    const url = new URL(path, 'https://x');
    const res = await api.handle({
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: { 'content-type': contentType },
      body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
      user: admin,
      signal: new AbortController().signal,
    });
    return { status: res.status, body: JSON.parse(res.body as string) };
  };
  const generation = async () => (await call('GET', `${LIST}/w`, undefined)).body.metadata.generation as number;

  before(async () => {
    store = await openMemoryStore();
    api = new ApiServer({ store, clock: realClock, log: silentLogger(), resources: builtinResources, indexes: builtinIndexes, version: kubernetesVersion() });
    await api.start();
    await bootstrapCluster(api);
    const schema = { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer', default: 1 }, color: { type: 'string' } } }, status: { type: 'object', properties: { ok: { type: 'boolean' } } } } };
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', singular: 'widget', kind: 'Widget' }, versions: [{ name: 'v1', served: true, storage: true, subresources: { status: {} }, schema: { openAPIV3Schema: schema } }] },
    };
    assert.equal((await call('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd)).status, 201);
    for (let i = 0; (await call('GET', LIST, undefined)).status !== 200; i++) {
      assert.ok(i < 100, 'widgets served');
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal((await call('POST', LIST, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { color: 'red' } })).status, 201);
  });
  after(async () => {
    await api.stop();
    await store.close();
  });

  it('starts at 1 and moves with spec changes through patch and update', async () => {
    assert.equal(await generation(), 1);
    assert.equal((await call('PATCH', `${LIST}/w`, { spec: { color: 'blue' } }, 'application/merge-patch+json')).body.metadata.generation, 2);
    const cur = (await call('GET', `${LIST}/w`, undefined)).body;
    const put = await call('PUT', `${LIST}/w`, { ...cur, spec: { ...cur.spec, size: 3 } });
    assert.equal(put.status, 200);
    assert.equal(put.body.metadata.generation, 3);
  });

  it('stays for metadata, status and unknown-field-only changes', async () => {
    await call('PATCH', `${LIST}/w`, { metadata: { labels: { a: 'b' } } }, 'application/merge-patch+json');
    await call('PATCH', `${LIST}/w/status`, { status: { ok: true } }, 'application/merge-patch+json');
    await call('PATCH', `${LIST}/w?fieldValidation=Ignore`, { spec: { unknown: 1 } }, 'application/merge-patch+json');
    assert.equal(await generation(), 3);
  });
});
