/**
 * The DNS names AWS gives the load balancers of LoadBalancer Services, derived deterministically
 * from the Service (its uid, and for the AWS Load Balancer Controller its namespace, name and
 * scheme), so a Service keeps its hostname across restarts as a real ELB keeps its name:
 *
 * - in-tree (cloud-provider-aws) Classic ELB: the load balancer is named `a` + the uid without
 *   dashes, cut to 32 characters (GetLoadBalancerName); its DNS name is
 *   `<name>-<10 digits>.<region>.elb.amazonaws.com`, `internal-` in front for an internal one;
 * - in-tree NLB (`service.beta.kubernetes.io/aws-load-balancer-type: nlb`): the same name,
 *   `<name>-<16 hex>.elb.<region>.amazonaws.com`;
 * - AWS Load Balancer Controller NLB: `k8s-<ns ≤8>-<name ≤8>-<10 hex>` where the namespace and name
 *   lose every non-alphanumeric character and the 10 hex are sha256(cluster name, uid, scheme),
 *   as its model builder's buildLoadBalancerName; DNS `<lb name>-<16 hex>.elb.<region>.amazonaws.com`.
 */
import { createHash } from 'node:crypto';
import type { Service } from 'kubernetes-types/core/v1.js';

/** The annotations the in-tree controller and the AWS Load Balancer Controller read. */
export const LB_ANNOTATIONS = {
  type: 'service.beta.kubernetes.io/aws-load-balancer-type',
  internal: 'service.beta.kubernetes.io/aws-load-balancer-internal',
  scheme: 'service.beta.kubernetes.io/aws-load-balancer-scheme',
} as const;

/** The loadBalancerClass the AWS Load Balancer Controller serves. */
export const AWS_LBC_CLASS = 'service.k8s.aws/nlb';

function sha256Hex(...parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

/** The in-tree load balancer name: `a` + the uid without dashes, at most 32 characters. */
export function inTreeLoadBalancerName(svc: Service): string {
  return `a${(svc.metadata?.uid ?? '').replace(/-/g, '')}`.slice(0, 32);
}

/** Whether the in-tree provider makes an internal load balancer (`aws-load-balancer-internal` set to anything but false). */
function inTreeInternal(svc: Service): boolean {
  const v = svc.metadata?.annotations?.[LB_ANNOTATIONS.internal];
  return v !== undefined && v !== 'false';
}

/** The hostname cloud-provider-aws's EnsureLoadBalancer reports for a Classic ELB or (annotation nlb) an NLB. */
export function inTreeHostname(svc: Service, region: string): string {
  const name = inTreeLoadBalancerName(svc);
  const seed = sha256Hex('elb-dns:', svc.metadata?.uid ?? '');
  if (svc.metadata?.annotations?.[LB_ANNOTATIONS.type] === 'nlb') return `${name}-${seed.slice(0, 16)}.elb.${region}.amazonaws.com`;
  // Ten decimal digits (the number part of a Classic ELB's DNS name), never starting with 0.
  const digits = String(1_000_000_000 + (parseInt(seed.slice(0, 12), 16) % 9_000_000_000));
  return `${inTreeInternal(svc) ? 'internal-' : ''}${name}-${digits}.${region}.elb.amazonaws.com`;
}

/** The AWS Load Balancer Controller's scheme: the scheme annotation, else the legacy internal one, else internal (its default). */
export function lbcScheme(svc: Service): 'internal' | 'internet-facing' {
  const a = svc.metadata?.annotations ?? {};
  const s = a[LB_ANNOTATIONS.scheme];
  if (s === 'internet-facing' || s === 'internal') return s;
  const internal = a[LB_ANNOTATIONS.internal];
  if (internal !== undefined) return internal === 'false' ? 'internet-facing' : 'internal';
  return 'internal';
}

/** The AWS Load Balancer Controller's NLB name for a Service. */
export function lbcLoadBalancerName(svc: Service, clusterName: string): string {
  const clean = (s: string | undefined) => (s ?? '').replace(/[^A-Za-z0-9]/g, '');
  const uuid = sha256Hex(clusterName, svc.metadata?.uid ?? '', lbcScheme(svc));
  return `k8s-${clean(svc.metadata?.namespace).slice(0, 8)}-${clean(svc.metadata?.name).slice(0, 8)}-${uuid.slice(0, 10)}`;
}

/** The DNS name of the AWS Load Balancer Controller's NLB. */
export function lbcHostname(svc: Service, clusterName: string, region: string): string {
  const name = lbcLoadBalancerName(svc, clusterName);
  return `${name}-${sha256Hex('nlb-dns:', name, svc.metadata?.uid ?? '').slice(0, 16)}.elb.${region}.amazonaws.com`;
}
