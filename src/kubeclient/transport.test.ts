import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:https';
import { after, before, test } from 'node:test';
import { createHttpsServer } from '../apiserver/http/https-server.js';
import { silentLogger } from '../lib/logger.js';
import { createCA, issueClientCert, issueServerCert, type CertKeyPair } from '../lib/pki.js';
import { startInProcessCluster, type InProcessCluster } from '../server/in-process-transport.js';
import { KubeClient } from './client.js';
import { KubeApiError } from './errors.js';
import { httpTransport, watchLineParser, type WatchEvent } from './transport.js';

let cluster: InProcessCluster;
let server: Server;
let url: string;
let ca: CertKeyPair;
let admin: CertKeyPair;

before(async () => {
  cluster = await startInProcessCluster();
  ca = await createCA('test-ca');
  const serving = await issueServerCert(ca, { commonName: 'kube-apiserver', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  admin = await issueClientCert(ca, { commonName: 'admin', organizations: ['system:masters'] });
  server = createHttpsServer({ api: cluster.api, tls: { certPem: serving.certPem, keyPem: serving.keyPem, caPem: ca.certPem }, log: silentLogger() });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await cluster.stop();
});

test('watchLineParser joins split chunks and splits joined ones', () => {
  const got: WatchEvent[] = [];
  const feed = watchLineParser((e) => got.push(e));
  feed('{"type":"ADDED","obj');
  feed('ect":{"a":1}}\n{"type":"DELETED","object":{}}\n{"type"');
  feed(':"BOOKMARK","object":{}}\n');
  assert.deepEqual(got.map((e) => e.type), ['ADDED', 'DELETED', 'BOOKMARK']);
  assert.throws(() => feed('not json\n'));
});

test('HTTPS transport with a client certificate: CRUD, errors and a watch', async () => {
  const client = new KubeClient(httpTransport({ server: url, caPem: ca.certPem, certPem: admin.certPem, keyPem: admin.keyPem }));
  const ref = { group: '', version: 'v1', resource: 'configmaps', namespace: 'default' };
  const start = await client.list(ref);
  const events: WatchEvent[] = [];
  const ctl = new AbortController();
  const watching = client.watch(ref, { resourceVersion: start.metadata.resourceVersion }, (ev) => {
    events.push(ev);
    if (ev.type === 'DELETED') ctl.abort();
  }, ctl.signal);
  await client.create(ref, { metadata: { name: 'h' }, data: { a: 'b' } });
  assert.deepEqual((await client.get({ ...ref, name: 'h' })).data, { a: 'b' });
  await assert.rejects(client.create(ref, { metadata: { name: 'h' } }), (e) => e instanceof KubeApiError && e.reason === 'AlreadyExists');
  await client.delete({ ...ref, name: 'h' });
  await watching;
  assert.deepEqual(events.map((e) => e.type), ['ADDED', 'DELETED']);
  await assert.rejects(client.watch({ group: 'x', version: 'v1', resource: 'y' }, {}, () => {}, new AbortController().signal), (e) => e instanceof KubeApiError && e.code === 404);
});

test('HTTPS transport without credentials is answered 401', async () => {
  const client = new KubeClient(httpTransport({ server: url, caPem: ca.certPem }));
  await assert.rejects(client.list({ group: '', version: 'v1', resource: 'pods' }), (e) => e instanceof KubeApiError && e.code === 401);
  assert.equal(((await client.raw({ method: 'GET', path: '/version' })) as { major: string }).major, '1');
});
