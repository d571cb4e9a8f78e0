/**
 * Chains of authorizers, as k8s.io/apiserver pkg/authorization/union: each authorizer in turn
 * allows, explicitly denies (`denied: true`) or has no opinion (any other not-allowed answer, its
 * reason kept); the first allow or explicit deny wins, and when nobody decides the request is
 * refused with every reason collected (joined by newlines). An authorizer that throws does not
 * stop the chain; if nobody allows, the first error is rethrown (kube-apiserver answers 500).
 *
 * Also the adapters the authorization review resources need: {@link reviewAuthorizer} and the
 * rules union {@link unionRules} (SelfSubjectRulesReview, `kubectl auth can-i --list`).
 */
import type { UserInfo } from '../endpoints/types.js';
import type { AuthorizationAttributes as ReviewAttributes, AuthorizationDecision, Authorizer as ReviewAuthorizer, RulesAnswer, RulesResolver } from '../registry/authorization/reviews.js';
import type { AuthorizationAttributes, Authorizer, Decision } from './types.js';

/** A decision that may be an explicit denial (DecisionDeny); without `denied` a refusal is "no opinion". */
export interface UnionDecision extends Decision {
  denied?: boolean;
}

/** Request attributes with the field selector of a list or watch (`spec.nodeName=n1`), when known. */
export interface SelectorAttributes extends AuthorizationAttributes {
  fieldSelector?: string;
}

/** The union of `authorizers`: the first allow (or explicit deny) wins; otherwise a refusal with all reasons. */
export function unionAuthorizer(...authorizers: Authorizer[]): Authorizer {
  return async (attrs) => {
    const reasons: string[] = [];
    let error: unknown;
    for (const authorize of authorizers) {
      let d: UnionDecision;
      try {
        d = await authorize(attrs);
      } catch (e) {
        error ??= e;
        continue;
      }
      if (d.allowed || d.denied) return d;
      if (d.reason) reasons.push(d.reason);
    }
    if (error !== undefined) throw error;
    return reasons.length ? { allowed: false, reason: reasons.join('\n') } : { allowed: false };
  };
}

/**
 * Allows every request of members of `groups` and has no opinion otherwise (authorizerfactory
 * NewPrivilegedGroups). kube-apiserver puts it first with `system:masters`, so masters can never
 * be locked out (e.g. by deleting the cluster-admin binding) and pay nothing for RBAC.
 */
export function privilegedGroups(...groups: string[]): Authorizer {
  return async (a) => ({ allowed: a.user.groups.some((g) => groups.includes(g)) });
}

/** Go's utilerrors.NewAggregate text: one message as is, several as `[a, b]`. */
function aggregate(messages: string[]): string | undefined {
  if (messages.length === 0) return undefined;
  return messages.length === 1 ? messages[0] : `[${messages.join(', ')}]`;
}

/** The union of rule resolvers (unionAuthzRulesHandler): all rules, incomplete if any is, errors aggregated. */
export function unionRules(...resolvers: RulesResolver[]): RulesResolver {
  return async (user, namespace) => {
    const out: RulesAnswer = { resourceRules: [], nonResourceRules: [], incomplete: false };
    const errors: string[] = [];
    for (const resolve of resolvers) {
      let a: RulesAnswer;
      try {
        a = await resolve(user, namespace);
      } catch (e) {
        errors.push((e as Error).message);
        out.incomplete = true;
        continue;
      }
      out.resourceRules.push(...a.resourceRules);
      out.nonResourceRules.push(...a.nonResourceRules);
      if (a.incomplete) out.incomplete = true;
      if (a.evaluationError) errors.push(a.evaluationError);
    }
    const err = aggregate(errors);
    if (err) out.evaluationError = err;
    return out;
  };
}

/** A SubjectAccessReview field selector (structured or raw) as a selector string. */
function selectorString(sel: unknown): string | undefined {
  if (!sel || typeof sel !== 'object') return undefined;
  const s = sel as { rawSelector?: unknown; requirements?: { key?: string; operator?: string; values?: string[] }[] };
  if (typeof s.rawSelector === 'string' && s.rawSelector) return s.rawSelector;
  const parts: string[] = [];
  for (const r of s.requirements ?? []) {
    if (!r.key || r.values?.length !== 1) continue;
    if (r.operator === 'In') parts.push(`${r.key}=${r.values[0]}`);
    else if (r.operator === 'NotIn') parts.push(`${r.key}!=${r.values[0]}`);
  }
  return parts.length ? parts.join(',') : undefined;
}

/**
 * Adapts a request authorizer to the access review resources' authorizer (registry/authorization):
 * `authorizationReviews(reviewAuthorizer(authorize), rulesFor)` answers SubjectAccessReviews and
 * `kubectl auth can-i` from the same chain that guards requests.
 */
export function reviewAuthorizer(authorize: Authorizer): ReviewAuthorizer {
  return async (user: UserInfo, a: ReviewAttributes): Promise<AuthorizationDecision> => {
    const attrs: SelectorAttributes = {
      user,
      verb: a.verb,
      isResourceRequest: a.resourceRequest,
      path: a.path ?? '',
      apiGroup: a.group ?? '',
      apiVersion: a.version ?? '',
      resource: a.resource ?? '',
      ...(a.subresource ? { subresource: a.subresource } : {}),
      ...(a.namespace ? { namespace: a.namespace } : {}),
      ...(a.name ? { name: a.name } : {}),
    };
    const fs = selectorString(a.fieldSelector);
    if (fs) attrs.fieldSelector = fs;
    const d: UnionDecision = await authorize(attrs);
    return { allowed: d.allowed, ...(d.denied ? { denied: true } : {}), ...(d.reason ? { reason: d.reason } : {}) };
  };
}
