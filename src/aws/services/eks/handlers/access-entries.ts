/**
 * Access entries and access policies (shared/research/eks-semantics.md §3): Create / Describe /
 * List / Update / DeleteAccessEntry, Associate / DisassociateAccessPolicy,
 * ListAssociatedAccessPolicies, ListAccessPolicies. Every access entry operation needs a cluster
 * in an API authentication mode (InvalidRequestException otherwise); associations live inside
 * their entry (../state.ts).
 */
import type { AwsContext, AwsHandler } from '../../../types.js';
import { ACCESS_ENTRY_TYPES, isServiceLinkedRole, newAccessEntry, parsePrincipal, RESERVED_USERNAME_PREFIXES } from '../access-entry-model.js';
import { ACCESS_POLICY_NAMES, accessPolicyArn, accessPolicyName } from '../access-policies.js';
import { eksError, MSG } from '../errors.js';
import { pageArray } from '../paging.js';
import { mutate, requireCluster, scopeOf, tables, type EksRuntime } from '../runtime.js';
import { childId, partitionOf, type AccessEntryRecord, type AccessScope, type Scope } from '../state.js';
import { accessEntryView, associatedPolicyView } from '../views.js';

const reservedUsername = (u: string): boolean => RESERVED_USERNAME_PREFIXES.some((p) => u.startsWith(p));

/** The access entry handlers. */
export function accessEntryHandlers(rt: EksRuntime): Record<string, AwsHandler> {
  /** The cluster, which must be in an API authentication mode. */
  async function apiCluster(scope: Scope, name: string) {
    const c = (await requireCluster(rt, scope, name)).value;
    if (c.accessConfig.authenticationMode === 'CONFIG_MAP') throw eksError('InvalidRequestException', MSG.authModeRequired, { clusterName: name });
    return c;
  }

  /** The entry of a principal, or ResourceNotFoundException. */
  async function requireEntry(scope: Scope, clusterName: string, principalArn: string): Promise<AccessEntryRecord> {
    const e = await tables(rt, scope).accessEntries.get(childId(clusterName, principalArn));
    if (!e) throw eksError('ResourceNotFoundException', MSG.accessEntryNotFound, { clusterName });
    return e.value;
  }

  /** Changes an entry with compare-and-swap; `change` may throw EKS errors. */
  async function changeEntry(scope: Scope, clusterName: string, principalArn: string, change: (e: AccessEntryRecord) => AccessEntryRecord): Promise<AccessEntryRecord> {
    const refusal: { err?: unknown } = {};
    const next = await mutate(tables(rt, scope).accessEntries, childId(clusterName, principalArn), (e) => {
      try {
        return change(e);
      } catch (err) {
        refusal.err = err;
        return undefined;
      }
    });
    if (refusal.err) throw refusal.err;
    if (!next) throw eksError('ResourceNotFoundException', MSG.accessEntryNotFound, { clusterName });
    return next;
  }

  const names = (ctx: AwsContext, input: Record<string, unknown>) => ({ scope: scopeOf(ctx), clusterName: input.clusterName as string, principalArn: input.principalArn as string });

  return {
    async CreateAccessEntry(input, ctx) {
      const { scope, clusterName, principalArn } = names(ctx, input);
      const f = { clusterName };
      await apiCluster(scope, clusterName);
      const p = parsePrincipal(principalArn);
      if (!p) throw eksError('InvalidParameterException', MSG.invalidPrincipal, f);
      if (isServiceLinkedRole(p)) throw eksError('InvalidParameterException', MSG.serviceLinkedRole, f);
      if (p.kind === 'role' && p.account === scope.account && !(await rt.iam.getRole(scope.account, principalArn))) throw eksError('InvalidParameterException', MSG.invalidPrincipal, f);
      const type = (input.type as string | undefined) ?? 'STANDARD';
      if (!(ACCESS_ENTRY_TYPES as readonly string[]).includes(type)) throw eksError('InvalidParameterException', MSG.invalidAccessEntryType(type), f);
      const groups = input.kubernetesGroups as string[] | undefined;
      const username = input.username as string | undefined;
      if (type !== 'STANDARD') {
        if (p.kind !== 'role' || p.account !== scope.account) throw eksError('InvalidParameterException', MSG.nonStandardNeedsRole(type), f);
        if (groups?.length || username !== undefined) throw eksError('InvalidParameterException', MSG.nonStandardNoGroups(type), f);
      }
      if (username !== undefined && reservedUsername(username)) throw eksError('InvalidParameterException', MSG.reservedUsername(username), f);
      const entry = newAccessEntry(scope, { clusterName, principalArn, p, type, username, kubernetesGroups: groups, tags: input.tags as Record<string, string> | undefined, now: rt.clock.now() });
      const token = input.clientRequestToken as string | undefined;
      entry.clientRequestToken = token;
      const t = tables(rt, scope).accessEntries;
      if (!(await t.create(childId(clusterName, principalArn), entry))) {
        const existing = await t.get(childId(clusterName, principalArn));
        if (token && existing?.value.clientRequestToken === token) return { accessEntry: accessEntryView(existing.value) };
        throw eksError('ResourceInUseException', MSG.accessEntryExists, f);
      }
      return { accessEntry: accessEntryView(entry) };
    },

    async DescribeAccessEntry(input, ctx) {
      const { scope, clusterName, principalArn } = names(ctx, input);
      await apiCluster(scope, clusterName);
      return { accessEntry: accessEntryView(await requireEntry(scope, clusterName, principalArn)) };
    },

    async ListAccessEntries(input, ctx) {
      const scope = scopeOf(ctx);
      const clusterName = input.clusterName as string;
      await apiCluster(scope, clusterName);
      const policy = input.associatedPolicyArn as string | undefined;
      const entries = (await tables(rt, scope).accessEntries.listUnder(`${clusterName}/`))
        .map((r) => r.value)
        .filter((e) => policy === undefined || e.associatedPolicies.some((a) => a.policyArn === policy));
      const { page, nextToken } = pageArray(entries, input, { clusterName });
      return { accessEntries: page.map((e) => e.principalArn), nextToken };
    },

    async UpdateAccessEntry(input, ctx) {
      const { scope, clusterName, principalArn } = names(ctx, input);
      const f = { clusterName };
      await apiCluster(scope, clusterName);
      const groups = input.kubernetesGroups as string[] | undefined;
      const username = input.username as string | undefined;
      if (username !== undefined && reservedUsername(username)) throw eksError('InvalidParameterException', MSG.reservedUsername(username), f);
      const now = rt.clock.now();
      const next = await changeEntry(scope, clusterName, principalArn, (e) => {
        if (e.type !== 'STANDARD' && (groups !== undefined || username !== undefined)) throw eksError('InvalidParameterException', MSG.standardOnly, f);
        return { ...e, kubernetesGroups: groups ?? e.kubernetesGroups, username: username ?? e.username, modifiedAt: now };
      });
      return { accessEntry: accessEntryView(next) };
    },

    async DeleteAccessEntry(input, ctx) {
      const { scope, clusterName, principalArn } = names(ctx, input);
      await apiCluster(scope, clusterName);
      if (!(await tables(rt, scope).accessEntries.delete(childId(clusterName, principalArn)))) throw eksError('ResourceNotFoundException', MSG.accessEntryNotFound, { clusterName });
      return {};
    },

    async AssociateAccessPolicy(input, ctx) {
      const { scope, clusterName, principalArn } = names(ctx, input);
      const f = { clusterName };
      await apiCluster(scope, clusterName);
      const policyArn = input.policyArn as string;
      if (!accessPolicyName(policyArn)) throw eksError('InvalidParameterException', MSG.invalidPolicyArn(policyArn), f);
      const req = input.accessScope as { type?: string; namespaces?: string[] };
      const type = req.type ?? 'cluster';
      const namespaces = req.namespaces ?? [];
      if (type === 'namespace' && !namespaces.length) throw eksError('InvalidParameterException', MSG.namespaceScopeNeedsNamespaces, f);
      if (type === 'cluster' && namespaces.length) throw eksError('InvalidParameterException', MSG.clusterScopeNoNamespaces, f);
      const accessScope: AccessScope = { type: type as AccessScope['type'], namespaces };
      const now = rt.clock.now();
      const next = await changeEntry(scope, clusterName, principalArn, (e) => {
        if (e.type !== 'STANDARD') throw eksError('InvalidParameterException', MSG.standardOnly, f);
        const prev = e.associatedPolicies.find((a) => a.policyArn === policyArn);
        const others = e.associatedPolicies.filter((a) => a.policyArn !== policyArn);
        const assoc = { policyArn, accessScope, associatedAt: prev?.associatedAt ?? now, modifiedAt: now };
        return { ...e, associatedPolicies: [...others, assoc].sort((a, b) => a.policyArn.localeCompare(b.policyArn)) };
      });
      const assoc = next.associatedPolicies.find((a) => a.policyArn === policyArn)!;
      return { clusterName, principalArn, associatedAccessPolicy: associatedPolicyView(assoc) };
    },

    async DisassociateAccessPolicy(input, ctx) {
      const { scope, clusterName, principalArn } = names(ctx, input);
      await apiCluster(scope, clusterName);
      const policyArn = input.policyArn as string;
      await changeEntry(scope, clusterName, principalArn, (e) => {
        if (!e.associatedPolicies.some((a) => a.policyArn === policyArn)) throw eksError('ResourceNotFoundException', MSG.policyNotAssociated(policyArn), { clusterName });
        return { ...e, associatedPolicies: e.associatedPolicies.filter((a) => a.policyArn !== policyArn) };
      });
      return {};
    },

    async ListAssociatedAccessPolicies(input, ctx) {
      const { scope, clusterName, principalArn } = names(ctx, input);
      await apiCluster(scope, clusterName);
      const e = await requireEntry(scope, clusterName, principalArn);
      const { page, nextToken } = pageArray(e.associatedPolicies, input, { clusterName });
      return { clusterName, principalArn, associatedAccessPolicies: page.map(associatedPolicyView), nextToken };
    },

    async ListAccessPolicies(input, ctx) {
      const partition = partitionOf(ctx.region);
      const { page, nextToken } = pageArray(ACCESS_POLICY_NAMES, input);
      return { accessPolicies: page.map((name) => ({ name, arn: accessPolicyArn(name, partition) })), nextToken };
    },
  };
}
