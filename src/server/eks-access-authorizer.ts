/**
 * EKS access policies as an authorizer, as Amazon EKS evaluates them beside RBAC (an authorizer of
 * its own: `kubectl auth can-i --list` does not show them, impersonation bypasses them). The
 * caller's IAM principal is `extra.canonicalArn` (set by the bearer-token authenticator); its
 * access entry's associated policies grant their rules cluster-wide or, for a `namespace` access
 * scope, only to requests inside a matching namespace (`*` wildcards allowed, as `dev-*`). Grants
 * per policy follow the EKS user guide's access-policy-reference (shared/research/eks-semantics.md
 * §3): ClusterAdmin ≈ cluster-admin, Admin ≈ admin, Edit ≈ edit, View ≈ view, AdminView = read all.
 */
import { bootstrapClusterRoleRules } from '../apiserver/auth/rbac/bootstrap.js';
import { globMatches, rulesAllow, type PolicyRule } from '../apiserver/auth/rbac/rules.js';
import type { AuthorizationAttributes, Authorizer, Decision } from '../apiserver/auth/types.js';
import type { UserInfo } from '../apiserver/endpoints/types.js';
import type { RulesAnswer } from '../apiserver/registry/authorization/reviews.js';
import { accessPolicyName } from '../aws/services/eks/access-policies.js';
import { childId, eksTables, type AccessEntryRecord, type AssociatedPolicyRecord } from '../aws/services/eks/state.js';
import type { Store } from '../store/types.js';

const READ_ALL: PolicyRule[] = [{ apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch'] }];

/** Policy name → the rules it grants (the ones EKS documents in Kubernetes terms). */
const POLICY_ROLES: Record<string, () => PolicyRule[]> = {
  AmazonEKSClusterAdminPolicy: () => bootstrapClusterRoleRules('cluster-admin'),
  AmazonEKSAdminPolicy: () => bootstrapClusterRoleRules('admin'),
  AmazonEKSEditPolicy: () => bootstrapClusterRoleRules('edit'),
  AmazonEKSViewPolicy: () => bootstrapClusterRoleRules('view'),
  AmazonEKSAdminViewPolicy: () => READ_ALL,
};

const cache = new Map<string, PolicyRule[] | undefined>();

/**
 * The rules an EKS access policy grants, by policy name; undefined for the policies meant for EKS
 * components (AutoNode, Compute, Networking, …), which grant nothing here.
 */
export function eksAccessPolicyRules(policyName: string): PolicyRule[] | undefined {
  if (!cache.has(policyName)) cache.set(policyName, POLICY_ROLES[policyName]?.());
  return cache.get(policyName);
}

/** Options of {@link eksAccessPolicyAuthorizer}. */
export interface EksAccessAuthorizerOptions {
  store: Store;
  account: string;
  region: string;
  clusterName: string;
  /** The rules of a policy by name (default {@link eksAccessPolicyRules}). */
  rulesOf?: (policyName: string) => PolicyRule[] | undefined;
}

/** The EKS access-policy authorizer, with its rules answer (incomplete for IAM principals, as EKS's webhook). */
export interface EksAccessAuthorizer extends Authorizer {
  rulesFor(user: UserInfo, namespace: string): Promise<RulesAnswer>;
}

/** The namespace a request is in; a namespace object is in itself (as upstream's RequestInfo). */
function requestNamespace(a: AuthorizationAttributes): string {
  if (a.namespace) return a.namespace;
  return a.isResourceRequest && a.resource === 'namespaces' && a.apiGroup === '' && a.name ? a.name : '';
}

/** Whether an association's access scope covers a request in `namespace` ('' = cluster scope). */
function inScope(p: AssociatedPolicyRecord, namespace: string): boolean {
  if (p.accessScope.type === 'cluster') return true;
  return namespace !== '' && p.accessScope.namespaces.some((pattern) => globMatches(pattern, namespace));
}

const policyNameOf = (arn: string): string => accessPolicyName(arn) ?? arn.slice(arn.lastIndexOf('/') + 1);

/**
 * Builds the authorizer of one cluster's access policies. It reads the caller's access entry from
 * the store on each request of an IAM principal (so associations take effect at once) and has no
 * opinion about anyone else.
 */
export function eksAccessPolicyAuthorizer(opts: EksAccessAuthorizerOptions): EksAccessAuthorizer {
  const tables = eksTables(opts.store, { account: opts.account, region: opts.region });
  const rulesOf = opts.rulesOf ?? eksAccessPolicyRules;
  const principal = (user: UserInfo) => user.extra?.canonicalArn?.[0];

  const authorize = (async (a: AuthorizationAttributes): Promise<Decision> => {
    const arn = principal(a.user);
    if (!arn) return { allowed: false };
    const entry = (await tables.accessEntries.get(childId(opts.clusterName, arn)))?.value as AccessEntryRecord | undefined;
    if (!entry?.associatedPolicies?.length) return { allowed: false };
    const ns = requestNamespace(a);
    for (const p of entry.associatedPolicies) {
      if (!inScope(p, ns)) continue;
      const name = policyNameOf(p.policyArn);
      const rules = rulesOf(name);
      if (rules && rulesAllow(a, rules)) return { allowed: true, reason: `EKS access policy "${name}" (${p.accessScope.type} scope) associated with "${arn}"` };
    }
    return { allowed: false };
  }) as EksAccessAuthorizer;

  authorize.rulesFor = async (user) =>
    principal(user)
      ? { resourceRules: [], nonResourceRules: [], incomplete: true, evaluationError: 'webhook authorizer does not support user rule resolution' }
      : { resourceRules: [], nonResourceRules: [], incomplete: false };
  return authorize;
}
