/**
 * Pieces of pkg/apis/admissionregistration/validation shared by webhook configurations and
 * validating admission policies: rules (groups, versions, resources, operations, scope), the
 * webhook client config (exactly one of an https URL or a service), admission review versions,
 * match conditions, failure and match policies, and the v1 defaults of rules and match resources.
 */
import type { FieldError } from '../../../apimachinery/errors.js';
import { validateLabelSelector, type MetaLabelSelector } from '../../../apimachinery/labels.js';
import { isDNS1035Label, isValidPortNum } from '../../../apimachinery/validation.js';
import { GoLiteral, invalid, notSupported, qualifiedName, required } from '../core/field-errors.js';

/** A rule with operations (webhooks) or a named one (policies); the fields either kind uses. */
export interface Rule {
  apiGroups?: string[];
  apiVersions?: string[];
  resources?: string[];
  scope?: string;
  operations?: string[];
  resourceNames?: string[];
}

/** Which requests a policy or binding applies to. */
export interface MatchResources {
  namespaceSelector?: MetaLabelSelector;
  objectSelector?: MetaLabelSelector;
  resourceRules?: Rule[];
  excludeResourceRules?: Rule[];
  matchPolicy?: string;
}

/** How to reach a webhook: an https URL or an in-cluster service. */
export interface ClientConfig {
  url?: string;
  service?: { namespace?: string; name?: string; path?: string; port?: number };
  caBundle?: string;
}

const OPERATIONS = ['*', 'CONNECT', 'CREATE', 'DELETE', 'UPDATE'];
const SCOPES = ['*', 'Cluster', 'Namespaced'];
/** FailurePolicyType values. */
export const FAILURE_POLICIES = ['Fail', 'Ignore'];
/** MatchPolicyType values. */
export const MATCH_POLICIES = ['Equivalent', 'Exact'];
const REVIEW_VERSIONS = ['v1', 'v1beta1'];

const goStrings = (a: string[]) => new GoLiteral(`[]string{${a.map((s) => JSON.stringify(s)).join(', ')}}`);
const wildcardMixed = (a: string[] | undefined) => (a?.length ?? 0) > 1 && a!.includes('*');

/** SetDefaults_Rule: scope `*`. */
export function defaultRule(r: Rule | undefined): void {
  if (r) r.scope ??= '*';
}

/** SetDefaults_MatchResources: Equivalent matching, empty (match-all) selectors, rule scopes. */
export function defaultMatchResources(m: MatchResources): void {
  m.matchPolicy ??= 'Equivalent';
  m.namespaceSelector ??= {};
  m.objectSelector ??= {};
  for (const r of [...(m.resourceRules ?? []), ...(m.excludeResourceRules ?? [])]) defaultRule(r);
}

/** validateRuleWithOperations (with validateRule). */
export function validateRule(r: Rule, path: string, withOperations = true): FieldError[] {
  const errs: FieldError[] = [];
  if (withOperations) {
    const ops = r.operations ?? [];
    if (!ops.length) errs.push(required(`${path}.operations`));
    if (wildcardMixed(ops)) errs.push(invalid(`${path}.operations`, goStrings(ops), "if '*' is present, must not specify other operations"));
    ops.forEach((o, i) => OPERATIONS.includes(o) || errs.push(notSupported(`${path}.operations[${i}]`, o, OPERATIONS)));
  }
  if (!r.apiGroups?.length) errs.push(required(`${path}.apiGroups`));
  if (wildcardMixed(r.apiGroups)) errs.push(invalid(`${path}.apiGroups`, goStrings(r.apiGroups!), "if '*' is present, must not specify other API groups"));
  if (!r.apiVersions?.length) errs.push(required(`${path}.apiVersions`));
  if (wildcardMixed(r.apiVersions)) errs.push(invalid(`${path}.apiVersions`, goStrings(r.apiVersions!), "if '*' is present, must not specify other API versions"));
  (r.apiVersions ?? []).forEach((v, i) => v || errs.push(required(`${path}.apiVersions[${i}]`)));
  const res = r.resources ?? [];
  if (!res.length) errs.push(required(`${path}.resources`));
  const seen = new Set<string>();
  res.forEach((x, i) => {
    if (!x) errs.push(required(`${path}.resources[${i}]`));
    if (seen.has(x)) errs.push({ type: 'FieldValueDuplicate', field: `${path}.resources[${i}]`, value: x, detail: '' });
    seen.add(x);
  });
  if (r.scope != null && !SCOPES.includes(r.scope)) errs.push(notSupported(`${path}.scope`, r.scope, SCOPES));
  return errs;
}

/** ValidateWebhookURL / ValidateWebhookService behind `exactly one of url or service`. */
export function validateClientConfig(cc: ClientConfig | undefined, path: string): FieldError[] {
  const c = cc ?? {};
  if ((c.url == null) === (c.service == null)) return [required(path, 'exactly one of url or service is required')];
  const errs: FieldError[] = [];
  if (c.url != null) {
    const at = `${path}.url`;
    const form = '; desired format: https://host[/path]';
    let u: URL;
    try {
      u = new URL(c.url);
    } catch {
      return [invalid(at, c.url, 'must be a valid URL')];
    }
    if (u.protocol !== 'https:') errs.push(invalid(at, u.protocol.replace(/:$/, ''), `'https' is the only allowed URL scheme${form}`));
    if (!u.host) errs.push(invalid(at, u.host, `host must be specified${form}`));
    if (u.username || u.password) errs.push(invalid(at, '', 'user information is not permitted in the URL'));
    if (u.hash) errs.push(invalid(at, u.hash.slice(1), 'fragments are not permitted in the URL'));
    if (u.search) errs.push(invalid(at, u.search.slice(1), 'query parameters are not permitted in the URL'));
    return errs;
  }
  const s = c.service!;
  const at = `${path}.service`;
  if (!s.name) errs.push(required(`${at}.name`, 'service name is required'));
  if (!s.namespace) errs.push(required(`${at}.namespace`, 'service namespace is required'));
  const portErrs = isValidPortNum(s.port ?? 443);
  if (portErrs.length) errs.push(invalid(`${at}.port`, s.port, `port is not valid: ${portErrs.join(', ')}`));
  if (s.path != null && s.path !== '' && !s.path.startsWith('/')) errs.push(invalid(`${at}.path`, s.path, "must start with a '/'"));
  return errs;
}

/** validateAdmissionReviewVersions (v1 requires a recognized one). */
export function validateReviewVersions(versions: string[] | undefined, path: string): FieldError[] {
  const list = versions ?? [];
  if (!list.length) return [required(path, `must specify one of ${REVIEW_VERSIONS.join(', ')}`)];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  list.forEach((v, i) => {
    if (seen.has(v)) return void errs.push(invalid(`${path}[${i}]`, v, 'duplicate version'));
    seen.add(v);
    for (const m of isDNS1035Label(v)) errs.push(invalid(`${path}[${i}]`, v, m));
  });
  if (!list.some((v) => REVIEW_VERSIONS.includes(v))) errs.push(invalid(path, goStrings(list), `must include at least one of ${REVIEW_VERSIONS.join(', ')}`));
  return errs;
}

/** validateMatchConditions: names are unique qualified names, expressions are given (CEL is not compiled here). */
export function validateMatchConditions(conds: { name?: string; expression?: string }[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = conds ?? [];
  if (list.length > 64) errs.push({ type: 'FieldValueTooMany', field: path, detail: 'must have at most 64 items' });
  const names = new Set<string>();
  list.forEach((c, i) => {
    const at = `${path}[${i}]`;
    if (!c?.name) errs.push(required(`${at}.name`));
    else errs.push(...qualifiedName(c.name, `${at}.name`));
    if (c?.name && names.has(c.name)) errs.push({ type: 'FieldValueDuplicate', field: `${at}.name`, value: c.name, detail: '' });
    if (c?.name) names.add(c.name);
    if (!c?.expression) errs.push(required(`${at}.expression`));
  });
  return errs;
}

/** validateMatchResources: selectors, rules (with resource names), match policy. */
export function validateMatchResources(m: MatchResources | undefined, path: string): FieldError[] {
  if (!m) return [];
  const errs = [...validateLabelSelector(m.namespaceSelector, `${path}.namespaceSelector`), ...validateLabelSelector(m.objectSelector, `${path}.objectSelector`)];
  if (m.matchPolicy != null && !MATCH_POLICIES.includes(m.matchPolicy)) errs.push(notSupported(`${path}.matchPolicy`, m.matchPolicy, MATCH_POLICIES));
  (m.resourceRules ?? []).forEach((r, i) => errs.push(...validateRule(r ?? {}, `${path}.resourceRules[${i}]`)));
  (m.excludeResourceRules ?? []).forEach((r, i) => errs.push(...validateRule(r ?? {}, `${path}.excludeResourceRules[${i}]`)));
  return errs;
}

/** One webhook of a Mutating/ValidatingWebhookConfiguration (v1). */
export interface Webhook {
  name?: string;
  clientConfig?: ClientConfig;
  rules?: Rule[];
  failurePolicy?: string;
  matchPolicy?: string;
  namespaceSelector?: MetaLabelSelector;
  objectSelector?: MetaLabelSelector;
  sideEffects?: string;
  timeoutSeconds?: number;
  admissionReviewVersions?: string[];
  reinvocationPolicy?: string;
  matchConditions?: { name?: string; expression?: string }[];
}
