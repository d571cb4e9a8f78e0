/**
 * The KMS v2 envelope as kube-apiserver stores it: `k8s:enc:kms:v2:<provider>:` followed by a
 * protobuf `EncryptedObject` (field 1 encryptedData, 2 keyID, 3 encryptedDEKSource, 4 annotations,
 * 5 encryptedDEKSourceType), and the HKDF extended-nonce AES-GCM data transformer of upstream's
 * `aes_extended_nonce.go`: per write, 32 random info bytes, a single-use key
 * HKDF-Expand(SHA-256, seed, info), AES-256-GCM with a random 12-byte nonce and the storage key as
 * authenticated data; stored as info ‖ nonce ‖ ciphertext ‖ tag.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/** The prefix every KMS v2 value starts with (upstream's `k8s:enc:kms:v2:`). */
export const KMS_V2_PREFIX = 'k8s:enc:kms:v2:';
/** upstream EncryptedDEKSourceType: AES_GCM_KEY = 0, HKDF_SHA256_XNONCE_AES_GCM_SEED = 1. */
export const DEK_SOURCE_SEED = 1;
/** Seed size (upstream MinSeedSizeExtendedNonceGCM = 32). */
export const SEED_BYTES = 32;

const INFO_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** The decoded EncryptedObject. */
export interface EncryptedObject {
  encryptedData: Buffer;
  keyId: string;
  encryptedDekSource: Buffer;
  dekSourceType: number;
}

/** True when a stored value is a KMS v2 envelope (any provider). */
export function isKmsV2Envelope(value: Uint8Array): boolean {
  if (value.length < KMS_V2_PREFIX.length) return false;
  for (let i = 0; i < KMS_V2_PREFIX.length; i++) if (value[i] !== KMS_V2_PREFIX.charCodeAt(i)) return false;
  return true;
}

/** `k8s:enc:kms:v2:<provider>:` + the protobuf encoding of `o`. */
export function encodeEnvelope(provider: string, o: EncryptedObject): Buffer {
  const parts: Buffer[] = [Buffer.from(`${KMS_V2_PREFIX}${provider}:`)];
  const field = (no: number, bytes: Buffer) => parts.push(varint((no << 3) | 2), varint(bytes.length), bytes);
  field(1, o.encryptedData);
  field(2, Buffer.from(o.keyId));
  field(3, o.encryptedDekSource);
  if (o.dekSourceType) parts.push(varint((5 << 3) | 0), varint(o.dekSourceType));
  return Buffer.concat(parts);
}

/** The provider name and EncryptedObject of an envelope; throws on anything malformed. */
export function decodeEnvelope(value: Uint8Array): { provider: string; object: EncryptedObject } {
  const buf = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (!isKmsV2Envelope(buf)) throw new Error('value is not a KMS v2 envelope');
  const colon = buf.indexOf(0x3a, KMS_V2_PREFIX.length);
  if (colon < 0) throw new Error('KMS v2 envelope without a provider name');
  const provider = buf.subarray(KMS_V2_PREFIX.length, colon).toString();
  const o: EncryptedObject = { encryptedData: Buffer.alloc(0), keyId: '', encryptedDekSource: Buffer.alloc(0), dekSourceType: 0 };
  let at = colon + 1;
  const read = (): number => {
    let n = 0;
    let shift = 0;
    for (;;) {
      const b = buf[at++];
      if (b === undefined) throw new Error('truncated KMS v2 envelope');
      n += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return n;
      shift += 7;
    }
  };
  while (at < buf.length) {
    const tag = read();
    const no = Math.floor(tag / 8);
    if ((tag & 7) === 0) {
      const v = read();
      if (no === 5) o.dekSourceType = v;
      continue;
    }
    if ((tag & 7) !== 2) throw new Error(`unexpected wire type in KMS v2 envelope field ${no}`);
    const len = read();
    if (at + len > buf.length) throw new Error('truncated KMS v2 envelope');
    const bytes = buf.subarray(at, at + len);
    at += len;
    if (no === 1) o.encryptedData = bytes;
    else if (no === 2) o.keyId = bytes.toString();
    else if (no === 3) o.encryptedDekSource = bytes;
  }
  if (!o.encryptedData.length || !o.encryptedDekSource.length || !o.keyId) throw new Error('incomplete KMS v2 envelope');
  return { provider, object: o };
}

/** Encrypts with a fresh key derived from `seed` (upstream extendedNonceGCM.TransformToStorage). */
export function sealWithSeed(seed: Uint8Array, plaintext: Uint8Array, authenticatedData: string): Buffer {
  const info = randomBytes(INFO_BYTES);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(seed, info), nonce);
  cipher.setAAD(Buffer.from(authenticatedData));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([info, nonce, body, cipher.getAuthTag()]);
}

/** Inverse of {@link sealWithSeed}; throws when the data or its authenticated key do not match. */
export function openWithSeed(seed: Uint8Array, sealed: Uint8Array, authenticatedData: string): Buffer {
  if (sealed.length < INFO_BYTES + NONCE_BYTES + TAG_BYTES) throw new Error('the stored data was shorter than the required size');
  const info = sealed.subarray(0, INFO_BYTES);
  const nonce = sealed.subarray(INFO_BYTES, INFO_BYTES + NONCE_BYTES);
  const body = sealed.subarray(INFO_BYTES + NONCE_BYTES, sealed.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', deriveKey(seed, info), nonce);
  decipher.setAAD(Buffer.from(authenticatedData));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  return Buffer.concat([decipher.update(body), decipher.final()]);
}

/**
 * HKDF-Expand only, no extract step, as upstream's sha256KDFExpandOnly (the seed is already
 * uniform; node's hkdfSync always extracts). A 32-byte output is the first block: HMAC(seed, info ‖ 1).
 */
function deriveKey(seed: Uint8Array, info: Uint8Array): Buffer {
  return createHmac('sha256', seed).update(info).update(Buffer.from([1])).digest();
}

function varint(n: number): Buffer {
  const bytes: number[] = [];
  while (n >= 0x80) {
    bytes.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  bytes.push(n);
  return Buffer.from(bytes);
}
