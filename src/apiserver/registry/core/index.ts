/** core/v1 resources of the API server core slice, one file each. */
import type { ResourceDef } from '../resource.js';
import { configmaps } from './configmaps.js';
import { endpoints } from './endpoints.js';
import { events } from './events.js';
import { namespaces } from './namespaces.js';
import { nodes } from './nodes.js';
import { pods } from './pods.js';
import { secrets } from './secrets.js';
import { serviceaccounts } from './serviceaccounts.js';
import { services } from './services.js';

/** The core/v1 resources in the order discovery lists them. */
export const coreResources: ResourceDef[] = [configmaps, endpoints, events, namespaces, nodes, pods, secrets, serviceaccounts, services];
