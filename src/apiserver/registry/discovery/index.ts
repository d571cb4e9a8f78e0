/** discovery.k8s.io/v1: endpoint slices. */
import type { ResourceDef } from '../resource.js';
import { endpointslices } from './endpointslices.js';

/** The discovery.k8s.io/v1 resources. */
export const discoveryResources: ResourceDef[] = [endpointslices];
