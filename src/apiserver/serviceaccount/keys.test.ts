import assert from 'node:assert/strict';
import { createHash, createPrivateKey, createPublicKey, createVerify, generateKeyPairSync } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { TokenIssuer } from './issuer.js';
import { parseJwt, signJwt, verifyJwtSignature } from './jwt.js';
import { createSigningKey, jwks, keyId, publicJwk, signingKeyFromPem, type SigningKey } from './keys.js';
import { JWKS_PATH, oidcDocuments, OPENID_CONFIGURATION_PATH } from './oidc.js';

const NOW = Date.UTC(2026, 0, 1, 12);
let rsa: SigningKey;
let ec: SigningKey;

before(async () => {
  [rsa, ec] = await Promise.all([createSigningKey(), createSigningKey({ algorithm: 'ES256' })]);
});

/** Verifies a compact RS256 JWS by hand with node:crypto and a JWK, as any relying party would. */
function verifyRs256ByHand(token: string, jwk: object): Record<string, unknown> {
  const [h, p, s] = token.split('.') as [string, string, string];
  const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as { alg: string; kid: string };
  assert.equal(header.alg, 'RS256');
  const key = createPublicKey({ key: jwk as never, format: 'jwk' });
  const ok = createVerify('RSA-SHA256').update(`${h}.${p}`).verify(key, Buffer.from(s, 'base64url'));
  assert.ok(ok, 'signature verifies with the JWK');
  return JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
}

describe('signing keys', () => {
  it('creates RSA 2048 keys signing RS256 and P-256 keys signing ES256', () => {
    assert.equal(rsa.alg, 'RS256');
    assert.equal(createPublicKey(rsa.publicPem).asymmetricKeyDetails?.modulusLength, 2048);
    assert.match(rsa.privatePem, /^-----BEGIN PRIVATE KEY-----/);
    assert.equal(ec.alg, 'ES256');
  });

  it('derives the kid as upstream: unpadded base64url SHA-256 of the DER SubjectPublicKeyInfo', () => {
    const der = createPublicKey(rsa.publicPem).export({ format: 'der', type: 'spki' });
    const expected = createHash('sha256').update(der).digest('base64').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    assert.equal(rsa.kid, expected);
    assert.equal(rsa.kid.length, 43);
    assert.equal(keyId(rsa.privatePem), rsa.kid, 'a private key stands for its public half');
  });

  it('restores the same key (and kid) from the stored private PEM, PKCS#1 included', () => {
    assert.deepEqual(signingKeyFromPem(rsa.privatePem), rsa);
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pkcs1 = privateKey.export({ format: 'pem', type: 'pkcs1' }).toString();
    assert.match(pkcs1, /BEGIN RSA PRIVATE KEY/);
    assert.equal(signingKeyFromPem(pkcs1).kid, keyId(createPublicKey(privateKey)));
  });

  it('publishes JWKs in go-jose shape that node:crypto imports back to the same key', () => {
    const set = jwks([rsa.publicPem, ec.publicPem]);
    const [r, e] = set.keys as [ReturnType<typeof publicJwk>, ReturnType<typeof publicJwk>];
    assert.deepEqual(Object.keys(r), ['use', 'kty', 'kid', 'alg', 'n', 'e']);
    assert.deepEqual({ use: r.use, kty: r.kty, kid: r.kid, alg: r.alg, e: r.e }, { use: 'sig', kty: 'RSA', kid: rsa.kid, alg: 'RS256', e: 'AQAB' });
    assert.deepEqual({ kty: e.kty, crv: e.crv, alg: e.alg, kid: e.kid }, { kty: 'EC', crv: 'P-256', alg: 'ES256', kid: ec.kid });
    for (const [jwk, key] of [[r, rsa], [e, ec]] as const) {
      const back = createPublicKey({ key: jwk as never, format: 'jwk' });
      assert.equal(back.export({ format: 'pem', type: 'spki' }).toString(), key.publicPem);
      assert.equal(keyId(back), jwk.kid);
    }
  });
});

describe('JWT signing', () => {
  it('signs RS256 with a {alg, kid} header and sorted claims, verifiable by hand with the JWK', () => {
    const token = signJwt({ sub: 's', aud: ['a'], iss: 'i', 'kubernetes.io': { serviceaccount: { uid: 'u', name: 'n' }, namespace: 'ns' } }, createPrivateKeyOf(rsa), rsa.kid);
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as object;
    assert.deepEqual(header, { alg: 'RS256', kid: rsa.kid });
    assert.equal(Buffer.from(token.split('.')[1]!, 'base64url').toString(), '{"aud":["a"],"iss":"i","kubernetes.io":{"namespace":"ns","serviceaccount":{"name":"n","uid":"u"}},"sub":"s"}');
    assert.deepEqual(verifyRs256ByHand(token, publicJwk(rsa.publicPem)).sub, 's');
  });

  it('signs ES256 with raw r‖s signatures (64 bytes)', () => {
    const token = signJwt({ sub: 's' }, createPrivateKeyOf(ec), ec.kid);
    const jwt = parseJwt(token)!;
    assert.equal(jwt.signature.length, 64);
    assert.equal(verifyJwtSignature(jwt, createPublicKey(ec.publicPem)), true);
    assert.equal(verifyJwtSignature(jwt, createPublicKey(rsa.publicPem)), false, 'an RSA key does not take an ES256 token');
  });

  it('refuses alg none, HS256 and algorithms that do not fit the key', () => {
    const token = signJwt({ sub: 's' }, createPrivateKeyOf(rsa), rsa.kid);
    const [, p, s] = token.split('.') as [string, string, string];
    for (const alg of ['none', 'HS256', 'RS384', 'ES256']) {
      const forged = parseJwt(`${Buffer.from(JSON.stringify({ alg, kid: rsa.kid })).toString('base64url')}.${p}.${s}`)!;
      assert.equal(verifyJwtSignature(forged, createPublicKey(rsa.publicPem)), false, alg);
    }
  });

  it('parses only compact JWS with JSON objects in header and payload', () => {
    for (const bad of ['', 'a.b', 'a.b.c.d', '{"alg":"none"}', 'e30.e30.a+b', 'e30.W10.', 'eyJ.e30.', ' e30.e30.']) assert.equal(parseJwt(bad), undefined, bad);
    assert.ok(parseJwt('e30.e30.'));
  });

  it('issues bound tokens whose claims a relying party can check with the published JWKS', () => {
    const issuer = new TokenIssuer({ issuer: 'https://oidc.eks.us-east-1.amazonaws.com/id/ABC', key: rsa, newId: () => 'jti-1' });
    const t = issuer.issue({ namespace: 'default', serviceAccount: { name: 'app', uid: 'sa-uid' }, audiences: ['sts.amazonaws.com'], expirationSeconds: 86400, now: NOW });
    const jwk = jwks(issuer.publicKeys).keys.find((k) => k.kid === JSON.parse(Buffer.from(t.token.split('.')[0]!, 'base64url').toString()).kid);
    const claims = verifyRs256ByHand(t.token, jwk!);
    const iat = NOW / 1000;
    assert.deepEqual(claims, {
      aud: ['sts.amazonaws.com'],
      exp: iat + 86400,
      iat,
      iss: 'https://oidc.eks.us-east-1.amazonaws.com/id/ABC',
      jti: 'jti-1',
      'kubernetes.io': { namespace: 'default', serviceaccount: { name: 'app', uid: 'sa-uid' } },
      nbf: iat,
      sub: 'system:serviceaccount:default:app',
    });
    assert.equal(t.expiresAt, NOW + 86400_000);
    assert.deepEqual(Object.keys(claims), ['aud', 'exp', 'iat', 'iss', 'jti', 'kubernetes.io', 'nbf', 'sub']);
  });

  it('writes pod, node, secret and warnafter claims and legacy claims as upstream', () => {
    const issuer = new TokenIssuer({ issuer: 'https://issuer.example', key: rsa, apiAudiences: ['https://kubernetes.default.svc'] });
    const pod = issuer.issue({ namespace: 'ns', serviceAccount: { name: 'sa', uid: 'u' }, boundObject: { kind: 'Pod', name: 'p', uid: 'pu' }, node: { name: 'n1' }, warnAfterSeconds: 3607, expirationSeconds: 3600, now: NOW });
    assert.deepEqual(pod.claims['kubernetes.io'], { namespace: 'ns', serviceaccount: { name: 'sa', uid: 'u' }, pod: { name: 'p', uid: 'pu' }, node: { name: 'n1' }, warnafter: NOW / 1000 + 3607 });
    assert.deepEqual(pod.claims.aud, ['https://kubernetes.default.svc'], 'audiences default to the API audiences');
    const secret = issuer.issue({ namespace: 'ns', serviceAccount: { name: 'sa', uid: 'u' }, boundObject: { kind: 'Secret', name: 's', uid: 'su' }, now: NOW });
    assert.deepEqual(secret.claims['kubernetes.io'].secret, { name: 's', uid: 'su' });
    assert.equal(secret.claims.exp - secret.claims.iat, 3600);
    assert.throws(() => issuer.issue({ namespace: 'ns', serviceAccount: { name: 'sa', uid: 'u' }, expirationSeconds: 599, now: NOW }), /less than 10 minutes/);

    const legacy = issuer.issueLegacy({ namespace: 'ns', serviceAccount: { name: 'sa', uid: 'u' }, secretName: 'sa-token' });
    assert.equal(
      Buffer.from(legacy.split('.')[1]!, 'base64url').toString(),
      '{"iss":"kubernetes/serviceaccount","kubernetes.io/serviceaccount/namespace":"ns","kubernetes.io/serviceaccount/secret.name":"sa-token","kubernetes.io/serviceaccount/service-account.name":"sa","kubernetes.io/serviceaccount/service-account.uid":"u","sub":"system:serviceaccount:ns:sa"}',
    );
  });
});

describe('OIDC discovery documents', () => {
  it('renders the discovery document and the key set as kube-apiserver does', () => {
    const docs = oidcDocuments({ issuer: 'https://oidc.eks.eu-west-1.amazonaws.com/id/XYZ', externalAddress: '127.0.0.1:6443', publicKeys: [rsa.publicPem] });
    const cfg = docs.handle('GET', OPENID_CONFIGURATION_PATH)!;
    assert.equal(cfg.status, 200);
    assert.deepEqual(cfg.headers, { 'content-type': 'application/json', 'cache-control': 'public, max-age=3600' });
    assert.equal(
      cfg.body,
      '{"issuer":"https://oidc.eks.eu-west-1.amazonaws.com/id/XYZ","jwks_uri":"https://127.0.0.1:6443/openid/v1/jwks","response_types_supported":["id_token"],"subject_types_supported":["public"],"id_token_signing_alg_values_supported":["RS256"]}',
    );
    const keys = docs.handle('GET', JWKS_PATH)!;
    assert.equal(keys.headers['content-type'], 'application/jwk-set+json');
    const set = JSON.parse(String(keys.body)) as { keys: { kid: string }[] };
    assert.equal(set.keys.length, 1);
    assert.equal(keyId(createPublicKey({ key: set.keys[0] as never, format: 'jwk' })), rsa.kid);
    assert.equal(docs.handle('GET', '/openid/v1/other'), undefined);
    assert.equal(docs.handle('POST', JWKS_PATH), undefined);
  });

  it('takes an explicit JWKS URI and lists every algorithm once, sorted', () => {
    const docs = oidcDocuments({ issuer: 'https://kubernetes.default.svc.cluster.local', jwksUri: 'https://example.com/keys', publicKeys: [ec.publicPem, rsa.publicPem, rsa.publicPem] });
    assert.deepEqual(docs.configuration.id_token_signing_alg_values_supported, ['ES256', 'RS256']);
    assert.equal(docs.configuration.jwks_uri, 'https://example.com/keys');
  });

  it('refuses what upstream refuses', () => {
    const k = [rsa.publicPem];
    assert.throws(() => oidcDocuments({ issuer: 'http://x', externalAddress: 'h', publicKeys: k }), /must use https scheme/);
    assert.throws(() => oidcDocuments({ issuer: 'https://x?a=1', externalAddress: 'h', publicKeys: k }), /may not include a query/);
    assert.throws(() => oidcDocuments({ issuer: 'https://x#f', externalAddress: 'h', publicKeys: k }), /may not include a fragment/);
    assert.throws(() => oidcDocuments({ issuer: 'https://x', publicKeys: k }), /JWKS URI or the default external address/);
    assert.throws(() => oidcDocuments({ issuer: 'https://x', jwksUri: 'http://y/keys', publicKeys: k }), /requires https scheme/);
    assert.throws(() => oidcDocuments({ issuer: 'https://x', externalAddress: 'h', publicKeys: [] }), /no keys provided/);
  });
});

function createPrivateKeyOf(k: SigningKey) {
  return createPrivateKey(k.privatePem);
}
