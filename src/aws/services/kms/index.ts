/**
 * KMS for eksplane: symmetric and HMAC keys, aliases, key states, real AES-256-GCM with key
 * material wrapped by a per-data-dir master secret. `server/` wires {@link createKmsService} with
 * the secret from {@link loadOrCreateMasterSecret}; other services use its `api` ({@link KmsApi}).
 */
export { canonicalContext, MasterKey, openBlob, readBlobHeader, sealBlob } from './crypto.js';
export { MSG as KMS_MESSAGES } from './errors.js';
export { kmsApiOf, type KmsApi, type KmsKeyInfo } from './kms-api.js';
export { decrypt, encrypt, generateDataKey, reEncrypt, type EncryptionContext } from './kms-ops.js';
export { createKmsService, type KmsServiceOptions } from './kms-service.js';
export { KmsState, type KmsStateOptions } from './kms-state.js';
export { loadOrCreateMasterSecret, MASTER_SECRET_FILE } from './master-key.js';
export type { AliasRecord, KeyRecord, KeyState } from './records.js';
