/**
 * The service-account token issuer of one cluster: bound tokens with upstream's claims
 * (pkg/serviceaccount/claims.go: iss, sub, aud, exp, iat, nbf, jti and the `kubernetes.io`
 * private claim naming the namespace, service account and bound pod/secret/node) and legacy
 * secret-based tokens (pkg/serviceaccount/legacy.go: iss `kubernetes/serviceaccount`, no expiry).
 * One signing key per cluster; the issuer URL is the cluster's OIDC issuer (on EKS
 * `https://oidc.eks.<region>.amazonaws.com/id/<ID>`).
 */
import { createPrivateKey, randomUUID, type KeyObject } from 'node:crypto';
import { signJwt } from './jwt.js';
import type { SigningKey } from './keys.js';

/** The `iss` of legacy secret-based tokens (upstream serviceaccount.LegacyIssuer). */
export const LEGACY_ISSUER = 'kubernetes/serviceaccount';
/** Shortest lifetime a bound token may ask for (ValidateTokenRequest's 10 minutes). */
export const MIN_EXPIRATION_SECONDS = 600;
/** Longest lifetime ValidateTokenRequest lets through (2^32 seconds). */
export const MAX_EXPIRATION_SECONDS = 2 ** 32;
/** Lifetime of a TokenRequest that gives none (SetDefaults_TokenRequestSpec: one hour). */
export const DEFAULT_EXPIRATION_SECONDS = 3600;
/** What admission asks for projected tokens; such pod-bound requests are extended (claims.go). */
export const WARN_ONLY_EXPIRATION_SECONDS = 3607;
/** Upstream's extended lifetime of those tokens (one year; Amazon EKS documents 90 days). */
export const EXTENDED_EXPIRATION_SECONDS = 365 * 24 * 3600;

/** `{name, uid}` as the private claim writes a referenced object. */
export interface ObjectRef {
  name: string;
  uid?: string;
}

/** The object a token is bound to: it stops working once that object is gone or replaced. */
export interface BoundObject {
  kind: 'Pod' | 'Secret' | 'Node';
  name: string;
  uid: string;
}

/** The claims of a bound token (keys in the order they are written). */
export interface BoundTokenClaims {
  aud: string[];
  exp: number;
  iat: number;
  iss: string;
  jti: string;
  'kubernetes.io': {
    namespace: string;
    node?: ObjectRef;
    pod?: ObjectRef;
    secret?: ObjectRef;
    serviceaccount: ObjectRef;
    warnafter?: number;
  };
  nbf: number;
  sub: string;
}

/** The claims of a legacy secret-based token. */
export interface LegacyTokenClaims {
  iss: typeof LEGACY_ISSUER;
  'kubernetes.io/serviceaccount/namespace': string;
  'kubernetes.io/serviceaccount/secret.name': string;
  'kubernetes.io/serviceaccount/service-account.name': string;
  'kubernetes.io/serviceaccount/service-account.uid': string;
  sub: string;
}

/** What to issue a bound token for. */
export interface IssueRequest {
  namespace: string;
  serviceAccount: { name: string; uid: string };
  /** Default: the API audiences. */
  audiences?: string[];
  /** Lifetime written in `exp` (default 3600); at least 600. */
  expirationSeconds?: number;
  boundObject?: BoundObject;
  /** The node of a bound pod (ServiceAccountTokenPodNodeInfo): uid unknown when the Node is missing. */
  node?: ObjectRef;
  /** Seconds after which use of the token is reported as stale (extended projected tokens). */
  warnAfterSeconds?: number;
  /** Milliseconds since the epoch, from the injected clock. */
  now: number;
}

/** A signed bound token. */
export interface IssuedToken {
  token: string;
  claims: BoundTokenClaims;
  /** Milliseconds since the epoch at which `exp` falls. */
  expiresAt: number;
}

/** One cluster's issuer: URL, key, audiences and lifetime policy (kube-apiserver's --service-account-* flags). */
export interface TokenIssuerOptions {
  /** The `iss` claim: the cluster's service-account issuer URL. */
  issuer: string;
  key: SigningKey;
  /**
   * The API server's own audiences (--api-audiences): the default `aud` of requested tokens and
   * what the authenticator accepts. Default: `[issuer]`, as kube-apiserver without the flag.
   */
  apiAudiences?: string[];
  /** --service-account-max-token-expiration in seconds: longer requests are shortened (default: none). */
  maxExpirationSeconds?: number;
  /** --service-account-extend-token-expiration (default true). */
  extendExpiration?: boolean;
  /** Lifetime of extended projected tokens (default one year as upstream). */
  extendedExpirationSeconds?: number;
  /** The `jti` generator (default random UUIDs). */
  newId?: () => string;
}

/** "system:serviceaccount:<ns>:<name>" (apiserver serviceaccount.MakeUsername). */
export function serviceAccountUsername(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/** Signs service-account tokens for one cluster. */
export class TokenIssuer {
  readonly issuer: string;
  readonly apiAudiences: readonly string[];
  readonly kid: string;
  readonly maxExpirationSeconds: number | undefined;
  readonly extendExpiration: boolean;
  readonly extendedExpirationSeconds: number;
  /** The PEMs that verify this issuer's tokens (for the authenticator and the JWKS). */
  readonly publicKeys: readonly string[];
  private readonly privateKey: KeyObject;
  private readonly newId: () => string;

  constructor(opts: TokenIssuerOptions) {
    this.issuer = opts.issuer;
    this.apiAudiences = Object.freeze([...(opts.apiAudiences?.length ? opts.apiAudiences : [opts.issuer])]);
    this.kid = opts.key.kid;
    this.privateKey = createPrivateKey(opts.key.privatePem);
    this.publicKeys = Object.freeze([opts.key.publicPem]);
    this.maxExpirationSeconds = opts.maxExpirationSeconds;
    this.extendExpiration = opts.extendExpiration ?? true;
    this.extendedExpirationSeconds = opts.extendedExpirationSeconds ?? EXTENDED_EXPIRATION_SECONDS;
    this.newId = opts.newId ?? randomUUID;
  }

  /** Signs a bound token (claims as upstream's Claims()); throws for a lifetime under 10 minutes. */
  issue(req: IssueRequest): IssuedToken {
    const lifetime = req.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS;
    if (!Number.isInteger(lifetime) || lifetime < MIN_EXPIRATION_SECONDS) throw new RangeError('may not specify a duration less than 10 minutes');
    const iat = Math.floor(req.now / 1000);
    const k8s: BoundTokenClaims['kubernetes.io'] = {
      namespace: req.namespace,
      serviceaccount: { name: req.serviceAccount.name, uid: req.serviceAccount.uid },
    };
    const bound = req.boundObject;
    if (bound?.kind === 'Pod') {
      k8s.pod = { name: bound.name, uid: bound.uid };
      if (req.node) k8s.node = req.node.uid ? { name: req.node.name, uid: req.node.uid } : { name: req.node.name };
    } else if (bound?.kind === 'Secret') k8s.secret = { name: bound.name, uid: bound.uid };
    else if (bound?.kind === 'Node') k8s.node = { name: bound.name, uid: bound.uid };
    if (req.warnAfterSeconds) k8s.warnafter = iat + req.warnAfterSeconds;
    const claims: BoundTokenClaims = {
      aud: [...(req.audiences?.length ? req.audiences : this.apiAudiences)],
      exp: iat + lifetime,
      iat,
      iss: this.issuer,
      jti: this.newId(),
      'kubernetes.io': k8s,
      nbf: iat,
      sub: serviceAccountUsername(req.namespace, req.serviceAccount.name),
    };
    return { token: signJwt(claims, this.privateKey, this.kid), claims, expiresAt: claims.exp * 1000 };
  }

  /** Signs a legacy token for a `kubernetes.io/service-account-token` Secret (LegacyClaims; never expires). */
  issueLegacy(req: { namespace: string; serviceAccount: { name: string; uid: string }; secretName: string }): string {
    const claims: LegacyTokenClaims = {
      iss: LEGACY_ISSUER,
      'kubernetes.io/serviceaccount/namespace': req.namespace,
      'kubernetes.io/serviceaccount/secret.name': req.secretName,
      'kubernetes.io/serviceaccount/service-account.name': req.serviceAccount.name,
      'kubernetes.io/serviceaccount/service-account.uid': req.serviceAccount.uid,
      sub: serviceAccountUsername(req.namespace, req.serviceAccount.name),
    };
    return signJwt(claims, this.privateKey, this.kid);
  }
}
