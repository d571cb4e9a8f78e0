/**
 * The Endpoints controller (`endpoints`, pkg/controller/endpoint): the legacy core/v1 Endpoints
 * object named like each Service with a selector. Pods with an IP of the service's first IP family
 * go in as addresses when ready (or always with publishNotReadyAddresses) and as notReadyAddresses
 * otherwise; terminating pods only with publishNotReadyAddresses; each service port resolves per
 * pod (named target ports through the container ports); headless services without ports list bare
 * addresses. Subsets are repacked and sorted, capped at 1000 addresses with
 * `endpoints.kubernetes.io/over-capacity: truncated`; `endpoints.kubernetes.io/last-change-trigger-time`
 * records the earliest change behind the write; the service's labels are copied, plus
 * `service.kubernetes.io/headless` for headless services. Services without a selector (user-managed
 * Endpoints) and ExternalName services are left alone; Endpoints of a deleted Service are deleted.
 */
import type { EndpointAddress, EndpointSubset } from 'kubernetes-types/core/v1.js';
import { rfc3339 } from '../../lib/clock.js';
import type { KubeClient } from '../../kubeclient/client.js';
import { isNotFound } from '../../kubeclient/errors.js';
import { EventRecorder } from '../../kubeclient/events.js';
import { NAMESPACE_INDEX, type Informer } from '../../kubeclient/informer.js';
import { objectKey } from '../../kubeclient/types.js';
import { WorkQueue, type ReconcileResult } from '../../kubeclient/workqueue.js';
import { isNamespaceTerminating } from '../endpointslice/endpointslice-controller.js';
import { ENDPOINTS, LABEL_HEADLESS, LAST_CHANGE_TRIGGER_TIME, PODS, SERVICES, type EndpointsObject, type PodObject, type ServiceObject } from '../endpointslice/objects.js';
import { findPort, isIPv6, isServiceIPSet, podIPs, podServiceMemberships, selectorMatches, serviceSelector, servicesToUpdateOnPodChange, shouldPodBeInEndpoints, shouldSetHostname } from '../endpointslice/pod-endpoints.js';
import { TriggerTimeTracker } from '../endpointslice/trigger-time.js';
import { isPodReady } from '../pods.js';
import { ControllerLoop } from '../../kubeclient/controller-loop.js';
import type { Controller, ControllerContext } from '../manager.js';
import { capacityAnnotationCorrect, OVER_CAPACITY, repackSubsets, sameSubsets, truncateSubsets, TRUNCATED } from './subsets.js';

/** podToEndpointAddressForService: the pod's IP of the service's (first) family, or undefined. */
export function podAddress(svc: ServiceObject, pod: PodObject): EndpointAddress | undefined {
  let v6: boolean;
  const fam = svc.spec?.ipFamilies?.[0];
  if (fam) v6 = fam === 'IPv6';
  else if (isServiceIPSet(svc)) v6 = isIPv6(svc.spec!.clusterIP!);
  else v6 = isIPv6(pod.status?.podIP ?? '');
  const ip = podIPs(pod).find((i) => isIPv6(i) === v6);
  if (!ip) return undefined;
  const a: EndpointAddress = {
    ip,
    nodeName: pod.spec?.nodeName ?? '',
    targetRef: { kind: 'Pod', namespace: pod.metadata!.namespace, name: pod.metadata!.name, uid: pod.metadata!.uid },
  };
  if (shouldSetHostname(pod, svc)) a.hostname = pod.spec!.hostname;
  return a;
}

/** The subsets the service's pods make, before repacking (one subset per pod and port, as upstream). */
export function desiredSubsets(svc: ServiceObject, pods: readonly PodObject[]): EndpointSubset[] {
  const tolerateUnready = !!svc.spec?.publishNotReadyAddresses;
  const out: EndpointSubset[] = [];
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, tolerateUnready)) continue;
    const addr = podAddress(svc, pod);
    if (!addr) continue;
    const ready = tolerateUnready || isPodReady(pod);
    const add = (ports: EndpointSubset['ports']) => out.push(ready ? { addresses: [addr], ports } : { notReadyAddresses: [addr], ports });
    const svcPorts = svc.spec?.ports ?? [];
    if (svcPorts.length === 0) {
      if (svc.spec?.clusterIP === 'None') add([]);
      continue;
    }
    for (const sp of svcPorts) {
      const port = findPort(pod, sp);
      if (port === undefined) continue;
      add([{ name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) }]);
    }
  }
  return repackSubsets(out);
}

function sameLabels(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ak = Object.keys(a ?? {});
  return ak.length === Object.keys(b ?? {}).length && ak.every((k) => a![k] === b?.[k]);
}

export class EndpointsController implements Controller {
  private readonly client: KubeClient;
  private readonly services: Informer<ServiceObject>;
  private readonly pods: Informer<PodObject>;
  private readonly endpoints: Informer<EndpointsObject>;
  private readonly queue: WorkQueue<string>;
  private readonly loop: ControllerLoop;
  private readonly recorder: EventRecorder;
  private readonly triggerTimes = new TriggerTimeTracker();

  constructor(ctx: ControllerContext) {
    this.client = ctx.client;
    this.queue = new WorkQueue(ctx.clock);
    this.recorder = new EventRecorder(ctx.client, ctx.clock, { component: 'endpoint-controller' }, ctx.log);
    this.services = ctx.informers.informer<ServiceObject>({ resource: SERVICES });
    this.pods = ctx.informers.informer<PodObject>({ resource: PODS });
    this.endpoints = ctx.informers.informer<EndpointsObject>({ resource: ENDPOINTS });
    const enqueue = (o: { metadata?: { namespace?: string; name?: string } }) => this.queue.add(objectKey(o));
    this.services.addEventHandler({ onAdd: enqueue, onUpdate: (_o, n) => enqueue(n), onDelete: enqueue });
    const servicesIn = (p: PodObject) => this.services.byIndex(NAMESPACE_INDEX, p.metadata?.namespace ?? '');
    const queueAll = (keys: Iterable<string>) => {
      for (const k of keys) this.queue.add(k);
    };
    this.pods.addEventHandler({
      onAdd: (p) => queueAll(podServiceMemberships(servicesIn(p), p)),
      onUpdate: (o, p) => queueAll(servicesToUpdateOnPodChange(servicesIn(p), o, p)),
      onDelete: (p) => queueAll(podServiceMemberships(servicesIn(p), p)),
    });
    // onEndpointsDelete: a deleted Endpoints of a selecting service is put back.
    this.endpoints.addEventHandler({ onDelete: enqueue });
    this.loop = new ControllerLoop([this.services, this.pods, this.endpoints], [{ queue: this.queue, reconcile: (k) => this.sync(k) }], ctx.log);
  }

  get synced(): Promise<void> {
    return this.loop.synced;
  }

  /** Starts; once synced, Endpoints whose Service is gone are queued for deletion (checkLeftoverEndpoints). */
  start(): void {
    this.loop.start();
    void this.loop.synced.then(() => {
      for (const ep of this.endpoints.list()) if (!this.services.get(ep.metadata?.namespace, ep.metadata!.name!)) this.queue.add(objectKey(ep));
    });
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** syncService. */
  async sync(key: string): Promise<ReconcileResult> {
    const [namespace, name] = key.split('/') as [string, string];
    const ref = { ...ENDPOINTS, namespace };
    const svc = this.services.get(namespace, name);
    if (!svc) {
      // The Service is gone: its Endpoints go too (a user-managed one included, as upstream).
      this.triggerTimes.delete(key);
      try {
        await this.client.delete({ ...ref, name });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      return;
    }
    const selector = serviceSelector(svc);
    if (svc.spec?.type === 'ExternalName' || !selector) return;
    const pods = this.pods.byIndex(NAMESPACE_INDEX, namespace).filter((p) => selectorMatches(selector, p.metadata?.labels));
    const trigger = this.triggerTimes.compute(key, svc, pods);
    const subsets = desiredSubsets(svc, pods);
    const current = this.endpoints.get(namespace, name);
    const svcLabels = svc.metadata?.labels ?? {};
    if (current) {
      const { [LABEL_HEADLESS]: _headless, ...compare } = current.metadata?.labels ?? {};
      if (sameSubsets(current.subsets, subsets) && sameLabels(compare, svcLabels) && capacityAnnotationCorrect(current.metadata?.annotations, current.subsets)) return;
    }
    const annotations = { ...(current?.metadata?.annotations ?? {}) };
    if (trigger !== undefined) annotations[LAST_CHANGE_TRIGGER_TIME] = rfc3339(trigger);
    else delete annotations[LAST_CHANGE_TRIGGER_TIME];
    if (truncateSubsets(subsets)) annotations[OVER_CAPACITY] = TRUNCATED;
    else delete annotations[OVER_CAPACITY];
    const labels = { ...svcLabels };
    if (isServiceIPSet(svc)) delete labels[LABEL_HEADLESS];
    else labels[LABEL_HEADLESS] = '';
    const next: EndpointsObject = {
      ...(current ?? {}),
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { ...(current?.metadata ?? { name, namespace }), annotations, labels },
      subsets,
    };
    try {
      if (current) await this.client.update<EndpointsObject>({ ...ref, name }, next);
      else await this.client.create<EndpointsObject>(ref, next);
    } catch (err) {
      if (!current && isNamespaceTerminating(err)) return;
      const [reason, verb] = current ? ['FailedToUpdateEndpoint', 'update'] : ['FailedToCreateEndpoint', 'create'];
      void this.recorder.event(next, 'Warning', reason, `Failed to ${verb} endpoint for service ${key}: ${(err as Error).message}`);
      throw err;
    }
  }
}
