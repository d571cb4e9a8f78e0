/**
 * IAM managed policies (customer ones with versions, AWS ones attachable by ARN), attachments and
 * inline policies of users and roles: thin handlers over IamState. Documents are stored decoded and
 * leave URL-encoded (./output.ts).
 */
import type { IamState, PolicyHolderKind, Tag } from '../../identity/index.js';
import type { AwsHandler } from '../../types.js';
import { documentIn, listOutput, policyOut, policyPath, versionOut } from './output.js';

type In = Record<string, unknown>;
const s = (v: unknown) => v as string;
const opt = (v: unknown) => v as string | undefined;

function attachHandlers(iam: IamState, kind: 'user' | 'role', Kind: 'User' | 'Role', nameMember: 'UserName' | 'RoleName'): Record<string, AwsHandler> {
  return {
    async [`Attach${Kind}Policy`](input: In, ctx) {
      await iam.attachPolicy(ctx.account, kind, s(input[nameMember]), s(input.PolicyArn));
      return {};
    },
    async [`Detach${Kind}Policy`](input: In, ctx) {
      await iam.detachPolicy(ctx.account, kind, s(input[nameMember]), s(input.PolicyArn));
      return {};
    },
    async [`ListAttached${Kind}Policies`](input: In, ctx) {
      const prefix = opt(input.PathPrefix) ?? '/';
      const all = (await iam.listAttachedPolicies(ctx.account, kind, s(input[nameMember]))).filter((p) => policyPath(p.policyArn).startsWith(prefix));
      return listOutput('AttachedPolicies', all, (p) => p.policyArn, input, (p) => ({ PolicyName: p.policyName, PolicyArn: p.policyArn }));
    },
    async [`Put${Kind}Policy`](input: In, ctx) {
      await iam.putInlinePolicy(ctx.account, kind, s(input[nameMember]), s(input.PolicyName), documentIn(input.PolicyDocument));
      return {};
    },
    async [`Get${Kind}Policy`](input: In, ctx) {
      const name = s(input[nameMember]);
      const doc = await iam.getInlinePolicy(ctx.account, kind, name, s(input.PolicyName));
      return { [nameMember]: name, PolicyName: s(input.PolicyName), PolicyDocument: doc };
    },
    async [`Delete${Kind}Policy`](input: In, ctx) {
      await iam.deleteInlinePolicy(ctx.account, kind, s(input[nameMember]), s(input.PolicyName));
      return {};
    },
    async [`List${Kind}Policies`](input: In, ctx) {
      return listOutput('PolicyNames', await iam.listInlinePolicies(ctx.account, kind, s(input[nameMember])), (n) => n, input);
    },
  };
}

/** The entity kinds ListEntitiesForPolicy's EntityFilter keeps. */
const ENTITY_FILTER: Readonly<Record<string, PolicyHolderKind[]>> = { User: ['user'], Role: ['role'], Group: ['group'] };

/** Handlers for managed policies, attachments and inline policies of users and roles. */
export function policyHandlers(iam: IamState): Record<string, AwsHandler> {
  const attachments = async (account: string, arn: string) => {
    const e = await iam.policyEntities(account, arn);
    return e.users.length + e.roles.length + e.groups.length;
  };
  return {
    async CreatePolicy(input, ctx) {
      const p = await iam.createPolicy(ctx.account, { policyName: s(input.PolicyName), policyDocument: documentIn(input.PolicyDocument), path: opt(input.Path), description: opt(input.Description), tags: input.Tags as Tag[] | undefined });
      return { Policy: policyOut(p, 0) };
    },
    async GetPolicy(input, ctx) {
      const p = await iam.getPolicy(s(input.PolicyArn));
      return { Policy: policyOut(p, await attachments(ctx.account, p.arn)) };
    },
    async ListPolicies(input, ctx) {
      if (input.PolicyUsageFilter === 'PermissionsBoundary') return { Policies: [], IsTruncated: false };
      const all = await iam.listPolicies(ctx.account, { scope: opt(input.Scope) as 'All' | 'AWS' | 'Local' | undefined, onlyAttached: input.OnlyAttached === true, pathPrefix: opt(input.PathPrefix) });
      return listOutput('Policies', all, (p) => p.arn, input, (p) => policyOut(p, p.attachmentCount, false));
    },
    async DeletePolicy(input, ctx) {
      await iam.deletePolicy(ctx.account, s(input.PolicyArn));
      return {};
    },
    async CreatePolicyVersion(input) {
      const v = await iam.createPolicyVersion(s(input.PolicyArn), documentIn(input.PolicyDocument), input.SetAsDefault === true);
      return { PolicyVersion: versionOut(v, false) };
    },
    async GetPolicyVersion(input) {
      return { PolicyVersion: versionOut(await iam.getPolicyVersion(s(input.PolicyArn), s(input.VersionId)), true) };
    },
    async ListPolicyVersions(input) {
      const versions = await iam.listPolicyVersions(s(input.PolicyArn));
      return listOutput('Versions', versions, (v) => String(1e9 - Number(v.versionId.slice(1))).padStart(10, '0'), input, (v) => versionOut(v, false));
    },
    async DeletePolicyVersion(input) {
      await iam.deletePolicyVersion(s(input.PolicyArn), s(input.VersionId));
      return {};
    },
    async SetDefaultPolicyVersion(input) {
      await iam.setDefaultPolicyVersion(s(input.PolicyArn), s(input.VersionId));
      return {};
    },
    async TagPolicy(input) {
      await iam.tagPolicy(s(input.PolicyArn), input.Tags as Tag[]);
      return {};
    },
    async UntagPolicy(input) {
      await iam.untagPolicy(s(input.PolicyArn), input.TagKeys as string[]);
      return {};
    },
    async ListPolicyTags(input) {
      return listOutput('Tags', (await iam.getPolicy(s(input.PolicyArn))).tags, (t) => t.Key, input);
    },
    async ListEntitiesForPolicy(input, ctx) {
      const e = await iam.policyEntities(ctx.account, s(input.PolicyArn));
      const filter = opt(input.EntityFilter);
      const keep = (k: PolicyHolderKind) => filter === undefined || !ENTITY_FILTER[filter] || ENTITY_FILTER[filter]!.includes(k);
      const prefix = opt(input.PathPrefix) ?? '/';
      const users = keep('user') ? await Promise.all(e.users.map((n) => iam.getUser(ctx.account, n))) : [];
      const roles = keep('role') ? await Promise.all(e.roles.map((n) => iam.getRole(ctx.account, n))) : [];
      const groups = keep('group') ? await Promise.all(e.groups.map(async (n) => (await iam.getGroup(ctx.account, n)).group)) : [];
      return {
        PolicyUsers: users.filter((u) => u.path.startsWith(prefix)).map((u) => ({ UserName: u.userName, UserId: u.userId })),
        PolicyRoles: roles.filter((r) => r.path.startsWith(prefix)).map((r) => ({ RoleName: r.roleName, RoleId: r.roleId })),
        PolicyGroups: groups.filter((g) => g.path.startsWith(prefix)).map((g) => ({ GroupName: g.groupName, GroupId: g.groupId })),
        IsTruncated: false,
      };
    },
    ...attachHandlers(iam, 'user', 'User', 'UserName'),
    ...attachHandlers(iam, 'role', 'Role', 'RoleName'),
  };
}
