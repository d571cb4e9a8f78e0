import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createCA, issueServerCert } from '../../../lib/pki.js';
import { realClock } from '../../../lib/clock.js';
import { silentLogger } from '../../../lib/logger.js';
import { bootstrapCluster } from '../../../server/bootstrap.js';
import { kubernetesVersion } from '../../../server/version.js';
import { openMemoryStore } from '../../../store/memory/memory-store.js';
import type { Store } from '../../../store/types.js';
import { ApiServer } from '../../api-server.js';
import type { ApiStream } from '../../endpoints/types.js';
import { builtinIndexes, builtinResources } from '../builtin.js';

const admin = { name: 'admin', groups: ['system:masters'] };
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const schema = (props: Json) => ({ openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: props } } } });
const crd = (name: string, plural: string, kind: string, versions: Json[], conversion?: Json) => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${plural}.example.com` },
  spec: { group: 'example.com', scope: 'Namespaced', names: { plural, kind }, versions, ...(conversion ? { conversion } : {}) },
});

describe('CRDs with several versions', () => {
  let store: Store;
  let api: ApiServer;
  let hook: Server;
  let hookCalls = 0;
  const call = async (method: string, path: string, body?: unknown, contentType = 'application/json') => {
    const url = new URL(path, 'https://x');
    const res = await api.handle({ method, path: url.pathname, query: url.searchParams, headers: { 'content-type': contentType }, body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)), user: admin, signal: new AbortController().signal });
    return { status: res.status, headers: res.headers, body: JSON.parse(res.body as string) as Json };
  };
  const stored = async (key: string) => JSON.parse(Buffer.from((await store.get(key))!.value).toString()) as Json;
  const firstWatchEvent = async (path: string): Promise<Json> => {
    const url = new URL(path, 'https://x');
    const ac = new AbortController();
    const res = await api.handle({ method: 'GET', path: url.pathname, query: url.searchParams, headers: {}, user: admin, signal: ac.signal });
    let line = '';
    await (res.body as ApiStream).run((chunk) => {
      line = chunk;
      ac.abort();
      return false;
    }, ac.signal);
    return JSON.parse(line) as Json;
  };
  const waitServed = async (path: string) => {
    for (let i = 0; i < 100 && (await call('GET', path)).status === 404; i++) await new Promise((r) => setTimeout(r, 10));
  };

  before(async () => {
    store = await openMemoryStore();
    api = new ApiServer({ store, clock: realClock, log: silentLogger(), resources: builtinResources, indexes: builtinIndexes, version: kubernetesVersion() });
    await api.start();
    await bootstrapCluster(api);
    // A conversion webhook: v1 spec.size ↔ v2 spec.count.
    const ca = await createCA('hook-ca');
    const cert = await issueServerCert(ca, { commonName: 'hook', dnsNames: [], ipAddresses: ['127.0.0.1'] });
    hook = createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        hookCalls++;
        const review = JSON.parse(body) as Json;
        const want = review.request.desiredAPIVersion as string;
        const convertedObjects = (review.request.objects as Json[]).map((o) => {
          const spec = want.endsWith('/v2') ? { count: o.spec?.size } : { size: o.spec?.count };
          return { ...o, apiVersion: want, spec, metadata: { ...o.metadata, uid: 'changed', labels: { converted: 'yes' } } };
        });
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', response: { uid: review.request.uid, result: { status: 'Success' }, convertedObjects } }));
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const port = (hook.address() as AddressInfo).port;
    const caBundle = Buffer.from(ca.certPem).toString('base64');
    const sizeVersions = [
      { name: 'v1', served: true, storage: true, schema: schema({ size: { type: 'integer' } }) },
      { name: 'v2', served: true, storage: false, schema: schema({ count: { type: 'integer' } }) },
    ];
    assert.equal((await call('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd('things', 'things', 'Thing', sizeVersions, { strategy: 'Webhook', webhook: { conversionReviewVersions: ['v1'], clientConfig: { url: `https://127.0.0.1:${port}/convert`, caBundle } } }))).status, 201);
    assert.equal((await call('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd('svcthings', 'svcthings', 'SvcThing', sizeVersions, { strategy: 'Webhook', webhook: { conversionReviewVersions: ['v1'], clientConfig: { service: { namespace: 'default', name: 'conv' } } } }))).status, 201);
    const colour = schema({ colour: { type: 'string' } });
    const gadgets = crd('gadgets', 'gadgets', 'Gadget', [
      { name: 'v1beta1', served: true, storage: false, deprecated: true, schema: colour },
      { name: 'v1', served: true, storage: true, schema: colour },
      { name: 'v1alpha1', served: false, storage: false, schema: colour },
    ]);
    assert.equal((await call('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', gadgets)).status, 201);
    await waitServed('/apis/example.com/v1/namespaces/default/gadgets');
    await waitServed('/apis/example.com/v2/namespaces/default/things');
    await waitServed('/apis/example.com/v2/namespaces/default/svcthings');
  });
  after(() => {
    api?.stop();
    hook?.close();
  });

  it('None: stores in the storage version, serves every served version with apiVersion rewritten', async () => {
    const created = await call('POST', '/apis/example.com/v1beta1/namespaces/default/gadgets', { apiVersion: 'example.com/v1beta1', kind: 'Gadget', metadata: { name: 'g' }, spec: { colour: 'red' } });
    assert.equal(created.status, 201);
    assert.equal(created.body.apiVersion, 'example.com/v1beta1');
    assert.deepEqual(created.headers.warning, ['299 - "example.com/v1beta1 Gadget is deprecated"']);
    assert.equal((await stored('/registry/example.com/gadgets/default/g')).apiVersion, 'example.com/v1');
    const v1 = await call('GET', '/apis/example.com/v1/namespaces/default/gadgets/g');
    assert.equal(v1.body.apiVersion, 'example.com/v1');
    assert.deepEqual(v1.body.spec, { colour: 'red' });
    assert.equal(v1.headers.warning, undefined);
    const list = await call('GET', '/apis/example.com/v1beta1/namespaces/default/gadgets');
    assert.deepEqual(list.body.items.map((i: Json) => i.apiVersion), ['example.com/v1beta1']);
    const put = await call('PUT', '/apis/example.com/v1beta1/namespaces/default/gadgets/g', { ...list.body.items[0], spec: { colour: 'blue' } });
    assert.equal(put.status, 200);
    assert.equal(put.body.apiVersion, 'example.com/v1beta1');
    assert.deepEqual((await stored('/registry/example.com/gadgets/default/g')).spec, { colour: 'blue' });
    const ev = await firstWatchEvent('/apis/example.com/v1beta1/namespaces/default/gadgets?watch=true');
    assert.equal(ev.type, 'ADDED');
    assert.equal(ev.object.apiVersion, 'example.com/v1beta1');
    assert.equal((await call('GET', '/apis/example.com/v1alpha1/namespaces/default/gadgets')).status, 404);
  });

  it('lists the group\'s served versions in priority order in discovery, the storage version in storedVersions', async () => {
    const group = await call('GET', '/apis/example.com');
    assert.deepEqual(group.body.versions.map((v: Json) => v.version), ['v2', 'v1', 'v1beta1']);
    assert.equal(group.body.preferredVersion.version, 'v2');
    const c = await call('GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.example.com');
    assert.deepEqual(c.body.status.storedVersions, ['v1']);
    const doc = await call('GET', '/openapi/v3/apis/example.com/v1beta1');
    assert.ok(doc.body.components.schemas['com.example.v1beta1.Gadget']);
  });

  it('Webhook: converts through the webhook on write and read, keeping metadata but labels and annotations', async () => {
    const created = await call('POST', '/apis/example.com/v2/namespaces/default/things', { apiVersion: 'example.com/v2', kind: 'Thing', metadata: { name: 't' }, spec: { count: 3 } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body.spec, { count: 3 });
    const raw = await stored('/registry/example.com/things/default/t');
    assert.equal(raw.apiVersion, 'example.com/v1');
    assert.deepEqual(raw.spec, { size: 3 });
    assert.notEqual(raw.metadata.uid, 'changed');
    const calls = hookCalls;
    const v1 = await call('GET', '/apis/example.com/v1/namespaces/default/things/t');
    assert.deepEqual(v1.body.spec, { size: 3 });
    assert.equal(hookCalls, calls, 'objects in the wanted version are not sent to the webhook');
    const list = await call('GET', '/apis/example.com/v2/namespaces/default/things');
    assert.deepEqual(list.body.items.map((i: Json) => i.spec), [{ count: 3 }]);
    assert.equal(list.body.items[0].metadata.labels.converted, 'yes');
    const ev = await firstWatchEvent('/apis/example.com/v2/namespaces/default/things?watch=true');
    assert.deepEqual([ev.type, ev.object.apiVersion, ev.object.spec], ['ADDED', 'example.com/v2', { count: 3 }]);
  });

  it('Webhook behind a service: a clear 500, nothing stored', async () => {
    const r = await call('POST', '/apis/example.com/v2/namespaces/default/svcthings', { apiVersion: 'example.com/v2', kind: 'SvcThing', metadata: { name: 's' }, spec: { count: 1 } });
    assert.equal(r.status, 500);
    assert.match(r.body.message, /^Internal error occurred: conversion webhook for example.com\/v2, Kind=SvcThing failed: Post "https:\/\/conv.default.svc:443\?timeout=30s": service default\/conv has no reachable endpoints/);
    assert.equal(await store.get('/registry/example.com/svcthings/default/s'), undefined);
  });
});
