/**
 * The EndpointSlice controller (`endpointslice`, pkg/controller/endpointslice): every Service with
 * a selector (not ExternalName, not being deleted) gets discovery.k8s.io/v1 EndpointSlices labelled
 * `kubernetes.io/service-name` and `endpointslice.kubernetes.io/managed-by:
 * endpointslice-controller.k8s.io`, owned by the Service, holding one endpoint per pod with an IP
 * (ready/serving/terminating, nodeName, the node's zone, targetRef), at most 100 per slice, planned
 * with minimal churn by the reconciler. Slices carry `endpoints.kubernetes.io/last-change-trigger-time`.
 * Pods whose node is unknown are left out and the Service is retried.
 *
 * Work is keyed by Service: pod events map to the services selecting the pod (the services of the
 * pod's namespace, through the namespace index), slice events to their service-name label; a
 * service's pods come from the namespace index and its slices from a service-name index, so no
 * event scans the cluster.
 */
import type { Logger } from '../../lib/logger.js';
import { rfc3339 } from '../../lib/clock.js';
import type { KubeClient } from '../../kubeclient/client.js';
import { isNotFound } from '../../kubeclient/errors.js';
import { EventRecorder } from '../../kubeclient/events.js';
import { NAMESPACE_INDEX, type Informer } from '../../kubeclient/informer.js';
import { objectKey } from '../../kubeclient/types.js';
import { WorkQueue, type ReconcileResult } from '../../kubeclient/workqueue.js';
import { ControllerLoop, LoopingController } from '../../kubeclient/controller-loop.js';
import type { Controller, ControllerContext } from '../manager.js';
import {
  ENDPOINT_SLICES,
  ENDPOINTSLICE_CONTROLLER_NAME,
  LABEL_MANAGED_BY,
  LABEL_SERVICE_NAME,
  LAST_CHANGE_TRIGGER_TIME,
  NODES,
  PODS,
  SERVICES,
  type EndpointSliceObject,
  type NodeObject,
  type PodObject,
  type ServiceObject,
} from './objects.js';
import { podServiceMemberships, selectorMatches, serviceSelector, servicesToUpdateOnPodChange } from './pod-endpoints.js';
import { planSlices } from './reconciler.js';
import { SliceTracker } from './slice-tracker.js';
import { TriggerTimeTracker } from './trigger-time.js';

/** The slice index: managed slices filed under `namespace/<service-name label>`. */
export const SLICES_BY_SERVICE_INDEX = 'endpointslice-controller/service';

/** The shared EndpointSlice informer with the service index added (also used by the endpoints tests). */
export function slicesByService(ctx: Pick<ControllerContext, 'informers'>): Informer<EndpointSliceObject> {
  const slices = ctx.informers.informer<EndpointSliceObject>({ resource: ENDPOINT_SLICES });
  slices.addIndexer(SLICES_BY_SERVICE_INDEX, (s) => {
    const svc = s.metadata?.labels?.[LABEL_SERVICE_NAME];
    return svc && s.metadata?.labels?.[LABEL_MANAGED_BY] === ENDPOINTSLICE_CONTROLLER_NAME ? [`${s.metadata!.namespace}/${svc}`] : [];
  });
  return slices;
}

/** Postponed sync: the slice cache is older than this controller's last writes (StaleInformerCache). */
const STALE_RETRY_MS = 100;

export class EndpointSliceController extends LoopingController implements Controller {
  private readonly client: KubeClient;
  private readonly log: Logger;
  private readonly services: Informer<ServiceObject>;
  private readonly pods: Informer<PodObject>;
  private readonly nodes: Informer<NodeObject>;
  private readonly slices: Informer<EndpointSliceObject>;
  private readonly queue: WorkQueue<string>;
  protected readonly loop: ControllerLoop;
  private readonly recorder: EventRecorder;
  private readonly tracker = new SliceTracker();
  private readonly triggerTimes = new TriggerTimeTracker();

  constructor(ctx: ControllerContext) {
    super();
    this.client = ctx.client;
    this.log = ctx.log;
    this.queue = new WorkQueue(ctx.clock);
    this.recorder = new EventRecorder(ctx.client, ctx.clock, { component: 'endpoint-slice-controller' }, ctx.log);
    this.services = ctx.informers.informer<ServiceObject>({ resource: SERVICES });
    this.pods = ctx.informers.informer<PodObject>({ resource: PODS });
    this.nodes = ctx.informers.informer<NodeObject>({ resource: NODES });
    this.slices = slicesByService(ctx);
    const enqueue = (o: ServiceObject) => this.queue.add(objectKey(o));
    this.services.addEventHandler({ onAdd: enqueue, onUpdate: (_o, n) => enqueue(n), onDelete: enqueue });
    const queueAll = (keys: Iterable<string>) => {
      for (const k of keys) this.queue.add(k);
    };
    this.pods.addEventHandler({
      onAdd: (p) => queueAll(podServiceMemberships(this.servicesIn(p), p)),
      onUpdate: (o, p) => queueAll(servicesToUpdateOnPodChange(this.servicesIn(p), o, p)),
      onDelete: (p) => queueAll(podServiceMemberships(this.servicesIn(p), p)),
    });
    this.slices.addEventHandler({
      onAdd: (s) => this.onSlice(s, false),
      onUpdate: (o, s) => {
        // A slice that lost our labels is still the old service's business.
        if (o.metadata?.labels?.[LABEL_SERVICE_NAME] !== s.metadata?.labels?.[LABEL_SERVICE_NAME]) this.onSlice(o, true);
        this.onSlice(s, false);
      },
      onDelete: (s) => this.onSlice(s, true),
    });
    this.loop = new ControllerLoop([this.services, this.pods, this.nodes, this.slices], [{ queue: this.queue, reconcile: (k) => this.sync(k) }], ctx.log);
  }

  private servicesIn(obj: PodObject): ServiceObject[] {
    return this.services.byIndex(NAMESPACE_INDEX, obj.metadata?.namespace ?? '');
  }

  private onSlice(s: EndpointSliceObject, deleted: boolean): void {
    const labels = s.metadata?.labels;
    const svc = labels?.[LABEL_SERVICE_NAME];
    if (!svc || labels?.[LABEL_MANAGED_BY] !== ENDPOINTSLICE_CONTROLLER_NAME) return;
    const key = `${s.metadata!.namespace}/${svc}`;
    if (deleted ? this.tracker.handleDeletion(key, s) : this.tracker.shouldSync(key, s)) this.queue.add(key);
  }

  /** syncService: plan the service's slices and write the difference. */
  async sync(key: string): Promise<ReconcileResult> {
    const [namespace, name] = key.split('/') as [string, string];
    const svc = this.services.get(namespace, name);
    if (!svc) {
      this.triggerTimes.delete(key);
      this.tracker.forget(key);
      return;
    }
    const selector = serviceSelector(svc);
    if (svc.spec?.type === 'ExternalName' || !selector || svc.metadata?.deletionTimestamp) return;
    const pods = this.pods.byIndex(NAMESPACE_INDEX, namespace).filter((p) => selectorMatches(selector, p.metadata?.labels));
    const slices = this.slices.byIndex(SLICES_BY_SERVICE_INDEX, key).filter((s) => !s.metadata?.deletionTimestamp);
    if (this.tracker.stale(key, slices)) return { requeueAfterMs: STALE_RETRY_MS };
    const trigger = this.triggerTimes.compute(key, svc, pods);
    const plan = planSlices(svc, pods, slices, (n) => (n ? this.nodes.get(undefined, n) : undefined));
    const stamp = (s: EndpointSliceObject): EndpointSliceObject => {
      const annotations = { ...(s.metadata?.annotations ?? {}) };
      if (trigger !== undefined) annotations[LAST_CHANGE_TRIGGER_TIME] = rfc3339(trigger);
      else delete annotations[LAST_CHANGE_TRIGGER_TIME];
      return { ...s, metadata: { ...s.metadata, annotations } };
    };
    const ref = { ...ENDPOINT_SLICES, namespace };
    try {
      for (const s of plan.create) this.tracker.wrote(key, await this.client.create<EndpointSliceObject>(ref, stamp(s)));
      for (const s of plan.update) this.tracker.wrote(key, await this.client.update<EndpointSliceObject>({ ...ref, name: s.metadata!.name }, stamp(s)));
      for (const s of plan.delete) {
        try {
          await this.client.delete({ ...ref, name: s.metadata!.name });
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
        this.tracker.deleted(key, s);
      }
    } catch (err) {
      if (isNamespaceTerminating(err)) return;
      void this.recorder.event(svc, 'Warning', 'FailedToUpdateEndpointSlices', `Error updating Endpoint Slices for Service ${key}: ${(err as Error).message}`);
      throw err;
    }
    if (plan.missingNodes.length) {
      this.log.info({ ns: namespace, name, pods: plan.missingNodes }, 'skipping pods for service, node not found');
      return { requeue: true };
    }
  }
}

/** HasStatusCause(err, NamespaceTerminatingCause): creates keep failing, so the item is dropped. */
export function isNamespaceTerminating(err: unknown): boolean {
  const causes = (err as { status?: { details?: { causes?: { reason?: string }[] } } }).status?.details?.causes;
  return !!causes?.some((c) => c.reason === 'NamespaceTerminating');
}
