/**
 * The namespace lifecycle controller, as kube-controller-manager's: a namespace with a
 * deletionTimestamp is kept Terminating while everything in it is deleted (content.ts), its
 * status conditions report progress (conditions.ts), it is looked at again until nothing remains
 * (objects with finalizers or graceful deletion take time), and then the `kubernetes` finalizer is
 * removed through `PUT /api/v1/namespaces/<name>/finalize`, upon which the server deletes it.
 */
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { KubeClient } from '../../kubeclient/client.js';
import { discoverResources } from '../../kubeclient/discovery.js';
import { isConflict, isNotFound } from '../../kubeclient/errors.js';
import { Informer } from '../../kubeclient/informer.js';
import type { KubeObject, ResourceRef } from '../../kubeclient/types.js';
import { runWorkers, WorkQueue, type ReconcileResult } from '../../kubeclient/workqueue.js';
import { mergeConditions, problemConditions, type NamespaceCondition } from './conditions.js';
import { deleteAllContent, FINALIZER_ESTIMATE_SECONDS, namespacedDeletable, type ContentResult } from './content.js';

/** The spec.finalizers token this controller owns. */
export const KUBERNETES_FINALIZER = 'kubernetes';

export interface NamespaceControllerOptions {
  client: KubeClient;
  clock: Clock;
  log: Logger;
  /** Concurrent namespaces being emptied (default 4). */
  workers?: number;
  /** Assumed time for finalizers on remaining objects to finish; the namespace is looked at again after half of it (default 15 s, as upstream). */
  finalizerEstimateSeconds?: number;
}

interface Namespace extends KubeObject {
  spec?: { finalizers?: string[] };
  status?: { phase?: string; conditions?: NamespaceCondition[] };
}

const NAMESPACES: ResourceRef = { group: '', version: 'v1', resource: 'namespaces' };
const STATUS_RETRIES = 5;

export class NamespaceController {
  private readonly informer: Informer<Namespace>;
  private readonly queue: WorkQueue<string>;
  private running: Promise<void> | undefined;
  private readonly log: Logger;

  constructor(private readonly opts: NamespaceControllerOptions) {
    this.log = opts.log;
    // Upstream's namespace controller limiter: 5 ms doubling to 60 s.
    this.queue = new WorkQueue(opts.clock, { baseDelayMs: 5, maxDelayMs: 60_000 });
    this.informer = new Informer<Namespace>(opts.client, { resource: NAMESPACES }, opts.clock, this.log);
    const enqueue = (ns: Namespace) => {
      if (ns.metadata?.deletionTimestamp) this.queue.add(ns.metadata.name!);
    };
    this.informer.addEventHandler({ onAdd: enqueue, onUpdate: (_old, ns) => enqueue(ns) });
  }

  /** Resolves once the namespace informer has listed. */
  get synced(): Promise<void> {
    return this.informer.waitForSync().then(() => undefined);
  }

  start(): void {
    if (this.running) return;
    this.informer.start();
    this.running = runWorkers(this.queue, this.opts.workers ?? 4, (name) => this.reconcile(name), this.log);
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.informer.stop();
    await this.running;
  }

  /** One pass over a namespace (upstream namespacedResourcesDeleter.Delete). */
  async reconcile(name: string): Promise<ReconcileResult> {
    const { client } = this.opts;
    let ns = await this.getNamespace(name);
    if (!ns?.metadata?.deletionTimestamp) return;
    if (ns.status?.phase !== 'Terminating') {
      ns = await this.writeStatus(ns, (s) => ({ ...s, phase: 'Terminating' }));
      if (!ns) return;
    }
    if (!(ns.spec?.finalizers ?? []).includes(KUBERNETES_FINALIZER)) return;

    let content: ContentResult | undefined;
    let discoveryError: Error | undefined;
    try {
      const resources = namespacedDeletable(await discoverResources(client));
      content = await deleteAllContent(client, name, resources, this.opts.clock.now(), this.opts.finalizerEstimateSeconds ?? FINALIZER_ESTIMATE_SECONDS);
    } catch (err) {
      discoveryError = err as Error;
    }
    const problems = problemConditions(discoveryError, content);
    ns = await this.writeStatus(ns, (s) => {
      const merged = mergeConditions(s.conditions, problems, this.opts.clock.now());
      return merged.changed ? { ...s, conditions: merged.conditions } : s;
    });
    if (!ns) return;
    if (discoveryError) throw discoveryError;
    if (content!.errors.length) throw new Error(`namespace ${name}: ${content!.errors.join('; ')}`);
    if (content!.estimateSeconds > 0) {
      this.log.debug({ ns: name, estimateSeconds: content!.estimateSeconds }, 'content remains; checking again later');
      return { requeueAfterMs: (Math.floor(content!.estimateSeconds / 2) + 1) * 1000 };
    }
    await this.finalize(ns);
    this.log.info({ ns: name }, 'namespace emptied and finalized');
  }

  private async getNamespace(name: string): Promise<Namespace | undefined> {
    try {
      return await this.opts.client.get<Namespace>({ ...NAMESPACES, name });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Writes `change(status)` through /status when it differs, re-reading on conflicts; undefined once the namespace is gone. */
  private async writeStatus(ns: Namespace, change: (s: NonNullable<Namespace['status']>) => NonNullable<Namespace['status']>): Promise<Namespace | undefined> {
    let cur: Namespace | undefined = ns;
    for (let attempt = 0; cur; attempt++) {
      const before = cur.status ?? {};
      const after = change(before);
      if (after === before) return cur;
      try {
        return await this.opts.client.update<Namespace>({ ...NAMESPACES, name: cur.metadata!.name!, subresource: 'status' }, { ...cur, status: after });
      } catch (err) {
        if (isNotFound(err)) return undefined;
        if (!isConflict(err) || attempt >= STATUS_RETRIES) throw err;
      }
      const uid: string | undefined = cur.metadata?.uid;
      cur = await this.getNamespace(cur.metadata!.name!);
      if (cur && cur.metadata?.uid !== uid) return undefined;
    }
    return undefined;
  }

  /** Removes our token from spec.finalizers via the finalize subresource (retrying conflicts). */
  private async finalize(ns: Namespace): Promise<void> {
    let cur: Namespace | undefined = ns;
    for (let attempt = 0; cur; attempt++) {
      const finalizers = (cur.spec?.finalizers ?? []).filter((f) => f !== KUBERNETES_FINALIZER);
      try {
        await this.opts.client.update({ ...NAMESPACES, name: cur.metadata!.name!, subresource: 'finalize' }, { ...cur, spec: { ...cur.spec, finalizers } });
        return;
      } catch (err) {
        if (isNotFound(err)) return;
        if (!isConflict(err) || attempt >= STATUS_RETRIES) throw err;
      }
      cur = await this.getNamespace(cur.metadata!.name!);
    }
  }
}
