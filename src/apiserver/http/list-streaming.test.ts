import assert from 'node:assert/strict';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:https';
import { after, before, test } from 'node:test';
import { createCA, issueClientCert, issueServerCert, type CertKeyPair } from '../../lib/pki.js';
import { silentLogger } from '../../lib/logger.js';
import { KubeClient } from '../../kubeclient/client.js';
import { startInProcessCluster, type InProcessCluster } from '../../server/in-process-transport.js';
import { createHttpsServer } from './https-server.js';

let cluster: InProcessCluster;
let server: Server;
let port: number;
let ca: CertKeyPair;
let admin: CertKeyPair;
const ref = { group: '', version: 'v1', resource: 'configmaps', namespace: 'default' };

before(async () => {
  cluster = await startInProcessCluster();
  ca = await createCA('test-ca');
  const serving = await issueServerCert(ca, { commonName: 'kube-apiserver', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  admin = await issueClientCert(ca, { commonName: 'admin', organizations: ['system:masters'] });
  server = createHttpsServer({ api: cluster.api, tls: { certPem: serving.certPem, keyPem: serving.keyPem, caPem: ca.certPem }, log: silentLogger() });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  const client = new KubeClient(cluster.transport);
  // ~2.5 MB in all: several 1 MiB batches, multi-byte characters on batch edges, and one item
  // whose worst-case UTF-8 size exceeds a whole batch.
  for (let i = 0; i < 60; i++) await client.create(ref, { metadata: { name: `cm-${String(i).padStart(2, '0')}` }, data: { v: `${i % 3 ? 'x' : 'é€😀'}`.repeat(10_000 + i) } });
  await client.create(ref, { metadata: { name: 'huge' }, data: { v: 'y'.repeat(400_000) } });
});
after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await cluster.stop();
});

function get(path: string, accept = 'application/json'): Promise<{ status: number; headers: Record<string, unknown>; text: string; chunks: number }> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: '127.0.0.1', port, path, ca: ca.certPem, cert: admin.certPem, key: admin.keyPem, headers: { accept }, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(parts).toString('utf8'), chunks: parts.length }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** The body kube-apiserver's handler gives a caller that does not take lists in parts. */
async function whole(path: string, accept = 'application/json'): Promise<string> {
  const url = new URL(path, 'https://x');
  const res = await cluster.api.handle({ method: 'GET', path: url.pathname, query: url.searchParams, headers: { accept }, user: { name: 'admin', groups: ['system:masters'] }, signal: new AbortController().signal });
  assert.equal(typeof res.body, 'string');
  return res.body as string;
}

test('an unpaged list over HTTPS is streamed chunked and is byte for byte the complete list', async () => {
  const r = await get('/api/v1/namespaces/default/configmaps');
  assert.equal(r.status, 200);
  assert.equal(r.headers['transfer-encoding'], 'chunked');
  assert.equal(r.headers['content-type'], 'application/json');
  const expected = await whole('/api/v1/namespaces/default/configmaps');
  assert.equal(r.text, expected);
  const list = JSON.parse(r.text) as { kind: string; items: { metadata: { name: string }; data: { v: string } }[] };
  assert.equal(list.kind, 'ConfigMapList');
  assert.equal(list.items.filter((i) => i.metadata.name.startsWith('cm-') || i.metadata.name === 'huge').length, 61);
  assert.equal(list.items.find((i) => i.metadata.name === 'cm-00')!.data.v, 'é€😀'.repeat(10_000));
});

test('an empty list and a paged list keep their metadata', async () => {
  const empty = await get('/api/v1/namespaces/nowhere/configmaps');
  assert.equal(empty.text, await whole('/api/v1/namespaces/nowhere/configmaps'));
  assert.deepEqual(JSON.parse(empty.text).items, []);
  const page = JSON.parse((await get('/api/v1/namespaces/default/configmaps?limit=2')).text) as { items: unknown[]; metadata: { continue?: string; remainingItemCount?: number } };
  assert.equal(page.items.length, 2);
  assert.ok(page.metadata.continue);
  assert.ok((page.metadata.remainingItemCount ?? 0) > 0);
});

test('the Table that kubectl get asks for is streamed the same way', async () => {
  const accept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
  const r = await get('/api/v1/namespaces/default/configmaps', accept);
  assert.equal(r.headers['transfer-encoding'], 'chunked');
  assert.equal(r.text, await whole('/api/v1/namespaces/default/configmaps', accept));
  const t = JSON.parse(r.text) as { kind: string; columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] };
  assert.equal(t.kind, 'Table');
  assert.equal(t.columnDefinitions[0]!.name, 'Name');
  assert.ok(t.rows.some((row) => row.cells[0] === 'huge'));
});

test('in-process lists give each caller its own parsed items', async () => {
  const client = new KubeClient(cluster.transport);
  const a = await client.list(ref);
  assert.equal(a.kind, 'ConfigMapList');
  assert.ok(a.metadata.resourceVersion);
  assert.deepEqual(a, JSON.parse(await whole('/api/v1/namespaces/default/configmaps')));
  const first = a.items[0]!;
  first.metadata!.labels = { mutated: 'yes' };
  const b = await client.list(ref);
  assert.equal(b.items[0]!.metadata!.labels, undefined, 'a caller mutating its list must not reach the server or other callers');
  assert.notEqual(b.items[0], first);
});
