/**
 * rbac.authorization.k8s.io/v1 rolebindings and clusterrolebindings, as
 * pkg/registry/rbac/rolebinding and clusterrolebinding: SetDefaults_RoleBinding (roleRef.apiGroup)
 * and SetDefaults_Subject, ValidateRoleBinding / ValidateClusterRoleBinding (a cluster role
 * binding may only reference a ClusterRole and must give service-account namespaces), an
 * immutable roleRef (`cannot change roleRef`), and printRoleBinding's columns.
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { deepEqual } from '../../../apimachinery/json.js';
import { invalid } from '../core/field-errors.js';
import type { ResourceDef, ResourceStrategy } from '../resource.js';
import { bindingColumns, defaultSubject, goRoleRef, RBAC_GROUP, validateRoleRef, validateSubject, type BindingObject } from './rules.js';

function defaults(b: BindingObject): void {
  (b.roleRef ??= {}).apiGroup ||= RBAC_GROUP;
  for (const s of b.subjects ?? []) if (s) defaultSubject(s);
}

function validate(b: BindingObject, namespaced: boolean): FieldError[] {
  const errs = validateRoleRef(b.roleRef, namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole']);
  (b.subjects ?? []).forEach((s, i) => errs.push(...validateSubject(s ?? {}, namespaced, `subjects[${i}]`)));
  return errs;
}

function validateUpdate(b: BindingObject, old: BindingObject): FieldError[] {
  const norm = (r: BindingObject['roleRef']) => ({ apiGroup: r?.apiGroup ?? '', kind: r?.kind ?? '', name: r?.name ?? '' });
  return deepEqual(norm(b.roleRef), norm(old.roleRef)) ? [] : [invalid('roleRef', goRoleRef(b.roleRef), 'cannot change roleRef')];
}

/** The RoleBinding strategy. */
export const roleBindingStrategy = {
  defaults,
  validate: (b) => validate(b, true),
  validateUpdate,
} satisfies ResourceStrategy<BindingObject>;

/** The ClusterRoleBinding strategy. */
export const clusterRoleBindingStrategy = {
  defaults,
  validate: (b) => validate(b, false),
  validateUpdate,
} satisfies ResourceStrategy<BindingObject>;

/** The `rolebindings` resource. */
export const rolebindings: ResourceDef = {
  group: RBAC_GROUP,
  version: 'v1',
  kind: 'RoleBinding',
  plural: 'rolebindings',
  singular: 'rolebinding',
  namespaced: true,
  nameRule: 'path-segment',
  printerColumns: bindingColumns,
  strategy: roleBindingStrategy as ResourceStrategy,
};

/** The `clusterrolebindings` resource. */
export const clusterrolebindings: ResourceDef = {
  group: RBAC_GROUP,
  version: 'v1',
  kind: 'ClusterRoleBinding',
  plural: 'clusterrolebindings',
  singular: 'clusterrolebinding',
  namespaced: false,
  nameRule: 'path-segment',
  printerColumns: bindingColumns,
  strategy: clusterRoleBindingStrategy as ResourceStrategy,
};
