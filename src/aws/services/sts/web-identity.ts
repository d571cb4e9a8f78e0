/**
 * AssumeRoleWithWebIdentity's checks of an OIDC token (what IRSA pods present): the JWT's `iss`
 * must be an IAM OIDC provider of the role's account, one of its audiences a client id of that
 * provider, `exp` in the future on the injected clock, and the role's trust policy must allow
 * `sts:AssumeRoleWithWebIdentity` for the provider's ARN as `Federated` principal under the
 * `<issuer>:sub` / `<issuer>:aud` / `<issuer>:amr` condition keys.
 *
 * **The token's signature is not verified yet**: doing so needs the issuer's JWKS (for EKS
 * clusters, the cluster's service-account signing key, known once clusters issue tokens). Until
 * then anyone who can name a registered issuer can mint a token — acceptable for an emulator, and
 * the one check left to add here.
 *
 * Error texts are STS's, as quoted from real responses in IRSA and SDK issues
 * (aws-sdk-java-v2#5709 for the expiry text; aws/amazon-eks-pod-identity-webhook issues for the
 * provider, audience and trust texts).
 */
import type { OidcProviderRecord } from '../../identity/index.js';
import { AwsError } from '../../types.js';

export const MSG_WEB_IDENTITY = {
  /** Ours: STS's wording for an unparsable token is not known. */
  malformed: 'The web identity token is not a well-formed JWT.',
  noProvider: (iss: string) => `No OpenIDConnect provider found in your account for ${iss}`,
  audience: 'Incorrect token audience',
  expired: (now: number, exp: number) => `Token expired: current date/time ${now} must be before the expiration date/time ${exp}`,
  denied: 'Not authorized to perform sts:AssumeRoleWithWebIdentity',
} as const;

/** The claims STS reads. */
export interface WebIdentityClaims {
  iss: string;
  sub: string;
  aud: string[];
  exp?: number;
  amr?: string[];
}

export function invalidToken(message: string): AwsError {
  return new AwsError('InvalidIdentityTokenException', message, 400);
}

function decodePart(part: string): unknown {
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(part)) throw invalidToken(MSG_WEB_IDENTITY.malformed);
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw invalidToken(MSG_WEB_IDENTITY.malformed);
  }
}

const strings = (v: unknown): string[] | undefined => (typeof v === 'string' ? [v] : Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined);

/** Parses a compact JWS (header.payload.signature) into the claims STS needs; InvalidIdentityToken otherwise. */
export function parseWebIdentityToken(token: string): WebIdentityClaims {
  const parts = token.split('.');
  if (parts.length !== 3) throw invalidToken(MSG_WEB_IDENTITY.malformed);
  const header = decodePart(parts[0]!);
  const payload = decodePart(parts[1]!) as Record<string, unknown> | null;
  if (!header || typeof header !== 'object' || !payload || typeof payload !== 'object' || Array.isArray(payload)) throw invalidToken(MSG_WEB_IDENTITY.malformed);
  const aud = strings(payload.aud);
  if (typeof payload.iss !== 'string' || typeof payload.sub !== 'string' || !aud) throw invalidToken(MSG_WEB_IDENTITY.malformed);
  if (payload.exp !== undefined && typeof payload.exp !== 'number') throw invalidToken(MSG_WEB_IDENTITY.malformed);
  const amr = strings(payload.amr);
  return { iss: payload.iss, sub: payload.sub, aud, ...(payload.exp !== undefined ? { exp: payload.exp as number } : {}), ...(amr ? { amr } : {}) };
}

/** `https://oidc.eks.r.amazonaws.com/id/X` → `oidc.eks.r.amazonaws.com/id/X`: the provider's name in ARNs and condition keys. */
export function issuerKey(iss: string): string {
  return iss.replace(/^https:\/\//, '').replace(/\/$/, '');
}

/** The provider of `claims.iss` among `providers`, checked against the token's audience and expiry. */
export function matchProvider(claims: WebIdentityClaims, providers: OidcProviderRecord[], nowMs: number): OidcProviderRecord {
  const key = issuerKey(claims.iss).toLowerCase();
  const provider = providers.find((p) => issuerKey(p.url).toLowerCase() === key);
  if (!provider) throw invalidToken(MSG_WEB_IDENTITY.noProvider(claims.iss));
  if (!claims.aud.some((a) => provider.clientIdList.includes(a))) throw invalidToken(MSG_WEB_IDENTITY.audience);
  const now = Math.floor(nowMs / 1000);
  if (claims.exp !== undefined && now >= claims.exp) throw new AwsError('ExpiredTokenException', MSG_WEB_IDENTITY.expired(now, claims.exp), 400);
  return provider;
}

/** The condition keys of a web-identity trust evaluation (`<issuer>:sub`, `:aud`, `:amr`). */
export function webIdentityContext(claims: WebIdentityClaims, provider: OidcProviderRecord, sessionName: string): Record<string, string | string[]> {
  const key = issuerKey(provider.url);
  const aud = claims.aud.filter((a) => provider.clientIdList.includes(a));
  return {
    [`${key}:sub`]: claims.sub,
    [`${key}:aud`]: aud.length === 1 ? aud[0]! : aud,
    ...(claims.amr ? { [`${key}:amr`]: claims.amr } : {}),
    'sts:RoleSessionName': sessionName,
  };
}

/** AccessDenied for a role that is missing or does not trust the token. */
export function webIdentityDenied(): AwsError {
  return new AwsError('AccessDenied', MSG_WEB_IDENTITY.denied, 403);
}

