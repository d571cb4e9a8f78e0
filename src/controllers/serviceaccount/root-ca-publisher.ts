/**
 * The root CA publisher, as kube-controller-manager's `root-ca-cert-publisher`
 * (pkg/controller/certificates/rootcacertpublisher): every namespace holds a ConfigMap
 * `kube-root-ca.crt` with the cluster CA under `ca.crt` and the `kubernetes.io/description`
 * annotation; it is re-created when deleted and restored when edited. Projected service-account
 * volumes mount it next to the token.
 */
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { KubeClient } from '../../kubeclient/client.js';
import { isAlreadyExists, isConflict, isNotFound } from '../../kubeclient/errors.js';
import { Informer } from '../../kubeclient/informer.js';
import type { KubeObject, ResourceRef } from '../../kubeclient/types.js';
import { WorkQueue, type ReconcileResult } from '../../kubeclient/workqueue.js';
import { ControllerLoop, LoopingController } from '../../kubeclient/controller-loop.js';
import { isNamespaceTerminating } from './serviceaccounts-controller.js';

/** The ConfigMap's name (RootCACertConfigMapName). */
export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
/** The annotation describing the ConfigMap (DescriptionAnnotation). */
export const DESCRIPTION_ANNOTATION = 'kubernetes.io/description';
/** Its text, as upstream. */
export const DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. ' +
  'No other usage is guaranteed across distributions of Kubernetes clusters.';

/** What the publisher needs: the client and the CA to publish. */
export interface RootCaPublisherOptions {
  client: KubeClient;
  clock: Clock;
  log: Logger;
  /** The cluster CA certificate (PEM) to publish. */
  rootCaPem: string;
  /** Concurrent workers (default 2). */
  workers?: number;
}

interface Namespace extends KubeObject {
  status?: { phase?: string };
}

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

const NAMESPACES: ResourceRef = { group: '', version: 'v1', resource: 'namespaces' };
const CONFIGMAPS: ResourceRef = { group: '', version: 'v1', resource: 'configmaps' };

/** Publishes the cluster CA into every namespace. */
export class RootCaPublisher extends LoopingController {
  private readonly namespaces: Informer<Namespace>;
  private readonly configMaps: Informer<ConfigMap>;
  private readonly queue: WorkQueue<string>;
  protected readonly loop: ControllerLoop;

  constructor(private readonly opts: RootCaPublisherOptions) {
    super();
    this.queue = new WorkQueue(opts.clock);
    this.namespaces = new Informer<Namespace>(opts.client, { resource: NAMESPACES }, opts.clock, opts.log);
    this.configMaps = new Informer<ConfigMap>(opts.client, { resource: CONFIGMAPS, fieldSelector: `metadata.name=${ROOT_CA_CONFIGMAP}` }, opts.clock, opts.log);
    this.namespaces.addEventHandler({
      onAdd: (ns) => this.queue.add(ns.metadata!.name!),
      onUpdate: (_old, ns) => ns.status?.phase === 'Active' && this.queue.add(ns.metadata!.name!),
    });
    const cmChanged = (cm: ConfigMap) => cm.metadata?.namespace && this.queue.add(cm.metadata.namespace);
    this.configMaps.addEventHandler({ onUpdate: (_old, cm) => cmChanged(cm), onDelete: cmChanged });
    this.loop = new ControllerLoop([this.namespaces, this.configMaps], [{ queue: this.queue, reconcile: (ns) => this.reconcile(ns) }], opts.log, opts.workers);
  }

  /** syncNamespace: creates the ConfigMap, or puts back its data and annotation. */
  async reconcile(namespace: string): Promise<ReconcileResult> {
    const data = { 'ca.crt': this.opts.rootCaPem };
    const cm = this.configMaps.get(namespace, ROOT_CA_CONFIGMAP);
    const ref = { ...CONFIGMAPS, namespace };
    if (!cm) {
      const ns = this.namespaces.get(undefined, namespace);
      if (!ns || ns.status?.phase === 'Terminating' || ns.metadata?.deletionTimestamp) return;
      try {
        await this.opts.client.create<ConfigMap>(ref, { metadata: { name: ROOT_CA_CONFIGMAP, annotations: { [DESCRIPTION_ANNOTATION]: DESCRIPTION } }, data });
      } catch (err) {
        // Not retried when the namespace is gone or terminating, as upstream; AlreadyExists means
        // the informer will deliver it and the update path runs.
        if (isNotFound(err) || isNamespaceTerminating(err) || isAlreadyExists(err)) return;
        throw err;
      }
      return;
    }
    const sameData = Object.keys(cm.data ?? {}).length === 1 && cm.data?.['ca.crt'] === this.opts.rootCaPem;
    if (sameData && cm.metadata?.annotations?.[DESCRIPTION_ANNOTATION]) return;
    const next: ConfigMap = structuredClone(cm);
    next.data = data;
    next.metadata = { ...next.metadata, annotations: { ...next.metadata?.annotations, [DESCRIPTION_ANNOTATION]: DESCRIPTION } };
    try {
      await this.opts.client.update<ConfigMap>({ ...ref, name: ROOT_CA_CONFIGMAP }, next);
    } catch (err) {
      // A newer version is on its way through the informer, which queues the namespace again.
      if (isConflict(err) || isNotFound(err)) return;
      throw err;
    }
  }
}
