/**
 * Just enough PKCS#10 and PEM to do what certificates.ParseCSR and CheckSignature do for
 * ValidateCertificateSigningRequest: find the first PEM block, require `CERTIFICATE REQUEST`,
 * walk the DER structure (CertificationRequest ::= SEQUENCE { info, algorithm, signature }) and
 * verify the signature over `info` with the request's own public key (RSA PKCS#1 v1.5 and PSS,
 * ECDSA, Ed25519), synchronously with node:crypto. Also checks that status.certificate holds only
 * parseable CERTIFICATE blocks.
 */
import { constants, createPublicKey, verify, X509Certificate } from 'node:crypto';

/** One PEM block: its type, headers present, DER bytes. */
export interface PemBlock {
  type: string;
  hasHeaders: boolean;
  der: Buffer;
}

const PEM_RE = /-----BEGIN ([^-\r\n]*)-----\r?\n([\s\S]*?)-----END \1-----/g;

/** pem.Decode over all blocks of `text`, in order. */
export function pemBlocks(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  for (const m of text.matchAll(PEM_RE)) {
    const body = m[2] ?? '';
    const hasHeaders = /^[A-Za-z-]+:/m.test(body);
    out.push({ type: m[1] ?? '', hasHeaders, der: Buffer.from(body.replace(/^[A-Za-z-]+:.*$/gm, '').replace(/\s+/g, ''), 'base64') });
  }
  return out;
}

interface Tlv {
  tag: number;
  start: number;
  contentStart: number;
  end: number;
}

function readTlv(buf: Buffer, off: number, limit = buf.length): Tlv {
  if (off + 2 > limit) throw new Error('asn1: syntax error: data truncated');
  const tag = buf[off]!;
  let len = buf[off + 1]!;
  let p = off + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > limit) throw new Error('asn1: syntax error: invalid length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i]!;
    p += n;
  }
  if (p + len > limit) throw new Error('asn1: syntax error: data truncated');
  return { tag, start: off, contentStart: p, end: p + len };
}

function children(buf: Buffer, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let p = parent.contentStart; p < parent.end; ) {
    const t = readTlv(buf, p, parent.end);
    out.push(t);
    p = t.end;
  }
  return out;
}

function oid(bytes: Buffer): string {
  const parts = [Math.floor(bytes[0]! / 40), bytes[0]! % 40];
  let v = 0;
  for (const b of bytes.subarray(1)) {
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) parts.push(v), (v = 0);
  }
  return parts.join('.');
}

const RSA: Record<string, string> = { '1.2.840.113549.1.1.5': 'sha1', '1.2.840.113549.1.1.11': 'sha256', '1.2.840.113549.1.1.12': 'sha384', '1.2.840.113549.1.1.13': 'sha512' };
const ECDSA: Record<string, string> = { '1.2.840.10045.4.1': 'sha1', '1.2.840.10045.4.3.2': 'sha256', '1.2.840.10045.4.3.3': 'sha384', '1.2.840.10045.4.3.4': 'sha512' };
const RSA_PSS = '1.2.840.113549.1.1.10';
const ED25519 = '1.3.101.112';

/** Parses a DER certification request and checks its self-signature; returns Go-like error text or undefined. */
export function checkCertificationRequest(der: Buffer): string | undefined {
  let info: Tlv, alg: string, sig: Buffer, spki: Buffer;
  try {
    const top = readTlv(der, 0);
    if (top.tag !== 0x30 || top.end !== der.length) throw new Error('x509: malformed certificate request');
    const [infoTlv, algTlv, sigTlv] = children(der, top);
    if (!infoTlv || !algTlv || !sigTlv || infoTlv.tag !== 0x30 || algTlv.tag !== 0x30 || sigTlv.tag !== 0x03) throw new Error('x509: malformed certificate request');
    const fields = children(der, infoTlv);
    const key = fields[2];
    if (!key || key.tag !== 0x30) throw new Error('x509: malformed certificate request');
    const algOid = children(der, algTlv)[0];
    if (!algOid || algOid.tag !== 0x06) throw new Error('x509: malformed certificate request');
    info = infoTlv;
    alg = oid(der.subarray(algOid.contentStart, algOid.end));
    sig = der.subarray(sigTlv.contentStart + 1, sigTlv.end);
    spki = der.subarray(key.start, key.end);
  } catch (e) {
    return (e as Error).message;
  }
  let pub;
  try {
    pub = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  } catch {
    return 'x509: unsupported public key type';
  }
  const data = der.subarray(info.start, info.end);
  try {
    if (RSA[alg]) return verify(RSA[alg], data, pub, sig) ? undefined : 'crypto/rsa: verification error';
    if (ECDSA[alg]) return verify(ECDSA[alg], data, pub, sig) ? undefined : 'x509: ECDSA verification failure';
    if (alg === ED25519) return verify(null, data, pub, sig) ? undefined : 'x509: Ed25519 verification failure';
    if (alg === RSA_PSS) {
      const ok = ['sha256', 'sha384', 'sha512'].some((h) => verify(h, data, { key: pub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, sig));
      return ok ? undefined : 'crypto/rsa: verification error';
    }
  } catch {
    return 'x509: signature algorithm does not match the public key';
  }
  return 'x509: cannot verify signature: algorithm unimplemented';
}

/** ParseCSR + CheckSignature over the PEM text of spec.request. */
export function checkCSR(pem: string): string | undefined {
  const block = pemBlocks(pem)[0];
  if (!block || block.type !== 'CERTIFICATE REQUEST') return 'PEM block type must be CERTIFICATE REQUEST';
  return checkCertificationRequest(block.der);
}

/** validateCertificate: CERTIFICATE blocks only, no headers, each parseable; at least one. */
export function checkIssuedCertificate(pem: string): string | undefined {
  const blocks = pemBlocks(pem);
  for (const b of blocks) {
    if (b.type !== 'CERTIFICATE') return `only CERTIFICATE PEM blocks are allowed, found ${JSON.stringify(b.type)}`;
    if (b.hasHeaders) return 'no PEM block headers are permitted';
    try {
      new X509Certificate(b.der);
    } catch (e) {
      return `x509: malformed certificate: ${(e as Error).message}`;
    }
  }
  return blocks.length ? undefined : 'must contain at least one CERTIFICATE PEM block';
}
