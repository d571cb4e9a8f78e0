/**
 * AWS Signature Version 4: canonicalization, signing and presigning, exactly as AWS and the SDKs
 * canonicalize for every service but S3 (botocore `SigV4Auth`/`SigV4QueryAuth`, the JS SDK's
 * `SignatureV4` with `uriEscapePath`):
 *
 * - path: dot segments and empty segments removed, then every segment URI-encoded again — the
 *   path on the wire is already percent-encoded, so it ends up double-encoded (`%20` → `%2520`);
 * - query: pairs URI-encoded (RFC 3986 unreserved characters kept), sorted by key then value;
 * - headers: names lower-cased, values trimmed with inner runs of spaces folded to one, repeated
 *   headers joined with `,`, sorted by name;
 * - payload: hex SHA-256 of the body, or the `X-Amz-Content-Sha256` value when the client sent
 *   one (`UNSIGNED-PAYLOAD` included).
 *
 * Verification lives in sigv4-verify.ts. This file does no I/O; its only state is two caches (signing
 * keys per secret, date, region and service; the x-amz-date text of the current second).
 */
import { createHmac, hash } from 'node:crypto';

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** Long-term or temporary credentials. */
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Where and as whom to sign. */
export interface SignOptions {
  region: string;
  service: string;
  credentials: Credentials;
  /** Signing time (default: now). */
  date?: Date | number;
  /** Send `X-Amz-Content-Sha256: UNSIGNED-PAYLOAD` instead of hashing the body. */
  unsignedPayload?: boolean;
  /** Also send `X-Amz-Content-Sha256` with the body's hash (S3 style; other services don't need it). */
  contentSha256Header?: boolean;
}

/** Text that RFC 3986 encoding leaves as it is (most path segments and query values). */
const UNRESERVED = /^[A-Za-z0-9\-_.~]*$/;

/** RFC 3986 encoding as SigV4 wants it: everything but `A-Za-z0-9-_.~` as `%XX` of its UTF-8 bytes. */
export function uriEncode(s: string): string {
  if (UNRESERVED.test(s)) return s;
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** The canonical URI of a non-S3 request from the path as it came on the wire (percent-encoded, no query). */
export function canonicalPath(rawPath: string): string {
  if (!rawPath) return '/';
  const out: string[] = [];
  for (const seg of rawPath.split('/')) {
    if (!seg || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(uriEncode(seg));
  }
  const lead = rawPath.startsWith('/') ? '/' : '';
  const trail = rawPath.endsWith('/') && out.length ? '/' : '';
  return lead + out.join('/') + trail;
}

/** The canonical query string: decoded pairs re-encoded, sorted by key then value; `omit` names are left out. */
export function canonicalQuery(pairs: Iterable<[string, string]>, omit?: string): string {
  const enc: [string, string][] = [];
  for (const [k, v] of pairs) if (k !== omit) enc.push([uriEncode(k), uriEncode(v)]);
  enc.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return enc.map(([k, v]) => `${k}=${v}`).join('&');
}

/** A header value as SigV4 canonicalizes it (Trimall; repeated headers joined with `,`). */
export function canonicalHeaderValue(v: string | string[] | undefined): string {
  if (v === undefined) return '';
  return Array.isArray(v) ? v.map(trimAll).join(',') : trimAll(v);
}

/** Whitespace Trimall would change inside an already trimmed value. */
const FOLDABLE = /\s\s|[^\S ]/;

/** SigV4's Trimall: outer whitespace removed, inner runs folded to one space. */
function trimAll(x: string): string {
  const t = x.trim();
  return FOLDABLE.test(t) ? t.replace(/\s+/g, ' ') : t;
}

/** Canonical header block (each `name:value\n`) for `signed` names, from lower-cased request headers. */
export function canonicalHeaders(headers: Record<string, string | string[] | undefined>, signed: readonly string[]): string {
  let out = '';
  for (const name of signed) out += `${name}:${canonicalHeaderValue(headers[name])}\n`;
  return out;
}

export function sha256Hex(data: string | Uint8Array): string {
  return hash('sha256', data, 'hex');
}

const keyCache = new Map<string, Buffer>();

/** kSigning = HMAC chain over date, region, service and "aws4_request"; memoized (one per key and day). */
export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const id = `${secret}\n${date}\n${region}\n${service}`;
  let key = keyCache.get(id);
  if (!key) {
    const kDate = createHmac('sha256', 'AWS4' + secret).update(date).digest();
    const kRegion = createHmac('sha256', kDate).update(region).digest();
    const kService = createHmac('sha256', kRegion).update(service).digest();
    key = createHmac('sha256', kService).update('aws4_request').digest();
    if (keyCache.size > 1000) keyCache.clear();
    keyCache.set(id, key);
  }
  return key;
}

/** Everything the signature covers, already canonical except the header map. */
export interface CanonicalInput {
  method: string;
  /** Canonical URI (see {@link canonicalPath}). */
  path: string;
  /** Canonical query string (see {@link canonicalQuery}). */
  query: string;
  headers: Record<string, string | string[] | undefined>;
  /** Lower-cased, sorted header names. */
  signedHeaders: readonly string[];
  payloadHash: string;
}

export function canonicalRequest(c: CanonicalInput): string {
  return [c.method.toUpperCase(), c.path, c.query, canonicalHeaders(c.headers, c.signedHeaders), c.signedHeaders.join(';'), c.payloadHash].join('\n');
}

/** The hex signature of a canonical request at `amzDate` (YYYYMMDDTHHMMSSZ) in `region`/`service`. */
export function signature(c: CanonicalInput, secret: string, amzDate: string, region: string, service: string): string {
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = `${ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonicalRequest(c))}`;
  return createHmac('sha256', signingKey(secret, day, region, service)).update(toSign).digest('hex');
}

let stampSecond = NaN;
let stampText = '';

/** YYYYMMDDTHHMMSSZ; the last second's text is kept, since every request of that second asks for it. */
export function amzDate(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== stampSecond) {
    stampText = new Date(second * 1000).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    stampSecond = second;
  }
  return stampText;
}

/** Milliseconds of a YYYYMMDDTHHMMSSZ stamp; NaN when malformed. */
export function parseAmzDate(s: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : NaN;
}

function time(d: Date | number | undefined): number {
  return d === undefined ? Date.now() : typeof d === 'number' ? d : d.getTime();
}

/** A request to sign: the URL (its host becomes the `host` header), headers to add and sign, and the body. */
export interface RequestToSign {
  method: string;
  url: string | URL;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

/**
 * Signs a request in the header form and returns the headers to send (the given ones, lower-cased,
 * plus `host`, `x-amz-date`, `authorization` and, as needed, `x-amz-security-token` and
 * `x-amz-content-sha256`). All given headers are signed. For our own clients and tests.
 */
export function signRequest(req: RequestToSign, opts: SignOptions): Record<string, string> {
  const url = typeof req.url === 'string' ? new URL(req.url) : req.url;
  const stamp = amzDate(time(opts.date));
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = v;
  headers.host ??= url.host;
  headers['x-amz-date'] = stamp;
  if (opts.credentials.sessionToken) headers['x-amz-security-token'] = opts.credentials.sessionToken;
  const payloadHash = opts.unsignedPayload ? UNSIGNED_PAYLOAD : sha256Hex(req.body ?? '');
  if (opts.unsignedPayload || opts.contentSha256Header) headers['x-amz-content-sha256'] = payloadHash;
  delete headers.authorization;
  const signedHeaders = Object.keys(headers).sort();
  const sig = signature(
    { method: req.method, path: canonicalPath(url.pathname), query: canonicalQuery(url.searchParams), headers, signedHeaders, payloadHash },
    opts.credentials.secretAccessKey,
    stamp,
    opts.region,
    opts.service,
  );
  headers.authorization = `${ALGORITHM} Credential=${opts.credentials.accessKeyId}/${stamp.slice(0, 8)}/${opts.region}/${opts.service}/aws4_request, SignedHeaders=${signedHeaders.join(';')}, Signature=${sig}`;
  return headers;
}

/**
 * A presigned URL (query form) for `req`: the X-Amz-* parameters are added to the URL's query and
 * `headers` (plus `host`) are signed, so the caller must send those same headers (as
 * `aws eks get-token` signs `x-k8s-aws-id`). The payload hash is that of an empty body, as botocore's
 * SigV4QueryAuth does for every service but S3.
 */
export function presignUrl(req: { method?: string; url: string | URL; headers?: Record<string, string> }, opts: SignOptions & { expiresIn?: number }): string {
  const url = new URL(String(req.url));
  const stamp = amzDate(time(opts.date));
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = v;
  headers.host ??= url.host;
  const signedHeaders = Object.keys(headers).sort();
  const q = url.searchParams;
  q.set('X-Amz-Algorithm', ALGORITHM);
  q.set('X-Amz-Credential', `${opts.credentials.accessKeyId}/${stamp.slice(0, 8)}/${opts.region}/${opts.service}/aws4_request`);
  q.set('X-Amz-Date', stamp);
  q.set('X-Amz-Expires', String(opts.expiresIn ?? 900));
  q.set('X-Amz-SignedHeaders', signedHeaders.join(';'));
  if (opts.credentials.sessionToken) q.set('X-Amz-Security-Token', opts.credentials.sessionToken);
  const sig = signature(
    { method: req.method ?? 'GET', path: canonicalPath(url.pathname), query: canonicalQuery(q), headers, signedHeaders, payloadHash: opts.unsignedPayload ? UNSIGNED_PAYLOAD : EMPTY_SHA256 },
    opts.credentials.secretAccessKey,
    stamp,
    opts.region,
    opts.service,
  );
  // Rebuild the query with %20 for spaces (URLSearchParams would write '+').
  const pairs = [...q, ['X-Amz-Signature', sig] as [string, string]];
  url.search = '?' + pairs.map(([k, v]) => `${uriEncode(k)}=${uriEncode(v)}`).join('&');
  return url.toString();
}
