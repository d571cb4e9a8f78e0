/**
 * An EKS cluster's service-account key through its real HTTPS endpoint: none is made while the
 * cluster comes up; the first TokenRequest or JWKS fetch (concurrently) makes one RS256 key,
 * kept in the control-plane record; the token it signs authenticates; the OIDC documents
 * advertise RS256 and that key; after a restart the key, the JWKS and old tokens stay valid.
 */
import assert from 'node:assert/strict';
import https from 'node:https';
import { after, before, describe, it } from 'node:test';
import { IamState } from '../aws/identity/index.js';
import { Table } from '../aws/state/table.js';
import { ManualClock } from '../lib/clock.js';
import { silentLogger } from '../lib/logger.js';
import { issueClientCert, type CertKeyPair } from '../lib/pki.js';
import { openMemoryStore } from '../store/memory/memory-store.js';
import type { Store } from '../store/types.js';
import { ControlPlanes } from './control-planes.js';

const scope = { account: '000000000000', region: 'us-west-2' };
const cluster = { ...scope, name: 'lazy', id: '0f3c9a7e-5b1d-4e2a-9c8f-1a2b3c4d5e6f', arn: 'arn:aws:eks:us-west-2:000000000000:cluster/lazy', version: '1.32', platformVersion: 'eks.1', encryptsSecrets: false };

interface Record {
  ca: CertKeyPair;
  serviceAccountKeyPem?: string;
}

let store: Store;
let cps: ControlPlanes;
let endpoint: string;
let ca: CertKeyPair;
let admin: CertKeyPair;
const clock = new ManualClock();
const records = () => new Table<Record>(store, { service: 'eksplane', account: 'all-accounts', type: 'control-planes' });

function call(method: string, path: string, opts: { body?: unknown; cert?: boolean } = {}): Promise<{ status: number; body: any }> {
  const tls = opts.cert === false ? {} : { cert: admin.certPem, key: admin.keyPem };
  return new Promise((resolve, reject) => {
    const req = https.request(new URL(path, endpoint), { method, ca: ca.certPem, ...tls, headers: { 'content-type': 'application/json' }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString() || 'null') }));
    });
    req.on('error', reject);
    req.end(opts.body === undefined ? undefined : JSON.stringify(opts.body));
  });
}

const kidOf = (token: string) => (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { alg: string; kid: string });

async function whoIs(token: string): Promise<string | undefined> {
  const r = await call('POST', '/apis/authentication.k8s.io/v1/tokenreviews', { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } } });
  assert.equal(r.status, 201);
  return r.body.status.user?.username;
}

before(async () => {
  store = await openMemoryStore();
  cps = new ControlPlanes({ store, clock, log: silentLogger(), iam: new IamState(store, { clock }) });
  endpoint = (await cps.provision(cluster)).endpoint;
  ca = (await records().get(cluster.id))!.value.ca;
  admin = await issueClientCert(ca, { commonName: 'admin', organizations: ['system:masters'] });
});

after(() => cps.stop());

describe('the service-account key of an EKS cluster', () => {
  let token = '';
  let jwks: { keys: { kid: string; alg: string; kty: string }[] };

  it('is not made while the cluster comes up', async () => {
    assert.equal((await call('GET', '/api/v1/namespaces/kube-system')).status, 200);
    assert.equal((await records().get(cluster.id))!.value.serviceAccountKeyPem, undefined);
  });

  it('is made once by the first TokenRequest and JWKS fetch, kept, and signs RS256 tokens', async () => {
    const [tr, keys, config] = await Promise.all([
      call('POST', '/api/v1/namespaces/default/serviceaccounts/default/token', { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} } }),
      call('GET', '/openid/v1/jwks', { cert: false }),
      call('GET', '/.well-known/openid-configuration', { cert: false }),
    ]);
    assert.equal(tr.status, 201);
    assert.equal(keys.status, 200);
    assert.equal(config.status, 200);
    token = tr.body.status.token;
    jwks = keys.body;
    assert.equal(jwks.keys.length, 1);
    assert.deepEqual(kidOf(token), { alg: 'RS256', kid: jwks.keys[0]!.kid });
    assert.equal(jwks.keys[0]!.kty, 'RSA');
    assert.deepEqual(config.body.id_token_signing_alg_values_supported, ['RS256']);
    assert.equal(config.body.issuer, 'https://oidc.eks.us-west-2.amazonaws.com/id/0F3C9A7E5B1D4E2A9C8F1A2B3C4D5E6F');
    assert.match((await records().get(cluster.id))!.value.serviceAccountKeyPem ?? '', /BEGIN PRIVATE KEY/);
    assert.equal(await whoIs(token), 'system:serviceaccount:default:default');
  });

  it('stays the same after a restart, and its tokens keep working', async () => {
    await cps.stop();
    cps = new ControlPlanes({ store, clock, log: silentLogger(), iam: new IamState(store, { clock }) });
    await cps.start();
    endpoint = (await cps.provision(cluster)).endpoint;
    const keys = await call('GET', '/openid/v1/jwks', { cert: false });
    assert.deepEqual(keys.body, jwks);
    assert.equal(await whoIs(token), 'system:serviceaccount:default:default');
  });
});
