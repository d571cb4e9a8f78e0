/**
 * The cryptography of eksplane's KMS: key material wrapped at rest, and self-describing ciphertext
 * blobs. Everything is AES-256-GCM from node:crypto.
 *
 * **Key material at rest.** Each KMS key has 256 random bits of material (HMAC keys: as many bits
 * as their spec names). It is never stored in plaintext: the store holds
 * `base64(iv[12] ‖ tag[16] ‖ AES-256-GCM(kek, iv, material, aad = "<key ARN>#<material version>"))`,
 * where the key-encryption key is `HKDF-SHA256(secret, salt "eksplane/kms", info
 * "key-material-wrap/v1", 32 bytes)` and `secret` is the per-data-dir master secret (32 random bytes
 * the server keeps in a file beside the store, see ./master-key.ts). The AAD binds wrapped material
 * to its key: material copied into another key's record fails to unwrap.
 *
 * **Ciphertext blobs** (Encrypt, GenerateDataKey*, ReEncrypt) name their key, so Decrypt needs no
 * KeyId:
 * ```
 * 0       1                17           19      31       47
 * | 0x01  | key id (UUID,16) | version u16 | iv 12 | tag 16 | AES-256-GCM ciphertext … |
 * ```
 * The first 19 bytes (the header) and the canonical encryption context — its pairs sorted by key,
 * each key and value a u32 length plus UTF-8 — are the GCM additional data, so a changed byte
 * anywhere, a blob grafted onto another key or a different encryption context all fail
 * authentication (InvalidCiphertextException), as KMS answers.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const BLOB_VERSION = 1;
const IV = 12;
const TAG = 16;
const HEADER = 1 + 16 + 2;

/** The key-encryption key derived from the master secret; wraps and unwraps key material. */
export class MasterKey {
  private readonly kek: Buffer;

  /** `secret`: at least 32 bytes of secret randomness (the data dir's master secret). */
  constructor(secret: Uint8Array) {
    if (secret.length < 32) throw new Error('the KMS master secret must be at least 32 bytes');
    this.kek = Buffer.from(hkdfSync('sha256', secret, 'eksplane/kms', 'key-material-wrap/v1', 32));
  }

  /** `base64(iv ‖ tag ‖ ciphertext)` of `material`, bound to `aad`. */
  wrap(material: Buffer, aad: string): string {
    const iv = randomBytes(IV);
    const c = createCipheriv('aes-256-gcm', this.kek, iv).setAAD(Buffer.from(aad, 'utf8'));
    const ct = Buffer.concat([c.update(material), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), ct]).toString('base64');
  }

  /** The material `wrap` sealed; throws when the secret, the AAD or the bytes differ. */
  unwrap(wrapped: string, aad: string): Buffer {
    const raw = Buffer.from(wrapped, 'base64');
    const d = createDecipheriv('aes-256-gcm', this.kek, raw.subarray(0, IV)).setAAD(Buffer.from(aad, 'utf8'));
    d.setAuthTag(raw.subarray(IV, IV + TAG));
    return Buffer.concat([d.update(raw.subarray(IV + TAG)), d.final()]);
  }
}

/** The AAD of a key's wrapped material. */
export function materialAad(keyArn: string, version: number): string {
  return `${keyArn}#${version}`;
}

/** Canonical bytes of an encryption context: pairs sorted by key, each part length-prefixed. */
export function canonicalContext(context: Readonly<Record<string, string>> | undefined): Buffer {
  if (!context) return Buffer.alloc(0);
  const parts: Buffer[] = [];
  for (const k of Object.keys(context).sort()) {
    for (const s of [k, context[k] ?? '']) {
      const b = Buffer.from(s, 'utf8');
      const len = Buffer.alloc(4);
      len.writeUInt32BE(b.length);
      parts.push(len, b);
    }
  }
  return Buffer.concat(parts);
}

function uuidBytes(keyId: string): Buffer {
  const hex = keyId.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`not a UUID key id: ${keyId}`);
  return Buffer.from(hex, 'hex');
}

function uuidString(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** What a blob's header says before anything is decrypted. */
export interface BlobHeader {
  keyId: string;
  version: number;
}

/** Reads a blob's header; undefined when the bytes cannot be one of our blobs. */
export function readBlobHeader(blob: Uint8Array): BlobHeader | undefined {
  const b = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  if (b.length < HEADER + IV + TAG || b[0] !== BLOB_VERSION) return undefined;
  return { keyId: uuidString(b.subarray(1, 17)), version: b.readUInt16BE(17) };
}

/** Encrypts `plaintext` under a key's material into a self-describing blob. */
export function sealBlob(keyId: string, version: number, material: Buffer, plaintext: Uint8Array, context?: Readonly<Record<string, string>>): Buffer {
  const header = Buffer.alloc(HEADER);
  header[0] = BLOB_VERSION;
  uuidBytes(keyId).copy(header, 1);
  header.writeUInt16BE(version, 17);
  const iv = randomBytes(IV);
  const c = createCipheriv('aes-256-gcm', material, iv).setAAD(Buffer.concat([header, canonicalContext(context)]));
  const ct = Buffer.concat([c.update(plaintext), c.final()]);
  return Buffer.concat([header, iv, c.getAuthTag(), ct]);
}

/** The plaintext of a blob sealed with `material`; undefined when authentication fails. */
export function openBlob(blob: Uint8Array, material: Buffer, context?: Readonly<Record<string, string>>): Buffer | undefined {
  const b = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  if (b.length < HEADER + IV + TAG) return undefined;
  try {
    const d = createDecipheriv('aes-256-gcm', material, b.subarray(HEADER, HEADER + IV)).setAAD(Buffer.concat([b.subarray(0, HEADER), canonicalContext(context)]));
    d.setAuthTag(b.subarray(HEADER + IV, HEADER + IV + TAG));
    return Buffer.concat([d.update(b.subarray(HEADER + IV + TAG)), d.final()]);
  } catch {
    return undefined;
  }
}
