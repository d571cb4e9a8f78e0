/**
 * IAM OpenID Connect providers (an EKS cluster's issuer registered for IRSA): thin handlers over
 * IamState. Adding/removing client ids and tagging a provider need IamState support and answer
 * 501 until then.
 */
import type { IamState, Tag } from '../../identity/index.js';
import type { AwsHandler } from '../../types.js';
import { listOutput } from './output.js';

const s = (v: unknown) => v as string;

/** Handlers for OIDC providers. */
export function oidcHandlers(iam: IamState): Record<string, AwsHandler> {
  return {
    async CreateOpenIDConnectProvider(input, ctx) {
      const p = await iam.createOpenIdConnectProvider(ctx.account, { url: s(input.Url), clientIdList: input.ClientIDList as string[] | undefined, thumbprintList: input.ThumbprintList as string[] | undefined, tags: input.Tags as Tag[] | undefined });
      return { OpenIDConnectProviderArn: p.arn, ...(p.tags.length ? { Tags: p.tags } : {}) };
    },
    async GetOpenIDConnectProvider(input) {
      const p = await iam.getOpenIdConnectProvider(s(input.OpenIDConnectProviderArn));
      return { Url: p.url.replace(/^https:\/\//, ''), ClientIDList: p.clientIdList, ThumbprintList: p.thumbprintList, CreateDate: p.createDate, ...(p.tags.length ? { Tags: p.tags } : {}) };
    },
    async ListOpenIDConnectProviders(_input, ctx) {
      return { OpenIDConnectProviderList: (await iam.listOpenIdConnectProviders(ctx.account)).map((p) => ({ Arn: p.arn })) };
    },
    async UpdateOpenIDConnectProviderThumbprint(input) {
      await iam.updateOpenIdConnectProviderThumbprint(s(input.OpenIDConnectProviderArn), input.ThumbprintList as string[]);
      return {};
    },
    async DeleteOpenIDConnectProvider(input) {
      await iam.deleteOpenIdConnectProvider(s(input.OpenIDConnectProviderArn));
      return {};
    },
    async ListOpenIDConnectProviderTags(input) {
      return listOutput('Tags', (await iam.getOpenIdConnectProvider(s(input.OpenIDConnectProviderArn))).tags, (t) => t.Key, input);
    },
  };
}
