/**
 * EKS Secrets envelope encryption for one cluster (shared/research/eks-semantics.md §7): once the
 * cluster has an `encryptionConfig` (at CreateCluster or through AssociateEncryptionConfig), every
 * Secret is written to the store as a KMS v2 envelope whose seed is wrapped by the cluster's KMS
 * key through our KMS service's in-process API, so the store (SQLite file, etcd) never holds a
 * Secret's plaintext; {@link transformingStore} decrypts on every read and watch, so everything
 * above the store sees plaintext.
 *
 * Key state, decided here and applied at the cluster's HTTPS front ({@link refusal}): while the
 * key is not Enabled (DisableKey, ScheduleKeyDeletion), every request on `secrets` is answered
 * with a 500 Status naming KMS and the key, other resources keep working, and enabling the key
 * again restores reads. This is stricter than upstream's cached seed (which keeps serving reads
 * until the API server restarts) and is how the EKS cluster looks once its health shows
 * KmsKeyDisabled / KmsKeyMarkedForDeletion. Writes from inside the process (controllers) fail at
 * the store with upstream's `failed to encrypt DEK` wording.
 *
 * A value that cannot be decrypted while loading (a restart with the key disabled) becomes a
 * placeholder Secret carrying the error in an annotation, so the API server still starts; the key
 * is remembered and, once the key is usable again, re-emitted from its stored envelope so the
 * watch cache gets the real object back.
 */
import type { KmsApi } from '../aws/services/kms/index.js';
import type { Logger } from '../lib/logger.js';
import { isKmsV2Envelope } from '../store/transform/envelope.js';
import { KmsV2Transformer, type ValueTransformer } from '../store/transform/kms-v2-transformer.js';
import { transformingStore } from '../store/transform/transforming-store.js';
import type { Store } from '../store/types.js';

/** The provider name in stored envelopes (`k8s:enc:kms:v2:aws-encryption-provider:`), as EKS's plugin. */
export const KMS_PROVIDER_NAME = 'aws-encryption-provider';
/** Annotation of a placeholder Secret whose envelope could not be decrypted. */
export const DECRYPTION_ERROR_ANNOTATION = 'eksplane.io/kms-decryption-error';

/** EKS's health issue codes for the key states that stop Secrets. */
const STATE_CODES: Record<string, string> = { Disabled: 'KMS_KEY_DISABLED', PendingDeletion: 'KMS_KEY_MARKED_FOR_DELETION' };

export class SecretsEncryption implements ValueTransformer {
  private keyArn: string | undefined;
  private readonly kmsV2: KmsV2Transformer;
  private readonly secretsPrefix: string;
  /** Keys loaded as placeholders → why. */
  private readonly unreadable = new Map<string, string>();
  /** Placeholder keys re-emitted and not yet read back (so each is rewritten once). */
  private readonly reemitted = new Set<string>();
  /** The store the API server must be given. */
  readonly store: Store;

  constructor(
    private readonly inner: Store,
    private readonly opts: { kms: KmsApi; account: string; region: string; clusterPrefix: string; log: Logger },
  ) {
    this.secretsPrefix = `${opts.clusterPrefix}core/secrets/`;
    this.kmsV2 = new KmsV2Transformer(KMS_PROVIDER_NAME, {
      encrypt: async (plaintext) => {
        const key = this.requireKey();
        const r = await opts.kms.encrypt(...this.scopeOf(key), key, plaintext);
        return { ciphertext: r.ciphertext, keyId: r.keyArn };
      },
      decrypt: async (ciphertext, keyId) => (await opts.kms.decrypt(...this.scopeOf(keyId), ciphertext)).plaintext,
      validateEncrypt: async () => {
        const why = await this.keyProblem();
        if (why) throw new Error(why);
      },
    });
    this.store = transformingStore(inner, { transformer: this, covers: (key) => key.startsWith(this.secretsPrefix) });
  }

  /** The key Secrets are encrypted with, once configured. */
  get key(): string | undefined {
    return this.keyArn;
  }

  /**
   * Starts encrypting with `keyArn` (irreversible, as EKS). Returns true when this turned
   * encryption on, after which the caller rewrites existing Secrets ({@link encryptExisting}).
   */
  enable(keyArn: string): boolean {
    if (this.keyArn) return false;
    this.keyArn = keyArn;
    this.opts.log.info({ keyArn }, 'secrets envelope encryption enabled');
    return true;
  }

  async toStorage(key: string, plaintext: Uint8Array): Promise<Uint8Array> {
    return this.keyArn ? this.kmsV2.toStorage(key, plaintext) : plaintext;
  }

  async fromStorage(key: string, stored: Uint8Array): Promise<Uint8Array> {
    try {
      const out = await this.kmsV2.fromStorage(key, stored);
      this.unreadable.delete(key);
      this.reemitted.delete(key);
      return out;
    } catch (err) {
      const why = (err as Error).message;
      this.unreadable.set(key, why);
      this.reemitted.delete(key);
      this.opts.log.error({ err, key }, 'secret could not be decrypted');
      return this.placeholder(key, why);
    }
  }

  /**
   * Rewrites every Secret still stored in plaintext as an envelope (AssociateEncryptionConfig's
   * re-encryption, which EKS asks users to do with `kubectl annotate`; we do it for them). Writes
   * go straight to the store with compare-and-swap, so a concurrent update simply wins.
   */
  async encryptExisting(): Promise<number> {
    let n = 0;
    let startKey: string | undefined;
    for (;;) {
      const page = await this.inner.range(this.secretsPrefix, { limit: 500, startKey });
      for (const kv of page.kvs) {
        if (isKmsV2Envelope(kv.value)) continue;
        if ((await this.inner.update(kv.key, await this.kmsV2.toStorage(kv.key, kv.value), kv.modRevision)).ok) n++;
      }
      if (!page.more || !page.kvs.length) break;
      startKey = page.kvs[page.kvs.length - 1]!.key + '\0';
    }
    this.opts.log.info({ secrets: n }, 'existing secrets re-encrypted with the KMS key');
    return n;
  }

  /**
   * Why requests on Secrets cannot be served now (the key is not Enabled, or some Secrets could
   * not be decrypted), or undefined when they can. Once the key works again, Secrets that were
   * loaded as placeholders are re-emitted from their stored envelopes.
   */
  async refusal(): Promise<string | undefined> {
    const problem = await this.keyProblem();
    if (problem) return problem;
    if (!this.unreadable.size) return undefined;
    for (const key of [...this.unreadable.keys()]) {
      if (this.reemitted.has(key)) continue;
      const kv = await this.inner.get(key);
      if (!kv) {
        this.unreadable.delete(key);
        continue;
      }
      // The same envelope written again: a new revision whose watch event now decrypts.
      this.reemitted.add(key);
      await this.inner.update(key, kv.value, kv.modRevision);
    }
    const left = this.unreadable.values().next();
    return left.done ? undefined : left.value;
  }

  private requireKey(): string {
    if (!this.keyArn) throw new Error('no KMS key configured for secrets encryption');
    return this.keyArn;
  }

  /** Upstream-style wording for a key that cannot be used, naming KMS, the key and EKS's code. */
  private async keyProblem(): Promise<string | undefined> {
    if (!this.keyArn) return undefined;
    const info = await this.opts.kms.describeKey(...this.scopeOf(this.keyArn), this.keyArn);
    if (!info) return `KMS key ${this.keyArn} does not exist (KMS_KEY_NOT_FOUND): Secrets encrypted with it cannot be read or written`;
    if (info.enabled) return undefined;
    return `KMS key ${info.arn} is ${info.state} (${STATE_CODES[info.state] ?? 'KMS_KEY_UNAVAILABLE'}): Secrets encrypted with it cannot be read or written until the key is enabled`;
  }

  /** The account and region a key ARN names (the cluster's own for anything else). */
  private scopeOf(arn: string): [string, string] {
    const m = /^arn:[^:]+:kms:([^:]+):(\d{12}):/.exec(arn);
    return m ? [m[2]!, m[1]!] : [this.opts.account, this.opts.region];
  }

  private placeholder(key: string, why: string): Uint8Array {
    const [namespace = '', name = ''] = key.slice(this.secretsPrefix.length).split('/');
    const obj = { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace, annotations: { [DECRYPTION_ERROR_ANNOTATION]: why } }, type: 'Opaque' };
    return Buffer.from(JSON.stringify(obj));
  }
}
