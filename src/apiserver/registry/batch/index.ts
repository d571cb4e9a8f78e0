/** batch/v1 resources. */
import { defineResource } from '../define.js';
import type { ResourceDef } from '../resource.js';

export const batchResources: ResourceDef[] = [
  defineResource({ group: 'batch', version: 'v1', kind: 'CronJob', namespaced: true, shortNames: ['cj'], categories: ['all'], subresources: { status: true }, generation: true }),
  defineResource({ group: 'batch', version: 'v1', kind: 'Job', namespaced: true, categories: ['all'], subresources: { status: true }, generation: true }),
];
