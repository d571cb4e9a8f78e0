/**
 * A cluster's service-account signing key, made on first use. An RSA-2048 key costs ~170 ms of
 * CPU to generate, about half of everything a new cluster's control plane spends coming up, yet it
 * is needed only when a token is signed (TokenRequest, a legacy token Secret) or the JWKS is
 * served — many clusters (no nodes, no pods with projected tokens) never get there. So the key is
 * generated the first time something asks for it, handed to `keep` to be stored with the cluster
 * (which may answer with a key another writer stored first), and from then on is the cluster's
 * key for good, restored from its PEM after a restart. What clients see is unchanged: the tokens
 * are RS256 and the JWKS lists the one key, as on EKS.
 */
import { createSigningKey, signingKeyFromPem, type SigningKey } from './keys.js';

/** Where a lazily made key comes from and goes to. */
export interface LazySigningKeyOptions {
  /** The stored private key PEM, when the cluster already has one. */
  pem?: string;
  /**
   * Stores a freshly made key's PEM with the cluster unless it has one already; resolves to the
   * PEM the cluster has afterwards (ours, or the one stored first).
   */
  keep: (pem: string) => Promise<string>;
  /** Makes a key (default: RSA 2048, RS256). */
  create?: () => Promise<SigningKey>;
}

/** One cluster's signing key: `current` once it exists, `get()` makes it on first call. */
export class LazySigningKey {
  private key: SigningKey | undefined;
  private making: Promise<SigningKey> | undefined;
  private readonly waiting: ((key: SigningKey) => void)[] = [];

  constructor(private readonly opts: LazySigningKeyOptions) {
    if (opts.pem) this.key = signingKeyFromPem(opts.pem);
  }

  /** The key, when it has been made or restored; undefined before. */
  get current(): SigningKey | undefined {
    return this.key;
  }

  /**
   * The key, made and kept on the first call (concurrent callers share that one attempt; a failed
   * attempt is retried by the next call).
   */
  get(): Promise<SigningKey> {
    if (this.key) return Promise.resolve(this.key);
    this.making ??= this.make().finally(() => (this.making = undefined));
    return this.making;
  }

  /** Calls `fn` once with the key when it exists (at once if it does). */
  onReady(fn: (key: SigningKey) => void): void {
    if (this.key) fn(this.key);
    else this.waiting.push(fn);
  }

  private async make(): Promise<SigningKey> {
    const made = await (this.opts.create ?? createSigningKey)();
    const kept = await this.opts.keep(made.privatePem);
    const key = kept === made.privatePem ? made : signingKeyFromPem(kept);
    this.key = key;
    for (const fn of this.waiting.splice(0)) fn(key);
    return key;
  }
}
