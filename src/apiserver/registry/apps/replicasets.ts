/**
 * apps/v1 replicasets, as SetDefaults_ReplicaSet (1 replica, pod-spec defaults in the template),
 * ValidateReplicaSetSpec (note upstream's wording, `empty selector is invalid for deployment`),
 * an immutable selector in apps/v1, scale and status subresources, and printReplicaSet's columns.
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import type { MetaLabelSelector } from '../../../apimachinery/labels.js';
import { goLabelSelector, immutable, invalid, nonNegative } from '../core/field-errors.js';
import type { PodTemplateSpec } from '../core/pod-types.js';
import { ageColumn, column, containerColumns, formatSelector } from '../core/printing.js';
import { defaultTemplate, validateReplicaTemplate, validateRequiredSelector } from '../core/workload.js';
import type { KObject, ResourceDef, ResourceStrategy } from '../resource.js';
import { replicasScale } from './deployments.js';

interface ReplicaSet extends KObject {
  spec?: { replicas?: number; minReadySeconds?: number; selector?: MetaLabelSelector; template?: PodTemplateSpec; [k: string]: unknown };
  status?: { replicas?: number; readyReplicas?: number; [k: string]: unknown };
}

/** The replicaSet strategy, exported for tests and reuse; the module comment says which upstream behaviour it mirrors. */
export const replicaSetStrategy = {
  defaults(rs) {
    const spec = (rs.spec ??= {});
    spec.replicas ??= 1;
    spec.template = defaultTemplate(spec.template, { kind: 'ReplicaSet', version: 'v1' });
  },
  validate(rs) {
    const spec = rs.spec ?? {};
    const errs: FieldError[] = [...nonNegative('spec.replicas', spec.replicas), ...nonNegative('spec.minReadySeconds', spec.minReadySeconds)];
    const sel = validateRequiredSelector(spec.selector, 'spec.selector', 'deployment', errs);
    if (!sel) errs.push(invalid('spec.selector', goLabelSelector(spec.selector), 'invalid label selector'));
    else errs.push(...validateReplicaTemplate(spec.template, sel, 'spec.template'));
    return errs;
  },
  validateUpdate(rs, old) {
    return immutable('spec.selector', rs.spec?.selector, old.spec?.selector, goLabelSelector(rs.spec?.selector));
  },
} satisfies ResourceStrategy<ReplicaSet>;

const r = (o: KObject) => o as ReplicaSet;

/** The `replicasets` resource: table data plus its strategy. */
export const replicasets: ResourceDef = {
  group: 'apps',
  version: 'v1',
  kind: 'ReplicaSet',
  plural: 'replicasets',
  singular: 'replicaset',
  namespaced: true,
  shortNames: ['rs'],
  categories: ['all'],
  subresources: { status: true, scale: replicasScale },
  generation: true,
  selectableFields: { 'status.replicas': (o) => String(r(o).status?.replicas ?? 0) },
  printerColumns: [
    column('Desired', (o) => r(o).spec?.replicas ?? 0, { type: 'integer', description: 'Replicas is the number of desired pods.' }),
    column('Current', (o) => r(o).status?.replicas ?? 0, { type: 'integer', description: 'Replicas is the most recently observed number of replicas.' }),
    column('Ready', (o) => r(o).status?.readyReplicas ?? 0, { type: 'integer', description: 'The number of ready replicas for this replica set.' }),
    ageColumn,
    ...containerColumns((o) => r(o).spec?.template?.spec?.containers),
    column('Selector', (o) => formatSelector(r(o).spec?.selector), { priority: 1, description: 'Selector is a label query over pods that should match the replica count.' }),
  ],
  strategy: replicaSetStrategy as ResourceStrategy,
};
