/**
 * Compact JWS (JWT) signing, parsing and signature checks with node:crypto only: RS256 (PKCS#1
 * v1.5 over SHA-256) and ES256/384/512 (raw r‖s signatures, as JWS requires). The header is
 * `{"alg","kid"}` as go-jose writes it for kube-apiserver; claims are written with their keys
 * sorted, as Go's encoding of the merged claim map does. Parsing is strict: three unpadded
 * base64url parts, JSON objects in the first two.
 */
import { sign, verify, type KeyObject } from 'node:crypto';
import { algorithmFor, type SigningAlgorithm } from './keys.js';

/** A parsed (not yet verified) compact JWS. */
export interface ParsedJwt {
  header: { alg?: unknown; kid?: unknown; [k: string]: unknown };
  payload: Record<string, unknown>;
  /** `base64url(header).base64url(payload)`: what the signature covers. */
  signingInput: string;
  signature: Buffer;
}

const B64URL = /^[A-Za-z0-9_-]*$/;

const HASHES: Record<SigningAlgorithm, string> = { RS256: 'sha256', ES256: 'sha256', ES384: 'sha384', ES512: 'sha512' };

function b64(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

/** Deep copy with object keys in code-point order (Go's map encoding). */
function sortedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedKeys);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) {
    const x = (v as Record<string, unknown>)[k];
    if (x !== undefined) out[k] = sortedKeys(x);
  }
  return out;
}

/** Signs `claims` with a private key; `kid` goes in the header. */
export function signJwt(claims: object, privateKey: KeyObject, kid: string): string {
  const alg = algorithmFor(privateKey);
  const input = `${b64(JSON.stringify({ alg, kid }))}.${b64(JSON.stringify(sortedKeys(claims)))}`;
  const signature = sign(HASHES[alg], Buffer.from(input), alg === 'RS256' ? privateKey : { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64(signature)}`;
}

function decodeJson(part: string): Record<string, unknown> | undefined {
  if (!B64URL.test(part)) return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Splits and decodes a compact JWS; undefined when it is not one (a JSON serialization, garbage). */
export function parseJwt(token: string): ParsedJwt | undefined {
  if (token.trimStart().startsWith('{')) return undefined;
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [h, p, s] = parts as [string, string, string];
  const header = decodeJson(h);
  const payload = decodeJson(p);
  if (!header || !payload || !B64URL.test(s)) return undefined;
  return { header, payload, signingInput: `${h}.${p}`, signature: Buffer.from(s, 'base64url') };
}

/**
 * True when `key` signed the token with the algorithm its header names. The header's `alg` must
 * be the key's own algorithm: `none`, HMAC or a mismatched curve never verify.
 */
export function verifyJwtSignature(jwt: ParsedJwt, key: KeyObject): boolean {
  let alg: SigningAlgorithm;
  try {
    alg = algorithmFor(key);
  } catch {
    return false;
  }
  if (jwt.header.alg !== alg) return false;
  try {
    return verify(HASHES[alg], Buffer.from(jwt.signingInput), alg === 'RS256' ? key : { key, dsaEncoding: 'ieee-p1363' }, jwt.signature);
  } catch {
    return false;
  }
}
