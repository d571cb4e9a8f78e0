/**
 * Audit policy (audit.k8s.io/v1 Policy) and its evaluation, as kube-apiserver's policy checker:
 * the first rule that matches a request decides its level (None, Metadata, Request,
 * RequestResponse) and the stages it omits (the rule's plus the policy's); no matching rule means
 * None. A rule matches when each of its set fields matches: `users`, `userGroups`, `verbs`; then
 * `namespaces`/`resources` (resource requests only; `""` names cluster-scoped requests;
 * resources as `pods`, `pods/log`, `*`, "pods/ *" or "* /status" without the space, with `resourceNames`) or else
 * `nonResourceURLs` (non-resource requests only; a trailing `*` is a prefix match).
 */
import { parse as parseYaml } from 'yaml';

/** Audit levels in increasing detail. */
export type AuditLevel = 'None' | 'Metadata' | 'Request' | 'RequestResponse';
/** Audit stages. */
export type AuditStage = 'RequestReceived' | 'ResponseStarted' | 'ResponseComplete' | 'Panic';

const LEVELS: readonly AuditLevel[] = ['None', 'Metadata', 'Request', 'RequestResponse'];
const STAGES: readonly AuditStage[] = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'];

/** One GroupResources entry of a rule. */
export interface GroupResources {
  group?: string;
  resources?: string[];
  resourceNames?: string[];
}

/** A PolicyRule. */
export interface PolicyRule {
  level: AuditLevel;
  users?: string[];
  userGroups?: string[];
  verbs?: string[];
  resources?: GroupResources[];
  namespaces?: string[];
  nonResourceURLs?: string[];
  omitStages?: AuditStage[];
}

/** A Policy. */
export interface AuditPolicy {
  rules: PolicyRule[];
  omitStages?: AuditStage[];
}

/** What an audited request looks like to the policy (upstream authorizer.Attributes). */
export interface AuditAttributes {
  user: { name: string; groups: string[] };
  verb: string;
  isResourceRequest: boolean;
  path: string;
  apiGroup: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

/** The level and omitted stages a request is audited with. */
export interface AuditDecision {
  level: AuditLevel;
  omitStages: ReadonlySet<AuditStage>;
}

/**
 * The policy eksplane uses without a policy file, shaped like the policies managed clusters ship:
 * no health checks or events; Secrets, ConfigMaps and token reviews at Metadata (their bodies
 * never reach the log); reads at Request; every other change at RequestResponse; no
 * RequestReceived stage.
 */
export const DEFAULT_AUDIT_POLICY: AuditPolicy = {
  omitStages: ['RequestReceived'],
  rules: [
    { level: 'None', nonResourceURLs: ['/healthz*', '/livez*', '/readyz*', '/version'] },
    { level: 'None', resources: [{ group: '', resources: ['events'] }, { group: 'events.k8s.io', resources: ['events'] }] },
    { level: 'Metadata', resources: [{ group: '', resources: ['secrets', 'configmaps'] }, { group: 'authentication.k8s.io', resources: ['tokenreviews'] }] },
    { level: 'Request', verbs: ['get', 'list', 'watch'] },
    { level: 'RequestResponse' },
  ],
};

/** Parses an audit.k8s.io/v1 Policy document (YAML or JSON); throws with the offending field. */
export function parseAuditPolicy(text: string): AuditPolicy {
  const doc = parseYaml(text) as { apiVersion?: string; kind?: string; rules?: PolicyRule[]; omitStages?: AuditStage[] } | null;
  if (!doc || doc.kind !== 'Policy' || !/^audit\.k8s\.io\/v1(beta1)?$/.test(doc.apiVersion ?? '')) throw new Error('audit policy: expected apiVersion audit.k8s.io/v1, kind Policy');
  const stages = (s: unknown, where: string): AuditStage[] | undefined => {
    if (s === undefined) return undefined;
    if (!Array.isArray(s) || s.some((x) => !STAGES.includes(x as AuditStage))) throw new Error(`audit policy: ${where}.omitStages: supported values: ${STAGES.join(', ')}`);
    return s as AuditStage[];
  };
  const rules = (doc.rules ?? []).map((r, i) => {
    if (!LEVELS.includes(r.level)) throw new Error(`audit policy: rules[${i}].level: Unsupported value: "${String(r.level)}"`);
    if (r.nonResourceURLs?.length && (r.resources?.length || r.namespaces?.length))
      throw new Error(`audit policy: rules[${i}].nonResourceURLs: rules cannot apply to both regular resources and non-resource URLs`);
    return { ...r, omitStages: stages(r.omitStages, `rules[${i}]`) };
  });
  if (!rules.length) throw new Error('audit policy: rules: Required value: at least one rule');
  return { rules, omitStages: stages(doc.omitStages, 'policy') };
}

/** The decision of `policy` for a request. */
export function evaluateAuditPolicy(policy: AuditPolicy, a: AuditAttributes): AuditDecision {
  for (const rule of policy.rules) {
    if (ruleMatches(rule, a)) return { level: rule.level, omitStages: new Set([...(policy.omitStages ?? []), ...(rule.omitStages ?? [])]) };
  }
  return { level: 'None', omitStages: new Set() };
}

function ruleMatches(r: PolicyRule, a: AuditAttributes): boolean {
  if (r.users?.length && !r.users.includes(a.user.name)) return false;
  if (r.userGroups?.length && !a.user.groups.some((g) => r.userGroups!.includes(g))) return false;
  if (r.verbs?.length && !r.verbs.includes(a.verb)) return false;
  if (r.namespaces?.length || r.resources?.length) return resourceMatches(r, a);
  if (r.nonResourceURLs?.length) return !a.isResourceRequest && r.nonResourceURLs.some((u) => (u.endsWith('*') ? a.path.startsWith(u.slice(0, -1)) : a.path === u));
  return true;
}

function resourceMatches(r: PolicyRule, a: AuditAttributes): boolean {
  if (!a.isResourceRequest) return false;
  if (r.namespaces?.length && !r.namespaces.includes(a.namespace ?? '')) return false;
  if (!r.resources?.length) return true;
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  return r.resources.some((gr) => {
    if ((gr.group ?? '') !== a.apiGroup) return false;
    if (!gr.resources?.length) return true;
    if (gr.resourceNames?.length && !gr.resourceNames.includes(a.name ?? '')) return false;
    return gr.resources.some(
      (res) =>
        res === combined ||
        res === '*' ||
        (!!a.subresource && res.startsWith('*/') && res.slice(2) === a.subresource) ||
        (res.endsWith('/*') && res.slice(0, -2) === a.resource),
    );
  });
}
