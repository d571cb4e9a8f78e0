/** The JSON shape of core/v1 Service as the service strategy, validation and printer read it. */
import type { KObject } from '../resource.js';
import type { IntOrString } from './pod-types.js';

/** core/v1 ServicePort. */
export interface ServicePort {
  name?: string;
  protocol?: string;
  appProtocol?: string;
  port?: number;
  targetPort?: IntOrString;
  nodePort?: number;
}

/** core/v1 ServiceSpec. */
export interface ServiceSpec {
  type?: string;
  ports?: ServicePort[];
  selector?: Record<string, string>;
  clusterIP?: string;
  clusterIPs?: string[];
  ipFamilies?: string[];
  ipFamilyPolicy?: string;
  externalIPs?: string[];
  externalName?: string;
  externalTrafficPolicy?: string;
  internalTrafficPolicy?: string;
  healthCheckNodePort?: number;
  sessionAffinity?: string;
  sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
  allocateLoadBalancerNodePorts?: boolean;
  loadBalancerClass?: string;
  [k: string]: unknown;
}

/** core/v1 Service. */
export interface Service extends KObject {
  spec?: ServiceSpec;
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] }; [k: string]: unknown };
}

/** The type, defaulted: ClusterIP when unset. */
export const serviceType = (s: Service): string => s.spec?.type || 'ClusterIP';

/** isHeadlessService: clusterIP (or the first of clusterIPs) is "None". */
export const isHeadless = (s: Service): boolean => s.spec?.clusterIP === 'None' || s.spec?.clusterIPs?.[0] === 'None';

/** service.ExternallyAccessible: LoadBalancer, NodePort, or ClusterIP with external IPs. */
export function externallyAccessible(s: Service): boolean {
  const t = serviceType(s);
  return t === 'LoadBalancer' || t === 'NodePort' || (t === 'ClusterIP' && (s.spec?.externalIPs ?? []).length > 0);
}

/** needsClusterIP: every type but ExternalName has one (even if it is "None"). */
export const needsClusterIP = (s: Service): boolean => serviceType(s) !== 'ExternalName';

/** needsNodePort: NodePort, and LoadBalancer unless node ports are turned off. */
export function needsNodePort(s: Service): boolean {
  const t = serviceType(s);
  return t === 'NodePort' || (t === 'LoadBalancer' && s.spec?.allocateLoadBalancerNodePorts !== false);
}
