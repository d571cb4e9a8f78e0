/** node.k8s.io/v1: runtime classes. */
import type { ResourceDef } from '../resource.js';
import { runtimeclasses } from './runtimeclasses.js';

/** The node.k8s.io/v1 resources. */
export const nodeResources: ResourceDef[] = [runtimeclasses];
