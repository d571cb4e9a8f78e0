/**
 * The service-account controllers of kube-controller-manager: `serviceaccount` (default service
 * accounts), `root-ca-cert-publisher` (kube-root-ca.crt) and `serviceaccount-token` (legacy token
 * Secrets). `serviceAccountControllerEntries` gives them as controller-manager table lines.
 */
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { KubeClient } from '../../kubeclient/client.js';
import { RootCaPublisher } from './root-ca-publisher.js';
import { ServiceAccountsController } from './serviceaccounts-controller.js';
import { LegacyTokensController, type SignLegacyToken } from './tokens-controller.js';

export { ControllerLoop, type QueueWorker, type Startable } from '../../kubeclient/controller-loop.js';
export { DESCRIPTION, DESCRIPTION_ANNOTATION, ROOT_CA_CONFIGMAP, RootCaPublisher, type RootCaPublisherOptions } from './root-ca-publisher.js';
export { isNamespaceTerminating, ServiceAccountsController, type ServiceAccountsControllerOptions } from './serviceaccounts-controller.js';
export {
  LegacyTokensController,
  SERVICE_ACCOUNT_NAME_KEY,
  SERVICE_ACCOUNT_TOKEN_TYPE,
  SERVICE_ACCOUNT_UID_KEY,
  type LegacyTokensControllerOptions,
  type SignLegacyToken,
} from './tokens-controller.js';

/** What the three controllers need besides the client: the cluster CA and the legacy signer. */
export interface ServiceAccountControllerConfig {
  /** The cluster CA certificate (PEM): kube-root-ca.crt and token Secrets' ca.crt. */
  rootCaPem?: string;
  /** Signs legacy tokens (the cluster's TokenIssuer.issueLegacy). */
  signLegacy?: SignLegacyToken;
}

/** The controller-manager's context shape (structurally ControllerContext of controllers/manager.ts). */
export interface ServiceAccountControllerContext {
  client: KubeClient;
  clock: Clock;
  log: Logger;
}

/** A running controller, as the controller manager runs it. */
export interface RunnableController {
  start(): void;
  stop(): Promise<void>;
  readonly synced: Promise<void>;
}

const idle: RunnableController = { start() {}, stop: async () => {}, synced: Promise.resolve() };

/**
 * The controller-manager table lines for the three controllers, upstream's names; `config` reads
 * the cluster's CA and signer from the context the manager passes. A controller whose
 * configuration is missing (no CA, no signer) runs as a no-op, so a server without them starts.
 */
export function serviceAccountControllerEntries<C extends ServiceAccountControllerContext>(config: (ctx: C) => ServiceAccountControllerConfig): { name: string; create(ctx: C): RunnableController }[] {
  return [
    { name: 'serviceaccount', create: (ctx) => new ServiceAccountsController(ctx) },
    {
      name: 'root-ca-cert-publisher',
      create: (ctx) => {
        const { rootCaPem } = config(ctx);
        return rootCaPem ? new RootCaPublisher({ ...ctx, rootCaPem }) : idle;
      },
    },
    {
      name: 'serviceaccount-token',
      create: (ctx) => {
        const { rootCaPem, signLegacy } = config(ctx);
        return signLegacy ? new LegacyTokensController({ ...ctx, rootCaPem, signLegacy }) : idle;
      },
    },
  ];
}
