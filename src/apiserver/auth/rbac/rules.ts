/**
 * Policy rule semantics, as k8s.io/kubernetes pkg/apis/rbac/v1 (VerbMatches, ResourceMatches, …)
 * and pkg/registry/rbac/validation (Covers, BreakdownRule, CompactRules, CompactString): whether a
 * rule allows a request, and whether one set of rules covers another (the escalation check).
 */
import type { PolicyRule } from '../../registry/rbac/rules.js';
import type { AuthorizationAttributes } from '../types.js';

export type { PolicyRule };

/** The request fields a rule is matched against (a subset of AuthorizationAttributes). */
export type RuleRequest = Pick<AuthorizationAttributes, 'verb' | 'isResourceRequest' | 'path' | 'apiGroup' | 'resource' | 'subresource' | 'name'>;

const has = (list: readonly string[] | undefined, v: string): boolean => !!list && list.includes(v);

/** `resource` with a subresource rule: exact `pods/log`, `*`, or `*\/log` for any resource's log. */
function resourceMatches(rule: PolicyRule, combined: string, subresource: string | undefined): boolean {
  for (const r of rule.resources ?? []) {
    if (r === '*' || r === combined) return true;
    if (subresource && r.length === subresource.length + 2 && r.startsWith('*/') && r.endsWith(subresource)) return true;
  }
  return false;
}

/** A non-resource URL rule: exact, `*`, or a prefix ending in `*`. */
export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  for (const u of rule.nonResourceURLs ?? []) {
    if (u === '*' || u === path) return true;
    if (u.endsWith('*') && path.startsWith(u.slice(0, -1))) return true;
  }
  return false;
}

/** RuleAllows: whether one rule grants the request. */
export function ruleAllows(a: RuleRequest, rule: PolicyRule): boolean {
  const verbs = rule.verbs;
  if (!verbs || !(has(verbs, '*') || has(verbs, a.verb))) return false;
  if (!a.isResourceRequest) return nonResourceURLMatches(rule, a.path);
  const groups = rule.apiGroups;
  if (!groups || !(has(groups, '*') || has(groups, a.apiGroup))) return false;
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  if (!resourceMatches(rule, combined, a.subresource)) return false;
  const names = rule.resourceNames;
  return !names || names.length === 0 || (!!a.name && names.includes(a.name));
}

/** RulesAllow: whether any of the rules grants the request. */
export function rulesAllow(a: RuleRequest, rules: readonly PolicyRule[]): boolean {
  for (const r of rules) if (ruleAllows(a, r)) return true;
  return false;
}

/** BreakdownRule: one rule per (group, resource, verb[, name]) and per (URL, verb). */
export function breakdownRule(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  const verbs = rule.verbs ?? [];
  for (const g of rule.apiGroups ?? [])
    for (const r of rule.resources ?? [])
      for (const v of verbs) {
        if (rule.resourceNames?.length) for (const n of rule.resourceNames) out.push({ apiGroups: [g], resources: [r], verbs: [v], resourceNames: [n] });
        else out.push({ apiGroups: [g], resources: [r], verbs: [v] });
      }
  for (const u of rule.nonResourceURLs ?? []) for (const v of verbs) out.push({ nonResourceURLs: [u], verbs: [v] });
  return out;
}

const hasAll = (set: readonly string[] | undefined, want: readonly string[] | undefined): boolean => (want ?? []).every((w) => has(set, w));

function resourceCoversAll(set: readonly string[] | undefined, want: readonly string[] | undefined): boolean {
  if (has(set, '*') || hasAll(set, want)) return true;
  for (const path of want ?? []) {
    if (has(set, path)) continue;
    const slash = path.indexOf('/');
    if (slash < 0 || !has(set, `*/${path.slice(slash + 1)}`)) return false;
  }
  return true;
}

function nonResourceURLCovers(owner: string, sub: string): boolean {
  return owner === sub || (owner.endsWith('*') && sub.startsWith(owner.replace(/\*+$/, '')));
}

/** ruleCovers: whether `owner` grants everything the (broken-down) `sub` rule grants. */
function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
  const verbs = has(owner.verbs, '*') || hasAll(owner.verbs, sub.verbs);
  const groups = has(owner.apiGroups, '*') || hasAll(owner.apiGroups, sub.apiGroups);
  const resources = resourceCoversAll(owner.resources, sub.resources);
  const urls = (sub.nonResourceURLs ?? []).every((p) => (owner.nonResourceURLs ?? []).some((o) => nonResourceURLCovers(o, p)));
  const names = !owner.resourceNames?.length || (!!sub.resourceNames?.length && hasAll(owner.resourceNames, sub.resourceNames));
  return verbs && groups && resources && urls && names;
}

/** Covers: whether `owner` rules grant everything `servant` rules grant; the missing pieces if not. */
export function covers(owner: readonly PolicyRule[], servant: readonly PolicyRule[]): { covered: boolean; missing: PolicyRule[] } {
  const missing: PolicyRule[] = [];
  for (const rule of servant) for (const sub of breakdownRule(rule)) if (!owner.some((o) => ruleCovers(o, sub))) missing.push(sub);
  return { covered: missing.length === 0, missing };
}

/** CompactRules: simple rules (one group, one resource, at most one name) that differ only in verbs are merged. */
export function compactRules(rules: readonly PolicyRule[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const r of rules) {
    const isSimple = r.apiGroups?.length === 1 && r.resources?.length === 1 && (r.resourceNames?.length ?? 0) <= 1 && !r.nonResourceURLs?.length;
    if (!isSimple) {
      out.push(r);
      continue;
    }
    const key = JSON.stringify([r.apiGroups![0], r.resources![0], r.resourceNames?.[0] ?? null]);
    const existing = simple.get(key);
    if (!existing) simple.set(key, { ...r, verbs: [...(r.verbs ?? [])] });
    else for (const v of r.verbs ?? []) if (!existing.verbs!.includes(v)) existing.verbs!.push(v);
  }
  return [...out, ...simple.values()];
}

/** Go's `%q` of a []string: `["a" "b"]`. */
export function goQuoteList(list: readonly string[]): string {
  return `[${list.map((s) => JSON.stringify(s)).join(' ')}]`;
}

/** CompactString: `{APIGroups:[""], Resources:["pods"], Verbs:["create"]}`. */
export function compactString(r: PolicyRule): string {
  const parts: string[] = [];
  if (r.apiGroups?.length) parts.push(`APIGroups:${goQuoteList(r.apiGroups)}`);
  if (r.resources?.length) parts.push(`Resources:${goQuoteList(r.resources)}`);
  if (r.nonResourceURLs?.length) parts.push(`NonResourceURLs:${goQuoteList(r.nonResourceURLs)}`);
  if (r.resourceNames?.length) parts.push(`ResourceNames:${goQuoteList(r.resourceNames)}`);
  if (r.verbs?.length) parts.push(`Verbs:${goQuoteList(r.verbs)}`);
  return `{${parts.join(', ')}}`;
}

/** Simple glob matching for names with `*` wildcards (EKS access scopes such as `dev-*`). */
export function globMatches(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  const parts = pattern.split('*');
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (!value.startsWith(first) || value.length < first.length + last.length || !value.endsWith(last)) return false;
  let at = first.length;
  const end = value.length - last.length;
  for (const mid of parts.slice(1, -1)) {
    const i = value.indexOf(mid, at);
    if (i < 0 || i + mid.length > end) return false;
    at = i + mid.length;
  }
  return true;
}
