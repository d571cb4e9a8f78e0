/** events.k8s.io/v1: the same events as core/v1, newer shape. */
import { defineResource, field } from '../define.js';
import type { ResourceDef } from '../resource.js';

export const eventsResources: ResourceDef[] = [
  defineResource({ group: 'events.k8s.io', version: 'v1', kind: 'Event', namespaced: true, shortNames: ['ev'],
    selectableFields: { 'regarding.kind': field('regarding.kind'), 'regarding.name': field('regarding.name'), 'regarding.namespace': field('regarding.namespace'), 'regarding.uid': field('regarding.uid'), reason: field('reason'), type: field('type'), reportingController: field('reportingController') } }),
];
