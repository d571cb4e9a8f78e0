/**
 * The RBAC authorizer, as plugin/pkg/auth/authorizer/rbac: a request is allowed when a rule of a
 * role bound to the user (by name, group or service account) matches it — ClusterRoleBindings
 * everywhere, RoleBindings in their namespace. RBAC never denies: a request no rule allows gets
 * "no opinion" (allowed false, with the rule-resolution errors as the reason, like upstream), so a
 * union can ask the next authorizer. `system:masters` is not special here: it is allowed everything
 * through the bootstrap `cluster-admin` ClusterRoleBinding, as upstream.
 */
import type { UserInfo } from '../../endpoints/types.js';
import type { RulesAnswer } from '../../registry/authorization/reviews.js';
import type { AuthorizationAttributes, Authorizer, Decision } from '../types.js';
import { describeBinding, policyIndexFor, userKeys, type BindingRef, type RbacLookup } from './policy-index.js';
import { rulesAllow, type PolicyRule } from './rules.js';

export type { RbacLookup, RbacSource } from './policy-index.js';

/** The RBAC authorizer plus its rule listing (SelfSubjectRulesReview, `kubectl auth can-i --list`). */
export interface RbacAuthorizer extends Authorizer {
  /** The same decision, synchronously (what the async form wraps). */
  decide(attrs: AuthorizationAttributes): Decision;
  /** Every rule RBAC grants `user` in `namespace`, in SelfSubjectRulesReview's status shape. */
  rulesFor(user: UserInfo, namespace: string): Promise<RulesAnswer>;
}

/**
 * The namespace RBAC evaluates a request in. A namespace object (`/api/v1/namespaces/x`) is in its
 * own namespace, as upstream's RequestInfo has it, so a RoleBinding in `x` may grant reading `x`.
 */
function namespaceOf(a: AuthorizationAttributes): string {
  if (a.namespace) return a.namespace;
  if (a.isResourceRequest && a.resource === 'namespaces' && a.apiGroup === '' && a.name) return a.name;
  return '';
}

/**
 * Builds the RBAC authorizer over the API server `lookup` returns (read from its watch cache
 * through a live index shared with {@link rbacEscalationAdmission}; see policy-index.ts).
 */
export function rbacAuthorizer(lookup: RbacLookup): RbacAuthorizer {
  const decide = (a: AuthorizationAttributes): Decision => {
    const src = lookup();
    if (!src) return { allowed: false, reason: 'RBAC: the API server is not running' };
    const idx = policyIndexFor(src);
    const ns = namespaceOf(a);
    const keys = userKeys(a.user);
    let errors: Set<string> | undefined;
    let checked: Set<PolicyRule[]> | undefined;
    let allowedBy: BindingRef | undefined;
    // Visits the bindings of one bucket map; true once a rule allows the request.
    const visit = (buckets: ReadonlyMap<string, Set<BindingRef>> | undefined): boolean => {
      if (!buckets) return false;
      for (const key of keys) {
        const set = buckets.get(key);
        if (!set) continue;
        for (const b of set) {
          const rules = idx.rulesOf(b);
          if (typeof rules === 'string') {
            (errors ??= new Set()).add(rules);
            continue;
          }
          if (checked?.has(rules)) continue;
          if (rulesAllow(a, rules)) {
            allowedBy = b;
            return true;
          }
          (checked ??= new Set()).add(rules);
        }
      }
      return false;
    };
    if (visit(idx.clusterBindings) || (ns !== '' && visit(idx.roleBindings.get(ns)))) return { allowed: true, reason: `RBAC: allowed by ${describeBinding(allowedBy!, a.user)}` };
    if (!errors) return { allowed: false };
    const list = [...errors];
    return { allowed: false, reason: `RBAC: ${list.length === 1 ? list[0] : `[${list.join(', ')}]`}` };
  };
  const authorize = (async (a: AuthorizationAttributes) => decide(a)) as RbacAuthorizer;
  authorize.decide = decide;
  authorize.rulesFor = async (user, namespace) => {
    const src = lookup();
    if (!src) return { resourceRules: [], nonResourceRules: [], incomplete: true, evaluationError: 'the API server is not running' };
    const { rules, errors } = policyIndexFor(src).rulesFor(user, namespace);
    const answer: RulesAnswer = { resourceRules: [], nonResourceRules: [], incomplete: false };
    for (const r of rules) {
      if (r.resources?.length)
        answer.resourceRules.push({ verbs: r.verbs ?? [], apiGroups: r.apiGroups ?? [], resources: r.resources, ...(r.resourceNames?.length ? { resourceNames: r.resourceNames } : {}) });
      if (r.nonResourceURLs?.length) answer.nonResourceRules.push({ verbs: r.verbs ?? [], nonResourceURLs: r.nonResourceURLs });
    }
    if (errors.length) answer.evaluationError = errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`;
    return answer;
  };
  return authorize;
}
