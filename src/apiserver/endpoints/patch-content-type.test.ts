import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { realClock } from '../../lib/clock.js';
import { silentLogger } from '../../lib/logger.js';
import { bootstrapCluster } from '../../server/bootstrap.js';
import { kubernetesVersion } from '../../server/version.js';
import { openMemoryStore } from '../../store/memory/memory-store.js';
import type { Store } from '../../store/types.js';
import { ApiServer } from '../api-server.js';
import { builtinIndexes, builtinResources } from '../registry/builtin.js';

const admin = { name: 'admin', groups: ['system:masters'] };
const ACCEPTED = 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json';

describe('PATCH content types', () => {
  let store: Store;
  let api: ApiServer;
  const call = async (method: string, path: string, body: string | undefined, contentType: string) => {
    const url = new URL(path, 'https://x');
    const res = await api.handle({
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: { 'content-type': contentType },
      body: body === undefined ? undefined : Buffer.from(body),
      user: admin,
      signal: new AbortController().signal,
    });
    return { status: res.status, body: JSON.parse(res.body as string) };
  };

  before(async () => {
    store = await openMemoryStore();
    api = new ApiServer({ store, clock: realClock, log: silentLogger(), resources: builtinResources, indexes: builtinIndexes, version: kubernetesVersion() });
    await api.start();
    await bootstrapCluster(api);
    const r = await call('POST', '/api/v1/namespaces/default/configmaps', JSON.stringify({ metadata: { name: 'c' }, data: { a: '1' } }), 'application/json');
    assert.equal(r.status, 201);
  });
  after(async () => {
    await api.stop();
    await store.close();
  });

  it('answers 415 for a content type that is no patch type, whatever the body and the object', async () => {
    for (const [path, body, type] of [
      ['/api/v1/namespaces/default/configmaps/c', 'data:\n  a: "2"\n', 'text/plain'],
      ['/api/v1/namespaces/default/configmaps/c', '{"data":{"a":"2"}}', 'application/json'],
      ['/api/v1/namespaces/default/configmaps/c', '{"data":{"a":"2"}}', 'application/yaml'],
      ['/api/v1/namespaces/default/configmaps/missing', '{"data":{"a":"2"}}', 'text/plain'],
      ['/api/v1/namespaces/default/configmaps/c?fieldManager=m', 'apiVersion: v1\nkind: ConfigMap\n', 'application/apply-patch+json'],
    ] as const) {
      const r = await call('PATCH', path, body, type);
      assert.equal(r.status, 415, `${type} to ${path}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.reason, 'UnsupportedMediaType');
      assert.equal(r.body.message, ACCEPTED);
    }
    const c = await call('GET', '/api/v1/namespaces/default/configmaps/c', undefined, 'application/json');
    assert.deepEqual(c.body.data, { a: '1' }, 'nothing changed');
  });

  it('answers 415 for a strategic merge patch of a custom resource, present or not', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    };
    assert.equal((await call('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', JSON.stringify(crd), 'application/json')).status, 201);
    const list = '/apis/example.com/v1/namespaces/default/widgets';
    for (let i = 0; (await call('GET', list, undefined, 'application/json')).status !== 200; i++) {
      assert.ok(i < 100, 'widgets served');
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal((await call('POST', list, JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }), 'application/json')).status, 201);
    for (const name of ['w', 'missing']) {
      const r = await call('PATCH', `${list}/${name}`, '{"spec":{"a":1}}', 'application/strategic-merge-patch+json');
      assert.equal(r.status, 415, name);
      assert.equal(r.body.message, 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
    }
    assert.equal((await call('PATCH', `${list}/w`, '{"spec":{"a":1}}', 'application/merge-patch+json')).status, 200);
  });

  it('still decodes the real patch types', async () => {
    const r = await call('PATCH', '/api/v1/namespaces/default/configmaps/c', '{"data":{"a":"2"}}', 'application/merge-patch+json; charset=utf-8');
    assert.equal(r.status, 200);
    assert.equal(r.body.data.a, '2');
    const bad = await call('PATCH', '/api/v1/namespaces/default/configmaps/c', '{"data":', 'application/merge-patch+json');
    assert.equal(bad.status, 400);
  });
});
