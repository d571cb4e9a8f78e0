/**
 * A small certificate authority for the API server's TLS: a CA, serving certificates and client
 * certificates whose subject Kubernetes turns into an identity (CN → user, O → groups).
 *
 * Keys are ECDSA P-256 (fast to make, accepted by Node's TLS and by kubectl/Go on both sides).
 * Certificates are written as DER by hand (src/lib/der.ts) and signed with `node:crypto`: a CA and
 * a serving certificate cost well under a millisecond each, which matters since every EKS cluster
 * makes both as it comes up.
 */
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from "node:crypto";
import { isIP } from "node:net";
import type { PeerCertificate } from "node:tls";
import { bitString, children, namedBits, oid, read, seq, Tag, time, tlv, uint } from "./der.js";

/** A certificate and its private key, both PEM: the key is unencrypted PKCS#8 ("PRIVATE KEY"). */
export interface CertKeyPair {
  certPem: string;
  keyPem: string;
}

/** Options shared by every issuing function. */
export interface ValidityOptions {
  /** Lifetime in days from `now`. Defaults differ per function (kubeadm's: CA 10 years, leaf 1 year). */
  validDays?: number;
  /** The issuing time in ms since the epoch; pass `clock.now()` when the caller has an injected clock. */
  now?: number;
}

/** What to put in a serving certificate. */
export interface ServerCertOptions extends ValidityOptions {
  commonName: string;
  /** DNS subjectAltNames; clients check the host name they dialled against these. */
  dnsNames: string[];
  /** IP subjectAltNames (IPv4 or IPv6); clients dialling an address check it against these. */
  ipAddresses: string[];
}

/** What to put in a client certificate. */
export interface ClientCertOptions extends ValidityOptions {
  /** Becomes the Kubernetes user name. */
  commonName: string;
  /** Each becomes a Kubernetes group, in this order (e.g. `system:masters`). */
  organizations: string[];
}

/** The identity Kubernetes' x509 authenticator derives from a client certificate. */
export interface ClientCertIdentity {
  user: string;
  groups: string[];
}

const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * How far notBefore is set before `now`, so a peer whose clock is behind still accepts a fresh
 * certificate. Same margin as client-go's `GenerateSelfSignedCertKeyWithFixtures`.
 */
const BACKDATE_MS = 60 * 60 * 1000;
const CA_VALID_DAYS = 3650;
const LEAF_VALID_DAYS = 365;
const KEY_ALGORITHM = { name: "ECDSA", namedCurve: "P-256" } as const;

/**
 * Creates a self-signed CA certificate with a fresh ECDSA P-256 key.
 *
 * The certificate has basicConstraints CA:true (critical), keyUsage keyCertSign, cRLSign and
 * digitalSignature (critical) and a subjectKeyIdentifier, which Go's verifier uses to match issued
 * certificates' authorityKeyIdentifier. Validity runs from one hour before `opts.now` (default:
 * wall clock) for `opts.validDays` (default 3650) days.
 */
export async function createCA(commonName: string, opts: ValidityOptions = {}): Promise<CertKeyPair> {
  requireName("commonName", commonName);
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const spki = publicKey.export({ format: "der", type: "spki" });
  const name = encodeName([["CN", commonName]]);
  const { notBefore, notAfter } = validity(opts, CA_VALID_DAYS);
  const certPem = signCertificate({
    subject: name,
    issuer: name,
    spki,
    notBefore,
    notAfter,
    signer: signerOf(privateKey),
    extensions: [
      extension(OID.basicConstraints, true, seq(tlv(Tag.BOOLEAN, Buffer.from([0xff])))),
      extension(OID.keyUsage, true, namedBits([KeyUsage.digitalSignature, KeyUsage.keyCertSign, KeyUsage.cRLSign])),
      extension(OID.subjectKeyIdentifier, false, tlv(Tag.OCTET_STRING, keyIdentifier(spki))),
    ],
  });
  return { certPem, keyPem: privateKeyPem(privateKey) };
}

/**
 * Issues a TLS serving certificate signed by `ca`, with a fresh ECDSA P-256 key.
 *
 * SANs are `opts.dnsNames` then `opts.ipAddresses` (the CN is not used for host checks by Go or
 * Node, so every name a client may dial must be listed). extKeyUsage serverAuth; keyUsage
 * digitalSignature|keyEncipherment (critical) and basicConstraints CA:false, as kubeadm issues them.
 * notAfter never exceeds the CA's. Throws on an empty name list, a malformed IP address, or a CA
 * key that is neither EC nor RSA.
 */
export async function issueServerCert(ca: CertKeyPair, opts: ServerCertOptions): Promise<CertKeyPair> {
  requireName("commonName", opts.commonName);
  if (opts.dnsNames.length === 0 && opts.ipAddresses.length === 0) {
    throw new TypeError("a server certificate needs at least one DNS name or IP address");
  }
  for (const dns of opts.dnsNames) requireName("dnsNames[]", dns);
  for (const ip of opts.ipAddresses) {
    if (isIP(ip) === 0) throw new TypeError(`not an IP address: ${JSON.stringify(ip)}`);
  }
  return issue(ca, encodeName([["CN", opts.commonName]]), opts, LEAF_VALID_DAYS, [
    extension(OID.extKeyUsage, false, seq(oid(OID.serverAuth))),
    extension(
      OID.subjectAltName,
      false,
      seq(
        ...opts.dnsNames.map((dns) => tlv(0x82, Buffer.from(dns, "latin1"))),
        ...opts.ipAddresses.map((ip) => tlv(0x87, ipBytes(ip))),
      ),
    ),
  ]);
}

/**
 * Issues a TLS client certificate signed by `ca`, with a fresh ECDSA P-256 key.
 *
 * The subject is one O RDN per organization (in order) followed by CN, the layout openssl and
 * cfssl produce; Kubernetes reads CN as the user name and every O as a group. extKeyUsage
 * clientAuth; keyUsage digitalSignature|keyEncipherment (critical); basicConstraints CA:false.
 * notAfter never exceeds the CA's.
 */
export async function issueClientCert(ca: CertKeyPair, opts: ClientCertOptions): Promise<CertKeyPair> {
  requireName("commonName", opts.commonName);
  for (const o of opts.organizations) requireName("organizations[]", o);
  const subject = encodeName([...opts.organizations.map((o): ["O", string] => ["O", o]), ["CN", opts.commonName] as ["CN", string]]);
  return issue(ca, subject, opts, LEAF_VALID_DAYS, [extension(OID.extKeyUsage, false, seq(oid(OID.clientAuth)))]);
}

/**
 * Returns the Kubernetes identity of a verified client certificate: `user` from the subject CN,
 * `groups` from every subject O in certificate order; `undefined` when there is no certificate or
 * it has no CN.
 *
 * Accepts what Node hands the server — `tlsSocket.getPeerCertificate()` (an empty object when the
 * client sent none; a field is an array when the attribute repeats) — or a `node:crypto`
 * `X509Certificate`. Like kube-apiserver's `CommonNameUserConversion`, a certificate without a CN
 * authenticates nobody, and when CN repeats the last one wins (Go's `pkix.Name` keeps the last).
 * It does not check trust: call it only when `socket.authorized` is true.
 */
export function parseClientCertIdentity(
  cert: PeerCertificate | X509Certificate | undefined | null,
): ClientCertIdentity | undefined {
  if (!cert) return undefined;
  const subject = cert instanceof X509Certificate ? cert.toLegacyObject().subject : cert.subject;
  if (!subject) return undefined;
  const user = asList(subject.CN).at(-1);
  if (!user) return undefined;
  return { user, groups: asList(subject.O) };
}

/** Object identifiers used in the certificates we write (RFC 5280, RFC 5758, RFC 8017). */
const OID = {
  commonName: "2.5.4.3",
  organizationName: "2.5.4.10",
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  extKeyUsage: "2.5.29.37",
  subjectAltName: "2.5.29.17",
  subjectKeyIdentifier: "2.5.29.14",
  authorityKeyIdentifier: "2.5.29.35",
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
  sha256WithRSAEncryption: "1.2.840.113549.1.1.11",
} as const;

/** keyUsage bit positions (RFC 5280 §4.2.1.3). */
const KeyUsage = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5, cRLSign: 6 } as const;

/** A subject or issuer Name: one RDN per attribute, in order, values as UTF8String. */
function encodeName(attrs: [ "CN" | "O", string][]): Buffer {
  return seq(
    ...attrs.map(([type, value]) =>
      tlv(Tag.SET, seq(oid(type === "CN" ? OID.commonName : OID.organizationName), tlv(Tag.UTF8_STRING, Buffer.from(value, "utf8")))),
    ),
  );
}

/** One Extension: extnID, critical (written only when true, as DER omits defaults), extnValue. */
function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return seq(oid(id), ...(critical ? [tlv(Tag.BOOLEAN, Buffer.from([0xff]))] : []), tlv(Tag.OCTET_STRING, value));
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING's bits. */
function keyIdentifier(spki: Buffer): Buffer {
  const bits = children(read(spki))[1];
  if (!bits || bits.tag !== Tag.BIT_STRING) throw new TypeError("malformed SubjectPublicKeyInfo");
  return createHash("sha1").update(bits.content.subarray(1)).digest();
}

/** How a CA key signs: the digest node:crypto uses and the AlgorithmIdentifier written for it. */
interface Signer {
  key: KeyObject;
  digest: string;
  algorithm: Buffer;
}

/** What goes into one certificate. */
interface CertificateFields {
  subject: Buffer;
  issuer: Buffer;
  spki: Buffer;
  notBefore: Date;
  notAfter: Date;
  signer: Signer;
  extensions: Buffer[];
}

/** Writes the TBSCertificate (v3), signs it and returns the certificate as PEM. */
function signCertificate(f: CertificateFields): string {
  const tbs = seq(
    tlv(0xa0, uint(Buffer.from([2]))),
    uint(randomSerial()),
    f.signer.algorithm,
    f.issuer,
    seq(time(f.notBefore), time(f.notAfter)),
    f.subject,
    f.spki,
    tlv(0xa3, seq(...f.extensions)),
  );
  const der = seq(tbs, f.signer.algorithm, bitString(sign(f.signer.digest, tbs, f.signer.key)));
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----\n`;
}

/** ECDSA signature algorithms by curve: the digest matching the curve (RFC 5758 §3.2). */
const EC_SIGNERS: Record<string, { digest: string; oid: string }> = {
  prime256v1: { digest: "sha256", oid: "1.2.840.10045.4.3.2" },
  secp384r1: { digest: "sha384", oid: "1.2.840.10045.4.3.3" },
  secp521r1: { digest: "sha512", oid: "1.2.840.10045.4.3.4" },
};

/**
 * How a CA key signs: EC keys with the hash that matches the curve, RSA keys with
 * PKCS#1 v1.5/SHA-256, so a CA made elsewhere (EKS CAs are RSA) can issue too.
 */
function signerOf(key: KeyObject): Signer {
  if (key.asymmetricKeyType === "ec") {
    const curve = key.asymmetricKeyDetails?.namedCurve ?? "";
    const ec = EC_SIGNERS[curve];
    if (!ec) throw new TypeError(`unsupported CA key curve: ${curve}`);
    return { key, digest: ec.digest, algorithm: seq(oid(ec.oid)) };
  }
  if (key.asymmetricKeyType === "rsa") return { key, digest: "sha256", algorithm: seq(oid(OID.sha256WithRSAEncryption), tlv(Tag.NULL)) };
  throw new TypeError(`unsupported CA key type: ${key.asymmetricKeyType}`);
}

/** What an issued certificate takes from its CA's: subject (as the issuer, byte for byte), key identifier, expiry. */
interface IssuingCa {
  subject: Buffer;
  keyId: Buffer;
  notAfter: Date;
}

/** Reads a CA certificate: its subject Name, its subjectKeyIdentifier (or one computed from its key) and notAfter. */
function readCa(certPem: string): IssuingCa {
  const cert = new X509Certificate(certPem);
  const fields = children(children(read(cert.raw))[0]!);
  const at = fields[0]?.tag === 0xa0 ? 1 : 0;
  const subject = fields[at + 4];
  const spki = fields[at + 5];
  if (!subject || !spki) throw new TypeError("malformed CA certificate");
  const exts = fields.find((f) => f.tag === 0xa3);
  const skiOid = oid(OID.subjectKeyIdentifier);
  const ski = exts && children(children(exts)[0]!).map(children).find((e) => e[0]?.raw.equals(skiOid));
  const value = ski?.at(-1);
  const keyId = value ? read(value.content).content : keyIdentifier(spki.raw);
  return { subject: subject.raw, keyId, notAfter: new Date(cert.validTo) };
}

/** Issues a leaf certificate with a fresh P-256 key: basicConstraints CA:false and keyUsage (both critical), `extensions`, then the authorityKeyIdentifier. */
async function issue(ca: CertKeyPair, subject: Buffer, opts: ValidityOptions, defaultDays: number, extensions: Buffer[]): Promise<CertKeyPair> {
  const issuer = readCa(ca.certPem);
  const signer = signerOf(createPrivateKey(ca.keyPem));
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const { notBefore, notAfter } = validity(opts, defaultDays);
  const certPem = signCertificate({
    subject,
    issuer: issuer.subject,
    spki: publicKey.export({ format: "der", type: "spki" }),
    notBefore,
    notAfter: notAfter > issuer.notAfter ? issuer.notAfter : notAfter,
    signer,
    extensions: [
      extension(OID.basicConstraints, true, seq()),
      extension(OID.keyUsage, true, namedBits([KeyUsage.digitalSignature, KeyUsage.keyEncipherment])),
      ...extensions,
      extension(OID.authorityKeyIdentifier, false, seq(tlv(0x80, issuer.keyId))),
    ],
  });
  return { certPem, keyPem: privateKeyPem(privateKey) };
}

/** Unencrypted PKCS#8 PEM ("PRIVATE KEY"). */
function privateKeyPem(key: KeyObject): string {
  return key.export({ format: "pem", type: "pkcs8" }).toString();
}

/** The 4 or 16 bytes of an IP address (iPAddress subjectAltName). */
function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split(".").map(Number));
  let text = ip;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const b = v4[1]!.split(".").map(Number);
    text = text.slice(0, v4.index) + `${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head, tail] = text.split("::") as [string, string | undefined];
  const parse = (part: string) => (part ? part.split(":").map((h) => parseInt(h, 16)) : []);
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const groups = [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(g, i * 2));
  return out;
}

function validity(opts: ValidityOptions, defaultDays: number): { notBefore: Date; notAfter: Date } {
  const days = opts.validDays ?? defaultDays;
  if (!Number.isFinite(days) || days <= 0) throw new RangeError(`validDays must be positive, got ${days}`);
  const now = opts.now ?? Date.now();
  return { notBefore: new Date(now - BACKDATE_MS), notAfter: new Date(now + days * DAY_MS) };
}

/** 128 random bits, top bit clear and first octet non-zero: positive, minimally encoded, within RFC 5280's 20 octets. */
function randomSerial(): Buffer {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) || 1;
  return bytes;
}

function requireName(field: string, value: string): void {
  if (typeof value !== "string" || value.trim() === "") throw new TypeError(`${field} must be a non-empty string`);
}

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
