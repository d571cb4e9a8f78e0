/**
 * The legacy token controller, as kube-controller-manager's `serviceaccount-token` controller
 * (pkg/controller/serviceaccount/tokens_controller.go since 1.24, which no longer creates
 * Secrets by itself): a Secret of type `kubernetes.io/service-account-token` naming a service
 * account in the `kubernetes.io/service-account.name` annotation gets `data.token` (a legacy
 * token signed by the cluster), `data.namespace` and `data.ca.crt`, and the
 * `kubernetes.io/service-account.uid` annotation. Such a Secret whose service account does not
 * exist (or has another uid) is deleted; so are all of a service account's token Secrets when it
 * is deleted; a deleted Secret is removed from its service account's `secrets` list.
 * The signing is a callback (`signLegacy`): controllers use the API only, the key lives with the
 * API server.
 */
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { KubeClient } from '../../kubeclient/client.js';
import { isConflict, isNotFound } from '../../kubeclient/errors.js';
import { Informer } from '../../kubeclient/informer.js';
import type { KubeObject, ResourceRef } from '../../kubeclient/types.js';
import { WorkQueue, type ReconcileResult } from '../../kubeclient/workqueue.js';
import { ControllerLoop, LoopingController } from '../../kubeclient/controller-loop.js';

/** The Secret type this controller fills (core/v1 SecretTypeServiceAccountToken). */
export const SERVICE_ACCOUNT_TOKEN_TYPE = 'kubernetes.io/service-account-token';
/** Annotation naming the Secret's service account (ServiceAccountNameKey). */
export const SERVICE_ACCOUNT_NAME_KEY = 'kubernetes.io/service-account.name';
/** Annotation with that service account's uid, set by the controller (ServiceAccountUIDKey). */
export const SERVICE_ACCOUNT_UID_KEY = 'kubernetes.io/service-account.uid';

/** Signs a legacy token for a Secret (TokenIssuer.issueLegacy in the server's wiring). */
export type SignLegacyToken = (namespace: string, saName: string, saUid: string, secretName: string) => string | Promise<string>;

/** What the legacy token controller needs: the client, the signer and the CA. */
export interface LegacyTokensControllerOptions {
  client: KubeClient;
  clock: Clock;
  log: Logger;
  signLegacy: SignLegacyToken;
  /** The cluster CA (PEM) for `data.ca.crt`; without it the key is left as it is. */
  rootCaPem?: string;
  /** Concurrent workers per queue (default 2). */
  workers?: number;
}

interface Secret extends KubeObject {
  type?: string;
  data?: Record<string, string>;
}

interface ServiceAccount extends KubeObject {
  secrets?: { name?: string }[];
}

interface SecretKey {
  namespace: string;
  name: string;
  uid: string;
  saName: string;
  saUid: string;
}

const SECRETS: ResourceRef = { group: '', version: 'v1', resource: 'secrets' };
const SERVICE_ACCOUNTS: ResourceRef = { group: '', version: 'v1', resource: 'serviceaccounts' };

const b64 = (s: string) => Buffer.from(s).toString('base64');
const unb64 = (s: string | undefined) => (s === undefined ? undefined : Buffer.from(s, 'base64').toString());

/** Fills and cleans up legacy service-account token Secrets. */
export class LegacyTokensController extends LoopingController {
  private readonly serviceAccounts: Informer<ServiceAccount>;
  private readonly secrets: Informer<Secret>;
  private readonly saQueue: WorkQueue<string>;
  private readonly secretQueue: WorkQueue<string>;
  protected readonly loop: ControllerLoop;

  constructor(private readonly opts: LegacyTokensControllerOptions) {
    super();
    this.saQueue = new WorkQueue(opts.clock);
    this.secretQueue = new WorkQueue(opts.clock);
    this.serviceAccounts = new Informer<ServiceAccount>(opts.client, { resource: SERVICE_ACCOUNTS }, opts.clock, opts.log);
    this.secrets = new Informer<Secret>(opts.client, { resource: SECRETS, fieldSelector: `type=${SERVICE_ACCOUNT_TOKEN_TYPE}` }, opts.clock, opts.log);
    const saKey = (sa: ServiceAccount) => JSON.stringify([sa.metadata?.namespace ?? '', sa.metadata?.name ?? '', sa.metadata?.uid ?? '']);
    this.serviceAccounts.addEventHandler({ onAdd: (sa) => this.saQueue.add(saKey(sa)), onUpdate: (_o, sa) => this.saQueue.add(saKey(sa)), onDelete: (sa) => this.saQueue.add(saKey(sa)) });
    const secretKey = (s: Secret) => {
      const m = s.metadata ?? {};
      const key: SecretKey = { namespace: m.namespace ?? '', name: m.name ?? '', uid: m.uid ?? '', saName: m.annotations?.[SERVICE_ACCOUNT_NAME_KEY] ?? '', saUid: m.annotations?.[SERVICE_ACCOUNT_UID_KEY] ?? '' };
      if (key.namespace && key.name && key.uid && key.saName) this.secretQueue.add(JSON.stringify(key));
    };
    this.secrets.addEventHandler({ onAdd: secretKey, onUpdate: (_o, s) => secretKey(s), onDelete: secretKey });
    this.loop = new ControllerLoop(
      [this.serviceAccounts, this.secrets],
      [
        { queue: this.saQueue, reconcile: (k) => this.syncServiceAccount(k) },
        { queue: this.secretQueue, reconcile: (k) => this.syncSecret(k) },
      ],
      opts.log,
      opts.workers,
    );
  }

  /** A deleted service account takes its token Secrets with it. */
  async syncServiceAccount(key: string): Promise<ReconcileResult> {
    const [namespace, name, uid] = JSON.parse(key) as [string, string, string];
    if (this.cachedServiceAccount(namespace, name, uid)) return;
    for (const s of this.secrets.list()) {
      const m = s.metadata ?? {};
      const forSa = m.namespace === namespace && m.annotations?.[SERVICE_ACCOUNT_NAME_KEY] === name && (!m.annotations?.[SERVICE_ACCOUNT_UID_KEY] || m.annotations[SERVICE_ACCOUNT_UID_KEY] === uid);
      if (forSa) await this.deleteToken(namespace, m.name!, m.uid!);
    }
  }

  /** Fills a token Secret, deletes an orphaned one, or unlists a deleted one from its service account. */
  async syncSecret(key: string): Promise<ReconcileResult> {
    const k = JSON.parse(key) as SecretKey;
    const cached = this.secrets.get(k.namespace, k.name);
    const secret = cached?.metadata?.uid === k.uid ? cached : undefined;
    if (!secret) {
      if (this.cachedServiceAccount(k.namespace, k.saName, k.saUid)) await this.removeSecretReference(k);
      return;
    }
    const sa = await this.getServiceAccount(k.namespace, k.saName, k.saUid);
    if (!sa) {
      this.opts.log.debug({ ns: k.namespace, name: k.name }, 'service account does not exist; deleting its token Secret');
      await this.deleteToken(k.namespace, k.name, k.uid);
      return;
    }
    await this.generateTokenIfNeeded(sa, secret);
  }

  private cachedServiceAccount(namespace: string, name: string, uid: string): ServiceAccount | undefined {
    const sa = this.serviceAccounts.get(namespace, name);
    return sa && (!uid || sa.metadata?.uid === uid) ? sa : undefined;
  }

  /** From the cache, else a live GET (a service account created a moment ago); uid must match when given. */
  private async getServiceAccount(namespace: string, name: string, uid: string): Promise<ServiceAccount | undefined> {
    const cached = this.cachedServiceAccount(namespace, name, uid);
    if (cached) return cached;
    try {
      const live = await this.opts.client.get<ServiceAccount>({ ...SERVICE_ACCOUNTS, namespace, name });
      return !uid || live.metadata?.uid === uid ? live : undefined;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  private async deleteToken(namespace: string, name: string, uid: string): Promise<void> {
    try {
      await this.opts.client.delete({ ...SECRETS, namespace, name }, { preconditions: { uid } });
    } catch (err) {
      // Gone already, or the uid precondition failed (another Secret of that name): nothing to do.
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  }

  private needs(secret: Secret): { ca: boolean; namespace: boolean; token: boolean } {
    const data = secret.data ?? {};
    return {
      ca: !!this.opts.rootCaPem && unb64(data['ca.crt']) !== this.opts.rootCaPem,
      namespace: !data.namespace,
      token: !data.token,
    };
  }

  private async generateTokenIfNeeded(sa: ServiceAccount, cached: Secret): Promise<void> {
    let n = this.needs(cached);
    if (!n.ca && !n.namespace && !n.token) return;
    const ref = { ...SECRETS, namespace: cached.metadata!.namespace!, name: cached.metadata!.name! };
    let live: Secret;
    try {
      live = await this.opts.client.get<Secret>(ref);
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    // Our view is behind: the update event that brings it in queues the Secret again.
    if (live.metadata?.resourceVersion !== cached.metadata?.resourceVersion) return;
    n = this.needs(live);
    if (!n.ca && !n.namespace && !n.token) return;
    const data = { ...live.data };
    if (n.ca) data['ca.crt'] = b64(this.opts.rootCaPem!);
    if (n.namespace) data.namespace = b64(ref.namespace);
    if (n.token) data.token = b64(await this.opts.signLegacy(ref.namespace, sa.metadata!.name!, sa.metadata!.uid!, ref.name));
    const annotations = { ...live.metadata?.annotations, [SERVICE_ACCOUNT_NAME_KEY]: sa.metadata!.name!, [SERVICE_ACCOUNT_UID_KEY]: sa.metadata!.uid! };
    try {
      await this.opts.client.update<Secret>(ref, { ...live, metadata: { ...live.metadata, annotations }, data });
      this.opts.log.debug({ ns: ref.namespace, name: ref.name }, 'service-account token Secret populated');
    } catch (err) {
      if (isConflict(err) || isNotFound(err)) return;
      throw err;
    }
  }

  private async removeSecretReference(k: SecretKey): Promise<void> {
    for (let attempt = 0; attempt < 10; attempt++) {
      let sa: ServiceAccount;
      try {
        sa = await this.opts.client.get<ServiceAccount>({ ...SERVICE_ACCOUNTS, namespace: k.namespace, name: k.saName });
      } catch (err) {
        if (isNotFound(err)) return;
        throw err;
      }
      if (k.saUid && sa.metadata?.uid !== k.saUid) return;
      if (!sa.secrets?.some((s) => s.name === k.name)) return;
      try {
        await this.opts.client.update<ServiceAccount>({ ...SERVICE_ACCOUNTS, namespace: k.namespace, name: k.saName }, { ...sa, secrets: sa.secrets.filter((s) => s.name !== k.name) });
        return;
      } catch (err) {
        if (isNotFound(err)) return;
        if (!isConflict(err)) throw err;
      }
    }
  }
}
