/**
 * Bad input at the HTTPS front of a spawned `eksplane apiserver` (issue 5, "What it must show"):
 * garbage bytes instead of a TLS ClientHello, a client certificate from another CA, an expired
 * client certificate from the cluster's own CA, and malformed bearer tokens are each refused
 * cleanly — the connection closed, or 401 with an Unauthorized Status as kube-apiserver answers —
 * and afterwards the admin kubeconfig still works and the process is alive.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { createCA, issueClientCert, type CertKeyPair } from '../../src/lib/pki.js';
import { adminClient, startApiServer, type RunningApiServer } from './harness.js';

let server: RunningApiServer;
let endpoint: URL;
let pki: { ca: CertKeyPair };

before(async () => {
  server = await startApiServer();
  endpoint = new URL(server.url);
  pki = JSON.parse(readFileSync(join(server.dir, 'data', 'pki', 'pki.json'), 'utf8')) as { ca: CertKeyPair };
});
after(async () => {
  await server.cleanup();
});

interface Answer {
  status: number;
  body: any;
}

/** GET `path` over a fresh TLS connection trusting the cluster CA, with optional client cert and headers. */
function get(path: string, opts: { cert?: CertKeyPair; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: endpoint.hostname, port: endpoint.port, path, method: 'GET', agent: false, ca: pki.ca.certPem, cert: opts.cert?.certPem, key: opts.cert?.keyPem, headers: { accept: 'application/json', ...opts.headers }, timeout: 5000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** kube-apiserver's answer to a request nobody could be authenticated for. */
function assertUnauthorized(a: Answer, what: string): void {
  assert.equal(a.status, 401, `${what}: ${JSON.stringify(a.body)}`);
  assert.equal(a.body.kind, 'Status', what);
  assert.equal(a.body.apiVersion, 'v1', what);
  assert.equal(a.body.status, 'Failure', what);
  assert.equal(a.body.reason, 'Unauthorized', what);
  assert.equal(a.body.code, 401, what);
}

it('closes a connection that sends garbage instead of a TLS ClientHello', async () => {
  for (let i = 0; i < 5; i++) {
    const closed = await new Promise<{ data: number }>((resolve, reject) => {
      const sock = net.connect({ host: endpoint.hostname, port: Number(endpoint.port) });
      let data = 0;
      const timer = setTimeout(() => {
        sock.destroy();
        reject(new Error('connection still open after 5 s of garbage'));
      }, 5000);
      sock.on('data', (d: Buffer) => (data += d.length));
      sock.on('error', () => undefined);
      sock.on('close', () => {
        clearTimeout(timer);
        resolve({ data });
      });
      sock.on('connect', () => sock.write(i === 0 ? Buffer.from('GET /api HTTP/1.1\r\nHost: x\r\n\r\n') : randomBytes(512 + i * 1000)));
    });
    // At most a TLS alert record (content type 21) comes back, never an HTTP answer.
    assert.ok(closed.data < 64, `got ${closed.data} bytes back`);
  }
  assert.equal((await get('/version')).status, 200, 'the server still answers');
});

it('refuses a client certificate signed by another CA with 401', async () => {
  const other = await createCA('eksplane-ca');
  const forged = await issueClientCert(other, { commonName: 'kubernetes-admin', organizations: ['system:masters'] });
  assertUnauthorized(await get('/api/v1/namespaces', { cert: forged }), 'foreign CA');
});

it('refuses an expired client certificate signed by the cluster CA with 401', async () => {
  const expired = await issueClientCert(pki.ca, { commonName: 'kubernetes-admin', organizations: ['system:masters'], now: Date.now() - 10 * 86_400_000, validDays: 1 });
  assertUnauthorized(await get('/api/v1/namespaces', { cert: expired }), 'expired certificate');
  // The same CA with a valid certificate is let in, so the refusal above is about expiry.
  const fresh = await issueClientCert(pki.ca, { commonName: 'kubernetes-admin', organizations: ['system:masters'] });
  assert.equal((await get('/api/v1/namespaces', { cert: fresh })).status, 200);
});

it('refuses malformed and tampered bearer tokens with a 401 Status', async () => {
  const admin = await adminClient(server.kubeconfig);
  const tr = await admin('POST', '/api/v1/namespaces/default/serviceaccounts/default/token', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } });
  assert.equal(tr.status, 201, JSON.stringify(tr.body));
  const token = tr.body.status.token as string;
  const good = await get('/api', { headers: { authorization: `Bearer ${token}` } });
  assert.equal(good.status, 200, 'the genuine service-account token is accepted');
  const [h, p, s] = token.split('.') as [string, string, string];
  const flipped = s.slice(0, 10) + (s[10] === 'A' ? 'B' : 'A') + s.slice(11);
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
  const otherSub = Buffer.from(JSON.stringify({ ...claims, sub: 'system:serviceaccount:kube-system:clusterrole-aggregation-controller' })).toString('base64url');
  const bad: [string, string][] = [
    ['empty bearer', 'Bearer '],
    ['bearer of spaces', 'Bearer    '],
    ['three dots', 'Bearer x.y.z'],
    ['not base64', 'Bearer %%%.$$$.!!!'],
    ['tampered signature', `Bearer ${h}.${p}.${flipped}`],
    ['tampered claims', `Bearer ${h}.${otherSub}.${s}`],
    ['alg none', `Bearer ${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${p}.`],
    ['aws token prefix, garbage', 'Bearer k8s-aws-v1.not-a-url'],
    ['basic auth', 'Basic YWRtaW46YWRtaW4='],
    ['huge token', `Bearer ${'a'.repeat(12_000)}`],
  ];
  for (const [what, authorization] of bad) assertUnauthorized(await get('/api/v1/namespaces', { headers: { authorization } }), what);
  // Headers beyond Node's 16 KiB limit: 431 and the connection closed, before any authentication.
  const tooBig = await get('/api/v1/namespaces', { headers: { authorization: `Bearer ${'b'.repeat(64_000)}` } }).catch((err: Error) => ({ status: -1, body: err.message }));
  assert.ok(tooBig.status === 431 || tooBig.status === -1, `huge header: ${tooBig.status}`);
});

it('still serves the admin kubeconfig afterwards, in the same process', () => {
  assert.equal(server.proc.exitCode, null);
  assert.equal(server.proc.signalCode, null);
  const ns = server.kubectl(['get', 'ns', 'kube-system', '-o', 'name']);
  assert.equal(ns.code, 0, ns.stderr);
  assert.equal(ns.stdout.trim(), 'namespace/kube-system');
});
