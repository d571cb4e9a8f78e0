/** coordination.k8s.io/v1 resources. */
import { defineResource } from '../define.js';
import type { ResourceDef } from '../resource.js';

export const coordinationResources: ResourceDef[] = [
  defineResource({ group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', namespaced: true, allowCreateOnUpdate: false }),
];
