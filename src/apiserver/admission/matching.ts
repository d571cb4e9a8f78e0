/**
 * Which requests a webhook or a validating admission policy applies to, shared by both as
 * upstream's admission/plugin/webhook/predicates and policy/matching: rules (operations,
 * apiGroups, apiVersions, resources — `*` alone, `pods/status`, or with `*` on either side of the
 * slash —, scope, resourceNames),
 * matchPolicy Equivalent (another version of the same group/resource matches), namespaceSelector
 * (cluster-scoped requests other than namespaces always match; a missing namespace is a 404) and
 * objectSelector (new or old object's labels). Requests for the admission configuration
 * resources themselves are never matched, so a bad webhook cannot lock its own fix out.
 */
import { notFound } from '../../apimachinery/errors.js';
import { matches, selectorFromLabelSelector, type MetaLabelSelector } from '../../apimachinery/labels.js';
import type { AdmissionAttributes } from '../auth/types.js';
import type { MatchResources, Rule } from '../registry/admissionregistration/rules.js';
import { cachedObject, requestNamespace, type ApiAccess } from './types.js';

const EXEMPT = new Set(['validatingwebhookconfigurations', 'mutatingwebhookconfigurations', 'validatingadmissionpolicies', 'validatingadmissionpolicybindings', 'mutatingadmissionpolicies', 'mutatingadmissionpolicybindings']);

/** IsExemptAdmissionConfigurationResource. */
export function isExemptResource(a: AdmissionAttributes): boolean {
  return a.def.group === 'admissionregistration.k8s.io' && EXEMPT.has(a.def.plural);
}

const wild = (list: string[] | undefined, v: string) => !!list && (list.includes('*') || list.includes(v));

/** One rule against a request; `version` lets matchPolicy Equivalent try another version. */
function ruleMatches(r: Rule, a: AdmissionAttributes, version: string, withOperations: boolean): boolean {
  if (withOperations && !wild(r.operations, a.operation)) return false;
  if (!wild(r.apiGroups, a.def.group) || !wild(r.apiVersions, version)) return false;
  const sub = a.subresource ?? '';
  const resOk = (r.resources ?? []).some((spec) => {
    const slash = spec.indexOf('/');
    const [res, s] = slash < 0 ? [spec, ''] : [spec.slice(0, slash), spec.slice(slash + 1)];
    return (res === '*' || res === a.def.plural) && (s === '*' || s === sub);
  });
  if (!resOk) return false;
  const isNamespace = a.def.group === '' && a.def.plural === 'namespaces';
  switch (r.scope ?? '*') {
    case '*':
      break;
    case 'Namespaced':
      if (isNamespace || !a.namespace) return false;
      break;
    case 'Cluster':
      if (!isNamespace && a.namespace) return false;
      break;
    default:
      return false;
  }
  const names = r.resourceNames ?? [];
  return !names.length || names.includes(a.name);
}

/**
 * Whether any rule matches: exactly, or (matchPolicy Equivalent) with the rule naming the same
 * group and resource at another version, the only equivalence this server has.
 */
export function rulesMatch(rules: Rule[] | undefined, a: AdmissionAttributes, matchPolicy: string | undefined, withOperations = true): boolean {
  for (const r of rules ?? []) {
    if (ruleMatches(r, a, a.def.version, withOperations)) return true;
    if ((matchPolicy ?? 'Equivalent') === 'Equivalent') {
      for (const v of r.apiVersions ?? []) if (v !== '*' && v !== a.def.version && ruleMatches(r, a, v, withOperations)) return true;
    }
  }
  return false;
}

/** An absent or empty selector: it matches everything without looking at labels. */
const emptySelector = (sel: MetaLabelSelector | undefined): boolean => !sel || (!Object.keys(sel.matchLabels ?? {}).length && !(sel.matchExpressions ?? []).length);

function selectorMatches(sel: MetaLabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  return emptySelector(sel) || matches(selectorFromLabelSelector(sel), labels ?? {});
}

/** The labels of the request's namespace (a namespace's own labels when it is being written); 404 when it does not exist. */
export function namespaceLabels(a: AdmissionAttributes, api: ApiAccess): Record<string, string> {
  const isNamespace = a.def.group === '' && a.def.plural === 'namespaces';
  if (isNamespace && !a.subresource && (a.operation === 'CREATE' || a.operation === 'UPDATE')) return a.object?.metadata?.labels ?? {};
  const ns = requestNamespace(a);
  const obj = cachedObject(api, '', 'namespaces', undefined, ns);
  if (!obj) throw notFound({ group: '', resource: 'namespaces' }, ns);
  return obj.metadata?.labels ?? {};
}

/** MatchNamespaceSelector: cluster-scoped requests (other than namespaces) always match. */
export function namespaceSelectorMatches(sel: MetaLabelSelector | undefined, a: AdmissionAttributes, api: ApiAccess): boolean {
  const isNamespace = a.def.group === '' && a.def.plural === 'namespaces';
  if ((!a.namespace && !isNamespace) || emptySelector(sel)) return true;
  return selectorMatches(sel, namespaceLabels(a, api));
}

/** MatchObjectSelector: the new or the old object's labels. */
export function objectSelectorMatches(sel: MetaLabelSelector | undefined, a: AdmissionAttributes): boolean {
  if (emptySelector(sel)) return true;
  return (!!a.object && selectorMatches(sel, a.object.metadata?.labels)) || (!!a.oldObject && selectorMatches(sel, a.oldObject.metadata?.labels));
}

/**
 * A policy's matchConstraints or a binding's matchResources: selectors, then resource rules
 * (none: everything, for bindings), then no exclusion rule.
 */
export function matchResources(m: MatchResources | undefined, a: AdmissionAttributes, api: ApiAccess, requireRules: boolean): boolean {
  if (!m) return !requireRules;
  if (!namespaceSelectorMatches(m.namespaceSelector, a, api)) return false;
  if (!objectSelectorMatches(m.objectSelector, a)) return false;
  if ((m.resourceRules?.length || requireRules) && !rulesMatch(m.resourceRules, a, m.matchPolicy)) return false;
  return !(m.excludeResourceRules?.length && rulesMatch(m.excludeResourceRules, a, m.matchPolicy));
}
