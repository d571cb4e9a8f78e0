import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { realClock } from '../lib/clock.js';
import { silentLogger } from '../lib/logger.js';
import { bootstrapCluster } from '../server/bootstrap.js';
import { kubernetesVersion } from '../server/version.js';
import { openMemoryStore } from '../store/memory/memory-store.js';
import { ApiServer } from './api-server.js';
import { builtinIndexes, builtinResources } from './registry/builtin.js';

const admin = { name: 'admin', groups: ['system:masters'] };
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('/openapi/v2', () => {
  let api: ApiServer;
  const get = async (path: string, accept = 'application/json') => {
    const res = await api.handle({ method: 'GET', path, query: new URLSearchParams(), headers: { accept }, user: admin, signal: new AbortController().signal });
    return { status: res.status, text: res.body as string, body: JSON.parse(res.body as string) as Json };
  };

  before(async () => {
    api = new ApiServer({ store: await openMemoryStore(), clock: realClock, log: silentLogger(), resources: builtinResources, indexes: builtinIndexes, version: kubernetesVersion() });
    await api.start();
    await bootstrapCluster(api);
  });
  after(() => api?.stop());

  it('is one Swagger 2.0 document of every served kind, from the v3 definitions', async () => {
    const { status, text, body } = await get('/openapi/v2');
    assert.equal(status, 200);
    assert.equal(body.swagger, '2.0');
    assert.doesNotMatch(text, /#\/components\/schemas\//);
    const dep = body.definitions['io.k8s.api.apps.v1.Deployment'];
    assert.deepEqual(dep['x-kubernetes-group-version-kind'], [{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
    assert.equal(dep.properties.spec.$ref, '#/definitions/io.k8s.api.apps.v1.DeploymentSpec');
    assert.deepEqual(body.definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString'], { type: 'string', format: 'int-or-string' });
    assert.ok(body.definitions['io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler']);
    assert.ok(body.definitions['io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler']);
    const create = body.paths['/apis/apps/v1/namespaces/{namespace}/deployments'].post;
    assert.deepEqual(create.parameters[0], { name: 'body', in: 'body', required: true, schema: { $ref: '#/definitions/io.k8s.api.apps.v1.Deployment' } });
    assert.deepEqual(create.parameters.find((p: Json) => p.name === 'fieldValidation'), { name: 'fieldValidation', in: 'query', uniqueItems: true, type: 'string' });
    assert.deepEqual(create['x-kubernetes-group-version-kind'], { group: 'apps', version: 'v1', kind: 'Deployment' });
    assert.ok(body.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch.consumes.includes('application/strategic-merge-patch+json'));
  });

  it('follows CRDs and answers the protobuf-only form with 406', async () => {
    const crd = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'dials.example.com' }, spec: { group: 'example.com', scope: 'Cluster', names: { plural: 'dials', kind: 'Dial' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { level: { type: 'integer' } } } } } } }] } };
    const res = await api.handle({ method: 'POST', path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', query: new URLSearchParams(), headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(crd)), user: admin, signal: new AbortController().signal });
    assert.equal(res.status, 201);
    let dial: Json | undefined;
    for (let i = 0; i < 100 && !dial; i++) {
      dial = (await get('/openapi/v2')).body.definitions['com.example.v1.Dial'];
      if (!dial) await new Promise((r) => setTimeout(r, 10));
    }
    assert.deepEqual(dial?.properties.spec.properties.level, { type: 'integer' });
    assert.equal(dial?.properties.metadata.$ref, '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
    assert.equal((await get('/openapi/v2', 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf')).status, 406);
  });
});
