/** core/v1 resources of the API server core slice. */
import { at, defineResource, field } from '../define.js';
import type { ResourceDef } from '../resource.js';
import { namespaces } from './namespaces.js';

const podPhase = field('status.phase');

export const coreResources: ResourceDef[] = [
  defineResource({ group: '', version: 'v1', kind: 'ConfigMap', namespaced: true, shortNames: ['cm'],
    printerColumns: [{ name: 'Data', type: 'integer', priority: 0, cell: (o) => Object.keys((o.data as object) ?? {}).length + Object.keys((o.binaryData as object) ?? {}).length }] }),
  defineResource({ group: '', version: 'v1', kind: 'Endpoints', plural: 'endpoints', singular: 'endpoints', namespaced: true, shortNames: ['ep'], allowCreateOnUpdate: true }),
  defineResource({ group: '', version: 'v1', kind: 'Event', namespaced: true, shortNames: ['ev'],
    selectableFields: Object.fromEntries(['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'].map((f) => [f, f === 'source' ? field('source.component') : field(f)])) }),
  namespaces,
  defineResource({ group: '', version: 'v1', kind: 'Node', namespaced: false, shortNames: ['no'], subresources: { status: true },
    selectableFields: { 'spec.unschedulable': (o) => String(at(o, 'spec.unschedulable') ?? false) }, strategy: { keepStatusOnCreate: true } }),
  defineResource({ group: '', version: 'v1', kind: 'Pod', namespaced: true, shortNames: ['po'], categories: ['all'], subresources: { status: true },
    selectableFields: { 'spec.nodeName': field('spec.nodeName'), 'spec.restartPolicy': field('spec.restartPolicy'), 'spec.schedulerName': field('spec.schedulerName'), 'spec.serviceAccountName': field('spec.serviceAccountName'), 'spec.hostNetwork': (o) => String(at(o, 'spec.hostNetwork') ?? false), 'status.phase': podPhase, 'status.podIP': field('status.podIP'), 'status.nominatedNodeName': field('status.nominatedNodeName') } }),
  defineResource({ group: '', version: 'v1', kind: 'Secret', namespaced: true, selectableFields: { type: field('type') } }),
  defineResource({ group: '', version: 'v1', kind: 'ServiceAccount', namespaced: true, shortNames: ['sa'] }),
  defineResource({ group: '', version: 'v1', kind: 'Service', namespaced: true, shortNames: ['svc'], categories: ['all'], subresources: { status: true }, nameRule: 'label' }),
];
