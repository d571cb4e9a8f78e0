/**
 * Rules shared by the four rbac.authorization.k8s.io/v1 kinds, as pkg/apis/rbac/validation and
 * pkg/apis/rbac/v1/defaults.go: policy rules (verbs, apiGroups, resources or nonResourceURLs),
 * role references, subjects with their defaulted apiGroup, and the printers' helpers
 * (SubjectsStrings, the Created At column of roles).
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { isDNS1123Subdomain } from '../../../apimachinery/validation.js';
import { GoLiteral, invalid, notSupported, required } from '../core/field-errors.js';
import { ageColumn, column } from '../core/printing.js';
import type { KObject, PrinterColumn } from '../resource.js';

/** The RBAC API group, the only roleRef.apiGroup a binding may name. */
export const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** One rule of a Role or ClusterRole. */
export interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** Who a binding grants its role to. */
export interface Subject {
  kind?: string;
  apiGroup?: string;
  name?: string;
  namespace?: string;
}

/** The role a binding grants. */
export interface RoleRef {
  apiGroup?: string;
  kind?: string;
  name?: string;
}

/** A Role or ClusterRole. */
export interface RoleObject extends KObject {
  rules?: PolicyRule[];
  aggregationRule?: { clusterRoleSelectors?: unknown[] };
}

/** A RoleBinding or ClusterRoleBinding. */
export interface BindingObject extends KObject {
  subjects?: Subject[];
  roleRef?: RoleRef;
}

const len = (a: unknown[] | undefined) => a?.length ?? 0;

/** ValidatePolicyRule: verbs always; then either non-resource URLs (cluster roles only) or groups and resources. */
export function validatePolicyRule(rule: PolicyRule, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!len(rule.verbs)) errs.push(required(`${path}.verbs`, 'verbs must contain at least one value'));
  if (len(rule.nonResourceURLs)) {
    const urls = new GoLiteral(`[]string{${rule.nonResourceURLs!.map((u) => JSON.stringify(u)).join(', ')}}`);
    if (namespaced) errs.push(invalid(`${path}.nonResourceURLs`, urls, 'namespaced rules cannot apply to non-resource URLs'));
    if (len(rule.apiGroups) || len(rule.resources) || len(rule.resourceNames))
      errs.push(invalid(`${path}.nonResourceURLs`, urls, 'rules cannot apply to both regular resources and non-resource URLs'));
    return errs;
  }
  if (!len(rule.apiGroups)) errs.push(required(`${path}.apiGroups`, 'resource rules must supply at least one api group'));
  if (!len(rule.resources)) errs.push(required(`${path}.resources`, 'resource rules must supply at least one resource'));
  return errs;
}

/** SetDefaults_Subject: Users and Groups are in the RBAC group, ServiceAccounts in the core group. */
export function defaultSubject(s: Subject): void {
  if (s.apiGroup) return;
  if (s.kind === 'User' || s.kind === 'Group') s.apiGroup = RBAC_GROUP;
  else if (s.kind === 'ServiceAccount') s.apiGroup = '';
}

/** ValidateRoleBindingSubject; cluster-scoped bindings must name a service account's namespace. */
export function validateSubject(s: Subject, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!s.name) errs.push(required(`${path}.name`));
  switch (s.kind) {
    case 'ServiceAccount':
      if (s.name) for (const m of isDNS1123Subdomain(s.name)) errs.push(invalid(`${path}.name`, s.name, m));
      if (s.apiGroup) errs.push(notSupported(`${path}.apiGroup`, s.apiGroup, ['']));
      if (!namespaced && !s.namespace) errs.push(required(`${path}.namespace`));
      break;
    case 'User':
    case 'Group':
      if (s.apiGroup !== RBAC_GROUP) errs.push(notSupported(`${path}.apiGroup`, s.apiGroup ?? '', [RBAC_GROUP]));
      break;
    default:
      errs.push(notSupported(`${path}.kind`, s.kind ?? '', ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

/** ValidatePathSegmentName, the rule for RBAC names and roleRef.name. */
export function pathSegmentErrors(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  for (const bad of ['/', '%']) if (name.includes(bad)) return [`may not contain '${bad}'`];
  return [];
}

/** The roleRef rules of ValidateRoleBinding / ValidateClusterRoleBinding. */
export function validateRoleRef(ref: RoleRef | undefined, kinds: string[]): FieldError[] {
  const r = ref ?? {};
  const errs: FieldError[] = [];
  if (r.apiGroup !== RBAC_GROUP) errs.push(notSupported('roleRef.apiGroup', r.apiGroup ?? '', [RBAC_GROUP]));
  if (!kinds.includes(r.kind ?? '')) errs.push(notSupported('roleRef.kind', r.kind ?? '', kinds));
  if (!r.name) errs.push(required('roleRef.name'));
  else for (const m of pathSegmentErrors(r.name)) errs.push(invalid('roleRef.name', r.name, m));
  return errs;
}

/** `%#v` of an rbac.RoleRef, as the `cannot change roleRef` error prints it. */
export function goRoleRef(r: RoleRef | undefined): GoLiteral {
  return new GoLiteral(`rbac.RoleRef{APIGroup:${JSON.stringify(r?.apiGroup ?? '')}, Kind:${JSON.stringify(r?.kind ?? '')}, Name:${JSON.stringify(r?.name ?? '')}}`);
}

/** rbac.SubjectsStrings: user names, group names and `namespace:name` of service accounts. */
export function subjectsStrings(subjects: Subject[] | undefined): [users: string[], groups: string[], serviceAccounts: string[]] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of subjects ?? []) {
    if (s.kind === 'User') users.push(s.name ?? '');
    else if (s.kind === 'Group') groups.push(s.name ?? '');
    else if (s.kind === 'ServiceAccount') sas.push(`${s.namespace ?? ''}:${s.name ?? ''}`);
  }
  return [users, groups, sas];
}

/** The `Created At` column of roles, cluster roles and limit ranges (the RFC 3339 creation time). */
export const createdAtColumn: PrinterColumn = column('Created At', (o) => o.metadata?.creationTimestamp ?? '', { type: 'date', description: ageColumn.description });

const b = (o: KObject) => o as BindingObject;

/** printRoleBinding's columns (shared by cluster role bindings). */
export const bindingColumns: PrinterColumn[] = [
  column('Role', (o) => `${b(o).roleRef?.kind ?? ''}/${b(o).roleRef?.name ?? ''}`, { description: 'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This field is immutable.' }),
  ageColumn,
  column('Users', (o) => subjectsStrings(b(o).subjects)[0].join(', '), { priority: 1, description: 'Users in the roleBinding' }),
  column('Groups', (o) => subjectsStrings(b(o).subjects)[1].join(', '), { priority: 1, description: 'Groups in the roleBinding' }),
  column('ServiceAccounts', (o) => subjectsStrings(b(o).subjects)[2].join(', '), { priority: 1, description: 'ServiceAccounts in the roleBinding' }),
];
