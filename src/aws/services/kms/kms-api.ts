/**
 * KMS as other services see it, in-process (the shape a `KmsApi` entry in
 * src/aws/services/contracts.ts would take): EKS checks an `encryptionConfig` key with
 * `describeKey` and envelope-encrypts Secrets with `encrypt`/`decrypt`/`generateDataKey` — the
 * same keys, states, blobs and errors as the KMS endpoint, without HTTP or IAM authorization.
 */
import { decrypt, encrypt, type EncryptionContext, generateDataKey } from './kms-ops.js';
import type { KmsState } from './kms-state.js';
import type { KeyState } from './records.js';

/** What another service needs to know of a key. */
export interface KmsKeyInfo {
  keyId: string;
  arn: string;
  state: KeyState;
  enabled: boolean;
  keyUsage: string;
  keySpec: string;
  description: string;
}

/**
 * Calls are scoped by account and region like the endpoint's; `keyId` is any identifier KMS
 * accepts (key id, key ARN, alias name, alias ARN). Failures throw the endpoint's AwsErrors
 * (NotFoundException, DisabledException, KMSInvalidStateException, InvalidCiphertextException, …).
 */
export interface KmsApi {
  /** The key, or undefined when no such key (or alias) exists. */
  describeKey(account: string, region: string, keyId: string): Promise<KmsKeyInfo | undefined>;
  encrypt(account: string, region: string, keyId: string, plaintext: Uint8Array, context?: EncryptionContext): Promise<{ ciphertext: Buffer; keyArn: string }>;
  /** The key comes from the ciphertext; a `keyId` naming another key is IncorrectKeyException. */
  decrypt(account: string, region: string, ciphertext: Uint8Array, context?: EncryptionContext, keyId?: string): Promise<{ plaintext: Buffer; keyArn: string }>;
  /** A fresh random data key of `bytes` bytes, and its ciphertext under `keyId`. */
  generateDataKey(account: string, region: string, keyId: string, bytes: number, context?: EncryptionContext): Promise<{ plaintext: Buffer; ciphertext: Buffer; keyArn: string }>;
}

/** The KmsApi over a KmsState. */
export function kmsApiOf(state: KmsState): KmsApi {
  return {
    async describeKey(account, region, keyId) {
      try {
        const k = (await state.findKey(account, region, keyId)).value;
        return { keyId: k.keyId, arn: k.arn, state: k.keyState, enabled: k.keyState === 'Enabled', keyUsage: k.keyUsage, keySpec: k.keySpec, description: k.description };
      } catch (err) {
        if ((err as { code?: string }).code === 'NotFoundException') return undefined;
        throw err;
      }
    },
    async encrypt(account, region, keyId, plaintext, context) {
      const { blob, key } = await encrypt(state, account, region, keyId, plaintext, context);
      return { ciphertext: blob, keyArn: key.arn };
    },
    async decrypt(account, region, ciphertext, context, keyId) {
      const { plaintext, key } = await decrypt(state, account, region, ciphertext, context, { keyId });
      return { plaintext, keyArn: key.arn };
    },
    async generateDataKey(account, region, keyId, bytes, context) {
      const { plaintext, blob, key } = await generateDataKey(state, account, region, keyId, bytes, context);
      return { plaintext, ciphertext: blob, keyArn: key.arn };
    },
  } satisfies KmsApi;
}
