import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { realClock } from '../lib/clock.js';
import { silentLogger } from '../lib/logger.js';
import { kubernetesVersion } from '../server/version.js';
import { bootstrapCluster } from '../server/bootstrap.js';
import { openMemoryStore } from '../store/memory/memory-store.js';
import type { Store } from '../store/types.js';
import { ApiServer } from './api-server.js';
import type { ApiStream } from './endpoints/types.js';
import { builtinIndexes, builtinResources } from './registry/builtin.js';

const admin = { name: 'admin', groups: ['system:masters'] };

interface Reply {
  status: number;
  body: any;
  headers: Record<string, string | string[]>;
}

async function call(api: ApiServer, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const url = new URL(path, 'https://x');
  const res = await api.handle({
    method,
    path: url.pathname,
    query: url.searchParams,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    user: admin,
    signal: new AbortController().signal,
  });
  const raw = res.body as string;
  return { status: res.status, headers: res.headers, body: typeof raw === 'string' && String(res.headers['content-type']).includes('json') ? JSON.parse(raw) : raw };
}

/** Opens a watch and collects its events until `stop()`. */
async function watch(api: ApiServer, path: string): Promise<{ events: any[]; stop: () => void }> {
  const url = new URL(path, 'https://x');
  const ac = new AbortController();
  const res = await api.handle({ method: 'GET', path: url.pathname, query: url.searchParams, headers: {}, user: admin, signal: ac.signal });
  const events: any[] = [];
  if (res.status !== 200) throw new Error(`watch failed: ${String(res.body)}`);
  void (res.body as ApiStream).run((chunk) => {
    for (const line of chunk.split('\n')) if (line) events.push(JSON.parse(line));
    return true;
  }, ac.signal);
  return { events, stop: () => ac.abort() };
}

const cm = (name: string, labels: Record<string, string> = {}, data: Record<string, string> = { k: 'v' }) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data });
const tick = () => new Promise((r) => setTimeout(r, 10));

describe('ApiServer core', () => {
  let store: Store;
  let api: ApiServer;
  before(async () => {
    store = await openMemoryStore();
    api = new ApiServer({ store, clock: realClock, log: silentLogger(), resources: builtinResources, indexes: builtinIndexes, version: kubernetesVersion() });
    await api.start();
    await bootstrapCluster(api);
  });
  after(() => api.stop());

  it('creates with server-set metadata and reads it back', async () => {
    const r = await call(api, 'POST', '/api/v1/namespaces/default/configmaps', cm('a'));
    assert.equal(r.status, 201);
    assert.match(r.body.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.match(r.body.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const g = await call(api, 'GET', '/api/v1/namespaces/default/configmaps/a');
    assert.equal(g.body.metadata.resourceVersion, r.body.metadata.resourceVersion);
    assert.equal(g.body.data.k, 'v');
  });

  it('generates names and rejects duplicates', async () => {
    const r = await call(api, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { generateName: 'gen-' }, data: {} });
    assert.equal(r.status, 201);
    assert.match(r.body.metadata.name, /^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    const dup = await call(api, 'POST', '/api/v1/namespaces/default/configmaps', cm('a'));
    assert.equal(dup.status, 409);
    assert.equal(dup.body.reason, 'AlreadyExists');
    assert.equal(dup.body.message, 'configmaps "a" already exists');
  });

  it('answers a stale update with 409 Conflict in upstream wording', async () => {
    const cur = (await call(api, 'GET', '/api/v1/namespaces/default/configmaps/a')).body;
    const u1 = await call(api, 'PUT', '/api/v1/namespaces/default/configmaps/a', { ...cur, data: { k: 'v2' } });
    assert.equal(u1.status, 200);
    assert.notEqual(u1.body.metadata.resourceVersion, cur.metadata.resourceVersion);
    const u2 = await call(api, 'PUT', '/api/v1/namespaces/default/configmaps/a', { ...cur, data: { k: 'v3' } });
    assert.equal(u2.status, 409);
    assert.equal(u2.body.message, 'Operation cannot be fulfilled on configmaps "a": the object has been modified; please apply your changes to the latest version and try again');
  });

  it('bumps generation on spec changes only', async () => {
    const d = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'gen' }, spec: { replicas: 1, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } };
    const c = await call(api, 'POST', '/apis/apps/v1/namespaces/default/deployments', d);
    assert.equal(c.status, 201, JSON.stringify(c.body));
    assert.equal(c.body.metadata.generation, 1);
    const l = await call(api, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/gen', { metadata: { labels: { x: 'y' } } }, { 'content-type': 'application/merge-patch+json' });
    assert.equal(l.body.metadata.generation, 1);
    const st = await call(api, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/gen/status', { status: { replicas: 1 } }, { 'content-type': 'application/merge-patch+json' });
    assert.equal(st.body.metadata.generation, 1);
    assert.equal(st.body.status.replicas, 1);
    const sp = await call(api, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/gen', { spec: { replicas: 3 }, status: { replicas: 99 } }, { 'content-type': 'application/merge-patch+json' });
    assert.equal(sp.body.metadata.generation, 2);
    assert.equal(sp.body.status.replicas, 1, 'status is not writable through the main resource');
    const scale = await call(api, 'GET', '/apis/apps/v1/namespaces/default/deployments/gen/scale');
    assert.equal(scale.body.kind, 'Scale');
    assert.equal(scale.body.spec.replicas, 3);
    assert.equal(scale.body.status.selector, 'a=b');
  });

  it('lists with selectors and pages with limit/continue', async () => {
    for (let i = 0; i < 7; i++) await call(api, 'POST', '/api/v1/namespaces/default/configmaps', cm(`p${i}`, { page: 'yes', odd: String(i % 2) }));
    const sel = await call(api, 'GET', '/api/v1/namespaces/default/configmaps?labelSelector=page%3Dyes,odd%20in%20(1)');
    assert.deepEqual(sel.body.items.map((x: any) => x.metadata.name), ['p1', 'p3', 'p5']);
    const names: string[] = [];
    let cont = '';
    let pages = 0;
    do {
      const r = await call(api, 'GET', `/api/v1/namespaces/default/configmaps?labelSelector=page%3Dyes&limit=3${cont ? `&continue=${cont}` : ''}`);
      names.push(...r.body.items.map((x: any) => x.metadata.name));
      cont = r.body.metadata.continue ?? '';
      pages++;
    } while (cont);
    assert.equal(pages, 3);
    assert.deepEqual(names, ['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
    const all = await call(api, 'GET', '/api/v1/configmaps?limit=2');
    assert.ok(all.body.metadata.remainingItemCount > 0);
    const bad = await call(api, 'GET', '/api/v1/configmaps?labelSelector=a%20in%20(');
    assert.equal(bad.status, 400);
    const badField = await call(api, 'GET', '/api/v1/configmaps?fieldSelector=data.k%3Dv');
    assert.equal(badField.status, 400);
    assert.equal(badField.body.message, 'field label not supported: data.k');
    const badCont = await call(api, 'GET', '/api/v1/configmaps?continue=zzz');
    assert.equal(badCont.status, 400);
  });

  it('streams watch events from a resourceVersion, with selector transitions', async () => {
    const start = (await call(api, 'GET', '/api/v1/namespaces/default/configmaps')).body.metadata.resourceVersion;
    const w = await watch(api, `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${start}&labelSelector=w%3Dyes`);
    await call(api, 'POST', '/api/v1/namespaces/default/configmaps', cm('w1', { w: 'yes' }));
    await call(api, 'PATCH', '/api/v1/namespaces/default/configmaps/w1', { metadata: { labels: { w: 'no' } } }, { 'content-type': 'application/merge-patch+json' });
    await call(api, 'PATCH', '/api/v1/namespaces/default/configmaps/w1', { metadata: { labels: { w: 'yes' } } }, { 'content-type': 'application/merge-patch+json' });
    await call(api, 'DELETE', '/api/v1/namespaces/default/configmaps/w1');
    await tick();
    w.stop();
    assert.deepEqual(w.events.map((e) => e.type), ['ADDED', 'DELETED', 'ADDED', 'DELETED']);
    const revs = w.events.map((e) => Number(e.object.metadata.resourceVersion));
    assert.deepEqual(revs, [...revs].sort((a, b) => a - b));
  });

  it('sends initial events and the initial-events-end bookmark for WatchList', async () => {
    const w = await watch(api, '/api/v1/namespaces/default/configmaps?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&labelSelector=page%3Dyes');
    await tick();
    w.stop();
    assert.equal(w.events.filter((e) => e.type === 'ADDED').length, 7);
    const last = w.events[w.events.length - 1];
    assert.equal(last.type, 'BOOKMARK');
    assert.equal(last.object.metadata.annotations['k8s.io/initial-events-end'], 'true');
  });

  it('answers a watch older than history with a 410 ERROR event, and an old continue token with 410', async () => {
    // A second server on the same store starts its cache now: its history begins here.
    const api2 = new ApiServer({ store, clock: realClock, log: silentLogger(), resources: builtinResources, version: kubernetesVersion() });
    await api2.start();
    try {
      const w = await watch(api2, '/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1');
      await tick();
      w.stop();
      assert.equal(w.events[0]?.type, 'ERROR');
      assert.equal(w.events[0].object.code, 410);
      assert.match(w.events[0].object.message, /^too old resource version: 1 \(\d+\)$/);
    } finally {
      api2.stop();
    }
    const page = await call(api, 'GET', '/api/v1/namespaces/default/configmaps?limit=1');
    const cont = page.body.metadata.continue;
    await call(api, 'POST', '/api/v1/namespaces/default/configmaps', cm('after-page'));
    await store.compact(await store.currentRevision());
    const next = await call(api, 'GET', `/api/v1/namespaces/default/configmaps?limit=1&continue=${cont}`);
    assert.equal(next.status, 410);
    assert.equal(next.body.reason, 'Expired');
  });

  it('validates fields: Strict rejects, Warn warns, and unknown fields are never stored', async () => {
    const body = { ...cm('fv'), spec: { nope: 1 }, data: { k: 'v' } };
    const strict = await call(api, 'POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Strict', body);
    assert.equal(strict.status, 400);
    assert.equal(strict.body.message, 'strict decoding error: unknown field "spec"');
    const warn = await call(api, 'POST', '/api/v1/namespaces/default/configmaps', body);
    assert.equal(warn.status, 201);
    assert.deepEqual(warn.headers.warning, ['299 - "unknown field \\"spec\\""']);
    const stored = await call(api, 'GET', '/api/v1/namespaces/default/configmaps/fv');
    assert.equal(stored.body.spec, undefined);
    const bad = await call(api, 'POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Sometimes', cm('fv2'));
    assert.equal(bad.status, 400);
  });

  it('binds pods once and allocates service addresses', async () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bind-me' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };
    assert.equal((await call(api, 'POST', '/api/v1/namespaces/default/pods', pod)).status, 201);
    const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bind-me' }, target: { apiVersion: 'v1', kind: 'Node', name: 'node-1' } };
    const b = await call(api, 'POST', '/api/v1/namespaces/default/pods/bind-me/binding', binding);
    assert.equal(b.status, 201, JSON.stringify(b.body));
    assert.equal((await call(api, 'GET', '/api/v1/namespaces/default/pods/bind-me')).body.spec.nodeName, 'node-1');
    const again = await call(api, 'POST', '/api/v1/namespaces/default/pods/bind-me/binding', binding);
    assert.equal(again.status, 409);
    const svc = (name: string, spec: object) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ port: 80 }], ...spec } });
    const a = await call(api, 'POST', '/api/v1/namespaces/default/services', svc('a', { type: 'NodePort' }));
    assert.equal(a.status, 201, JSON.stringify(a.body));
    assert.match(a.body.spec.clusterIP, /^10\.100\.\d+\.\d+$/);
    assert.ok(a.body.spec.ports[0].nodePort >= 30000 && a.body.spec.ports[0].nodePort <= 32767);
    const taken = await call(api, 'POST', '/api/v1/namespaces/default/services', svc('b', { clusterIP: a.body.spec.clusterIP }));
    assert.equal(taken.status, 422);
    assert.match(taken.body.message, /provided IP is already allocated/);
    await call(api, 'DELETE', '/api/v1/namespaces/default/services/a');
    const reuse = await call(api, 'POST', '/api/v1/namespaces/default/services', svc('c', { clusterIP: a.body.spec.clusterIP }));
    assert.equal(reuse.status, 201, 'a deleted service releases its address');
  });

  it('honours dryRun=All without persisting', async () => {
    const r = await call(api, 'POST', '/api/v1/namespaces/default/configmaps?dryRun=All', cm('dry'));
    assert.equal(r.status, 201);
    assert.equal((await call(api, 'GET', '/api/v1/namespaces/default/configmaps/dry')).status, 404);
  });

  it('rejects bad input with the right Status and changes nothing', async () => {
    const before = (await call(api, 'GET', '/api/v1/namespaces/default/configmaps')).body.metadata.resourceVersion;
    const cases: [string, string, unknown, number, Record<string, string>?][] = [
      ['POST', '/api/v1/namespaces/default/configmaps', '{"metadata": ', 400],
      ['POST', '/api/v1/namespaces/default/configmaps', { kind: 'Secret', apiVersion: 'v1', metadata: { name: 'x' } }, 400],
      ['POST', '/api/v1/namespaces/default/configmaps', Buffer.alloc(3 * 1024 * 1024 + 10, 32), 413],
      ['POST', '/api/v1/namespaces/default/configmaps', cm('x'), 400, { 'content-type': 'application/vnd.kubernetes.protobuf' }],
      ['POST', '/api/v1/namespaces/default/configmaps', cm('x'), 415, { 'content-type': 'application/xml' }],
      ['POST', '/api/v1/namespaces/nope/configmaps', cm('x'), 404],
      ['GET', '/api/v1/namespaces/default/widgets', undefined, 404],
      ['GET', '/api/v1/namespaces/default/configmaps?resourceVersion=abc', undefined, 400],
      ['GET', '/api/v1/namespaces/default/configmaps?limit=-1', undefined, 400],
      ['POST', '/api/v1/namespaces/default/configmaps', cm('Bad_Name'), 422],
      ['PATCH', '/api/v1/namespaces/default/configmaps/a', '[{"op":"test","path":"/data/k","value":"zzz"}]', 422, { 'content-type': 'application/json-patch+json' }],
      ['PATCH', '/api/v1/namespaces/default/configmaps/a', '{}', 415, { 'content-type': 'text/plain' }],
      ['DELETE', '/api/v1/namespaces/default/configmaps/a', { propagationPolicy: 'Sometimes' }, 422],
      ['PUT', '/api/v1/namespaces/default/configmaps/a', { ...cm('b') }, 400],
      ['PUT', '/api/v1/namespaces/default/configmaps', cm('a'), 405],
      ['POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'typed', labels: { a: true } } }, 400],
      ['POST', '/apis/apps/v1/namespaces/default/deployments', { metadata: { name: 'typed' }, spec: { replicas: 'two' } }, 400],
      ['POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'typed' }, spec: { containers: { name: 'x' } } }, 400],
      ['POST', '/api/v1/namespaces/default/configmaps', '[1,2]', 400],
      ['POST', '/api/v1/namespaces/default/configmaps', 'null', 400],
      ['POST', '/api/v1/namespaces/default/configmaps/a', cm('a'), 405],
      ['GET', '/api/v1/namespaces/default/configmaps/a/status', undefined, 404],
      ['GET', '/api/v1/namespaces/default/configmaps/a/b/c/d', undefined, 404],
    ];
    for (const [method, path, body, code, headers] of cases) {
      const r = await call(api, method, path, body, headers);
      assert.equal(r.status, code, `${method} ${path}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.kind, 'Status', `${method} ${path}`);
      assert.equal(r.body.code, code);
    }
    const after = (await call(api, 'GET', '/api/v1/namespaces/default/configmaps')).body.metadata.resourceVersion;
    assert.equal(after, before);
  });

  it('keeps objects with finalizers until the last one is removed', async () => {
    await call(api, 'POST', '/api/v1/namespaces/default/configmaps', { ...cm('fin'), metadata: { name: 'fin', finalizers: ['example.com/hold'] } });
    const d = await call(api, 'DELETE', '/api/v1/namespaces/default/configmaps/fin');
    assert.equal(d.status, 200);
    assert.ok(d.body.metadata.deletionTimestamp);
    const add = await call(api, 'PATCH', '/api/v1/namespaces/default/configmaps/fin', { metadata: { finalizers: ['example.com/hold', 'more'] } }, { 'content-type': 'application/merge-patch+json' });
    assert.equal(add.status, 422);
    const rm = await call(api, 'PATCH', '/api/v1/namespaces/default/configmaps/fin', { metadata: { finalizers: null } }, { 'content-type': 'application/merge-patch+json' });
    assert.equal(rm.status, 200);
    assert.equal((await call(api, 'GET', '/api/v1/namespaces/default/configmaps/fin')).status, 404);
  });

  it('serves discovery in aggregated and legacy forms', async () => {
    const agg = await call(api, 'GET', '/apis', undefined, { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' });
    assert.match(String(agg.headers['content-type']), /as=APIGroupDiscoveryList/);
    assert.ok(agg.body.items.some((g: any) => g.metadata.name === 'apps'));
    const legacy = await call(api, 'GET', '/api/v1');
    assert.ok(legacy.body.resources.some((r: any) => r.name === 'pods/status'));
    const oa = await call(api, 'GET', '/openapi/v3');
    const url = oa.body.paths['apis/apps/v1'].serverRelativeURL as string;
    const doc = await call(api, 'GET', url);
    const patch = doc.body.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
    assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: 'apps', version: 'v1', kind: 'Deployment' });
    assert.ok(patch.parameters.some((p: any) => p.name === 'fieldValidation'));
  });
});
