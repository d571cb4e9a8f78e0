/**
 * The service-account token authenticator, in upstream's order (pkg/serviceaccount/jwt.go
 * JWTTokenAuthenticator, then the validators of claims.go and legacy.go):
 * 1. the token is a compact JWS whose unverified `iss` is this cluster's issuer (or, for legacy
 *    Secret tokens, `kubernetes/serviceaccount`) — otherwise it is not ours and other
 *    authenticators may try it;
 * 2. a key with the header's `kid` (every key when there is none) verifies the signature;
 * 3. the token's audiences (the API audiences for legacy tokens) meet the requested ones (the API
 *    audiences, or those of a TokenReview);
 * 4. bound tokens: exp/nbf/iat hold with one minute of leeway (go-jose's DefaultLeeway), the
 *    service account and any bound secret, pod or node still exist with the same UID and are not
 *    being deleted for more than that leeway; legacy tokens: the Secret still holds exactly this
 *    token and the service account its UID.
 * The user is `system:serviceaccount:<ns>:<name>` in system:serviceaccounts,
 * system:serviceaccounts:<ns> and system:authenticated, with the pod, node and credential ID
 * (`JTI=<jti>`) in extra, as apiserver's ServiceAccountInfo.UserInfo().
 */
import { timingSafeEqual, type KeyObject } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import type { UserInfo } from '../endpoints/types.js';
import type { TokenAuthenticator } from '../registry/authentication/reviews.js';
import type { KObject } from '../registry/resource.js';
import { LEGACY_ISSUER, serviceAccountUsername } from './issuer.js';
import { parseJwt, verifyJwtSignature, type ParsedJwt } from './jwt.js';
import { keyId, toPublicKey } from './keys.js';
import { deletedBefore, getCached, type StoreLookup } from './lookup.js';

/** go-jose's jwt.DefaultLeeway. */
export const LEEWAY_MS = 60_000;
/** Label that makes a legacy token Secret refuse its token (LegacyServiceAccountTokenCleanUp). */
export const INVALID_SINCE_LABEL = 'kubernetes.io/legacy-token-invalid-since';
/** Label recording the day a legacy token was last used (LegacyServiceAccountTokenTracking). */
export const LAST_USED_LABEL = 'kubernetes.io/legacy-token-last-used';

/** User extra key: the bound pod's name (apiserver serviceaccount.PodNameKey). */
export const EXTRA_POD_NAME = 'authentication.kubernetes.io/pod-name';
/** User extra key: the bound pod's uid (PodUIDKey). */
export const EXTRA_POD_UID = 'authentication.kubernetes.io/pod-uid';
/** User extra key: the node of the bound pod, or the bound node (NodeNameKey). */
export const EXTRA_NODE_NAME = 'authentication.kubernetes.io/node-name';
/** User extra key: that node's uid when known (NodeUIDKey). */
export const EXTRA_NODE_UID = 'authentication.kubernetes.io/node-uid';
/** User extra key: `JTI=<jti>` of a bound token (user.CredentialIDKey). */
export const EXTRA_CREDENTIAL_ID = 'authentication.kubernetes.io/credential-id';

/** What the authenticator of one cluster checks tokens against. */
export interface ServiceAccountAuthenticatorOptions {
  /** Issuer URL(s) whose bound tokens this cluster accepts (--service-account-issuer). */
  issuer: string | readonly string[];
  /** The API audiences (--api-audiences): what a token must be for unless a TokenReview names others. */
  audiences: readonly string[];
  /** Keys that verify tokens (PEM or KeyObject; private keys stand for their public half). */
  publicKeys: readonly (string | KeyObject)[];
  /** The API server whose caches hold service accounts, secrets, pods and nodes. */
  lookup: () => StoreLookup | undefined;
  clock: Clock;
  /** Accept legacy Secret-based tokens (default true). */
  legacy?: boolean;
  /**
   * Called when a legacy token is used on a day its Secret's last-used label does not name (today
   * or tomorrow, UTC), so the wiring can label the Secret as upstream's legacy validator does.
   */
  onLegacyTokenUsed?: (namespace: string, secretName: string, day: string) => void;
}

/** The outcome of checking a token: a user, or why not (`ours`: the token names this cluster's issuer). */
export type TokenVerification = { ok: true; user: UserInfo; audiences: string[] } | { ok: false; ours: boolean; reason: string };

/**
 * Resolves a bearer token to its service account (undefined: not a valid token of this cluster).
 * `audiences` narrows what the token must be for (default: the API audiences).
 */
export interface ServiceAccountTokenAuthenticator {
  (token: string, audiences?: readonly string[]): Promise<UserInfo | undefined>;
  /** The detailed outcome (synchronous: everything is read from the watch cache). */
  verify(token: string, audiences?: readonly string[]): TokenVerification;
  /** For `tokenReviews(...)`: a token of this cluster that fails throws its reason (reported in status.error). */
  review: TokenAuthenticator;
}

/** Go's %q of a string slice: ["a" "b"]. */
const goQuoted = (xs: readonly string[]) => `[${xs.map((x) => JSON.stringify(x)).join(' ')}]`;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function refOf(v: unknown): { name: string; uid: string } | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  const r = v as Record<string, unknown>;
  return { name: str(r.name), uid: str(r.uid) };
}

/** Builds the authenticator of one cluster. */
export function serviceAccountTokenAuthenticator(opts: ServiceAccountAuthenticatorOptions): ServiceAccountTokenAuthenticator {
  const issuers = new Set(typeof opts.issuer === 'string' ? [opts.issuer] : opts.issuer);
  const keys = opts.publicKeys.map((k) => {
    const key = toPublicKey(k);
    return { kid: keyId(key), key };
  });
  const implicit = [...opts.audiences];
  const legacyEnabled = opts.legacy ?? true;

  const verify = (token: string, audiences?: readonly string[]): TokenVerification => {
    const jwt = parseJwt(token);
    if (!jwt) return { ok: false, ours: false, reason: 'not a JWT' };
    const iss = jwt.payload.iss;
    const legacy = legacyEnabled && iss === LEGACY_ISSUER;
    if (!legacy && !(typeof iss === 'string' && issuers.has(iss))) return { ok: false, ours: false, reason: `token issuer ${JSON.stringify(str(iss))} is not this cluster's` };
    const fail = (reason: string): TokenVerification => ({ ok: false, ours: true, reason });

    const kid = str(jwt.header.kid);
    const candidates = kid ? keys.filter((k) => k.kid === kid) : keys;
    if (!candidates.length) return fail('invalid signature, no keys found');
    if (!candidates.some((k) => verifyJwtSignature(jwt, k.key))) return fail('invalid signature');

    const aud = jwt.payload.aud;
    const tokenAudiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
    const effective = tokenAudiences.length ? tokenAudiences : implicit;
    const requested = audiences?.length ? audiences : implicit;
    const matched = effective.filter((a) => requested.includes(a));
    if (!matched.length && implicit.length) return fail(`token audiences ${goQuoted(effective)} is invalid for the target audiences ${goQuoted(requested)}`);

    const r = legacy ? validateLegacy(jwt, token, opts) : validateBound(jwt, opts);
    return 'reason' in r ? fail(r.reason) : { ok: true, user: r, audiences: matched };
  };

  const authenticate = async (token: string, audiences?: readonly string[]) => {
    const r = verify(token, audiences);
    return r.ok ? r.user : undefined;
  };
  return Object.assign(authenticate, {
    verify,
    review: async (token: string, audiences: string[]) => {
      const r = verify(token, audiences);
      if (r.ok) return r.user;
      if (r.ours) throw new Error(r.reason);
      return undefined;
    },
  });
}

interface SaInfo {
  namespace: string;
  name: string;
  uid: string;
  podName?: string;
  podUid?: string;
  nodeName?: string;
  nodeUid?: string;
  credentialId?: string;
}

/** ServiceAccountInfo.UserInfo() plus system:authenticated (added by upstream's authenticator union). */
function userInfo(sa: SaInfo): UserInfo {
  const extra: Record<string, string[]> = {};
  if (sa.podName && sa.podUid) {
    extra[EXTRA_POD_NAME] = [sa.podName];
    extra[EXTRA_POD_UID] = [sa.podUid];
  }
  if (sa.credentialId) extra[EXTRA_CREDENTIAL_ID] = [sa.credentialId];
  if (sa.nodeName) {
    extra[EXTRA_NODE_NAME] = [sa.nodeName];
    if (sa.nodeUid) extra[EXTRA_NODE_UID] = [sa.nodeUid];
  }
  return {
    name: serviceAccountUsername(sa.namespace, sa.name),
    uid: sa.uid,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${sa.namespace}`, 'system:authenticated'],
    ...(Object.keys(extra).length ? { extra } : {}),
  };
}

const numericDate = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v * 1000 : undefined);

/** claims.go validator.Validate. */
function validateBound(jwt: ParsedJwt, opts: ServiceAccountAuthenticatorOptions): UserInfo | { reason: string } {
  const now = opts.clock.now();
  const p = jwt.payload;
  for (const c of ['exp', 'nbf', 'iat'] as const) if (p[c] !== undefined && numericDate(p[c]) === undefined) return { reason: 'service account token claims could not be validated due to unexpected validation error' };
  const nbf = numericDate(p.nbf);
  const exp = numericDate(p.exp);
  const iat = numericDate(p.iat);
  if (nbf !== undefined && now + LEEWAY_MS < nbf) return { reason: 'service account token is not valid yet' };
  if (exp !== undefined && now - LEEWAY_MS > exp) return { reason: 'service account token has expired' };
  if (iat !== undefined && now + LEEWAY_MS < iat) return { reason: 'service account token is issued in the future' };

  const k8s = (p['kubernetes.io'] ?? {}) as Record<string, unknown>;
  const namespace = str(k8s.namespace);
  const saRef = refOf(k8s.serviceaccount) ?? { name: '', uid: '' };
  const podRef = refOf(k8s.pod);
  const secretRef = refOf(k8s.secret);
  const nodeRef = refOf(k8s.node);
  const invalidIfDeletedBefore = now - LEEWAY_MS;
  const lookup = opts.lookup();

  const sa = saRef.name && namespace ? getCached(lookup, 'serviceaccounts', namespace, saRef.name) : undefined;
  if (!sa) return { reason: `serviceaccounts "${saRef.name}" not found` };
  if (sa.metadata?.uid !== saRef.uid) return { reason: `service account UID (${sa.metadata?.uid ?? ''}) does not match claim (${saRef.uid})` };
  if (deletedBefore(sa, invalidIfDeletedBefore)) return { reason: `service account ${namespace}/${saRef.name} has been deleted` };

  const invalidated = { reason: 'service account token has been invalidated' };
  const checkBound = (plural: 'secrets' | 'pods' | 'nodes', what: string, ref: { name: string; uid: string }) => {
    const obj = getCached(lookup, plural, plural === 'nodes' ? undefined : namespace, ref.name);
    if (!obj) return invalidated;
    if (obj.metadata?.uid !== ref.uid) return { reason: `${what} UID (${obj.metadata?.uid ?? ''}) does not match service account ${what} ref claim (${ref.uid})` };
    if (deletedBefore(obj, invalidIfDeletedBefore)) return invalidated;
    return undefined;
  };
  if (secretRef) {
    const bad = checkBound('secrets', 'secret', secretRef);
    if (bad) return bad;
  }
  if (podRef) {
    const bad = checkBound('pods', 'pod', podRef);
    if (bad) return bad;
  }
  // A pod-bound token carries its pod's node for information; a node-bound one is checked.
  if (nodeRef && !podRef) {
    const bad = checkBound('nodes', 'node', nodeRef);
    if (bad) return bad;
  }
  const jti = str(p.jti);
  return userInfo({
    namespace,
    name: saRef.name,
    uid: saRef.uid,
    podName: podRef?.name,
    podUid: podRef?.uid,
    nodeName: nodeRef?.name,
    nodeUid: nodeRef?.uid,
    credentialId: jti ? `JTI=${jti}` : undefined,
  });
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** apiserver serviceaccount.SplitUsername. */
function splitUsername(sub: string): [string, string] | undefined {
  const prefix = 'system:serviceaccount:';
  if (!sub.startsWith(prefix)) return undefined;
  const parts = sub.slice(prefix.length).split(':');
  if (parts.length !== 2) return undefined;
  const [ns, name] = parts as [string, string];
  if (ns.length > 63 || !DNS_LABEL.test(ns) || name.length > 253 || !DNS_SUBDOMAIN.test(name)) return undefined;
  return [ns, name];
}

function secretToken(secret: KObject): Buffer | undefined {
  const data = secret.data as Record<string, string> | undefined;
  const b64 = data?.token;
  return typeof b64 === 'string' ? Buffer.from(b64, 'base64') : undefined;
}

/** legacy.go legacyValidator.Validate (with lookup). */
function validateLegacy(jwt: ParsedJwt, token: string, opts: ServiceAccountAuthenticatorOptions): UserInfo | { reason: string } {
  const p = jwt.payload;
  const sub = str(p.sub);
  const namespace = str(p['kubernetes.io/serviceaccount/namespace']);
  const secretName = str(p['kubernetes.io/serviceaccount/secret.name']);
  const saName = str(p['kubernetes.io/serviceaccount/service-account.name']);
  const saUid = str(p['kubernetes.io/serviceaccount/service-account.uid']);
  if (!sub) return { reason: 'sub claim is missing' };
  if (!namespace) return { reason: 'namespace claim is missing' };
  if (!secretName) return { reason: 'secretName claim is missing' };
  if (!saName) return { reason: 'serviceAccountName claim is missing' };
  if (!saUid) return { reason: 'serviceAccountUID claim is missing' };
  const split = splitUsername(sub);
  if (!split || split[0] !== namespace || split[1] !== saName) return { reason: 'sub claim is invalid' };

  const lookup = opts.lookup();
  const secret = getCached(lookup, 'secrets', namespace, secretName);
  if (!secret || secret.metadata?.deletionTimestamp) return { reason: 'Token has been invalidated' };
  const stored = secretToken(secret);
  const presented = Buffer.from(token);
  if (!stored || stored.length !== presented.length || !timingSafeEqual(stored, presented)) return { reason: "Token does not match server's copy" };

  const sa = getCached(lookup, 'serviceaccounts', namespace, saName);
  if (!sa) return { reason: `serviceaccounts "${saName}" not found` };
  if (sa.metadata?.deletionTimestamp) return { reason: `ServiceAccount ${namespace}/${saName} has been deleted` };
  if (sa.metadata?.uid !== saUid) return { reason: `ServiceAccount UID (${sa.metadata?.uid ?? ''}) does not match claim (${saUid})` };

  const labels = secret.metadata?.labels ?? {};
  const day = new Date(opts.clock.now()).toISOString().slice(0, 10);
  const tomorrow = new Date(opts.clock.now() + 86_400_000).toISOString().slice(0, 10);
  const lastUsed = labels[LAST_USED_LABEL];
  if (lastUsed !== day && lastUsed !== tomorrow) opts.onLegacyTokenUsed?.(namespace, secretName, day);
  if (labels[INVALID_SINCE_LABEL])
    return {
      reason: `the token in secret ${namespace}/${secretName} for service account ${namespace}/${saName} has been marked invalid. Use tokens from the TokenRequest API or manually created secret-based tokens, or remove the '${INVALID_SINCE_LABEL}' label from the secret to temporarily allow use of this token`,
    };
  return userInfo({ namespace, name: saName, uid: saUid });
}
