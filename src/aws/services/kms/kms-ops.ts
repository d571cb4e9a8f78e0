/**
 * KMS's cryptographic operations over {@link KmsState}: Encrypt, Decrypt, GenerateDataKey(WithoutPlaintext)
 * and ReEncrypt with real AES-256-GCM (blob format in ./crypto.ts). Order of checks, as KMS: resolve
 * the key (NotFoundException), its state (DisabledException / KMSInvalidStateException), its usage
 * (InvalidKeyUsageException), then the bytes (InvalidCiphertextException).
 */
import { randomBytes } from 'node:crypto';
import { AwsError } from '../../types.js';
import { openBlob, readBlobHeader, sealBlob } from './crypto.js';
import { incorrectKey, invalidAlgorithm, invalidCiphertext, invalidKeyUsage, MSG, validation } from './errors.js';
import { checkState, type KmsState, USABLE } from './kms-state.js';
import type { KeyRecord } from './records.js';

export type EncryptionContext = Readonly<Record<string, string>>;

function usableFor(k: KeyRecord, op: string, algorithm: string | undefined): void {
  checkState(k, USABLE);
  if (k.keyUsage !== 'ENCRYPT_DECRYPT') throw invalidKeyUsage(k.arn, k.keyUsage, op);
  if (algorithm !== undefined && algorithm !== 'SYMMETRIC_DEFAULT') throw invalidAlgorithm(algorithm);
}

/** Encrypts up to 4 KiB under the key's newest material; `op` names the operation in errors. */
export async function encrypt(state: KmsState, account: string, region: string, keyId: string, plaintext: Uint8Array, context?: EncryptionContext, opts: { op?: string; algorithm?: string } = {}): Promise<{ blob: Buffer; key: KeyRecord }> {
  const key = (await state.findKey(account, region, keyId)).value;
  usableFor(key, opts.op ?? 'Encrypt', opts.algorithm);
  const newest = key.material[key.material.length - 1]!;
  return { blob: sealBlob(key.keyId, newest.version, state.material(key, newest.version)!, plaintext, context), key };
}

/**
 * Decrypts a blob from {@link encrypt}: the key comes from the blob; a `keyId` naming another key
 * is IncorrectKeyException. A blob that is not ours, names no live key, was changed, or is given a
 * different encryption context is InvalidCiphertextException.
 */
export async function decrypt(state: KmsState, account: string, region: string, blob: Uint8Array, context?: EncryptionContext, opts: { keyId?: string; op?: string; algorithm?: string } = {}): Promise<{ plaintext: Buffer; key: KeyRecord }> {
  const header = readBlobHeader(blob);
  if (!header) throw invalidCiphertext();
  if (opts.keyId !== undefined && (await state.findKey(account, region, opts.keyId)).value.keyId !== header.keyId) throw incorrectKey();
  let key: KeyRecord;
  try {
    key = (await state.findKey(account, region, header.keyId)).value;
  } catch (err) {
    if (err instanceof AwsError && err.code === 'NotFoundException') throw invalidCiphertext();
    throw err;
  }
  usableFor(key, opts.op ?? 'Decrypt', opts.algorithm);
  const material = state.material(key, header.version);
  const plaintext = material && openBlob(blob, material, context);
  if (!plaintext) throw invalidCiphertext();
  return { plaintext, key };
}

/** The data key length: exactly one of NumberOfBytes and KeySpec (AES_256 = 32, AES_128 = 16). */
export function dataKeyBytes(numberOfBytes: number | undefined, keySpec: string | undefined): number {
  if ((numberOfBytes === undefined) === (keySpec === undefined)) throw validation(MSG.dataKeySize);
  return numberOfBytes ?? (keySpec === 'AES_128' ? 16 : 32);
}

/** A fresh random data key and its blob under `keyId`. */
export async function generateDataKey(state: KmsState, account: string, region: string, keyId: string, bytes: number, context?: EncryptionContext, op = 'GenerateDataKey'): Promise<{ plaintext: Buffer; blob: Buffer; key: KeyRecord }> {
  const plaintext = randomBytes(bytes);
  const { blob, key } = await encrypt(state, account, region, keyId, plaintext, context, { op });
  return { plaintext, blob, key };
}

/** ReEncrypt: decrypts under the source key (checked against `sourceKeyId`) and encrypts under the destination. */
export async function reEncrypt(
  state: KmsState, account: string, region: string, blob: Uint8Array,
  opts: { destinationKeyId: string; sourceKeyId?: string; sourceContext?: EncryptionContext; destinationContext?: EncryptionContext; sourceAlgorithm?: string; destinationAlgorithm?: string },
): Promise<{ blob: Buffer; source: KeyRecord; destination: KeyRecord }> {
  const src = await decrypt(state, account, region, blob, opts.sourceContext, { keyId: opts.sourceKeyId, op: 'ReEncryptFrom', algorithm: opts.sourceAlgorithm });
  const dst = await encrypt(state, account, region, opts.destinationKeyId, src.plaintext, opts.destinationContext, { op: 'ReEncryptTo', algorithm: opts.destinationAlgorithm });
  return { blob: dst.blob, source: src.key, destination: dst.key };
}
