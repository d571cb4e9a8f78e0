/**
 * rbac.authorization.k8s.io/v1 roles and clusterroles, as pkg/registry/rbac/role and clusterrole:
 * ValidateRole / ValidateClusterRole (policy rules, the aggregation rule's selectors), names as
 * path segments, and printRole's single `Created At` column. The escalation check (a user may
 * only grant what they hold) is the authorizer's business, not this strategy's.
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { validateLabelSelector, type MetaLabelSelector } from '../../../apimachinery/labels.js';
import { goLabelSelector, invalid, required } from '../core/field-errors.js';
import { toSelector } from '../core/workload.js';
import type { ResourceDef, ResourceStrategy } from '../resource.js';
import { createdAtColumn, validatePolicyRule, type RoleObject } from './rules.js';

function validateRules(role: RoleObject, namespaced: boolean): FieldError[] {
  return (role.rules ?? []).flatMap((r, i) => validatePolicyRule(r ?? {}, namespaced, `rules[${i}]`));
}

/** The Role strategy: rules may not name non-resource URLs. */
export const roleStrategy = {
  validate: (role) => validateRules(role, true),
} satisfies ResourceStrategy<RoleObject>;

/** The ClusterRole strategy: rules, and an aggregation rule with at least one valid selector. */
export const clusterRoleStrategy = {
  validate(role) {
    const errs = validateRules(role, false);
    const agg = role.aggregationRule;
    if (agg) {
      const sels = (agg.clusterRoleSelectors ?? []) as MetaLabelSelector[];
      if (!sels.length) errs.push(required('aggregationRule.clusterRoleSelectors', 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
      sels.forEach((s, i) => {
        const path = `aggregationRule.clusterRoleSelectors[${i}]`;
        errs.push(...validateLabelSelector(s, path));
        if (!toSelector(s)) errs.push(invalid(path, goLabelSelector(s), 'invalid label selector.'));
      });
    }
    return errs;
  },
} satisfies ResourceStrategy<RoleObject>;

/** The `roles` resource. */
export const roles: ResourceDef = {
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'Role',
  plural: 'roles',
  singular: 'role',
  namespaced: true,
  nameRule: 'path-segment',
  printerColumns: [createdAtColumn],
  strategy: roleStrategy as ResourceStrategy,
};

/** The `clusterroles` resource. */
export const clusterroles: ResourceDef = {
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'ClusterRole',
  plural: 'clusterroles',
  singular: 'clusterrole',
  namespaced: false,
  nameRule: 'path-segment',
  printerColumns: [createdAtColumn],
  strategy: clusterRoleStrategy as ResourceStrategy,
};
