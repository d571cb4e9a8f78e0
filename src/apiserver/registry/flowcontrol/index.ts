/** flowcontrol.apiserver.k8s.io/v1: flow schemas and priority levels (stored, with bootstrap defaults; not enforced). */
import type { ResourceDef } from '../resource.js';
import { flowschemas } from './flowschemas.js';
import { prioritylevelconfigurations } from './prioritylevelconfigurations.js';

export { BOOTSTRAP_FLOW_SCHEMAS, BOOTSTRAP_PRIORITY_LEVELS } from './bootstrap.js';

/** The flowcontrol.apiserver.k8s.io/v1 resources. */
export const flowcontrolResources: ResourceDef[] = [flowschemas, prioritylevelconfigurations];
