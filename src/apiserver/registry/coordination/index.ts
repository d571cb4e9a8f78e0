/** coordination.k8s.io/v1 resources. */
import type { ResourceDef } from '../resource.js';
import { leases } from './leases.js';

/** The coordination.k8s.io/v1 resources. */
export const coordinationResources: ResourceDef[] = [leases];
