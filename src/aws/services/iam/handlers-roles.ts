/**
 * IAM roles (trust policies, service-linked roles) and instance profiles: thin handlers over
 * IamState. Service-linked roles are ordinary roles under `/aws-service-role/<service>/` named
 * as AWS names them (AWSServiceRoleForAmazonEKS, …) and trusting their service; deleting one is
 * immediate, so every deletion task reports SUCCEEDED once the role is gone.
 */
import { randomUUID } from 'node:crypto';
import type { IamState, RoleRecord, Tag } from '../../identity/index.js';
import type { AwsHandler } from '../../types.js';
import { documentIn, listOutput, profileOut, roleKey, roleOut, validationError } from './output.js';

const s = (v: unknown) => v as string;
const opt = (v: unknown) => v as string | undefined;
const num = (v: unknown) => v as number | undefined;

/** Role names of the service-linked roles EKS setups meet (others: AWSServiceRoleFor + the service's first label). */
const SERVICE_LINKED_NAMES: Readonly<Record<string, string>> = {
  'eks.amazonaws.com': 'AWSServiceRoleForAmazonEKS',
  'eks-nodegroup.amazonaws.com': 'AWSServiceRoleForAmazonEKSNodegroup',
  'eks-fargate.amazonaws.com': 'AWSServiceRoleForAmazonEKSForFargate',
  'autoscaling.amazonaws.com': 'AWSServiceRoleForAutoScaling',
  'elasticloadbalancing.amazonaws.com': 'AWSServiceRoleForElasticLoadBalancing',
  'spot.amazonaws.com': 'AWSServiceRoleForEC2Spot',
  'ec2.amazonaws.com': 'AWSServiceRoleForEC2',
};

/** The name IAM gives the service-linked role of `service` (`CustomSuffix` appended after `_`). */
export function serviceLinkedRoleName(service: string, suffix?: string): string {
  const label = service.split('.')[0] ?? service;
  const base = SERVICE_LINKED_NAMES[service] ?? `AWSServiceRoleFor${label.charAt(0).toUpperCase()}${label.slice(1)}`;
  return suffix ? `${base}_${suffix}` : base;
}

const TASK = /^task\/aws-service-role\/([^/]+)\/([^/]+)\/[0-9a-f-]{36}$/;

async function rolesOf(iam: IamState, account: string, names: string[]): Promise<RoleRecord[]> {
  const out: RoleRecord[] = [];
  for (const n of names) out.push(await iam.getRole(account, n));
  return out;
}

/** Handlers for roles, service-linked roles and instance profiles (profile tagging needs IamState support: 501 until then). */
export function roleHandlers(iam: IamState): Record<string, AwsHandler> {
  return {
    async CreateRole(input, ctx) {
      const r = await iam.createRole(ctx.account, {
        roleName: s(input.RoleName), assumeRolePolicyDocument: documentIn(input.AssumeRolePolicyDocument), path: opt(input.Path), description: opt(input.Description),
        maxSessionDuration: num(input.MaxSessionDuration), tags: input.Tags as Tag[] | undefined, permissionsBoundary: opt(input.PermissionsBoundary),
      });
      return { Role: roleOut(r) };
    },
    async GetRole(input, ctx) {
      return { Role: roleOut(await iam.getRole(ctx.account, s(input.RoleName))) };
    },
    async ListRoles(input, ctx) {
      return listOutput('Roles', await iam.listRoles(ctx.account, opt(input.PathPrefix)), roleKey, input, (r) => roleOut(r, false));
    },
    async DeleteRole(input, ctx) {
      await iam.deleteRole(ctx.account, s(input.RoleName));
      return {};
    },
    async UpdateRole(input, ctx) {
      await iam.updateRole(ctx.account, s(input.RoleName), { description: opt(input.Description), maxSessionDuration: num(input.MaxSessionDuration) });
      return {};
    },
    async UpdateRoleDescription(input, ctx) {
      return { Role: roleOut(await iam.updateRole(ctx.account, s(input.RoleName), { description: s(input.Description) })) };
    },
    async UpdateAssumeRolePolicy(input, ctx) {
      await iam.updateAssumeRolePolicy(ctx.account, s(input.RoleName), documentIn(input.PolicyDocument));
      return {};
    },
    async TagRole(input, ctx) {
      await iam.tagRole(ctx.account, s(input.RoleName), input.Tags as Tag[]);
      return {};
    },
    async UntagRole(input, ctx) {
      await iam.untagRole(ctx.account, s(input.RoleName), input.TagKeys as string[]);
      return {};
    },
    async ListRoleTags(input, ctx) {
      return listOutput('Tags', (await iam.getRole(ctx.account, s(input.RoleName))).tags, (t) => t.Key, input);
    },

    async CreateServiceLinkedRole(input, ctx) {
      const service = s(input.AWSServiceName);
      if (!/^[a-z0-9.-]+\.amazonaws\.com$/.test(service)) throw validationError(`Invalid AWS service name: ${service}`);
      const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: [service] }, Action: ['sts:AssumeRole'] }] });
      const r = await iam.createRole(ctx.account, { roleName: serviceLinkedRoleName(service, opt(input.CustomSuffix)), path: `/aws-service-role/${service}/`, assumeRolePolicyDocument: trust, description: opt(input.Description) });
      return { Role: roleOut(r) };
    },
    async DeleteServiceLinkedRole(input, ctx) {
      const r = await iam.getRole(ctx.account, s(input.RoleName));
      const m = /^\/aws-service-role\/([^/]+)\/$/.exec(r.path);
      if (!m) throw validationError(`Role ${r.roleName} is not a service-linked role.`);
      for (const p of r.attachedPolicies) await iam.detachRolePolicy(ctx.account, r.roleName, p);
      for (const p of Object.keys(r.inlinePolicies)) await iam.deleteInlinePolicy(ctx.account, 'role', r.roleName, p);
      for (const p of await iam.listInstanceProfilesForRole(ctx.account, r.roleName)) await iam.removeRoleFromInstanceProfile(ctx.account, p.instanceProfileName, r.roleName);
      await iam.deleteRole(ctx.account, r.roleName);
      return { DeletionTaskId: `task/aws-service-role/${m[1]!}/${r.roleName}/${randomUUID()}` };
    },
    async GetServiceLinkedRoleDeletionStatus(input, ctx) {
      const m = TASK.exec(s(input.DeletionTaskId));
      if (!m) throw validationError(`Invalid deletion task id: ${s(input.DeletionTaskId)}`);
      const exists = await iam.getRole(ctx.account, m[2]!).then(() => true, () => false);
      return { Status: exists ? 'IN_PROGRESS' : 'SUCCEEDED' };
    },

    async CreateInstanceProfile(input, ctx) {
      const p = await iam.createInstanceProfile(ctx.account, { instanceProfileName: s(input.InstanceProfileName), path: opt(input.Path), tags: input.Tags as Tag[] | undefined });
      return { InstanceProfile: profileOut(p, []) };
    },
    async GetInstanceProfile(input, ctx) {
      const p = await iam.getInstanceProfile(ctx.account, s(input.InstanceProfileName));
      return { InstanceProfile: profileOut(p, await rolesOf(iam, ctx.account, p.roles)) };
    },
    async ListInstanceProfiles(input, ctx) {
      const all = await iam.listInstanceProfiles(ctx.account, opt(input.PathPrefix));
      const withRoles = await Promise.all(all.map(async (p) => profileOut(p, await rolesOf(iam, ctx.account, p.roles))));
      return listOutput('InstanceProfiles', withRoles, (p) => String(p.InstanceProfileName).toLowerCase(), input);
    },
    async ListInstanceProfilesForRole(input, ctx) {
      const role = await iam.getRole(ctx.account, s(input.RoleName));
      const all = await iam.listInstanceProfilesForRole(ctx.account, role.roleName);
      return listOutput('InstanceProfiles', all, (p) => p.instanceProfileName.toLowerCase(), input, (p) => profileOut(p, [role]));
    },
    async DeleteInstanceProfile(input, ctx) {
      await iam.deleteInstanceProfile(ctx.account, s(input.InstanceProfileName));
      return {};
    },
    async AddRoleToInstanceProfile(input, ctx) {
      await iam.addRoleToInstanceProfile(ctx.account, s(input.InstanceProfileName), s(input.RoleName));
      return {};
    },
    async RemoveRoleFromInstanceProfile(input, ctx) {
      await iam.removeRoleFromInstanceProfile(ctx.account, s(input.InstanceProfileName), s(input.RoleName));
      return {};
    },
    async ListInstanceProfileTags(input, ctx) {
      return listOutput('Tags', (await iam.getInstanceProfile(ctx.account, s(input.InstanceProfileName))).tags, (t) => t.Key, input);
    },
  };
}

