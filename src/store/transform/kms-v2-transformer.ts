/**
 * KMS v2 envelope encryption of stored values, as kube-apiserver's kmsv2 envelopeTransformer:
 * a random 32-byte seed is generated once (at first write) and wrapped once by the key encryption
 * key through an {@link EnvelopeService} (one remote KMS Encrypt); every write then encrypts with
 * a fresh single-use key derived from the seed and stores the wrapped seed beside the data. Reads
 * unwrap each distinct wrapped seed once (one remote KMS Decrypt) and keep it cached, so a
 * restarted server pays one KMS call per seed, not per object. Values that are not envelopes
 * (written before encryption was turned on) read as they are, as upstream's identity fallback.
 */
import { randomBytes } from 'node:crypto';
import { decodeEnvelope, DEK_SOURCE_SEED, encodeEnvelope, isKmsV2Envelope, openWithSeed, sealWithSeed, SEED_BYTES } from './envelope.js';

/** The key encryption key, as a KMS v2 plugin offers it (Encrypt, Decrypt, Status). */
export interface EnvelopeService {
  /** Wraps `plaintext`; `keyId` is recorded in the envelope (upstream: the plugin's key ID). */
  encrypt(plaintext: Uint8Array): Promise<{ ciphertext: Uint8Array; keyId: string }>;
  decrypt(ciphertext: Uint8Array, keyId: string): Promise<Uint8Array>;
  /** Throws when the key cannot be used to encrypt now (upstream ValidateEncryptCapability). */
  validateEncrypt(): Promise<void>;
}

/** Turns values into their stored form and back; `key` is the storage key (authenticated data). */
export interface ValueTransformer {
  toStorage(key: string, plaintext: Uint8Array): Promise<Uint8Array>;
  fromStorage(key: string, stored: Uint8Array): Promise<Uint8Array>;
}

interface WriteState {
  seed: Buffer;
  wrapped: Buffer;
  keyId: string;
}

/** The KMS v2 transformer of one provider (EncryptionConfiguration `kms.name`). */
export class KmsV2Transformer implements ValueTransformer {
  private write: Promise<WriteState> | undefined;
  /** Wrapped seed (and key id) → unwrapped seed, as upstream's DEK cache. */
  private readonly seeds = new Map<string, Promise<Buffer>>();

  constructor(
    readonly provider: string,
    private readonly service: EnvelopeService,
  ) {}

  async toStorage(key: string, plaintext: Uint8Array): Promise<Uint8Array> {
    await this.service.validateEncrypt();
    const st = await this.writeState();
    return encodeEnvelope(this.provider, { encryptedData: sealWithSeed(st.seed, plaintext, key), keyId: st.keyId, encryptedDekSource: st.wrapped, dekSourceType: DEK_SOURCE_SEED });
  }

  async fromStorage(key: string, stored: Uint8Array): Promise<Uint8Array> {
    if (!isKmsV2Envelope(stored)) return stored;
    const { object } = decodeEnvelope(stored);
    if (object.dekSourceType !== DEK_SOURCE_SEED) throw new Error(`unknown encryptedDEKSourceType: ${object.dekSourceType}`);
    const cacheKey = `${object.keyId}\0${object.encryptedDekSource.toString('base64')}`;
    let seed = this.seeds.get(cacheKey);
    if (!seed) {
      seed = this.service.decrypt(object.encryptedDekSource, object.keyId).then(
        (s) => Buffer.from(s),
        (err: Error) => {
          this.seeds.delete(cacheKey);
          throw new Error(`failed to decrypt DEK, error: ${err.message}`, { cause: err });
        },
      );
      this.seeds.set(cacheKey, seed);
    }
    return openWithSeed(await seed, object.encryptedData, key);
  }

  private writeState(): Promise<WriteState> {
    if (!this.write) {
      const seed = randomBytes(SEED_BYTES);
      this.write = this.service.encrypt(seed).then(
        ({ ciphertext, keyId }) => {
          const wrapped = Buffer.from(ciphertext);
          this.seeds.set(`${keyId}\0${wrapped.toString('base64')}`, Promise.resolve(seed));
          return { seed, wrapped, keyId };
        },
        (err: Error) => {
          this.write = undefined;
          throw new Error(`failed to encrypt DEK, error: ${err.message}`, { cause: err });
        },
      );
    }
    return this.write;
  }
}
