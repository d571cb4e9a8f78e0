/**
 * `aws eks get-token` tokens: `k8s-aws-v1.` + base64url(presigned STS GetCallerIdentity URL with a
 * signed `x-k8s-aws-id: <cluster>` header). The cluster endpoint verifies them as
 * kubernetes-sigs/aws-iam-authenticator's `Verify` does, except that instead of replaying the URL
 * to STS it checks the signature against our own IAM state, and it accepts the emulator's own
 * http(s) host rather than only the partition's STS host names.
 */
import type { Clock } from '../../lib/clock.js';
import { AwsError, type Principal } from '../types.js';
import { authError } from './auth-errors.js';
import type { IamState } from './iam-state.js';
import { type Credentials, presignUrl } from './sigv4.js';
import { type AwsHttpRequest, parseSigV4, verifySigV4 } from './sigv4-verify.js';

export const EKS_TOKEN_PREFIX = 'k8s-aws-v1.';
const MAX_TOKEN_BYTES = 4096;
const ALLOWED_PARAMS = new Set(['action', 'version', 'x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-expires', 'x-amz-security-token', 'x-amz-signature', 'x-amz-signedheaders']);

function tokenError(message: string): AwsError {
  return new AwsError('InvalidToken', message, 401);
}

/**
 * Verifies a presigned STS GetCallerIdentity URL as STS would answer it: signature, session token,
 * and a lifetime of 15 minutes from X-Amz-Date whatever X-Amz-Expires says. With `clusterId`, the
 * URL must have signed `x-k8s-aws-id` and is checked with that header set to `clusterId` (so a token
 * for another cluster fails with SignatureDoesNotMatch). Throws STS's AwsErrors.
 */
export async function verifyPresignedStsUrl(url: string, headers: Record<string, string | string[] | undefined>, opts: { iam: IamState; clock: Clock; clusterId?: string }): Promise<Principal> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw tokenError('input token was not properly formatted: malformed pre-signed URL');
  }
  const lower: Record<string, string | string[] | undefined> = {};
  for (const [k, v] of Object.entries(headers)) lower[k.toLowerCase()] = v;
  lower.host ??= u.host;
  const req: AwsHttpRequest = { method: 'GET', path: u.pathname, query: u.searchParams, headers: lower, body: Buffer.alloc(0) };
  const parsed = parseSigV4(req);
  if ('kind' in parsed) throw authError(parsed, 'sts');
  if (parsed.form !== 'query' || parsed.service !== 'sts') throw tokenError('input token was not properly formatted: not a presigned STS URL');
  if (u.searchParams.get('Action') !== 'GetCallerIdentity') throw tokenError('input token was not properly formatted: unexpected action parameter in pre-signed URL');
  if (opts.clusterId !== undefined && !parsed.signedHeaders.includes('x-k8s-aws-id')) throw tokenError('input token was not properly formatted: client did not sign the x-k8s-aws-id header in the pre-signed URL');
  const key = await opts.iam.resolveAccessKey(parsed.accessKeyId);
  if (!key) throw authError({ kind: 'unknown-key', service: 'sts' });
  const failure = verifySigV4(req, parsed, key, opts.clock.now(), opts.clusterId !== undefined ? { 'x-k8s-aws-id': opts.clusterId } : undefined);
  if (failure) throw authError(failure);
  return key.principal;
}

/** Who a valid token belongs to, with aws-iam-authenticator's field meanings. */
export interface EksIdentity {
  /** As GetCallerIdentity's Arn (`arn:aws:sts::A:assumed-role/R/S` for roles). */
  arn: string;
  /** The ARN access entries and aws-auth map: assumed roles become `arn:aws:iam::A:role/R` (path dropped). */
  canonicalArn: string;
  accountId: string;
  /** The part of GetCallerIdentity's UserId before `:` (AIDA…, AROA…, or the account id for root). */
  userId: string;
  /** The part after `:` for assumed roles. */
  sessionName?: string;
  accessKeyId: string;
  principal: Principal;
}

export type EksTokenResult = { ok: true; identity: EksIdentity } | { ok: false; reason: string };

/** `arn:aws:sts::A:assumed-role/R/S` → `arn:aws:iam::A:role/R`; users and root unchanged. */
export function canonicalizeArn(arn: string): string {
  const m = /^arn:(aws[\w-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(arn);
  return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : arn;
}

/**
 * Verifies an `aws eks get-token` bearer token for the cluster `clusterId` (its name, or its id on
 * Outposts). Token shape problems and signature failures are results, not exceptions: the API
 * server turns `{ ok: false }` into a 401.
 */
export async function verifyEksToken(token: string, opts: { iam: IamState; clock: Clock; clusterId: string }): Promise<EksTokenResult> {
  if (token.length > MAX_TOKEN_BYTES) return { ok: false, reason: 'token is too large' };
  if (!token.startsWith(EKS_TOKEN_PREFIX)) return { ok: false, reason: `token is missing expected "${EKS_TOKEN_PREFIX}" prefix` };
  const b64 = token.slice(EKS_TOKEN_PREFIX.length);
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(b64)) return { ok: false, reason: 'input token was not properly formatted: illegal base64 data' };
  const url = Buffer.from(b64, 'base64url').toString('utf8');
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { ok: false, reason: 'input token was not properly formatted: malformed pre-signed URL' };
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return { ok: false, reason: `input token was not properly formatted: unexpected scheme ${u.protocol}` };
  if (u.pathname !== '/') return { ok: false, reason: 'input token was not properly formatted: unexpected path in pre-signed URL' };
  const seen = new Set<string>();
  for (const k of u.searchParams.keys()) {
    const lk = k.toLowerCase();
    if (!ALLOWED_PARAMS.has(lk)) return { ok: false, reason: `input token was not properly formatted: non-whitelisted query parameter "${k}"` };
    if (seen.has(lk)) return { ok: false, reason: 'input token was not properly formatted: query parameter with multiple values not supported' };
    seen.add(lk);
  }
  const expires = Number(u.searchParams.get('X-Amz-Expires'));
  if (!Number.isInteger(expires) || expires < 0 || expires > 900) return { ok: false, reason: 'input token was not properly formatted: invalid X-Amz-Expires parameter in pre-signed URL' };
  let principal: Principal;
  try {
    principal = await verifyPresignedStsUrl(url, {}, opts);
  } catch (err) {
    if (err instanceof AwsError) return { ok: false, reason: `${err.code}: ${err.message}` };
    throw err;
  }
  const [userId, sessionName] = principal.userId.split(':', 2) as [string, string | undefined];
  return {
    ok: true,
    identity: {
      arn: principal.arn, canonicalArn: canonicalizeArn(principal.arn), accountId: principal.account, userId,
      ...(sessionName !== undefined ? { sessionName } : {}), accessKeyId: principal.accessKeyId, principal,
    },
  };
}

/**
 * A token as `aws eks get-token` makes it (GET, 60 s X-Amz-Expires, `x-k8s-aws-id` signed, padding
 * stripped), for our own clients and tests. `endpoint` defaults to the regional STS host.
 */
export function createEksToken(credentials: Credentials, clusterId: string, region: string, opts: { endpoint?: string; date?: Date | number } = {}): string {
  const base = opts.endpoint ?? `https://sts.${region}.amazonaws.com`;
  const url = presignUrl(
    { method: 'GET', url: `${base.replace(/\/$/, '')}/?Action=GetCallerIdentity&Version=2011-06-15`, headers: { 'x-k8s-aws-id': clusterId } },
    { region, service: 'sts', credentials, expiresIn: 60, ...(opts.date !== undefined ? { date: opts.date } : {}) },
  );
  return EKS_TOKEN_PREFIX + Buffer.from(url, 'utf8').toString('base64url');
}
