import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KubeClient } from '../../kubeclient/client.js';
import type { KubeObject, ResourceRef } from '../../kubeclient/types.js';
import { ManualClock, rfc3339 } from '../../lib/clock.js';
import { buildKubeconfig, writeKubeconfig } from '../../lib/kubeconfig.js';
import { silentLogger } from '../../lib/logger.js';
import { createCA, issueClientCert, issueServerCert } from '../../lib/pki.js';
import { startInProcessCluster, type InProcessCluster } from '../../server/in-process-transport.js';
import type { ApiResponse } from '../endpoints/types.js';
import { createHttpsServer } from '../http/https-server.js';
import { serviceaccounts } from '../registry/core/serviceaccounts.js';
import { serviceAccountTokenAuthenticator } from './authenticator.js';
import { EXTENDED_EXPIRATION_SECONDS, TokenIssuer } from './issuer.js';
import { createSigningKey } from './keys.js';
import { withTokenRequest } from './token-request.js';

const ISSUER = 'https://oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789ABCDEF0123456789';
const API_AUDIENCE = 'https://kubernetes.default.svc';
const START = Date.UTC(2026, 4, 1, 10, 0, 0);
const clock = new ManualClock(START);
let cluster: InProcessCluster;
let client: KubeClient;
let issuer: TokenIssuer;
let saUid: string;

const core = (resource: string, namespace = 'default'): ResourceRef => ({ group: '', version: 'v1', resource, namespace });
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, any>;

async function post(path: string, body: Buffer | object, contentType = 'application/json'): Promise<{ status: number; body: Record<string, any> }> {
  const res: ApiResponse = await cluster.api.handle({
    method: 'POST',
    path,
    query: new URLSearchParams(),
    headers: { 'content-type': contentType, accept: 'application/json' },
    body: Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body)),
    user: { name: 'admin', groups: ['system:masters', 'system:authenticated'] },
    signal: new AbortController().signal,
  });
  return { status: res.status, body: JSON.parse(String(res.body)) as Record<string, any> };
}

const tokenPath = (sa = 'app', ns = 'default') => `/api/v1/namespaces/${ns}/serviceaccounts/${sa}/token`;
const request = (spec: object, extra: object = {}) => ({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', ...extra, spec });

before(async () => {
  cluster = await startInProcessCluster({ clock });
  client = new KubeClient(cluster.transport);
  issuer = new TokenIssuer({ issuer: ISSUER, key: await createSigningKey(), apiAudiences: [API_AUDIENCE] });
  cluster.api.register(withTokenRequest(serviceaccounts, issuer, () => cluster.api));
  saUid = (await client.create<KubeObject>(core('serviceaccounts'), { metadata: { name: 'app' } })).metadata!.uid!;
});
after(async () => {
  await cluster.stop();
});

describe('serviceaccounts/token', () => {
  it('is discoverable as authentication.k8s.io/v1 TokenRequest with verb create', async () => {
    const list = await client.raw<{ resources: { name: string; group?: string; version?: string; kind: string; verbs: string[] }[] }>({ method: 'GET', path: '/api/v1' });
    const token = list.resources.find((r) => r.name === 'serviceaccounts/token');
    assert.deepEqual(token && { group: token.group, version: token.version, kind: token.kind, verbs: token.verbs }, { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest', verbs: ['create'] });
  });

  it('answers 201 with a TokenRequest: defaults of one hour and the API audiences', async () => {
    const r = await post(tokenPath(), request({}));
    assert.equal(r.status, 201);
    assert.equal(r.body.kind, 'TokenRequest');
    assert.equal(r.body.apiVersion, 'authentication.k8s.io/v1');
    assert.deepEqual(r.body.metadata, { name: 'app', namespace: 'default', uid: saUid, creationTimestamp: rfc3339(clock.now()) });
    assert.deepEqual(r.body.spec, { audiences: [API_AUDIENCE], expirationSeconds: 3600 });
    assert.equal(r.body.status.expirationTimestamp, rfc3339(clock.now() + 3600_000));
    const c = claimsOf(r.body.status.token);
    assert.deepEqual([c.iss, c.sub, c.aud, c.exp - c.iat], [ISSUER, 'system:serviceaccount:default:app', [API_AUDIENCE], 3600]);
  });

  it('takes the nulls kubectl 1.31 sends in JSON', async () => {
    const r = await post(tokenPath(), { kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', metadata: { creationTimestamp: null }, spec: { audiences: null, expirationSeconds: null, boundObjectRef: null }, status: { token: '', expirationTimestamp: null } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual(r.body.spec, { audiences: [API_AUDIENCE], expirationSeconds: 3600 });
  });

  it('takes the protobuf bodies kubectl 1.32 sends (`kubectl create token`)', async () => {
    const dir = new URL('../../apimachinery/testdata/protobuf/', import.meta.url);
    const plain = await post(tokenPath(), await readFile(new URL('token.pb', dir)), 'application/vnd.kubernetes.protobuf');
    assert.equal(plain.status, 201, JSON.stringify(plain.body));
    assert.deepEqual(plain.body.spec, { audiences: [API_AUDIENCE], expirationSeconds: 3600 });
    const full = await post(tokenPath(), await readFile(new URL('token-full.pb', dir)), 'application/vnd.kubernetes.protobuf');
    assert.equal(full.status, 201, JSON.stringify(full.body));
    assert.deepEqual(full.body.spec, { audiences: ['a1', 'a2'], expirationSeconds: 7200 });
    assert.deepEqual(claimsOf(full.body.status.token).aud, ['a1', 'a2']);
  });

  it('refuses lifetimes under 10 minutes and over 2^32 seconds with upstream’s messages', async () => {
    const short = await post(tokenPath(), request({ expirationSeconds: 599 }));
    assert.equal(short.status, 422);
    assert.equal(short.body.message, 'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes');
    assert.deepEqual(short.body.details.causes, [{ reason: 'FieldValueInvalid', message: 'Invalid value: 599: may not specify a duration less than 10 minutes', field: 'spec.expirationSeconds' }]);
    const long = await post(tokenPath(), request({ expirationSeconds: 2 ** 32 + 1 }));
    assert.equal(long.body.message, 'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 4294967297: may not specify a duration larger than 2^32 seconds');
    assert.equal((await post(tokenPath(), request({ expirationSeconds: 600 }))).status, 201);
  });

  it('checks metadata against the service account', async () => {
    const name = await post(tokenPath(), request({}, { metadata: { name: 'other' } }));
    assert.equal(name.status, 422);
    assert.equal(name.body.message, 'TokenRequest.authentication.k8s.io "app" is invalid: metadata.name: Invalid value: "other": must match the service account name if specified');
    const ns = await post(tokenPath(), request({}, { metadata: { namespace: 'kube-system' } }));
    assert.equal(ns.body.message, 'TokenRequest.authentication.k8s.io "app" is invalid: metadata.namespace: Invalid value: "kube-system": must match the service account namespace if specified');
    const uid = await post(tokenPath(), request({}, { metadata: { uid: 'stale' } }));
    assert.equal(uid.status, 409);
    assert.equal(uid.body.message, `Operation cannot be fulfilled on TokenRequest.authentication.k8s.io "app": the UID in the token request (stale) does not match the UID of the service account (${saUid})`);
    assert.equal((await post(tokenPath(), request({}, { metadata: { name: 'app', namespace: 'default', uid: saUid } }))).status, 201);
    const missing = await post(tokenPath('nobody'), request({}));
    assert.equal(missing.status, 404);
    assert.equal(missing.body.message, 'serviceaccounts "nobody" not found');
  });

  it('checks the bound object: kind, existence, service account and uid', async () => {
    await client.create(core('serviceaccounts'), { metadata: { name: 'other' } });
    const pod = await client.create(core('pods'), { metadata: { name: 'p1' }, spec: { serviceAccountName: 'app', nodeName: 'missing-node', containers: [{ name: 'c', image: 'x' }] } });
    await client.create(core('pods'), { metadata: { name: 'p2' }, spec: { serviceAccountName: 'other', containers: [{ name: 'c', image: 'x' }] } });
    const bind = (ref: object, sa = 'app') => post(tokenPath(sa), request({ boundObjectRef: ref }));

    const ok = await bind({ kind: 'Pod', apiVersion: 'v1', name: 'p1', uid: pod.metadata!.uid });
    assert.equal(ok.status, 201);
    assert.deepEqual(ok.body.spec.boundObjectRef, { kind: 'Pod', apiVersion: 'v1', name: 'p1', uid: pod.metadata!.uid });
    assert.deepEqual(claimsOf(ok.body.status.token)['kubernetes.io'].node, { name: 'missing-node' }, 'a missing node is named without uid');

    const cases: [object, number, string][] = [
      [{ kind: 'Pod', apiVersion: 'v1', name: 'nope' }, 404, 'pods "nope" not found'],
      [{ kind: 'Pod', apiVersion: 'v1', name: 'p2' }, 400, 'cannot bind token for serviceaccount "app" to pod running with different serviceaccount name.'],
      [{ kind: 'Pod', apiVersion: 'v1', name: 'p1', uid: 'old' }, 409, 'Operation cannot be fulfilled on Pod "p1": the UID in the bound object reference (old) does not match the UID in record. The object might have been deleted and then recreated'],
      [{ kind: 'Secret', apiVersion: 'v1', name: 's' }, 404, 'secrets "s" not found'],
      [{ kind: 'Node', apiVersion: 'v1', name: 'n' }, 404, 'nodes "n" not found'],
      [{ kind: 'Deployment', apiVersion: 'apps/v1', name: 'd' }, 400, 'cannot bind token to object of type apps/v1, Kind=Deployment'],
      [{ kind: 'ConfigMap', apiVersion: 'v1', name: 'c' }, 400, 'cannot bind token to object of type /v1, Kind=ConfigMap'],
    ];
    for (const [ref, status, message] of cases) {
      const r = await bind(ref);
      assert.deepEqual([r.status, r.body.message], [status, message], JSON.stringify(ref));
    }
  });

  it('extends pod-bound 3607 s tokens for the API audiences, reporting the requested expiry', async () => {
    await client.create(core('pods'), { metadata: { name: 'proj' }, spec: { serviceAccountName: 'app', containers: [{ name: 'c', image: 'x' }] } });
    const r = await post(tokenPath(), request({ expirationSeconds: 3607, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'proj' } }));
    const c = claimsOf(r.body.status.token);
    assert.equal(c.exp - c.iat, EXTENDED_EXPIRATION_SECONDS);
    assert.equal(c['kubernetes.io'].warnafter, c.iat + 3607);
    assert.equal(r.body.status.expirationTimestamp, rfc3339(clock.now() + 3607_000));
    const sts = await post(tokenPath(), request({ expirationSeconds: 3607, audiences: ['sts.amazonaws.com'], boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'proj' } }));
    const s = claimsOf(sts.body.status.token);
    assert.deepEqual([s.exp - s.iat, s['kubernetes.io'].warnafter], [3607, undefined], 'other audiences are not extended');
  });

  it('shortens lifetimes above --service-account-max-token-expiration', async () => {
    const capped = new TokenIssuer({ issuer: ISSUER, key: await createSigningKey(), apiAudiences: [API_AUDIENCE], maxExpirationSeconds: 86400 });
    cluster.api.register(withTokenRequest(serviceaccounts, capped, () => cluster.api));
    try {
      const r = await post(tokenPath(), request({ expirationSeconds: 7 * 86400 }));
      assert.equal(r.body.spec.expirationSeconds, 86400);
      const c = claimsOf(r.body.status.token);
      assert.equal(c.exp - c.iat, 86400);
    } finally {
      cluster.api.register(withTokenRequest(serviceaccounts, issuer, () => cluster.api));
    }
  });
});

describe('kubectl create token over HTTPS', () => {
  let server: Server;
  let dir: string;
  let admin: string;
  let server_url: string;
  let caPem: string;
  const kubectl = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile('kubectl', args, { encoding: 'utf8', timeout: 20_000 }, (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
    });

  before(async () => {
    const ca = await createCA('kubernetes');
    caPem = ca.certPem;
    const serving = await issueServerCert(ca, { commonName: 'kube-apiserver', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    const auth = serviceAccountTokenAuthenticator({ issuer: ISSUER, audiences: issuer.apiAudiences, publicKeys: issuer.publicKeys, lookup: () => cluster.api, clock });
    server = createHttpsServer({
      api: cluster.api,
      tls: { certPem: serving.certPem, keyPem: serving.keyPem, caPem: ca.certPem },
      log: silentLogger(),
      authenticate: async (req) => {
        const h = req.headers.authorization;
        return h?.startsWith('Bearer ') ? auth(h.slice(7).trim()) : undefined;
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    server_url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dir = await mkdtemp(join(tmpdir(), 'sa-token-'));
    const cert = await issueClientCert(ca, { commonName: 'admin', organizations: ['system:masters'] });
    admin = join(dir, 'admin');
    await writeKubeconfig(admin, buildKubeconfig({ clusterName: 'c', server: server_url, caPem, user: 'admin', clientCertPem: cert.certPem, clientKeyPem: cert.keyPem }));
  });
  after(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('issues a token that kubectl then authenticates with (auth whoami)', async (t) => {
    const which = await kubectl('version', '--client');
    if (which.code !== 0) return t.skip('kubectl is not installed');
    const created = await kubectl('--kubeconfig', admin, 'create', 'token', 'app', '--duration', '20m');
    assert.equal(created.code, 0, created.stderr);
    const token = created.stdout.trim();
    const c = claimsOf(token);
    assert.equal(c.exp - c.iat, 1200);
    const asSa = join(dir, 'sa');
    await writeKubeconfig(asSa, buildKubeconfig({ clusterName: 'c', server: server_url, caPem, user: 'sa', token }));
    const who = await kubectl('--kubeconfig', asSa, 'auth', 'whoami', '-o', 'json');
    assert.equal(who.code, 0, who.stderr);
    const info = (JSON.parse(who.stdout) as { status: { userInfo: Record<string, unknown> } }).status.userInfo;
    assert.equal(info.username, 'system:serviceaccount:default:app');
    assert.deepEqual(info.groups, ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated']);
    assert.deepEqual(info.extra, { 'authentication.kubernetes.io/credential-id': [`JTI=${c.jti as string}`] });

    const short = await kubectl('--kubeconfig', admin, 'create', 'token', 'app', '--duration', '5m');
    assert.notEqual(short.code, 0);
    assert.match(short.stderr, /spec.expirationSeconds: Invalid value: 300: may not specify a duration less than 10 minutes/);

    const bound = await kubectl('--kubeconfig', admin, 'create', 'token', 'app', '--bound-object-kind', 'Pod', '--bound-object-name', 'p1', '--audience', 'sts.amazonaws.com');
    assert.equal(bound.code, 0, bound.stderr);
    assert.deepEqual(claimsOf(bound.stdout.trim()).aud, ['sts.amazonaws.com']);

    const expired = join(dir, 'expired');
    clock.advance(1200_000 + 61_000);
    await writeKubeconfig(expired, buildKubeconfig({ clusterName: 'c', server: server_url, caPem, user: 'sa', token }));
    const refused = await kubectl('--kubeconfig', expired, 'auth', 'whoami');
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /Unauthorized/);
  });
});
