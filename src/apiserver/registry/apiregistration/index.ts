/** apiregistration.k8s.io/v1: API services (local ones describe the built-in group versions). */
import type { ResourceDef } from '../resource.js';
import { apiservices } from './apiservices.js';

export { API_VERSION_PRIORITIES, BOOTSTRAP_API_SERVICES } from './apiservices.js';

/** The apiregistration.k8s.io/v1 resources. */
export const apiregistrationResources: ResourceDef[] = [apiservices];
