/**
 * IAM users and their access keys: thin handlers over IamState. Calls without a UserName act on
 * the calling user (IAM: "Must specify userName when calling with non-User credentials" for roles);
 * GetUser without a UserName as the root user answers the root's identity, as IAM does.
 */
import type { IamState, Tag } from '../../identity/index.js';
import type { AwsContext, AwsHandler } from '../../types.js';
import { callerUserName, listOutput, MSG_NON_USER, noSuchEntity, userKey, userOut, validationError } from './output.js';

type In = Record<string, unknown>;
const s = (v: unknown) => v as string;
const opt = (v: unknown) => v as string | undefined;

/** The UserName of the request, or the calling user's. */
function userNameOf(input: In, ctx: AwsContext): string {
  const name = opt(input.UserName) ?? callerUserName(ctx.principal);
  if (name === undefined) throw validationError(MSG_NON_USER);
  return name;
}

/** Handlers for users and access keys. UpdateUser (renames) needs IamState support and answers 501 until then. */
export function userHandlers(iam: IamState): Record<string, AwsHandler> {
  return {
    async CreateUser(input, ctx) {
      const u = await iam.createUser(ctx.account, { userName: s(input.UserName), path: opt(input.Path), tags: input.Tags as Tag[] | undefined, permissionsBoundary: opt(input.PermissionsBoundary) });
      return { User: userOut(u) };
    },
    async GetUser(input, ctx) {
      const p = ctx.principal;
      if (input.UserName === undefined && /:root$/.test(p.arn)) return { User: { UserId: p.account, Arn: p.arn, CreateDate: new Date(0) } };
      return { User: userOut(await iam.getUser(ctx.account, userNameOf(input, ctx))) };
    },
    async ListUsers(input, ctx) {
      return listOutput('Users', await iam.listUsers(ctx.account, opt(input.PathPrefix)), userKey, input, (u) => userOut(u, false));
    },
    async DeleteUser(input, ctx) {
      await iam.deleteUser(ctx.account, s(input.UserName));
      return {};
    },
    async TagUser(input, ctx) {
      await iam.tagUser(ctx.account, s(input.UserName), input.Tags as Tag[]);
      return {};
    },
    async UntagUser(input, ctx) {
      await iam.untagUser(ctx.account, s(input.UserName), input.TagKeys as string[]);
      return {};
    },
    async ListUserTags(input, ctx) {
      return listOutput('Tags', (await iam.getUser(ctx.account, s(input.UserName))).tags, (t) => t.Key, input);
    },

    async CreateAccessKey(input, ctx) {
      const k = await iam.createAccessKey(ctx.account, userNameOf(input, ctx));
      return { AccessKey: { UserName: k.userName, AccessKeyId: k.accessKeyId, Status: k.status, SecretAccessKey: k.secretAccessKey, CreateDate: k.createDate } };
    },
    async ListAccessKeys(input, ctx) {
      if (input.UserName === undefined && /:root$/.test(ctx.principal.arn)) return { AccessKeyMetadata: [], IsTruncated: false };
      const keys = await iam.listAccessKeys(ctx.account, userNameOf(input, ctx));
      return listOutput('AccessKeyMetadata', keys, (k) => k.accessKeyId, input, (k) => ({ UserName: k.userName, AccessKeyId: k.accessKeyId, Status: k.status, CreateDate: k.createDate }));
    },
    async UpdateAccessKey(input, ctx) {
      await iam.updateAccessKey(ctx.account, userNameOf(input, ctx), s(input.AccessKeyId), s(input.Status) as 'Active' | 'Inactive');
      return {};
    },
    async DeleteAccessKey(input, ctx) {
      await iam.deleteAccessKey(ctx.account, userNameOf(input, ctx), s(input.AccessKeyId));
      return {};
    },
    /** Key use is not recorded yet: IAM's answer for a key never used ("N/A"). */
    async GetAccessKeyLastUsed(input, ctx) {
      const id = s(input.AccessKeyId);
      for (const u of await iam.listUsers(ctx.account)) {
        if (u.accessKeyIds.includes(id)) return { UserName: u.userName, AccessKeyLastUsed: { ServiceName: 'N/A', Region: 'N/A' } };
      }
      throw noSuchEntity(`The Access Key with id ${id} cannot be found.`);
    },
  };
}
