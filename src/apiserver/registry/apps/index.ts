/** apps/v1 resources. */
import { defineResource } from '../define.js';
import type { ResourceDef } from '../resource.js';

const scale = { specReplicasPath: ['spec', 'replicas'], statusReplicasPath: ['status', 'replicas'], labelSelectorPath: ['spec', 'selector'] };

export const appsResources: ResourceDef[] = [
  defineResource({ group: 'apps', version: 'v1', kind: 'ControllerRevision', namespaced: true }),
  defineResource({ group: 'apps', version: 'v1', kind: 'DaemonSet', namespaced: true, shortNames: ['ds'], categories: ['all'], subresources: { status: true }, generation: true }),
  defineResource({ group: 'apps', version: 'v1', kind: 'Deployment', namespaced: true, shortNames: ['deploy'], categories: ['all'], subresources: { status: true, scale }, generation: true }),
  defineResource({ group: 'apps', version: 'v1', kind: 'ReplicaSet', namespaced: true, shortNames: ['rs'], categories: ['all'], subresources: { status: true, scale }, generation: true }),
  defineResource({ group: 'apps', version: 'v1', kind: 'StatefulSet', namespaced: true, shortNames: ['sts'], categories: ['all'], subresources: { status: true, scale }, generation: true }),
];
