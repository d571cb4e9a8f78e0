/**
 * Key material for key pairs, made with node:crypto as EC2 makes it: an RSA key returned as a
 * PKCS#1 PEM ("BEGIN RSA PRIVATE KEY") with the SHA-1 fingerprint of its PKCS#8 form, an ED25519
 * key returned in OpenSSH's own private key format with a base64 SHA-256 fingerprint; imported
 * OpenSSH public keys fingerprinted as EC2 does (MD5 of the DER public key for RSA).
 */
import { createHash, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';

/** A key pair's public parts and, when generated, its private key. */
export interface KeyMaterial {
  type: 'rsa' | 'ed25519';
  /** OpenSSH public key line (`ssh-rsa AAAA… name`). */
  publicKey: string;
  fingerprint: string;
  privateKey?: string;
}

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const sshString = (b: Buffer | string) => {
  const buf = typeof b === 'string' ? Buffer.from(b) : b;
  return Buffer.concat([u32(buf.length), buf]);
};
/** An SSH mpint: big-endian, with a leading zero when the top bit is set. */
const mpint = (b: Buffer) => sshString(b[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
const colonHex = (b: Buffer) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
const b64u = (s: string) => Buffer.from(s, 'base64url');

function rsaBlob(n: Buffer, e: Buffer): Buffer {
  return Buffer.concat([sshString('ssh-rsa'), mpint(e), mpint(n)]);
}

function ed25519Blob(pub: Buffer): Buffer {
  return Buffer.concat([sshString('ssh-ed25519'), sshString(pub)]);
}

/** OpenSSH's unencrypted private key file for an ED25519 key. */
function opensshPrivateKey(seed: Buffer, pub: Buffer, comment: string): string {
  const check = randomBytes(4);
  let priv = Buffer.concat([check, check, sshString('ssh-ed25519'), sshString(pub), sshString(Buffer.concat([seed, pub])), sshString(comment)]);
  const pad = (8 - (priv.length % 8)) % 8;
  priv = Buffer.concat([priv, Buffer.from(Array.from({ length: pad }, (_, i) => i + 1))]);
  const body = Buffer.concat([Buffer.from('openssh-key-v1\0'), sshString('none'), sshString('none'), sshString(''), u32(1), sshString(ed25519Blob(pub)), sshString(priv)]);
  const lines = body.toString('base64').match(/.{1,70}/g) ?? [];
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`;
}

/** Generates a key pair of `type` named `name`. */
export function generateKey(type: 'rsa' | 'ed25519', name: string): KeyMaterial {
  if (type === 'ed25519') {
    const { privateKey } = generateKeyPairSync('ed25519');
    const jwk = privateKey.export({ format: 'jwk' });
    const pub = b64u(jwk.x!);
    const blob = ed25519Blob(pub);
    return {
      type,
      publicKey: `ssh-ed25519 ${blob.toString('base64')} ${name}`,
      fingerprint: createHash('sha256').update(blob).digest('base64'),
      privateKey: opensshPrivateKey(b64u(jwk.d!), pub, name),
    };
  }
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  return {
    type,
    publicKey: `ssh-rsa ${rsaBlob(b64u(jwk.n!), b64u(jwk.e!)).toString('base64')} ${name}`,
    fingerprint: colonHex(createHash('sha1').update(pkcs8).digest()),
    privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
  };
}

function readString(b: Buffer, at: number): [Buffer, number] {
  if (at + 4 > b.length) throw new Error('truncated');
  const len = b.readUInt32BE(at);
  if (at + 4 + len > b.length) throw new Error('truncated');
  return [b.subarray(at + 4, at + 4 + len), at + 4 + len];
}

/** Parses an OpenSSH public key line; undefined when it is not one EC2 accepts (RSA, ED25519). */
export function importPublicKey(material: Buffer | string, name: string): KeyMaterial | undefined {
  const text = Buffer.isBuffer(material) ? material.toString('utf8') : material;
  const m = /^\s*(ssh-rsa|ssh-ed25519)\s+([A-Za-z0-9+/]+={0,2})(?:\s+.*)?\s*$/.exec(text);
  if (!m) return undefined;
  try {
    const blob = Buffer.from(m[2]!, 'base64');
    const [kind, next] = readString(blob, 0);
    if (kind.toString() !== m[1]) return undefined;
    if (m[1] === 'ssh-ed25519') {
      const [pub] = readString(blob, next);
      if (pub.length !== 32) return undefined;
      return { type: 'ed25519', publicKey: `ssh-ed25519 ${m[2]} ${name}`, fingerprint: createHash('sha256').update(blob).digest('base64') };
    }
    const [e, afterE] = readString(blob, next);
    const [n] = readString(blob, afterE);
    const strip = (x: Buffer) => (x[0] === 0 ? x.subarray(1) : x);
    const key = createPublicKey({ key: { kty: 'RSA', n: strip(n).toString('base64url'), e: strip(e).toString('base64url') }, format: 'jwk' });
    const der = key.export({ type: 'spki', format: 'der' });
    return { type: 'rsa', publicKey: `ssh-rsa ${m[2]} ${name}`, fingerprint: colonHex(createHash('md5').update(der).digest()) };
  } catch {
    return undefined;
  }
}
