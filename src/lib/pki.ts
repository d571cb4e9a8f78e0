/**
 * A small certificate authority for the API server's TLS: a CA, serving certificates and client
 * certificates whose subject Kubernetes turns into an identity (CN → user, O → groups).
 *
 * Keys are ECDSA P-256 (fast to make, accepted by Node's TLS and by kubectl/Go on both sides).
 * Certificates are built with `@peculiar/x509` over Node's WebCrypto.
 */
import { X509Certificate, createPrivateKey, webcrypto } from "node:crypto";
import { isIP } from "node:net";
import type { PeerCertificate } from "node:tls";
import type * as X509 from "@peculiar/x509";

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
  const x509 = await loadX509();
  const keys = await generateKeys();
  const { notBefore, notAfter } = validity(opts, CA_VALID_DAYS);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: [{ CN: [commonName] }],
    keys,
    notBefore,
    notAfter,
    signingAlgorithm: { name: "ECDSA", hash: "SHA-256" },
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString("pem"), keyPem: await exportKeyPem(keys.privateKey) };
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
  const x509 = await loadX509();
  return issue(ca, [{ CN: [opts.commonName] }], opts, LEAF_VALID_DAYS, [
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    new x509.SubjectAlternativeNameExtension([
      ...opts.dnsNames.map((value) => ({ type: "dns" as const, value })),
      ...opts.ipAddresses.map((value) => ({ type: "ip" as const, value })),
    ]),
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
  const x509 = await loadX509();
  const subject: X509.JsonName = [...opts.organizations.map((o) => ({ O: [o] })), { CN: [opts.commonName] }];
  return issue(ca, subject, opts, LEAF_VALID_DAYS, [
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
  ]);
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

type X509Module = typeof X509;
let x509Module: Promise<X509Module> | undefined;

/**
 * Loads `@peculiar/x509` once, on first use. The library resolves its algorithms through
 * tsyringe, which refuses to load without `Reflect.getMetadata`; we install the three metadata
 * functions it calls (when no polyfill is present) before importing, instead of depending on
 * reflect-metadata for the whole process.
 */
/**
 * Loads the X.509 library ahead of first use (~160 ms of CPU once), so a server that will make
 * certificates (a CA per EKS cluster) does not charge it to its first request.
 */
export async function preloadPki(): Promise<void> {
  await loadX509();
}

function loadX509(): Promise<X509Module> {
  x509Module ??= (async () => {
    installReflectMetadata();
    const mod = await import("@peculiar/x509");
    mod.cryptoProvider.set(webcrypto);
    return mod;
  })();
  return x509Module;
}

function installReflectMetadata(): void {
  const reflect = Reflect as unknown as Record<string, unknown>;
  if (typeof reflect.getMetadata === "function") return;
  const table = new WeakMap<object, Map<unknown, unknown>>();
  const getOwn = (key: unknown, target: object): unknown => table.get(target)?.get(key);
  const methods: Record<string, (...args: never[]) => unknown> = {
    defineMetadata(key: unknown, value: unknown, target: object): void {
      let entries = table.get(target);
      if (!entries) table.set(target, (entries = new Map()));
      entries.set(key, value);
    },
    getOwnMetadata: getOwn,
    getMetadata(key: unknown, target: object): unknown {
      for (let t: object | null = target; t !== null; t = Object.getPrototypeOf(t) as object | null) {
        const entries = table.get(t);
        if (entries?.has(key)) return entries.get(key);
      }
      return undefined;
    },
  };
  for (const [name, value] of Object.entries(methods)) {
    Object.defineProperty(Reflect, name, { value, writable: true, configurable: true });
  }
}

async function issue(
  ca: CertKeyPair,
  subject: X509.JsonName,
  opts: ValidityOptions,
  defaultDays: number,
  extensions: X509.Extension[],
): Promise<CertKeyPair> {
  const x509 = await loadX509();
  const caCert = new x509.X509Certificate(ca.certPem);
  const [signer, keys] = await Promise.all([importSigningKey(ca.keyPem), generateKeys()]);
  const ski = caCert.getExtension(x509.SubjectKeyIdentifierExtension);
  const aki = ski
    ? new x509.AuthorityKeyIdentifierExtension(ski.keyId)
    : await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey);
  const { notBefore, notAfter } = validity(opts, defaultDays);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject,
    issuer: caCert.subjectName,
    publicKey: keys.publicKey,
    signingKey: signer.key,
    signingAlgorithm: signer.algorithm,
    notBefore,
    notAfter: notAfter > caCert.notAfter ? caCert.notAfter : notAfter,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      ...extensions,
      aki,
    ],
  });
  return { certPem: cert.toString("pem"), keyPem: await exportKeyPem(keys.privateKey) };
}

function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ["sign", "verify"]);
}

async function exportKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", key));
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN PRIVATE KEY-----\n${lines.join("\n")}\n-----END PRIVATE KEY-----\n`;
}

const EC_CURVES: Record<string, { namedCurve: string; hash: string }> = {
  prime256v1: { namedCurve: "P-256", hash: "SHA-256" },
  secp384r1: { namedCurve: "P-384", hash: "SHA-384" },
  secp521r1: { namedCurve: "P-521", hash: "SHA-512" },
};

interface SigningKey {
  key: webcrypto.CryptoKey;
  algorithm: webcrypto.EcdsaParams | webcrypto.Algorithm;
}

/**
 * Imports a CA key from PEM (PKCS#8, SEC1 or PKCS#1) for signing. EC keys sign with the hash that
 * matches the curve, RSA keys with RSASSA-PKCS1-v1_5/SHA-256, so a CA made elsewhere (EKS CAs
 * are RSA) can issue too.
 */
async function importSigningKey(pem: string): Promise<SigningKey> {
  const keyObject = createPrivateKey(pem);
  const der = keyObject.export({ type: "pkcs8", format: "der" });
  if (keyObject.asymmetricKeyType === "ec") {
    const curve = EC_CURVES[keyObject.asymmetricKeyDetails?.namedCurve ?? ""];
    if (!curve) throw new TypeError(`unsupported CA key curve: ${keyObject.asymmetricKeyDetails?.namedCurve}`);
    const key = await webcrypto.subtle.importKey("pkcs8", der, { name: "ECDSA", namedCurve: curve.namedCurve }, false, [
      "sign",
    ]);
    return { key, algorithm: { name: "ECDSA", hash: curve.hash } };
  }
  if (keyObject.asymmetricKeyType === "rsa") {
    const algorithm = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
    const key = await webcrypto.subtle.importKey("pkcs8", der, algorithm, false, ["sign"]);
    return { key, algorithm };
  }
  throw new TypeError(`unsupported CA key type: ${keyObject.asymmetricKeyType}`);
}

function validity(opts: ValidityOptions, defaultDays: number): { notBefore: Date; notAfter: Date } {
  const days = opts.validDays ?? defaultDays;
  if (!Number.isFinite(days) || days <= 0) throw new RangeError(`validDays must be positive, got ${days}`);
  const now = opts.now ?? Date.now();
  return { notBefore: new Date(now - BACKDATE_MS), notAfter: new Date(now + days * DAY_MS) };
}

/** 128 random bits with the top bit clear: positive, and at most the 20 octets RFC 5280 allows. */
function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return Buffer.from(bytes).toString("hex");
}

function requireName(field: string, value: string): void {
  if (typeof value !== "string" || value.trim() === "") throw new TypeError(`${field} must be a non-empty string`);
}

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
