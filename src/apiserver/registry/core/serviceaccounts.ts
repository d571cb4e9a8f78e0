/**
 * core/v1 serviceaccounts, as pkg/registry/core/serviceaccount: secret references are reduced to
 * their names on create and update (cleanSecretReferences); the printer shows how many there are.
 */
import type { KObject, ResourceDef, ResourceStrategy } from '../resource.js';

interface ServiceAccount extends KObject {
  secrets?: { name?: string; [k: string]: unknown }[];
}

function cleanSecretReferences(sa: ServiceAccount): void {
  if (sa.secrets) sa.secrets = sa.secrets.map((s) => (s.name === undefined ? {} : { name: s.name }));
}

/** The serviceAccount strategy, exported for tests and reuse; the module comment says which upstream behaviour it mirrors. */
export const serviceAccountStrategy = {
  prepareForCreate: cleanSecretReferences,
  prepareForUpdate: cleanSecretReferences,
} satisfies ResourceStrategy<ServiceAccount>;

/** The `serviceaccounts` resource: table data plus its strategy. */
export const serviceaccounts: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  plural: 'serviceaccounts',
  singular: 'serviceaccount',
  namespaced: true,
  shortNames: ['sa'],
  printerColumns: [
    {
      name: 'Secrets',
      type: 'string',
      priority: 0,
      description: 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.',
      cell: (o) => (o as ServiceAccount).secrets?.length ?? 0,
    },
  ],
  strategy: serviceAccountStrategy as ResourceStrategy,
};
