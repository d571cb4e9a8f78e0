/**
 * The service-account controller, as kube-controller-manager's `serviceaccount` controller
 * (pkg/controller/serviceaccount/serviceaccounts_controller.go): every Active namespace gets the
 * service accounts to ensure (`default`), re-created when deleted. Namespaces that are not Active
 * are left alone; AlreadyExists and creates refused because the namespace is terminating are not
 * errors.
 */
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { KubeClient } from '../../kubeclient/client.js';
import { isAlreadyExists, KubeApiError } from '../../kubeclient/errors.js';
import { Informer } from '../../kubeclient/informer.js';
import type { KubeObject, ResourceRef } from '../../kubeclient/types.js';
import { WorkQueue, type ReconcileResult } from '../../kubeclient/workqueue.js';
import { ControllerLoop, LoopingController } from '../../kubeclient/controller-loop.js';

/** What the service-account controller needs. */
export interface ServiceAccountsControllerOptions {
  client: KubeClient;
  clock: Clock;
  log: Logger;
  /** Names ensured in every namespace (default `['default']`, as upstream). */
  serviceAccounts?: string[];
  /** Concurrent workers (default 2). */
  workers?: number;
}

interface Namespace extends KubeObject {
  status?: { phase?: string };
}

const NAMESPACES: ResourceRef = { group: '', version: 'v1', resource: 'namespaces' };
const SERVICE_ACCOUNTS: ResourceRef = { group: '', version: 'v1', resource: 'serviceaccounts' };

/** True for the 403 a create gets in a namespace being deleted (cause NamespaceTerminating). */
export function isNamespaceTerminating(err: unknown): boolean {
  return err instanceof KubeApiError && err.code === 403 && !!err.status?.details?.causes?.some((c) => c.reason === 'NamespaceTerminating');
}

/** Ensures the `default` service account in every namespace. */
export class ServiceAccountsController extends LoopingController {
  private readonly namespaces: Informer<Namespace>;
  private readonly serviceAccounts: Informer;
  private readonly queue: WorkQueue<string>;
  protected readonly loop: ControllerLoop;
  private readonly names: string[];

  constructor(private readonly opts: ServiceAccountsControllerOptions) {
    super();
    this.names = opts.serviceAccounts ?? ['default'];
    this.queue = new WorkQueue(opts.clock);
    this.namespaces = new Informer<Namespace>(opts.client, { resource: NAMESPACES }, opts.clock, opts.log);
    // One name to ensure: only those objects are watched, not every service account.
    const fieldSelector = this.names.length === 1 ? `metadata.name=${this.names[0]}` : undefined;
    this.serviceAccounts = new Informer(opts.client, { resource: SERVICE_ACCOUNTS, fieldSelector }, opts.clock, opts.log);
    this.namespaces.addEventHandler({ onAdd: (ns) => this.queue.add(ns.metadata!.name!), onUpdate: (_old, ns) => this.queue.add(ns.metadata!.name!) });
    this.serviceAccounts.addEventHandler({ onDelete: (sa) => sa.metadata?.namespace && this.queue.add(sa.metadata.namespace) });
    this.loop = new ControllerLoop([this.namespaces, this.serviceAccounts], [{ queue: this.queue, reconcile: (ns) => this.reconcile(ns) }], opts.log, opts.workers);
  }

  /** syncNamespace: creates the missing service accounts of an Active namespace. */
  async reconcile(namespace: string): Promise<ReconcileResult> {
    const ns = this.namespaces.get(undefined, namespace);
    if (!ns || ns.status?.phase !== 'Active') return;
    const failures: string[] = [];
    for (const name of this.names) {
      if (this.serviceAccounts.get(namespace, name)) continue;
      try {
        await this.opts.client.create({ ...SERVICE_ACCOUNTS, namespace }, { metadata: { name, namespace } });
        this.opts.log.debug({ ns: namespace, name }, 'service account created');
      } catch (err) {
        if (isAlreadyExists(err) || isNamespaceTerminating(err)) continue;
        failures.push((err as Error).message);
      }
    }
    if (failures.length) throw new Error(failures.join('; '));
  }
}
