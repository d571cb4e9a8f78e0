/** core/v1 namespaces: Active → Terminating on delete; removed once spec.finalizers is empty. */
import type { ResourceDef } from '../resource.js';

interface Namespace {
  metadata?: { name?: string; labels?: Record<string, string> };
  spec?: { finalizers?: string[] };
  status?: { phase?: string; conditions?: unknown[] };
  [k: string]: unknown;
}

export const namespaces: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  singular: 'namespace',
  namespaced: false,
  shortNames: ['ns'],
  nameRule: 'label',
  subresources: { status: true },
  selectableFields: { 'status.phase': (o) => (o as Namespace).status?.phase },
  printerColumns: [{ name: 'Status', type: 'string', priority: 0, description: 'The status of the namespace', cell: (o) => (o as Namespace).status?.phase ?? '' }],
  strategy: {
    prepareForCreate(o) {
      const ns = o as Namespace;
      ns.status = { phase: 'Active' };
      ns.spec = { ...(ns.spec ?? {}), finalizers: ['kubernetes'] };
    },
    prepareForUpdate(o, old) {
      // spec.finalizers changes only through /finalize.
      (o as Namespace).spec = (old as Namespace).spec;
    },
    defaults(o) {
      const ns = o as Namespace;
      // As upstream since 1.21: every namespace carries its own name as a label.
      ns.metadata!.labels = { ...(ns.metadata!.labels ?? {}), 'kubernetes.io/metadata.name': ns.metadata!.name! };
    },
    prepareForDelete(o) {
      const ns = o as Namespace;
      ns.status = { ...(ns.status ?? {}), phase: 'Terminating' };
    },
    subresourceUpdates: {
      finalize(target, sent) {
        (target as Namespace).spec = { ...(target as Namespace).spec, finalizers: (sent as Namespace).spec?.finalizers ?? [] };
      },
    },
    deletionBlocked: (o) => ((o as Namespace).spec?.finalizers?.length ?? 0) > 0,
  },
};
