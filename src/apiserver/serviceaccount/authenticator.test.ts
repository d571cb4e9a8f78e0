import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { KubeClient } from '../../kubeclient/client.js';
import type { KubeObject, ResourceRef } from '../../kubeclient/types.js';
import { ManualClock } from '../../lib/clock.js';
import { startInProcessCluster, type InProcessCluster } from '../../server/in-process-transport.js';
import { serviceaccounts } from '../registry/core/serviceaccounts.js';
import { serviceAccountTokenAuthenticator, type ServiceAccountTokenAuthenticator } from './authenticator.js';
import { TokenIssuer } from './issuer.js';
import { createSigningKey, jwks, type SigningKey } from './keys.js';
import { withTokenRequest } from './token-request.js';

const ISSUER = 'https://oidc.eks.us-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF';
const API_AUDIENCE = 'https://kubernetes.default.svc';
const clock = new ManualClock(Date.UTC(2026, 2, 1, 8));
let cluster: InProcessCluster;
let client: KubeClient;
let key: SigningKey;
let issuer: TokenIssuer;
let auth: ServiceAccountTokenAuthenticator;

const core = (resource: string, namespace = 'default'): ResourceRef => ({ group: '', version: 'v1', resource, namespace });
const POD_SPEC = { containers: [{ name: 'c', image: 'busybox' }] };

async function createSa(name: string, namespace = 'default'): Promise<KubeObject> {
  return client.create(core('serviceaccounts', namespace), { metadata: { name } });
}

async function requestToken(sa: string, spec: object = {}, namespace = 'default'): Promise<string> {
  const r = await client.raw<{ status: { token: string } }>({
    method: 'POST',
    path: `/api/v1/namespaces/${namespace}/serviceaccounts/${sa}/token`,
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec },
  });
  return r.status.token;
}

const payloadOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
const reasonOf = (token: string, audiences?: string[]) => {
  const r = auth.verify(token, audiences);
  return r.ok ? 'ok' : r.reason;
};

before(async () => {
  cluster = await startInProcessCluster({ clock });
  client = new KubeClient(cluster.transport);
  key = await createSigningKey();
  issuer = new TokenIssuer({ issuer: ISSUER, key, apiAudiences: [API_AUDIENCE] });
  cluster.api.register(withTokenRequest(serviceaccounts, issuer, () => cluster.api));
  auth = serviceAccountTokenAuthenticator({ issuer: ISSUER, audiences: issuer.apiAudiences, publicKeys: issuer.publicKeys, lookup: () => cluster.api, clock });
});
after(async () => {
  await cluster.stop();
});

describe('service-account token authenticator', () => {
  it('round trip: a requested token authenticates as its service account', async () => {
    const sa = await createSa('app');
    const token = await requestToken('app');
    const user = await auth(token);
    const jti = payloadOf(token).jti as string;
    assert.match(jti, /^[0-9a-f-]{36}$/);
    assert.deepEqual(user, {
      name: 'system:serviceaccount:default:app',
      uid: sa.metadata!.uid,
      groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
      extra: { 'authentication.kubernetes.io/credential-id': [`JTI=${jti}`] },
    });
  });

  it('refuses expired tokens, with go-jose’s one minute of leeway', async () => {
    await createSa('short');
    const token = await requestToken('short', { expirationSeconds: 600 });
    clock.advance(600_000 + 30_000);
    assert.equal(reasonOf(token), 'ok', 'within the leeway');
    clock.advance(31_000);
    assert.equal(reasonOf(token), 'service account token has expired');
    assert.equal(await auth(token), undefined);
  });

  it('refuses tokens not yet valid or issued in the future', async () => {
    const sa = await createSa('future');
    const later = issuer.issue({ namespace: 'default', serviceAccount: { name: 'future', uid: sa.metadata!.uid! }, now: clock.now() + 120_000 });
    assert.equal(reasonOf(later.token), 'service account token is not valid yet');
    const [h, , s] = later.token.split('.') as [string, string, string];
    assert.equal(reasonOf(`${h}.${Buffer.from(JSON.stringify({ ...payloadOf(later.token), nbf: undefined })).toString('base64url')}.${s}`), 'invalid signature');
    assert.equal(reasonOf(later.token), 'service account token is not valid yet');
    clock.advance(120_000);
    assert.equal(reasonOf(later.token), 'ok');
  });

  it('refuses tokens of another cluster: other issuer, or same issuer URL with another key', async () => {
    await createSa('other');
    const uid = (await client.get({ ...core('serviceaccounts'), name: 'other' })).metadata!.uid!;
    const otherKey = await createSigningKey();
    const otherCluster = new TokenIssuer({ issuer: 'https://oidc.eks.us-west-2.amazonaws.com/id/FFFF', key: otherKey, apiAudiences: [API_AUDIENCE] });
    const foreign = otherCluster.issue({ namespace: 'default', serviceAccount: { name: 'other', uid }, now: clock.now() });
    const r = auth.verify(foreign.token);
    assert.deepEqual(r, { ok: false, ours: false, reason: 'token issuer "https://oidc.eks.us-west-2.amazonaws.com/id/FFFF" is not this cluster\'s' });

    const impostor = new TokenIssuer({ issuer: ISSUER, key: otherKey, apiAudiences: [API_AUDIENCE] });
    const t = impostor.issue({ namespace: 'default', serviceAccount: { name: 'other', uid }, now: clock.now() });
    assert.equal(reasonOf(t.token), 'invalid signature, no keys found', 'its kid is unknown here');
    const [h, p, s] = t.token.split('.') as [string, string, string];
    const noKid = `${Buffer.from(JSON.stringify({ alg: 'RS256' })).toString('base64url')}.${p}.${s}`;
    assert.equal(reasonOf(noKid), 'invalid signature', 'without a kid every key is tried, none verifies');
    const ourKid = `${Buffer.from(JSON.stringify({ alg: 'RS256', kid: key.kid })).toString('base64url')}.${p}.${s}`;
    assert.equal(reasonOf(ourKid), 'invalid signature', 'claiming our kid does not help');
    assert.ok(h);
  });

  it('refuses tampered payloads and signatures, alg none, and garbage', async () => {
    await createSa('tamper');
    const token = await requestToken('tamper');
    const [h, p, s] = token.split('.') as [string, string, string];
    const claims = payloadOf(token);
    const escalated = Buffer.from(JSON.stringify({ ...claims, sub: 'system:serviceaccount:kube-system:admin' })).toString('base64url');
    assert.equal(reasonOf(`${h}.${escalated}.${s}`), 'invalid signature');
    const sig = Buffer.from(s, 'base64url');
    sig[10] = sig[10]! ^ 0xff;
    assert.equal(reasonOf(`${h}.${p}.${sig.toString('base64url')}`), 'invalid signature');
    assert.equal(reasonOf(`${h}.${p}.`), 'invalid signature');
    const none = Buffer.from(JSON.stringify({ alg: 'none', kid: key.kid })).toString('base64url');
    assert.equal(reasonOf(`${none}.${p}.`), 'invalid signature');
    for (const junk of ['', 'abc', 'a.b.c', `${h}.${p}`, `${h}.${p}.${s}.x`, '{"iss":"x"}']) assert.equal(await auth(junk), undefined, junk);
    assert.equal(reasonOf(token), 'ok', 'the original still works');
  });

  it('refuses tokens whose service account was deleted, or recreated with a new uid', async () => {
    const first = await createSa('gone');
    const token = await requestToken('gone');
    await client.delete({ ...core('serviceaccounts'), name: 'gone' });
    assert.equal(reasonOf(token), 'serviceaccounts "gone" not found');
    const again = await createSa('gone');
    assert.equal(reasonOf(token), `service account UID (${again.metadata!.uid}) does not match claim (${first.metadata!.uid})`);
  });

  it('binds to a pod: pod and node in extra, refused once the pod is deleted or replaced', async () => {
    const sa = await createSa('web');
    const node = await client.create({ group: '', version: 'v1', resource: 'nodes' }, { metadata: { name: 'ip-10-0-1-5.ec2.internal' } });
    const pod = await client.create(core('pods'), { metadata: { name: 'web-1' }, spec: { ...POD_SPEC, serviceAccountName: 'web', nodeName: 'ip-10-0-1-5.ec2.internal' } });
    const token = await requestToken('web', { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web-1', uid: pod.metadata!.uid } });
    const user = await auth(token);
    assert.equal(user?.uid, sa.metadata!.uid);
    assert.deepEqual(user?.extra, {
      'authentication.kubernetes.io/pod-name': ['web-1'],
      'authentication.kubernetes.io/pod-uid': [pod.metadata!.uid!],
      'authentication.kubernetes.io/credential-id': [`JTI=${payloadOf(token).jti as string}`],
      'authentication.kubernetes.io/node-name': ['ip-10-0-1-5.ec2.internal'],
      'authentication.kubernetes.io/node-uid': [node.metadata!.uid!],
    });
    await client.delete({ ...core('pods'), name: 'web-1' }, { gracePeriodSeconds: 0 });
    assert.equal(reasonOf(token), 'service account token has been invalidated');
    const pod2 = await client.create(core('pods'), { metadata: { name: 'web-1' }, spec: { ...POD_SPEC, serviceAccountName: 'web' } });
    assert.equal(reasonOf(token), `pod UID (${pod2.metadata!.uid}) does not match service account pod ref claim (${pod.metadata!.uid})`);
  });

  it('a pod being deleted gracefully keeps its token valid for the leeway past its deletionTimestamp', async () => {
    await createSa('graceful');
    await client.create(core('pods'), { metadata: { name: 'g-1' }, spec: { ...POD_SPEC, serviceAccountName: 'graceful', nodeName: 'ip-10-0-1-5.ec2.internal' } });
    const token = await requestToken('graceful', { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'g-1' } });
    await client.delete({ ...core('pods'), name: 'g-1' }, { gracePeriodSeconds: 30 });
    assert.ok((await client.get({ ...core('pods'), name: 'g-1' })).metadata?.deletionTimestamp, 'a scheduled pod is deleted gracefully');
    assert.equal(reasonOf(token), 'ok');
    clock.advance(30_000 + 61_000);
    assert.equal(reasonOf(token), 'service account token has been invalidated');
  });

  it('binds to a secret and to a node', async () => {
    await createSa('bound');
    const secret = await client.create(core('secrets'), { metadata: { name: 'anchor' }, stringData: { a: 'b' } });
    const st = await requestToken('bound', { boundObjectRef: { kind: 'Secret', apiVersion: 'v1', name: 'anchor' } });
    assert.deepEqual((payloadOf(st)['kubernetes.io'] as { secret: unknown }).secret, { name: 'anchor', uid: secret.metadata!.uid });
    assert.equal(reasonOf(st), 'ok');
    await client.delete({ ...core('secrets'), name: 'anchor' });
    assert.equal(reasonOf(st), 'service account token has been invalidated');

    await client.create({ group: '', version: 'v1', resource: 'nodes' }, { metadata: { name: 'n-bound' } });
    const nt = await requestToken('bound', { boundObjectRef: { kind: 'Node', apiVersion: 'v1', name: 'n-bound' } });
    assert.deepEqual((await auth(nt))?.extra?.['authentication.kubernetes.io/node-name'], ['n-bound']);
    await client.delete({ group: '', version: 'v1', resource: 'nodes', name: 'n-bound' });
    assert.equal(reasonOf(nt), 'service account token has been invalidated');
  });

  it('checks audiences: API audiences by default, a TokenReview’s when given', async () => {
    await createSa('irsa');
    const sts = await requestToken('irsa', { audiences: ['sts.amazonaws.com'] });
    assert.equal(reasonOf(sts), 'token audiences ["sts.amazonaws.com"] is invalid for the target audiences ["https://kubernetes.default.svc"]');
    const r = auth.verify(sts, ['sts.amazonaws.com', 'other']);
    assert.ok(r.ok && r.audiences.join() === 'sts.amazonaws.com');
    assert.equal((await auth.review(sts, ['sts.amazonaws.com']))?.name, 'system:serviceaccount:default:irsa');
    await assert.rejects(auth.review(sts, []), /token audiences/);
    assert.equal(await auth.review('not-a-jwt', []), undefined, 'tokens that are not ours are left to other authenticators');
  });
});

describe('legacy secret-based tokens', () => {
  it('authenticate while the Secret holds them and the service account keeps its uid', async () => {
    const sa = await createSa('robot');
    const used: string[] = [];
    const a = serviceAccountTokenAuthenticator({ issuer: ISSUER, audiences: [API_AUDIENCE], publicKeys: [key.publicPem], lookup: () => cluster.api, clock, onLegacyTokenUsed: (ns, name, day) => used.push(`${ns}/${name}@${day}`) });
    const token = issuer.issueLegacy({ namespace: 'default', serviceAccount: { name: 'robot', uid: sa.metadata!.uid! }, secretName: 'robot-token' });
    assert.equal(a.verify(token).ok ? 'ok' : (a.verify(token) as { reason: string }).reason, 'Token has been invalidated', 'no Secret yet');
    await client.create(core('secrets'), {
      metadata: { name: 'robot-token', annotations: { 'kubernetes.io/service-account.name': 'robot' } },
      type: 'kubernetes.io/service-account-token',
      stringData: { token },
    });
    const user = await a(token);
    assert.deepEqual(user, { name: 'system:serviceaccount:default:robot', uid: sa.metadata!.uid, groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'] });
    assert.deepEqual(used, ['default/robot-token@2026-03-01']);

    await client.patch({ ...core('secrets'), name: 'robot-token' }, { metadata: { labels: { 'kubernetes.io/legacy-token-invalid-since': '2026-01-01' } } });
    assert.match((a.verify(token) as { reason: string }).reason, /has been marked invalid/);
    await client.patch({ ...core('secrets'), name: 'robot-token' }, { metadata: { labels: { 'kubernetes.io/legacy-token-invalid-since': null } }, stringData: { token: 'replaced' } });
    assert.equal((a.verify(token) as { reason: string }).reason, "Token does not match server's copy");
  });

  it('refuses a legacy token whose service account was recreated', async () => {
    const sa = await createSa('robot2');
    const token = issuer.issueLegacy({ namespace: 'default', serviceAccount: { name: 'robot2', uid: sa.metadata!.uid! }, secretName: 'robot2-token' });
    await client.create(core('secrets'), { metadata: { name: 'robot2-token', annotations: { 'kubernetes.io/service-account.name': 'robot2' } }, type: 'kubernetes.io/service-account-token', stringData: { token } });
    assert.equal(reasonOf(token), 'ok');
    await client.delete({ ...core('serviceaccounts'), name: 'robot2' });
    const again = await createSa('robot2');
    assert.equal(reasonOf(token), `ServiceAccount UID (${again.metadata!.uid}) does not match claim (${sa.metadata!.uid})`);
    const off = serviceAccountTokenAuthenticator({ issuer: ISSUER, audiences: [API_AUDIENCE], publicKeys: [key.publicPem], lookup: () => cluster.api, clock, legacy: false });
    assert.equal(off.verify(token).ok, false);
  });
});

describe('independent verification', () => {
  it('python cryptography verifies our RS256 signature with the published JWK (skipped without python3)', async (t) => {
    const probe = spawnSync('python3', ['-c', 'import cryptography'], { encoding: 'utf8' });
    if (probe.status !== 0) return t.skip('python3 with cryptography is not installed');
    const token = await requestToken('app');
    const jwk = jwks(issuer.publicKeys).keys[0]!;
    const script = `
import base64, json, sys
from cryptography.hazmat.primitives.asymmetric import rsa, padding
from cryptography.hazmat.primitives import hashes
def d(s): return base64.urlsafe_b64decode(s + '=' * (-len(s) % 4))
token, jwk = sys.argv[1], json.loads(sys.argv[2])
h, p, s = token.split('.')
key = rsa.RSAPublicNumbers(int.from_bytes(d(jwk['e']), 'big'), int.from_bytes(d(jwk['n']), 'big')).public_key()
key.verify(d(s), (h + '.' + p).encode(), padding.PKCS1v15(), hashes.SHA256())
print(json.loads(d(p))['sub'])
`;
    const r = spawnSync('python3', ['-c', script, token, JSON.stringify(jwk)], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'system:serviceaccount:default:app');
  });
});
