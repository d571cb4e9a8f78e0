/**
 * The AWS Load Balancer Controller's Service reconciler, the way EKS's documentation recommends
 * exposing Services with NLBs: it takes a Service of type LoadBalancer whose loadBalancerClass is
 * `service.k8s.aws/nlb`, or (no class) whose `service.beta.kubernetes.io/aws-load-balancer-type`
 * is `external` or `nlb-ip` (its IsServiceSupported). It adds the finalizer
 * `service.k8s.aws/resources`, provisions the NLB `k8s-<ns>-<name>-<10 hex>` (scheme internal
 * unless the scheme annotation says internet-facing), writes its DNS name as the only ingress
 * hostname and records SuccessfullyReconciled (component service). A Service deleted, turned into
 * another type or no longer supported loses the NLB: the status is cleared and the finalizer
 * removed. Like its event handler, it reacts to changes of spec, annotations and deletion only.
 */
import type { KubeClient } from '../../kubeclient/client.js';
import { EventRecorder } from '../../kubeclient/events.js';
import type { Informer } from '../../kubeclient/informer.js';
import type { SharedInformers } from '../../kubeclient/shared-informers.js';
import { objectKey } from '../../kubeclient/types.js';
import { WorkQueue, type ReconcileResult } from '../../kubeclient/workqueue.js';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import { AWS_LBC_CLASS, lbcHostname, LB_ANNOTATIONS } from './hostnames.js';
import { ControllerLoop, LoopingController } from '../../kubeclient/controller-loop.js';
import { addFinalizer, hasFinalizer, patchLoadBalancerStatus, removeFinalizer, SERVICES, type Svc } from './service-writes.js';

/** The AWS Load Balancer Controller's Service finalizer. */
export const LBC_SERVICE_FINALIZER = 'service.k8s.aws/resources';

/** What the AWS Load Balancer Controller needs. */
export interface AwsLoadBalancerControllerOptions {
  client: KubeClient;
  informers: SharedInformers;
  clock: Clock;
  log: Logger;
  region: string;
  /** The EKS cluster's name (its `--cluster-name`, part of every load balancer's name hash). */
  clusterName: string;
  workers?: number;
}

/** IsServiceSupported: our class, or no class and the LBC's type annotation. */
export function lbcSupports(svc: Svc): boolean {
  const cls = svc.spec?.loadBalancerClass;
  if (cls) return cls === AWS_LBC_CLASS;
  const t = svc.metadata?.annotations?.[LB_ANNOTATIONS.type];
  return t === 'external' || t === 'nlb-ip';
}

function wantsNlb(svc: Svc): boolean {
  return svc.spec?.type === 'LoadBalancer' && lbcSupports(svc) && !svc.metadata?.deletionTimestamp;
}

export class AwsLoadBalancerController extends LoopingController {
  private readonly services: Informer<Svc>;
  private readonly queue: WorkQueue<string>;
  private readonly events: EventRecorder;
  protected readonly loop: ControllerLoop;

  constructor(private readonly opts: AwsLoadBalancerControllerOptions) {
    super();
    this.services = opts.informers.informer<Svc>({ resource: SERVICES });
    this.queue = new WorkQueue<string>(opts.clock);
    this.events = new EventRecorder(opts.client, opts.clock, { component: 'service' }, opts.log);
    const ours = (s: Svc) => lbcSupports(s) || hasFinalizer(s, LBC_SERVICE_FINALIZER);
    this.services.addEventHandler({
      onAdd: (s) => ours(s) && this.queue.add(objectKey(s)),
      onUpdate: (o, s) => {
        if (!ours(o) && !ours(s)) return;
        const changed = JSON.stringify([o.spec, o.metadata?.annotations, o.metadata?.deletionTimestamp]) !== JSON.stringify([s.spec, s.metadata?.annotations, s.metadata?.deletionTimestamp]);
        if (changed) this.queue.add(objectKey(s));
      },
    });
    this.loop = new ControllerLoop([this.services], [{ queue: this.queue, reconcile: (key) => this.reconcile(key) }], opts.log, opts.workers);
  }

  /** The reconciler: deploy the NLB and publish its DNS name, or clean it up. */
  async reconcile(key: string): Promise<ReconcileResult> {
    const svc = this.services.getByKey(key);
    if (!svc) return;
    if (!wantsNlb(svc)) {
      if (!hasFinalizer(svc, LBC_SERVICE_FINALIZER)) return;
      await patchLoadBalancerStatus(this.opts.client, svc, {});
      await removeFinalizer(this.opts.client, svc, LBC_SERVICE_FINALIZER);
      this.opts.log.info({ ns: svc.metadata?.namespace, name: svc.metadata?.name }, 'deleted load balancer');
      return;
    }
    const written = await addFinalizer(this.opts.client, svc, LBC_SERVICE_FINALIZER);
    const hostname = lbcHostname(svc, this.opts.clusterName, this.opts.region);
    await patchLoadBalancerStatus(this.opts.client, written, { ingress: [{ hostname }] });
    void this.events.event(svc, 'Normal', 'SuccessfullyReconciled', 'Successfully reconciled');
    this.opts.log.info({ ns: svc.metadata?.namespace, name: svc.metadata?.name, hostname }, 'deployed load balancer');
  }
}
