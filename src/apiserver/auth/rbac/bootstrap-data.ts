/**
 * Builders for bootstrap RBAC objects, as plugin/pkg/auth/authorizer/rbac/bootstrappolicy's
 * PolicyRuleBuilder: lists are sorted and de-duplicated (so `kubectl get clusterrole -o yaml`
 * reads like a real cluster's), objects carry `kubernetes.io/bootstrapping: rbac-defaults` and
 * `rbac.authorization.kubernetes.io/autoupdate: "true"`.
 */
import type { KObject } from '../../registry/resource.js';
import { RBAC_GROUP, type PolicyRule, type Subject } from '../../registry/rbac/rules.js';

export const READ = 'get list watch';
export const WRITE = 'create delete deletecollection patch update';
export const READ_WRITE = `${READ} ${WRITE}`;

const words = (s: string): string[] => [...new Set(s.split(/\s+/).filter(Boolean))].sort();

/** A resource rule: space-separated verbs and resources, groups as a list ('' is the core group). */
export function rule(verbs: string, groups: string[], resources: string, names?: string): PolicyRule {
  return { apiGroups: [...new Set(groups)].sort(), resources: words(resources), verbs: words(verbs), ...(names ? { resourceNames: words(names) } : {}) };
}

/** A non-resource rule: space-separated verbs and URLs. */
export function urls(verbs: string, list: string): PolicyRule {
  return { nonResourceURLs: words(list), verbs: words(verbs) };
}

/** create/update/patch of events in both event groups (eventsRule upstream). */
export const EVENTS = rule('create update patch', ['', 'events.k8s.io'], 'events');

const LABELS = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
const ANNOTATIONS = { 'rbac.authorization.kubernetes.io/autoupdate': 'true' };

/** Options of a bootstrap ClusterRole. */
export interface RoleOptions {
  /** Extra labels, e.g. `rbac.authorization.k8s.io/aggregate-to-view: "true"`. */
  labels?: Record<string, string>;
  /** Aggregate the ClusterRoles labelled with each of these `key: "true"` labels. */
  aggregateFrom?: string[];
}

/** A bootstrap ClusterRole. */
export function clusterRole(name: string, rules: PolicyRule[], opts: RoleOptions = {}): KObject {
  return {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: 'ClusterRole',
    metadata: { name, labels: { ...LABELS, ...opts.labels }, annotations: { ...ANNOTATIONS } },
    ...(opts.aggregateFrom ? { aggregationRule: { clusterRoleSelectors: opts.aggregateFrom.map((k) => ({ matchLabels: { [k]: 'true' } })) } } : {}),
    ...(rules.length || !opts.aggregateFrom ? { rules } : {}),
  };
}

/** A bootstrap Role in a namespace. */
export function role(namespace: string, name: string, rules: PolicyRule[]): KObject {
  return { apiVersion: `${RBAC_GROUP}/v1`, kind: 'Role', metadata: { name, namespace, labels: { ...LABELS }, annotations: { ...ANNOTATIONS } }, rules };
}

/** A User subject. */
export const user = (name: string): Subject => ({ kind: 'User', apiGroup: RBAC_GROUP, name });
/** A Group subject. */
export const group = (name: string): Subject => ({ kind: 'Group', apiGroup: RBAC_GROUP, name });
/** A ServiceAccount subject. */
export const serviceAccount = (namespace: string, name: string): Subject => ({ kind: 'ServiceAccount', name, namespace });

/** A bootstrap ClusterRoleBinding of the ClusterRole `roleName` (default: the binding's own name). */
export function clusterRoleBinding(name: string, subjects: Subject[], roleName = name): KObject {
  return {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: { name, labels: { ...LABELS }, annotations: { ...ANNOTATIONS } },
    roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: roleName },
    ...(subjects.length ? { subjects } : {}),
  };
}

/** A bootstrap RoleBinding of the Role `roleName` in `namespace`. */
export function roleBinding(namespace: string, name: string, subjects: Subject[], roleName = name): KObject {
  return {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: 'RoleBinding',
    metadata: { name, namespace, labels: { ...LABELS }, annotations: { ...ANNOTATIONS } },
    roleRef: { apiGroup: RBAC_GROUP, kind: 'Role', name: roleName },
    subjects,
  };
}
