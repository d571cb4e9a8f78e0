/**
 * Server-side SigV4 verification: parse the header or presigned-query form, check the time window,
 * the session token and the signature. Failures are results (a {@link SigV4Failure} kind), not
 * exceptions; auth-errors.ts turns them into each service's wire error.
 *
 * Time rules, as AWS applies them: a header-signed request is accepted within 15 minutes either
 * side of its X-Amz-Date; a presigned URL from X-Amz-Date - 15 min until X-Amz-Date + X-Amz-Expires
 * — except for STS, which ignores X-Amz-Expires and always allows 15 minutes (aws-sdk-go#2167; the
 * reason `aws eks get-token` tokens presigned for 60 s live 15 minutes).
 */
import { timingSafeEqual } from 'node:crypto';
import { ALGORITHM, EMPTY_SHA256, UNSIGNED_PAYLOAD, amzDate, canonicalPath, canonicalQuery, parseAmzDate, sha256Hex, signature, type CanonicalInput } from './sigv4.js';

/** An HTTP request as the protocol layer hands it over: `path` as on the wire (percent-encoded, no query). */
export interface AwsHttpRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** Lower-cased names, as node's IncomingMessage has them. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** What a signature claims, before it is checked. */
export interface ParsedSigV4 {
  form: 'header' | 'query';
  accessKeyId: string;
  region: string;
  service: string;
  scopeDate: string;
  /** YYYYMMDDTHHMMSSZ and its epoch milliseconds. */
  amzDate: string;
  time: number;
  signedHeaders: string[];
  signature: string;
  securityToken?: string;
  /** Presigned form: X-Amz-Expires seconds. */
  expires?: number;
}

/** Why a request is not authentic; `message` where the wording carries request data. */
export type SigV4Failure =
  | { kind: 'missing'; service?: string }
  | { kind: 'incomplete'; message: string; service?: string }
  | { kind: 'unknown-key'; service: string }
  | { kind: 'invalid-token'; service: string }
  | { kind: 'expired-token'; service: string }
  | { kind: 'mismatch'; service: string; message?: string }
  | { kind: 'expired'; service: string; message: string }
  | { kind: 'not-yet-valid'; service: string; message: string };

/** The secret behind an access key id, and the session token it requires for temporary credentials. */
export interface KeySecret {
  secret: string;
  sessionToken?: string;
  /** Epoch ms after which temporary credentials are refused. */
  expiration?: number;
}

/** AWS's allowed clock skew, and the lifetime of an STS presigned URL. */
export const SKEW_MS = 15 * 60 * 1000;
const MAX_EXPIRES = 604800;

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Reads the signature's claims (header form first, then presigned query form), or why there are none usable. */
export function parseSigV4(req: AwsHttpRequest): ParsedSigV4 | SigV4Failure {
  const auth = one(req.headers.authorization);
  if (auth !== undefined) return parseHeaderForm(auth, req);
  if (req.query.has('X-Amz-Algorithm') || req.query.has('X-Amz-Credential') || req.query.has('X-Amz-Signature')) return parseQueryForm(req.query);
  return { kind: 'missing' };
}

function parseCredential(cred: string): { accessKeyId: string; scopeDate: string; region: string; service: string } | undefined {
  const m = /^([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request$/.exec(cred);
  return m ? { accessKeyId: m[1]!, scopeDate: m[2]!, region: m[3]!, service: m[4]! } : undefined;
}

const AUTH_PARTS = {
  Credential: /(?:^|[\s,])Credential=([^,\s]*)/,
  SignedHeaders: /(?:^|[\s,])SignedHeaders=([^,\s]*)/,
  Signature: /(?:^|[\s,])Signature=([^,\s]*)/,
};

function parseHeaderForm(auth: string, req: AwsHttpRequest): ParsedSigV4 | SigV4Failure {
  const alg = auth.trim().split(/\s+/, 1)[0] ?? '';
  const rest = auth.trim().slice(alg.length);
  const credRaw = AUTH_PARTS.Credential.exec(rest)?.[1];
  const cred = credRaw ? parseCredential(credRaw) : undefined;
  const signedRaw = AUTH_PARTS.SignedHeaders.exec(rest)?.[1];
  const sig = AUTH_PARTS.Signature.exec(rest)?.[1];
  const dateHeader = one(req.headers['x-amz-date']);
  const httpDate = one(req.headers.date);
  const problems: string[] = [];
  if (alg !== ALGORITHM) problems.push(`Unsupported AWS 'algorithm': '${alg}'.`);
  else {
    if (!credRaw) problems.push("Authorization header requires 'Credential' parameter.");
    else if (!cred) problems.push(`Credential should be scoped to a valid region, service and date: '${credRaw}'.`);
    if (!sig) problems.push("Authorization header requires 'Signature' parameter.");
    if (!signedRaw) problems.push("Authorization header requires 'SignedHeaders' parameter.");
    if (!dateHeader && !httpDate) problems.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  const signedHeaders = (signedRaw ?? '').toLowerCase().split(';').filter(Boolean);
  if (!problems.length && !signedHeaders.includes('host')) problems.push("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  if (problems.length || !cred || !sig) return { kind: 'incomplete', message: `${problems.join(' ')} Authorization=${auth}`, service: cred?.service };
  const time = dateHeader ? parseAmzDate(dateHeader) : Date.parse(httpDate ?? '');
  if (Number.isNaN(time)) return { kind: 'incomplete', message: `Date must be in ISO-8601 'basic format'. Got '${dateHeader ?? httpDate}'.`, service: cred.service };
  const stamp = dateHeader ?? amzDate(time);
  const token = one(req.headers['x-amz-security-token']);
  return { form: 'header', ...cred, amzDate: stamp, time, signedHeaders, signature: sig, ...(token !== undefined ? { securityToken: token } : {}) };
}

function parseQueryForm(q: URLSearchParams): ParsedSigV4 | SigV4Failure {
  const credRaw = q.get('X-Amz-Credential');
  const cred = credRaw ? parseCredential(credRaw) : undefined;
  const missing = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date'].filter((k) => !q.get(k));
  if (missing.length) return { kind: 'incomplete', message: missing.map((k) => `AWS query-string parameters must include '${k}'.`).join(' ') + ' Re-examine the query-string parameters.', service: cred?.service };
  if (q.get('X-Amz-Algorithm') !== ALGORITHM) return { kind: 'incomplete', message: `Unsupported AWS 'algorithm': '${q.get('X-Amz-Algorithm')}'.`, service: cred?.service };
  if (!cred) return { kind: 'incomplete', message: `Credential should be scoped to a valid region, service and date: '${credRaw}'.` };
  const stamp = q.get('X-Amz-Date')!;
  const time = parseAmzDate(stamp);
  if (Number.isNaN(time)) return { kind: 'incomplete', message: `Date must be in ISO-8601 'basic format'. Got '${stamp}'.`, service: cred.service };
  const expRaw = q.get('X-Amz-Expires');
  const expires = expRaw === null ? undefined : Number(expRaw);
  if (expires !== undefined && !(Number.isInteger(expires) && expires >= 0)) return { kind: 'incomplete', message: `X-Amz-Expires should be a number: '${expRaw}'.`, service: cred.service };
  if (expires !== undefined && expires > MAX_EXPIRES) return { kind: 'incomplete', message: `X-Amz-Expires must be less than a week (in seconds) that is ${MAX_EXPIRES}`, service: cred.service };
  const token = q.get('X-Amz-Security-Token');
  const signedHeaders = q.get('X-Amz-SignedHeaders')!.toLowerCase().split(';').filter(Boolean);
  return { form: 'query', ...cred, amzDate: stamp, time, signedHeaders, signature: q.get('X-Amz-Signature')!, ...(expires !== undefined ? { expires } : {}), ...(token !== null ? { securityToken: token } : {}) };
}

/** Whether the request's signature is the one `secret` gives for `base` with `payloadHash` (compared in constant time). */
function signatureMatches(p: ParsedSigV4, secret: string, base: CanonicalInput, payloadHash: string): boolean {
  base.payloadHash = payloadHash;
  const want = Buffer.from(signature(base, secret, p.amzDate, p.region, p.service), 'utf8');
  const given = Buffer.from(p.signature, 'utf8');
  return want.length === given.length && timingSafeEqual(want, given);
}

/** "Signature expired: …" / "Signature not yet current: …" as AWS words it. */
function windowFailure(p: ParsedSigV4, now: number, lifetimeMs: number, unit: string): SigV4Failure | undefined {
  if (p.time > now + SKEW_MS) {
    return { kind: 'not-yet-valid', service: p.service, message: `Signature not yet current: ${p.amzDate} is still later than ${amzDate(now + SKEW_MS)} (${amzDate(now)} + 15 min.)` };
  }
  if (p.time + lifetimeMs < now) {
    return { kind: 'expired', service: p.service, message: `Signature expired: ${p.amzDate} is now earlier than ${amzDate(now - lifetimeMs)} (${amzDate(now)} - ${unit}.)` };
  }
  return undefined;
}

/**
 * Checks a parsed signature against the key's secret at time `now`: the time window, the session
 * token, the payload hash and the signature itself. Returns undefined when the request is authentic.
 * `headerOverrides` replace request headers before canonicalization (how a token verifier pins
 * `x-k8s-aws-id` to its own cluster).
 */
export function verifySigV4(req: AwsHttpRequest, p: ParsedSigV4, key: KeySecret, now: number, headerOverrides?: Record<string, string>): SigV4Failure | undefined {
  const win = p.form === 'header' || p.service === 'sts' || p.expires === undefined
    ? windowFailure(p, now, SKEW_MS, '15 min')
    : windowFailure(p, now, p.expires * 1000, `${p.expires} sec`);
  if (win) return win;
  if (key.sessionToken !== undefined ? p.securityToken !== key.sessionToken : p.securityToken !== undefined && p.securityToken !== '') {
    return { kind: 'invalid-token', service: p.service };
  }
  if (key.expiration !== undefined && key.expiration <= now) return { kind: 'expired-token', service: p.service };
  if (p.scopeDate !== p.amzDate.slice(0, 8)) {
    return { kind: 'mismatch', service: p.service, message: `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${p.scopeDate}' != '${p.amzDate.slice(0, 8)}', from '${p.amzDate}'.` };
  }
  const headers = headerOverrides ? { ...req.headers, ...headerOverrides } : req.headers;
  const declared = one(headers['x-amz-content-sha256']);
  let payloadHash: string;
  if (declared !== undefined && declared !== '') {
    const streaming = declared === UNSIGNED_PAYLOAD || declared.startsWith('STREAMING-');
    if (!streaming && declared !== sha256Hex(req.body)) return { kind: 'mismatch', service: p.service };
    payloadHash = declared;
  } else payloadHash = req.body.length ? sha256Hex(req.body) : EMPTY_SHA256;
  const base: CanonicalInput = {
    method: req.method,
    path: canonicalPath(req.path),
    query: canonicalQuery(req.query, p.form === 'query' ? 'X-Amz-Signature' : undefined),
    headers,
    signedHeaders: [...p.signedHeaders].sort(),
    payloadHash: '',
  };
  if (signatureMatches(p, key.secret, base, payloadHash)) return undefined;
  // Presigners differ on the payload of a presigned URL (empty-body hash vs UNSIGNED-PAYLOAD).
  if (p.form === 'query' && payloadHash !== UNSIGNED_PAYLOAD && signatureMatches(p, key.secret, base, UNSIGNED_PAYLOAD)) return undefined;
  return { kind: 'mismatch', service: p.service };
}
