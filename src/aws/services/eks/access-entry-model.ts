/**
 * Access entries' rules as data and small functions (shared/research/eks-semantics.md §3):
 * principal ARNs, entry ARNs, the types and their default usernames and groups, and the
 * cluster creator's admin entry.
 */
import { randomUUID } from 'node:crypto';
import { accessPolicyArn, CLUSTER_ADMIN_POLICY } from './access-policies.js';
import { childId, eksArn, partitionOf, tableOf, KIND, type AccessEntryRecord, type ClusterRecord, type Scope } from './state.js';
import type { Store } from '../../../store/types.js';

/** The access entry types of the model's documentation. */
export const ACCESS_ENTRY_TYPES = ['STANDARD', 'EC2_LINUX', 'EC2_WINDOWS', 'FARGATE_LINUX', 'HYBRID_LINUX', 'HYPERPOD_LINUX', 'EC2'] as const;

/** Username prefixes EKS reserves for itself. */
export const RESERVED_USERNAME_PREFIXES = ['system:', 'eks:', 'aws:', 'amazon:', 'iam:'] as const;

/** An IAM principal ARN taken apart (users, roles — with paths — and the account root). */
export interface PrincipalParts {
  partition: string;
  account: string;
  kind: 'user' | 'role' | 'root';
  /** Path and name after `user/` or `role/` (`root` for the root). */
  path: string;
  /** The last path segment. */
  name: string;
}

/** Parses an IAM user, role or root ARN; undefined for anything else. */
export function parsePrincipal(arn: string): PrincipalParts | undefined {
  const root = /^arn:(aws[a-z-]*):iam::(\d{12}):root$/.exec(arn);
  if (root) return { partition: root[1]!, account: root[2]!, kind: 'root', path: 'root', name: 'root' };
  const m = /^arn:(aws[a-z-]*):iam::(\d{12}):(user|role)\/([\w+=,.@\-/]+)$/.exec(arn);
  if (!m || m[4]!.endsWith('/') || m[4]!.includes('//')) return undefined;
  const path = m[4]!;
  return { partition: m[1]!, account: m[2]!, kind: m[3] as 'user' | 'role', path, name: path.slice(path.lastIndexOf('/') + 1) };
}

/** Whether a role ARN names a service-linked role (`role/aws-service-role/…`). */
export function isServiceLinkedRole(p: PrincipalParts): boolean {
  return p.kind === 'role' && p.path.startsWith('aws-service-role/');
}

/** `arn:aws:eks:R:A:access-entry/CLUSTER/role|user/ACCT/NAME/UUID` (semantics doc §0). */
export function accessEntryArn(scope: Scope, clusterName: string, p: PrincipalParts): string {
  return eksArn(scope, `access-entry/${clusterName}/${p.kind}/${p.account}/${p.name}/${randomUUID()}`);
}

/**
 * The username and groups an entry gets when none are given: IAM users and the root map to their
 * ARN, STANDARD roles to the assumed-role ARN with a `{{SessionName}}` template (path dropped),
 * node types to `system:node:…` in `system:nodes` (semantics doc §3; FARGATE_LINUX, HYBRID_LINUX,
 * HYPERPOD_LINUX and EC2 groups UNVERIFIED, by analogy with EC2_LINUX).
 */
export function defaultIdentity(type: string, p: PrincipalParts, principalArn: string): { username: string; groups: string[] } {
  switch (type) {
    case 'EC2_LINUX':
    case 'EC2_WINDOWS':
    case 'EC2':
    case 'HYPERPOD_LINUX':
      return { username: 'system:node:{{EC2PrivateDNSName}}', groups: ['system:nodes'] };
    case 'FARGATE_LINUX':
    case 'HYBRID_LINUX':
      return { username: 'system:node:{{SessionName}}', groups: ['system:nodes'] };
    default:
      if (p.kind === 'role') return { username: `arn:${p.partition}:sts::${p.account}:assumed-role/${p.name}/{{SessionName}}`, groups: [] };
      return { username: principalArn, groups: [] };
  }
}

/** A new access entry record (no policies). */
export function newAccessEntry(scope: Scope, input: { clusterName: string; principalArn: string; p: PrincipalParts; type: string; username?: string; kubernetesGroups?: string[]; tags?: Record<string, string>; now: number }): AccessEntryRecord {
  const d = defaultIdentity(input.type, input.p, input.principalArn);
  return {
    clusterName: input.clusterName,
    principalArn: input.principalArn,
    kubernetesGroups: input.kubernetesGroups ?? d.groups,
    accessEntryArn: accessEntryArn(scope, input.clusterName, input.p),
    createdAt: input.now,
    modifiedAt: input.now,
    tags: input.tags ?? {},
    username: input.username ?? d.username,
    type: input.type,
    associatedPolicies: [],
  };
}

/**
 * Creates the creator's admin entry of a cluster in an API authentication mode with
 * `bootstrapClusterCreatorAdminPermissions` (STANDARD, AmazonEKSClusterAdminPolicy at cluster
 * scope). Idempotent: an existing entry for the principal is left alone.
 */
export async function bootstrapCreatorEntry(store: Store, scope: Scope, c: ClusterRecord, now: number): Promise<void> {
  if (c.accessConfig.authenticationMode === 'CONFIG_MAP' || !c.accessConfig.bootstrapClusterCreatorAdminPermissions) return;
  const p = parsePrincipal(c.creatorArn);
  if (!p) return;
  const entry = newAccessEntry(scope, { clusterName: c.name, principalArn: c.creatorArn, p, type: 'STANDARD', now });
  entry.associatedPolicies.push({
    policyArn: accessPolicyArn(CLUSTER_ADMIN_POLICY, partitionOf(scope.region)),
    accessScope: { type: 'cluster', namespaces: [] },
    associatedAt: now,
    modifiedAt: now,
  });
  await tableOf<AccessEntryRecord>(store, scope, KIND.accessEntries).create(childId(c.name, c.creatorArn), entry);
}

/**
 * The EC2_LINUX entry EKS makes for a managed node group's node role in the API authentication
 * modes, so its instances can join (in CONFIG_MAP mode EKS maps the role in aws-auth instead).
 * Idempotent: an existing entry for the role — the user's own, or another node group's — is kept.
 */
export async function bootstrapNodeRoleEntry(store: Store, scope: Scope, c: ClusterRecord, nodeRoleArn: string, now: number): Promise<void> {
  if (c.accessConfig.authenticationMode === 'CONFIG_MAP') return;
  const p = parsePrincipal(nodeRoleArn);
  if (!p || p.kind !== 'role') return;
  const entry = newAccessEntry(scope, { clusterName: c.name, principalArn: nodeRoleArn, p, type: 'EC2_LINUX', now });
  await tableOf<AccessEntryRecord>(store, scope, KIND.accessEntries).create(childId(c.name, nodeRoleArn), entry);
}
