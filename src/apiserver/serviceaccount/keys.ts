/**
 * Service-account signing keys: one key pair per cluster (kube-apiserver's
 * --service-account-signing-key-file), its key ID and its public JSON Web Key. The key ID is what
 * upstream derives (pkg/serviceaccount/jwt.go keyIDFromPublicKey): the unpadded base64url SHA-256
 * of the DER SubjectPublicKeyInfo, so a relying party can pick the key without learning it from
 * the ID. RS256 (RSA 2048) is the default, as on EKS; ES256 (P-256) is offered too.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';

/** The JWS algorithms our keys sign with (upstream: RS256 for RSA, ES256/384/512 by curve). */
export type SigningAlgorithm = 'RS256' | 'ES256' | 'ES384' | 'ES512';

/** A cluster's signing key: PEMs (PKCS#8 private, SPKI public), key ID and algorithm. */
export interface SigningKey {
  privatePem: string;
  publicPem: string;
  kid: string;
  alg: SigningAlgorithm;
}

/** A public key in a JWKS, field order as go-jose writes it. */
export interface Jwk {
  use: 'sig';
  kty: 'RSA' | 'EC';
  kid: string;
  crv?: string;
  alg: SigningAlgorithm;
  n?: string;
  e?: string;
  x?: string;
  y?: string;
}

/** A JSON Web Key Set, as `/openid/v1/jwks` serves it. */
export interface JwkSet {
  keys: Jwk[];
}

const CURVE_ALGORITHMS: Record<string, SigningAlgorithm> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };
const JWK_CURVES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

/**
 * Generates a cluster's key pair without blocking the event loop (RSA 2048 takes tens of
 * milliseconds). Keep the private PEM with the cluster's record; `signingKeyFromPem` restores the
 * rest after a restart.
 */
export function createSigningKey(opts: { algorithm?: 'RS256' | 'ES256' } = {}): Promise<SigningKey> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, publicKey: KeyObject, privateKey: KeyObject) => {
      if (err) return reject(err);
      resolve(describe(privateKey, publicKey));
    };
    if (opts.algorithm === 'ES256') generateKeyPair('ec', { namedCurve: 'prime256v1' }, done);
    else generateKeyPair('rsa', { modulusLength: 2048, publicExponent: 0x10001 }, done);
  });
}

/** The signing key of a stored private key PEM (PKCS#1, SEC1 or PKCS#8). */
export function signingKeyFromPem(privatePem: string): SigningKey {
  const privateKey = createPrivateKey(privatePem);
  return describe(privateKey, createPublicKey(privateKey));
}

function describe(privateKey: KeyObject, publicKey: KeyObject): SigningKey {
  return {
    privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    kid: keyId(publicKey),
    alg: algorithmFor(publicKey),
  };
}

/** A public KeyObject from a PEM, a private key (its public half) or a KeyObject. */
export function toPublicKey(key: string | KeyObject): KeyObject {
  if (typeof key !== 'string') return key.type === 'private' ? createPublicKey(key) : key;
  return createPublicKey(key);
}

/** Upstream's key ID: base64url (unpadded) of SHA-256 over the DER SubjectPublicKeyInfo. */
export function keyId(publicKey: string | KeyObject): string {
  const der = toPublicKey(publicKey).export({ format: 'der', type: 'spki' });
  return createHash('sha256').update(der).digest('base64url');
}

/** The algorithm a key signs with; throws for key types upstream does not sign with. */
export function algorithmFor(key: KeyObject): SigningAlgorithm {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ec') {
    const alg = CURVE_ALGORITHMS[key.asymmetricKeyDetails?.namedCurve ?? ''];
    if (alg) return alg;
    throw new Error('unknown private key curve, must be 256, 384, or 521');
  }
  throw new Error(`unsupported key type ${key.asymmetricKeyType ?? key.type}, must be RSA or ECDSA`);
}

/** The public JWK of a key (`use: sig`, its kid and alg), as upstream's JWKS lists it. */
export function publicJwk(key: string | KeyObject): Jwk {
  const pub = toPublicKey(key);
  const alg = algorithmFor(pub);
  const raw = pub.export({ format: 'jwk' });
  if (raw.kty === 'RSA') return { use: 'sig', kty: 'RSA', kid: keyId(pub), alg, n: raw.n!, e: raw.e! };
  return { use: 'sig', kty: 'EC', kid: keyId(pub), crv: JWK_CURVES[pub.asymmetricKeyDetails?.namedCurve ?? ''] ?? raw.crv!, alg, x: raw.x!, y: raw.y! };
}

/** The JWKS of the keys that verify a cluster's tokens (a rotated-out key stays listed while its tokens live). */
export function jwks(publicKeys: readonly (string | KeyObject)[]): JwkSet {
  return { keys: publicKeys.map(publicJwk) };
}
