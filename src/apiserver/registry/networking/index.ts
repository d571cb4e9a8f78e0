/** networking.k8s.io/v1: ingresses, ingress classes and network policies. */
import type { ResourceDef } from '../resource.js';
import { ingressclasses } from './ingressclasses.js';
import { ingresses } from './ingresses.js';
import { networkpolicies } from './networkpolicies.js';

/** The networking.k8s.io/v1 resources. */
export const networkingResources: ResourceDef[] = [ingressclasses, ingresses, networkpolicies];
