/**
 * The cloud controller manager's service controller with the AWS cloud provider, as an EKS user
 * meets it (k8s.io/cloud-provider controllers/service + cloud-provider-aws): a Service of type
 * LoadBalancer without a loadBalancerClass gets the finalizer
 * `service.kubernetes.io/load-balancer-cleanup`, the events EnsuringLoadBalancer and
 * EnsuredLoadBalancer (component service-controller), and `status.loadBalancer.ingress[0].hostname`
 * — a Classic ELB by default, an NLB with `service.beta.kubernetes.io/aws-load-balancer-type: nlb`
 * (hostnames.ts). With the type annotation `external` or `nlb-ip` the AWS provider answers
 * ImplementedElsewhere: the finalizer and EnsuringLoadBalancer stay, the status is left to the AWS
 * Load Balancer Controller. When the Service is deleted or stops being a LoadBalancer the load
 * balancer goes (DeletingLoadBalancer when one existed, then DeletedLoadBalancer), the status is
 * cleared and the finalizer removed. Updates are acted on only when needsUpdate says the load
 * balancer is concerned, so status writes do not loop; on start every LoadBalancer Service is
 * ensured once, as upstream's initial list does.
 */
import type { Node, Service } from 'kubernetes-types/core/v1.js';
import type { KubeClient } from '../../kubeclient/client.js';
import { EventRecorder } from '../../kubeclient/events.js';
import type { Informer } from '../../kubeclient/informer.js';
import type { SharedInformers } from '../../kubeclient/shared-informers.js';
import { objectKey, type KubeObject } from '../../kubeclient/types.js';
import { WorkQueue, type ReconcileResult } from '../../kubeclient/workqueue.js';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import { inTreeHostname, LB_ANNOTATIONS } from './hostnames.js';
import { addFinalizer, hasFinalizer, patchLoadBalancerStatus, removeFinalizer, SERVICES, type Svc } from './service-writes.js';
import { ControllerLoop, LoopingController } from '../../kubeclient/controller-loop.js';

/** The in-tree service controller's finalizer. */
export const LB_CLEANUP_FINALIZER = 'service.kubernetes.io/load-balancer-cleanup';

const EXCLUDE_LABEL = 'node.kubernetes.io/exclude-from-external-load-balancers';
const TO_BE_DELETED_TAINT = 'ToBeDeletedByClusterAutoscaler';

/** What the service controller needs. */
export interface ServiceLoadBalancerControllerOptions {
  client: KubeClient;
  informers: SharedInformers;
  clock: Clock;
  log: Logger;
  /** The cluster's region: the ELB hostnames' region part. */
  region: string;
  /** Concurrent workers (default 2). */
  workers?: number;
}

/** wantsLoadBalancer: type LoadBalancer and no loadBalancerClass (a class means another controller). */
export function wantsLoadBalancer(svc: Service): boolean {
  return svc.spec?.type === 'LoadBalancer' && !svc.spec.loadBalancerClass;
}

/** needsCleanup: the finalizer is there and the Service is being deleted or is no LoadBalancer any more. */
function needsCleanup(svc: Svc): boolean {
  if (!hasFinalizer(svc, LB_CLEANUP_FINALIZER)) return false;
  return !!svc.metadata?.deletionTimestamp || svc.spec?.type !== 'LoadBalancer';
}

/** cloud-provider-aws isLBExternal: the AWS Load Balancer Controller's annotations. */
function isExternal(svc: Service): boolean {
  const t = svc.metadata?.annotations?.[LB_ANNOTATIONS.type];
  return t === 'external' || t === 'nlb-ip';
}

/** The fields needsUpdate compares (ports, source ranges, affinity, IPs, annotations, uid, policies, families). */
function lbFingerprint(svc: Service): string {
  const s = svc.spec ?? {};
  return JSON.stringify([
    wantsLoadBalancer(svc), s.loadBalancerSourceRanges, (s.ports ?? []).map((p) => [p.name, p.protocol, p.port, p.nodePort, p.targetPort, p.appProtocol]),
    s.sessionAffinity, s.sessionAffinityConfig, s.loadBalancerIP, s.externalIPs, svc.metadata?.annotations, svc.metadata?.uid,
    s.externalTrafficPolicy, s.healthCheckNodePort, (s.ipFamilies ?? []).length,
  ]);
}

export class ServiceLoadBalancerController extends LoopingController {
  private readonly services: Informer<Svc>;
  private readonly nodes: Informer<Node & KubeObject>;
  private readonly queue: WorkQueue<string>;
  private readonly events: EventRecorder;
  protected readonly loop: ControllerLoop;

  constructor(private readonly opts: ServiceLoadBalancerControllerOptions) {
    super();
    this.services = opts.informers.informer<Svc>({ resource: SERVICES });
    this.nodes = opts.informers.informer<Node & KubeObject>({ resource: { group: '', version: 'v1', resource: 'nodes' } });
    this.queue = new WorkQueue<string>(opts.clock);
    this.events = new EventRecorder(opts.client, opts.clock, { component: 'service-controller' }, opts.log);
    this.services.addEventHandler({
      onAdd: (s) => (wantsLoadBalancer(s) || needsCleanup(s)) && this.queue.add(objectKey(s)),
      onUpdate: (o, s) => {
        const concerned = wantsLoadBalancer(o) || wantsLoadBalancer(s);
        if ((concerned && lbFingerprint(o) !== lbFingerprint(s)) || needsCleanup(s)) this.queue.add(objectKey(s));
      },
    });
    this.loop = new ControllerLoop([this.services, this.nodes], [{ queue: this.queue, reconcile: (key) => this.reconcile(key) }], opts.log, opts.workers);
  }

  /** syncLoadBalancerIfNeeded for one Service. */
  async reconcile(key: string): Promise<ReconcileResult> {
    const svc = this.services.getByKey(key);
    if (!svc) return;
    const log = this.opts.log.child({ ns: svc.metadata?.namespace, name: svc.metadata?.name });
    if (!wantsLoadBalancer(svc) || needsCleanup(svc)) {
      if (!hasFinalizer(svc, LB_CLEANUP_FINALIZER) && !svc.status?.loadBalancer?.ingress?.length) return;
      // GetLoadBalancer: ours exists when we made it (finalizer first, then the ELB) and it is not the LBC's.
      if (hasFinalizer(svc, LB_CLEANUP_FINALIZER) && !isExternal(svc)) {
        log.info('deleting load balancer');
        void this.events.event(svc, 'Normal', 'DeletingLoadBalancer', 'Deleting load balancer');
      }
      await removeFinalizer(this.opts.client, svc, LB_CLEANUP_FINALIZER);
      void this.events.event(svc, 'Normal', 'DeletedLoadBalancer', 'Deleted load balancer');
      if (!isExternal(svc)) await patchLoadBalancerStatus(this.opts.client, svc, {});
      return;
    }
    void this.events.event(svc, 'Normal', 'EnsuringLoadBalancer', 'Ensuring load balancer');
    const written = await addFinalizer(this.opts.client, svc, LB_CLEANUP_FINALIZER);
    if (!this.hasAvailableNode()) void this.events.event(svc, 'Warning', 'UnAvailableLoadBalancer', 'There are no available nodes for LoadBalancer');
    if (isExternal(svc)) return; // ImplementedElsewhere
    const hostname = inTreeHostname(svc, this.opts.region);
    void this.events.event(svc, 'Normal', 'EnsuredLoadBalancer', 'Ensured load balancer');
    await patchLoadBalancerStatus(this.opts.client, written, { ingress: [{ hostname }] });
    log.info({ hostname }, 'ensured load balancer');
  }

  /** stableNodeSetPredicates: some node not being deleted, not excluded, not marked for scale-down. Stops at the first. */
  private hasAvailableNode(): boolean {
    for (const n of this.nodes.list()) {
      if (n.metadata?.deletionTimestamp) continue;
      if (n.metadata?.labels?.[EXCLUDE_LABEL] !== undefined) continue;
      if (n.spec?.taints?.some((t) => t.key === TO_BE_DELETED_TAINT)) continue;
      return true;
    }
    return false;
  }
}
