/** events.k8s.io/v1: the same events as core/v1, newer shape. */
import type { ResourceDef } from '../resource.js';
import { events } from './events.js';

/** The events.k8s.io/v1 resources. */
export const eventsResources: ResourceDef[] = [events];
