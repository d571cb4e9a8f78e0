/** policy/v1: pod disruption budgets (evictions are a pods subresource, not a resource here). */
import type { ResourceDef } from '../resource.js';
import { poddisruptionbudgets } from './poddisruptionbudgets.js';

/** The policy/v1 resources. */
export const policyResources: ResourceDef[] = [poddisruptionbudgets];
